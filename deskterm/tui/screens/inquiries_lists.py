"""What the inquiries screen lists: search hits, messages, promised replies and the inquiry
log — columns, rows and the detail lines under the list. No Textual widgets here, only text.

People's phones arrive masked from the services (D-21); a number appears in full only in the
detail line of the person whose number the operator revealed (audited) on this screen.
"""

from __future__ import annotations

from rich.text import Text

from deskterm.i18n import N_, _
from deskterm.services.inquiries import directory as directory_service
from deskterm.services.inquiries import log as inquiry_service
from deskterm.services.inquiries import messages as message_service
from deskterm.services.inquiries.promises import STATE_LABELS, PromiseState, PromiseView
from deskterm.services.inquiries.search import Hit, HitKind
from deskterm.tui import fmt
from deskterm.tui.widgets.record_list import Column, Row
from deskterm.tui.widgets.text import clean

KIND_TAGS = {
    HitKind.resident: N_("Resident"),
    HitKind.company: N_("Company"),
    HitKind.unit: N_("Unit"),
    HitKind.staff: N_("Staff"),
    HitKind.directory: N_("Info"),
    HitKind.event: N_("Event"),
}
RELATIONS = {"owner": N_("owner"), "tenant": N_("tenant"), "family": N_("family")}
ROLES = {"operator": N_("operator"), "supervisor": N_("supervisor"), "admin": N_("admin")}
PEOPLE = (HitKind.resident, HitKind.company)
# the log's words by stored code (a line's outcome and channel are plain strings)
OUTCOME_WORDS = {str(code): text for code, text in inquiry_service.OUTCOME_LABELS.items()}
CHANNEL_WORDS = {str(code): text for code, text in inquiry_service.CHANNEL_LABELS.items()}


def role_text(hit: Hit) -> str:
    if hit.kind is HitKind.resident:
        return _(RELATIONS[hit.role]) if hit.role in RELATIONS else hit.role
    if hit.kind is HitKind.staff:
        return _(ROLES[hit.role]) if hit.role in ROLES else hit.role
    if hit.kind is HitKind.directory:
        return directory_service.kind_label(hit.role)
    return hit.role


# -- search hits ------------------------------------------------------------------------------


def hit_columns() -> list[Column]:
    return [
        Column(_("Kind"), 8),
        Column(_("Name"), 0),
        Column(_("Where"), 12),
        Column(_("Role"), 8),
        Column(_("Phone"), 13),
    ]


def hit_rows(hits: tuple[Hit, ...], tz: str) -> list[Row]:
    rows = []
    for hit in hits:
        where = hit.place
        if hit.kind is HitKind.event and hit.at is not None:
            where = fmt.day_hm(hit.at, tz)
        rows.append(
            Row(
                hit.key,
                [_(KIND_TAGS[hit.kind]), hit.name, where, role_text(hit), hit.phone],
                data=hit,
            )
        )
    return rows


def hit_detail(hit: Hit | None, tz: str, revealed: str | None = None) -> Text:
    """Two or three lines about the highlighted hit, and what Enter does with it."""
    text = Text(no_wrap=False, end="")
    if hit is None:
        text.append(
            _(
                "Type a name, pinyin (zs, zhangsan), a unit (12-1203, A座1203) or a "
                "place; people's numbers stay masked."
            ),
            style="dim",
        )
        return text
    if hit.kind is HitKind.unit:
        text.append(clean(hit.place or hit.name), style="bold")
        text.append("  " + _("Nobody is on record in this unit."))
        return text
    text.append(clean(hit.name), style="bold")
    parts = []
    if hit.kind is HitKind.event and hit.at is not None:
        parts.append(fmt.full(hit.at, tz))
    if hit.place:
        parts.append(hit.place)
    role = role_text(hit)
    if role:
        parts.append(_("contact {name}").format(name=role) if hit.kind is HitKind.company else role)
    if hit.hours:
        parts.append(hit.hours)
    for part in parts:
        text.append(" · " + clean(part, one_line=True))
    if revealed:
        text.append("  ☎ " + revealed, style="bold")
    elif hit.phone:
        text.append("  ☎ " + hit.phone)
    if hit.note:
        text.append("\n" + clean(hit.note, one_line=True), style="italic")
    text.append("\n")
    text.append(_(ENTER_HINTS[hit.kind]), style="dim")
    return text


ENTER_HINTS = {
    HitKind.resident: N_("Enter: ring them · Ctrl+O: their number · Ctrl+N: message"),
    HitKind.company: N_("Enter: ring them · Ctrl+O: their number · Ctrl+N: message"),
    HitKind.staff: N_("Enter: ring them · Ctrl+N: take a message for them"),
    HitKind.directory: N_("Enter: read it out and log the inquiry as answered"),
    HitKind.event: N_("Enter: read it out and log the inquiry as answered"),
    HitKind.unit: N_("Nobody is on record in this unit."),
}


# -- messages ---------------------------------------------------------------------------------


def message_columns() -> list[Column]:
    return [
        Column(_("Taken"), 11),
        Column(_("For"), 16),
        Column(_("From"), 10),
        Column(_("Message"), 0),
        Column(_("Delivered"), 11),
    ]


def message_rows(views: list[message_service.MessageView], tz: str) -> list[Row]:
    rows = []
    for m in views:
        status = fmt.day_hm(m.delivered_at, tz) if m.delivered else _("waiting")
        rows.append(
            Row(
                ("message", m.id),
                [fmt.day_hm(m.taken_at, tz), m.for_name, m.from_name, m.text, status],
                style="" if not m.delivered else "muted",
                data=m,
            )
        )
    return rows


