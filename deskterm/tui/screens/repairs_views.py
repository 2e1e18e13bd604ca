"""What the repairs area shows: the columns and rows of its four lists (the deadline board,
repair callbacks, fee reviews, all orders) and the details of the highlighted order.

Rows of the board are rebuilt from memory every second (live countdowns); the database is read
by the screen's workers only.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from deskterm.config import Settings
from deskterm.i18n import N_, _
from deskterm.models.repair import RepairScope
from deskterm.rules.money import format_quantity, format_yuan
from deskterm.rules.phone import mask_phone
from deskterm.rules.sla import SlaState, format_countdown
from deskterm.services.repairs.labels import (
    bearer_label,
    category_name,
    class_label,
    result_label,
    review_label,
    settlement_label,
    sla_label,
    status_label,
)
from deskterm.services.repairs.queries import BoardRow, OrderDetail, governing_deadline, order_state
from deskterm.services.repairs.settlement import quotation_skipped
from deskterm.tui import fmt
from deskterm.tui.widgets.record_list import Column, Row
from deskterm.tui.widgets.sla import format_span
from deskterm.tui.widgets.text import clean

CLASS_SHORT = {"urgent": N_("URG"), "general": N_("gen")}
ACTION_WORDS = {
    "create": N_("reported"),
    "dispatch": N_("dispatched"),
    "arrive": N_("on site"),
    "repair": N_("repaired"),
    "accept": N_("work accepted"),
    "called_back": N_("called back"),
    "close": N_("closed"),
    "cancel": N_("cancelled"),
    "hold": N_("on hold"),
    "resume": N_("resumed"),
    "edit": N_("corrected"),
    "reopen": N_("reopened"),
    "fee_add": N_("fee added"),
    "fee_approve": N_("fee approved"),
    "fee_reject": N_("fee rejected"),
    "fee_accept": N_("fee accepted"),
    "warranty_link": N_("linked to warranty"),
    "warranty_unlink": N_("warranty unlinked"),
    "settle": N_("settled"),
    "cost_bearer": N_("cost bearer set"),
    "estimate": N_("estimated"),
    "estimate_lower": N_("estimate lowered, no quotation"),
    "quote": N_("quoted"),
    "quote_accept": N_("quote accepted"),
}
STATE_STYLE = {SlaState.OVERDUE: "overdue", SlaState.NEAR: "near"}
DETAIL_LINES = 8  # what the pane under the list shows at 80x24


def short_class(value: str) -> Text:
    return Text(
        _(CLASS_SHORT.get(str(value), str(value))),
        style="bold red" if str(value) == "urgent" else "",
    )


def countdown(due: datetime, now: datetime, state: SlaState) -> Text:
    """ "1:05:09", "3d 02:00", "-0:12:00": red once late, amber when near."""
    style = {SlaState.OVERDUE: "bold red", SlaState.NEAR: "dark_orange"}.get(state, "")
    # TRANSLATORS: days, hours and minutes left; keep "-12d 00:01" within the 10 columns of "Left"
    days_format = _("{days}d {hours:02d}:{minutes:02d}")
    return Text(format_countdown(due - now, days_format), style=style)


def board_columns() -> list[Column]:
    return [
        Column(_("No."), 14),
        Column(_("Cl."), 4),
        Column(_("Place"), 9),
        Column(_("Category"), 0),
        Column(_("Status"), 10),
        Column(_("Engineer"), 8),
        Column(_("Left"), 10, "right"),
    ]


def board_row(row: BoardRow, now: datetime, settings: Settings) -> Row:
    state = row.state
    marks = ""
    if row.fee_review_pending:
        marks += "¥?"
    if row.reopen_count:
        marks += f"↻{row.reopen_count}"
    if row.warranty:
        marks += "W"
    if row.appointment_after_deadline:
        marks += "A"  # the resident chose a time after the fix deadline
    status = Text(status_label(row.status))
    if state == SlaState.MISSED:
        status = Text("!" + status.plain, style="red")
    if marks:
        status = Text(marks + " ", style="bold") + status
    due = countdown(row.due_at, now, state)
    if row.due_kind == "onsite":
        due = Text("⚑", style=due.style) + due
    engineer = Text(row.assignee or "")
    if row.dispatch_due_at is not None and now > row.dispatch_due_at:  # D-36: at once
        engineer = Text(_("⚠ unsent"), style="bold red")
    return Row(
        row.id,
        [
            row.number,
            short_class(row.repair_class),
            row.place,
            category_name(row.category, row.category_code),
            status,
            engineer,
            due,
        ],
        style=STATE_STYLE.get(state, ""),
        data=row,
    )


def callback_columns() -> list[Column]:
    return [
        Column(_("Due"), 11),
        Column(_("No."), 14),
        Column(_("Place"), 9),
        Column(_("Reporter"), 8),
        Column(_("Tries"), 5, "right"),
        Column(_("About"), 0),
    ]


def callback_row(item, now: datetime, settings: Settings) -> Row:
    cb = item.callback
    style = "overdue" if item.overdue else ""
    return Row(
        cb.id,
        [
            fmt.day_hm(cb.due_at, settings.timezone),
            item.number,
            item.unit,
            item.who,
            str(cb.attempts),
            item.about,
        ],
        style=style,
        data=item,
    )


def review_columns() -> list[Column]:
    return [
        Column(_("No."), 14),
        Column(_("Item"), 0),
        Column(_("Qty"), 5, "right"),
        Column(_("Proposed"), 10, "right"),
        Column(_("Added"), 11),
    ]


def review_row(line, order, settings: Settings) -> Row:
    return Row(
        line.id,
        [
            order.number,
            line.description,
            f"{format_quantity(line.quantity)}{line.unit}",
            format_yuan(line.amount_fen),
            fmt.day_hm(line.added_at, settings.timezone),
        ],
        style="near",
        data=(line, order),
    )


def all_columns() -> list[Column]:
    return [
        Column(_("No."), 14),
        Column(_("Reported"), 11),
        Column(_("Place"), 9),
        Column(_("Reporter"), 8),
        Column(_("What"), 0),
        Column(_("Status"), 10),
    ]


def all_row(order, label: str | None, now: datetime, settings: Settings) -> Row:
    state = order_state(order, now, settings.sla)
    style = (
        STATE_STYLE.get(state, "")
        if order.status in ("reported", "dispatched", "on_site", "on_hold")
        else "muted"
    )
    return Row(
        order.id,
        [
            order.number,
            fmt.day_hm(order.reported_at, settings.timezone),
            label or order.location,
            order.reporter_name,
            order.description,
            status_label(order.status),
        ],
        style=style,
        data=order,
    )


# -- the details of one order ---------------------------------------------------------------
def _line(*parts: tuple[str, str]) -> Text:
    text = Text(no_wrap=True, end="")
    for i, (value, style) in enumerate(p for p in parts if p[0]):
        if i:
            text.append(" · ", style="dim")
        text.append(clean(value, one_line=True), style=style)
    return text


def detail_text(detail: OrderDetail | None, now: datetime, settings: Settings) -> Text:
    if detail is None:
        return Text("")
    o = detail.order
    tz = settings.timezone
    lines: list[Text] = []
    where = detail.place
    who = o.reporter_name + (f" {mask_phone(o.reporter_contact)}" if o.reporter_contact else "")
    lines.append(
        _line(
            (o.number, "bold"),
            (status_label(o.status), "reverse"),
            (class_label(o.repair_class), "bold red" if o.repair_class == "urgent" else ""),
            (where, "bold"),
            (who, ""),
            (category_name(detail.category, o.category_code), ""),
        )
    )
    lines.append(_line((o.description, "")))
    state = order_state(o, now, settings.sla)
    due, _kind = governing_deadline(o)
    deadline = []
    if o.status in ("reported", "dispatched", "on_site", "on_hold"):
        if now > due:
            deadline.append((_("{span} late").format(span=format_span(now - due)), "bold red"))
        else:
            deadline.append(
                (
                    _("{span} left").format(span=format_span(due - now)),
                    "dark_orange" if state == SlaState.NEAR else "",
                )
            )
    if o.onsite_due_at is not None:
        deadline.append((_("on site by {t}").format(t=fmt.day_hm(o.onsite_due_at, tz)), ""))
    deadline.append((_("fixed by {t}").format(t=fmt.day_hm(o.fix_due_at, tz)), "bold"))
    if o.repaired_at is not None:  # met or missed, once repaired (D-31)
        deadline.insert(0, (sla_label(state), "bold red" if state == SlaState.MISSED else ""))
    if o.appointment_at is not None:
        deadline.append((_("appointment {t}").format(t=fmt.day_hm(o.appointment_at, tz)), ""))
        if o.appointment_after_deadline:
            deadline.append((_("after the deadline, resident's choice"), "dark_orange"))
    deadline.append((_("reported {t}").format(t=fmt.day_hm(o.reported_at, tz)), ""))
    lines.append(_line(*deadline))
    steps = []
    if o.assignee:
        steps.append((_("engineer {name}").format(name=o.assignee), ""))
    for label, value in (
        (N_("dispatched {t}"), o.dispatched_at),
        (N_("on site {t}"), o.arrived_at),
        (N_("repaired {t}"), o.repaired_at),
        (N_("closed {t}"), o.closed_at),
    ):
        if value is not None:
            steps.append((_(label).format(t=fmt.day_hm(value, tz)), ""))
    if o.accepted_by_name:
        steps.append((_("accepted by {name}").format(name=o.accepted_by_name), ""))
    if steps:
        lines.append(_line(*steps))
    if o.work_done:
        lines.append(
            _line((_("work: {text}").format(text=o.work_done), ""), (o.materials or "", "dim"))
        )
    fee = detail.fee
    fees = [(_("fee {total} yuan").format(total=format_yuan(fee.total_fen)), "bold")]
    if fee.waived_fen:
        fees.append(
            (_("warranty, not charged {amount}").format(amount=format_yuan(fee.waived_fen)), "")
        )
    if fee.pending_lines:
        fees.append((_("{n} waiting for review").format(n=fee.pending_lines), "bold dark_orange"))
    if o.fee_accepted_at is not None:
        fees.append(
            (
                _("accepted by {name}, form {no}").format(
                    name=o.fee_accepted_by_name or "", no=o.fee_form_no or ""
                ),
                "",
            )
        )
    if fee.total_fen:
        fees.append(
            (
                settlement_label(o.settlement) + (f" {o.receipt_no}" if o.receipt_no else ""),
                "bold" if o.settlement != "unpaid" else "dark_orange",
            )
        )
    if o.cost_bearer:
        fees.append((_("borne by {who}").format(who=bearer_label(o.cost_bearer)), ""))
    if o.estimate_days is not None:
        fees.append((_("{days} work-days").format(days=format_quantity(o.estimate_days)), ""))
    if o.quote_fen is not None:
        fees.append(
            (
                _("quoted {amount} ({state})").format(
                    amount=format_yuan(o.quote_fen),
                    state=_("accepted") if o.quote_accepted_at else _("not accepted yet"),
                ),
                "",
            )
        )
    if (why := quotation_skipped(view.event for view in detail.events)) is not None:
        fees.append(
            (_("no quotation: estimate lowered ({reason})").format(reason=why), "bold dark_orange")
        )
    for line in detail.lines[:3]:
        fees.append(
            (
                f"{line.code or '*'} {line.description}×{format_quantity(line.quantity)} "
                f"{format_yuan(line.amount_fen)} {review_label(line.review)}",
                "dim",
            )
        )
    lines.append(_line(*fees))
    extra = []
    if detail.warranty_of_number:
        extra.append(
            (_("warranty repeat of {number}").format(number=detail.warranty_of_number), "bold")
        )
    if o.reopen_count:
        extra.append((_("reopened {n} times").format(n=o.reopen_count), "bold red"))
    for attempt in detail.attempts:  # D-31: the earlier attempts and their deadlines, kept
        missed = attempt.repaired_at is None or attempt.repaired_at > attempt.fix_due_at
        extra.append(
            (
                _("attempt {n}: fixed by {due}, {outcome}").format(
                    n=attempt.attempt,
                    due=fmt.day_hm(attempt.fix_due_at, tz),
                    outcome=_("missed") if missed else _("met"),
                ),
                "red" if missed else "dim",
            )
        )
    if o.warranty_opt_out_reason:
        extra.append((_("not warranty work: {text}").format(text=o.warranty_opt_out_reason), ""))
    if o.status_reason:
        extra.append((_("reason: {text}").format(text=o.status_reason), ""))
    if o.override_reason:
        extra.append((_("class changed: {text}").format(text=o.override_reason), ""))
    for cb in detail.callbacks[-1:]:
        if cb.done_at is None:
            extra.append((_("callback due {t}").format(t=fmt.day_hm(cb.due_at, tz)), ""))
        else:
            extra.append((_("callback {result}").format(result=result_label(cb.result)), ""))
    if extra:
        lines.append(_line(*extra))
    room = max(DETAIL_LINES - len(lines), 0)
    for view in detail.events[-room:] if room else []:
        e = view.event
        word = _(ACTION_WORDS.get(e.action, e.action))
        lines.append(
            _line(
                (fmt.day_hm(e.at, tz), "dim"),
                (view.user_name, "dim"),
                (word, "dim"),
                (e.note, "dim"),
            )
        )
    return Text("\n").join(lines)


def scope_word(scope: str) -> str:
    return _("public facility") if scope == RepairScope.public else _("household")