def message_detail(m: message_service.MessageView | None, tz: str) -> Text:
    text = Text(end="")
    if m is None:
        return text
    text.append(
        _("For {name}, from {sender}").format(
            name=clean(m.for_name, one_line=True), sender=clean(m.from_name, one_line=True)
        ),
        style="bold",
    )
    if m.from_contact:
        text.append(
            " · "
            + _("reach them at {contact}").format(contact=clean(m.from_contact, one_line=True))
        )
    text.append("\n" + clean(m.text))  # all of it: the pane says when there is more (F12)
    text.append("\n")
    taken = _("taken {at} by {who}").format(at=fmt.day_hm(m.taken_at, tz), who=m.taken_by)
    if m.delivered:
        text.append(
            taken
            + " · "
            + _("delivered {at} {how} by {who}").format(
                at=fmt.day_hm(m.delivered_at, tz),
                how=message_service.delivery_label(m.delivered_how),
                who=m.delivered_by or "",
            ),
            style="dim",
        )
    else:
        text.append(taken + " · " + _("Enter: delivered"), style="dim")
    return text


# -- promised replies -------------------------------------------------------------------------


def promise_columns() -> list[Column]:
    return [
        Column(_("Due"), 11),
        Column(_("State"), 8),
        Column(_("Asked by"), 12),
        Column(_("Question"), 0),
        Column(_("Contact"), 13),
    ]


def promise_rows(views: list[PromiseView], tz: str) -> list[Row]:
    styles = {
        PromiseState.overdue: "overdue",
        PromiseState.due_today: "near",
        PromiseState.answered: "muted",
        PromiseState.later: "",
    }
    return [
        Row(
            ("promise", p.id),
            [fmt.day_hm(p.due_at, tz), _(STATE_LABELS[p.state]), p.asked_by, p.question, p.contact],
            style=styles[p.state],
            data=p,
        )
        for p in views
    ]


def promise_detail(p: PromiseView | None, tz: str) -> Text:
    text = Text(end="")
    if p is None:
        return text
    text.append(clean(p.question, one_line=True), style="bold")
    text.append(
        "\n"
        + _("{who} asked; reach them at {contact}; due {due}").format(
            who=clean(p.asked_by, one_line=True),
            contact=clean(p.contact, one_line=True),
            due=fmt.day_hm(p.due_at, tz),
        )
    )
    text.append("\n")
    if p.answered_at is not None:
        text.append(
            _("answered {at} by {who}: {answer}").format(
                at=fmt.day_hm(p.answered_at, tz),
                who=p.answered_by or "",
                answer=clean(p.answer or "", one_line=True),
            ),
            style="dim",
        )
    else:
        text.append(
            _("promised by {who} · Enter: record the answer").format(who=p.created_by), style="dim"
        )
    return text


# -- the inquiry log --------------------------------------------------------------------------


def log_columns() -> list[Column]:
    return [
        Column(_("Time"), 5),
        Column(_("Via"), 7),
        Column(_("Topic"), 0),
        Column(_("Outcome"), 14),
        Column(_("Tries"), 5, "right"),
        Column(_("Desk"), 6),
    ]


def log_rows(lines: list[inquiry_service.InquiryLine], tz: str) -> list[Row]:
    rows = []
    for line in lines:
        topic = line.topic or "—"
        if line.target_text:
            topic = f"{topic} ({line.target_text})"
        outcome = _(OUTCOME_WORDS[line.outcome]) if line.outcome else _("open")
        channel = _(CHANNEL_WORDS.get(line.channel, line.channel))
        rows.append(
            Row(
                ("inquiry", line.id),
                [
                    fmt.hm(line.at, tz),
                    channel,
                    topic,
                    outcome,
                    str(line.attempts or ""),
                    line.operator,
                ],
                style="" if line.outcome else "near",
                data=line,
            )
        )
    return rows


def log_detail(line: inquiry_service.InquiryLine | None, tz: str) -> Text:
    text = Text(end="")
    if line is None:
        return text
    text.append(clean(inquiry_service.log_line(line, tz), one_line=True))
    if line.inquirer:
        text.append("\n" + _("asked by {name}").format(name=clean(line.inquirer, one_line=True)))
    return text


# -- the reference material, by kind (D-23) ----------------------------------------------------


def directory_columns() -> list[Column]:
    return [
        Column(_("Name"), 0),
        Column(_("Where / when"), 18),
        Column(_("Phone"), 13),
        Column(_("Hours"), 12),
    ]


def directory_rows(entries: list[directory_service.EntryView], tz: str) -> list[Row]:
    rows = []
    for e in entries:
        where = fmt.day_hm(e.starts_at, tz) + " " + e.location if e.starts_at else e.location
        rows.append(Row((e.kind, e.id), [e.name, where.strip(), e.phone, e.hours], data=e))
    return rows


def directory_detail(e: directory_service.EntryView | None, tz: str) -> Text:
    text = Text(end="")
    if e is None:
        return text
    text.append(clean(e.name, one_line=True), style="bold")
    parts = [fmt.full(e.starts_at, tz)] if e.starts_at else []
    parts += [p for p in (e.location, e.phone, e.hours) if p]
    if parts:
        text.append(" · " + clean(" · ".join(parts), one_line=True))
    if e.notes:
        text.append("\n" + clean(e.notes, one_line=True))
    text.append("\n" + _("Enter: read it out and log the inquiry as answered."), style="dim")
    return text
