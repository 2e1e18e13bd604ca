"""What the complaints area shows: the columns and rows of its three lists, the counts on its
top line, and the details of the highlighted record. Each function runs in a read worker."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from sqlmodel import Session

from deskterm.config import Settings
from deskterm.i18n import _
from deskterm.models.complaint import ComplaintStatus, Severity
from deskterm.services.callbacks import queue as callbacks
from deskterm.services.complaints import communications, links, public_areas
from deskterm.services.complaints import queries as complaint_queries
from deskterm.services.repairs.labels import status_label as repair_status_label
from deskterm.tui import fmt
from deskterm.tui.dialogs.complaint_common import (
    ANSWER_HOW,
    CHANNELS,
    HOW,
    KINDS,
    METHODS,
    PARTIES,
    RECORD_STEPS,
    RESULTS,
    SEVERITIES,
    STATUSES,
    STEPS,
    WHO_KINDS,
    label,
)
from deskterm.tui.widgets.record_list import Column, Row
from deskterm.tui.widgets.sla import format_span
from deskterm.tui.widgets.text import clean

NEAR = timedelta(hours=2)


def columns(view: str) -> list[Column]:
    if view == "complaints":
        return [
            Column(_("No."), 15),
            Column(_("Who"), 8),
            Column(_("What was said"), 0),
            Column(_("Status"), 8),
            Column(_("Reply"), 12, "right"),
        ]
    if view == "callbacks":
        return [
            Column(_("Due"), 11),
            Column(_("No."), 14),
            Column(_("Unit"), 8),
            Column(_("Who"), 8),
            Column(_("Tries"), 5, "right"),
            Column(_("Result"), 0),
        ]
    if view == "areas":
        return [
            Column(_("No."), 16),
            Column(_("Area"), 8),
            Column(_("Applicant"), 12),
            Column(_("Request"), 0),
            Column(_("Decision"), 10),
        ]
    return [
        Column(_("When"), 11),
        Column(_("With"), 10),
        Column(_("Name"), 12),
        Column(_("About"), 0),
        Column(_("Follow-up"), 11),
    ]


def _left(due: datetime, now: datetime) -> tuple[str, str]:
    """("3h10m left" | "2h05m late", row style)."""
    if due < now:
        return _("{span} late").format(span=format_span(now - due)), "overdue"
    return (
        _("{span} left").format(span=format_span(due - now)),
        "near" if due - now <= NEAR else "",
    )


def _complaint_row(c, now: datetime) -> Row:
    style, reply = "", ""
    if complaint_queries.is_awaiting_reply(c) and c.reply_due_at is not None:
        reply, style = _left(c.reply_due_at, now)
    elif c.status in (ComplaintStatus.closed, ComplaintStatus.signed_off):
        style = "muted"
    number = Text(c.number)
    if c.severity == Severity.severe:
        number = Text("!" + c.number, style="bold red")
    return Row(
        ("complaint", c.id),
        [number, c.who_name, c.content, label(STATUSES, c.status), reply],
        style=style,
    )


def _callback_row(r: callbacks.CallbackRow, now: datetime, tz: str) -> Row:
    cb = r.callback
    if cb.done_at is None:
        result, style = _left(cb.due_at, now)
    else:
        result, style = label(RESULTS, cb.result), "muted"
    return Row(
        ("callback", cb.id),
        [fmt.day_hm(cb.due_at, tz), r.number, r.unit, r.who, str(cb.attempts), result],
        style=style,
        data=r,
    )


def _communication_row(c, now: datetime, tz: str) -> Row:
    follow, style = "", ""
    if c.follow_up_due is not None:
        if c.follow_up_done_at is not None:
            follow, style = _("done"), ""
        else:
            follow = fmt.local(c.follow_up_due, tz).strftime("%m-%d")
            style = "overdue" if c.follow_up_due <= now else ""
    return Row(
        ("communication", c.id),
        [fmt.day_hm(c.at, tz), label(PARTIES, c.party_kind), c.party_name, c.subject, follow],
        style=style,
    )


def rows(
    session: Session, view: str, filter_: str, search: str, now: datetime, settings: Settings
) -> list[Row]:
    """The rows of a view (each service caps its list at a few hundred)."""
    tz = settings.timezone
    if view == "complaints":
        status = {"awaiting": "awaiting", "all": None, "closed": "closed"}[filter_]
        found = complaint_queries.list_complaints(session, status=status, search=search)
        if filter_ == "awaiting":
            found.sort(key=lambda c: (c.reply_due_at is None, c.reply_due_at or now, c.id))
        return [_complaint_row(c, now) for c in found]
    if view == "callbacks":
        return [
            _callback_row(r, now, tz)
            for r in callbacks.list_callbacks(session, now=now, include_done=filter_ == "all")
        ]
    if view == "areas":
        if search:
            requests = [hit.request for hit in public_areas.search(session, search)]
        else:
            requests = public_areas.list_requests(
                session, pending_only=filter_ == "pending", limit=300
            )
        return [
            Row(
                ("public_area", r.id),
                [
                    r.number,
                    clean(r.area, one_line=True),
                    clean(r.applicant_name, one_line=True),
                    clean(r.request, one_line=True),
                    public_areas.decision_label(r.decision),
                ],
                style="near" if r.decision == "pending" else "",
            )
            for r in requests
        ]
    if filter_ == "due":
        comms = communications.list_due_follow_ups(session, now=now)
    else:
        comms = communications.list_communications(session, search=search)
    return [_communication_row(c, now, tz) for c in comms]


def counts(session: Session, now: datetime) -> tuple[dict[str, tuple[int, int]], int]:
    """{view: (to do, late)} and the number of severe complaints not yet acknowledged."""
    awaiting = complaint_queries.list_awaiting_reply(session)
    late = sum(1 for c in awaiting if complaint_queries.is_reply_overdue(c, now))
    pending = callbacks.list_callbacks(session, now=now)
    due = communications.list_due_follow_ups(session, now=now)
    return (
        {
            "complaints": (len(awaiting), late),
            "callbacks": (len(pending), sum(1 for r in pending if r.overdue)),
            "communications": (len(due), len(due)),
            "areas": (len(public_areas.list_requests(session, pending_only=True, limit=500)), 0),
        },
        len(complaint_queries.list_severe_unacknowledged(session)),
    )


# -- details ---------------------------------------------------------------------------------
class _Lines:
    def __init__(self) -> None:
        self.text = Text(end="")

    def add(self, *parts: tuple[str, str] | str) -> None:
        if self.text.plain:
            self.text.append("\n")
        for part in parts:
            value, style = part if isinstance(part, tuple) else (part, "")
            self.text.append(clean(value), style=style)


def detail(session: Session, kind: str, record_id: int, now: datetime, tz: str) -> Text:
    if kind == "complaint":
        return _complaint_detail(complaint_queries.complaint_detail(session, record_id), now, tz)
    if kind == "callback":
        return _callback_detail(callbacks.describe(session, record_id, now=now), tz)
    if kind == "public_area":
        return _area_detail(session, public_areas.get_request(session, record_id), tz)
    return _communication_detail(communications.get_communication(session, record_id), now, tz)


def _complaint_detail(d: complaint_queries.ComplaintDetail, now: datetime, tz: str) -> Text:
    c, out = d.complaint, _Lines()
    head: list[tuple[str, str] | str] = [
        (c.number, "bold"),
        " · " + label(STATUSES, c.status),
        " · " + label(SEVERITIES, c.severity),
    ]
    if c.severity == Severity.severe and c.severe_ack_at is None:
        head.append(("  " + _("not yet seen by a supervisor"), "bold red"))
    out.add(*head)
    who = f"{c.who_name} ({label(WHO_KINDS, c.who_kind)})"
    where = " · ".join(
        x
        for x in (
            who,
            d.unit,
            d.contact_masked,
            label(CHANNELS, c.channel),
            fmt.full(c.received_at, tz),
            d.received_by,
        )
        if x
    )
    out.add(where)
    if d.party:
        out.add(_("On record: {party}").format(party=d.party))
    for repair in d.repairs:  # case 1: the repair orders it concerns
        out.add(
            (_("Repair {number}").format(number=repair.number), "bold"),
            f" · {repair_status_label(repair.status)} · {repair.place}"
            + (" " + _("(another unit)") if repair.cross_unit else "")
            + f" · {repair.description}",
        )
    if d.public_request:
        out.add((_("Public-area request {line}").format(line=d.public_request), "bold"))
    if c.passed_down_by:
        out.add(_("Passed down by {name}").format(name=c.passed_down_by))
    valid = {None: _("not judged"), True: _("valid"), False: _("not valid")}[c.valid]
    out.add(
        _("Category: {category} · {valid} · department: {department}").format(
            category=d.category, valid=valid, department=c.department or "—"
        )
    )
    out.add((c.content, "italic"))
    if c.referred_to:
        line: list[tuple[str, str] | str] = [
            _("Referred to {name} at {at}; reply by {due}").format(
                name=c.referred_to,
                at=fmt.day_hm(c.referred_at, tz),
                due=fmt.day_hm(c.reply_due_at, tz),
            )
        ]
        if complaint_queries.is_awaiting_reply(c) and c.reply_due_at is not None:
            left, style = _left(c.reply_due_at, now)
            line.append((f" ({left})", "bold red" if style == "overdue" else "bold"))
        out.add(*line)
    if c.answer:
        late = (
            c.reply_due_at is not None
            and c.replied_at is not None
            and c.replied_at > c.reply_due_at
        )
        out.add(
            (
                _("Answer ({how}, {at}{late}): ").format(
                    how=label(ANSWER_HOW, c.answer_how),
                    at=fmt.day_hm(c.replied_at, tz),
                    late=", " + _("late") if late else "",
                ),
                "bold",
            ),
            c.answer,
        )
    for cb in d.callbacks:
        state = (
            (label(RESULTS, cb.result) + " " + fmt.day_hm(cb.done_at, tz))
            if cb.done_at
            else _("due {at}").format(at=fmt.day_hm(cb.due_at, tz))
        )
        out.add(
            _("Callback: {state}").format(state=state) + (f" — {cb.comment}" if cb.comment else "")
        )
    for comm in d.communications:
        out.add(
            _("Communication {at} with {name}: {subject}").format(
                at=fmt.day_hm(comm.at, tz), name=comm.party_name, subject=comm.subject
            )
        )
    if d.steps:
        out.add((_("Steps"), "bold"))
        for step in d.steps:
            name = label(STEPS + RECORD_STEPS, step.step)
            out.add(
                f" {fmt.day_hm(step.at, tz)} {step.who} · {name}"
                + (f": {step.note}" if step.note else "")
            )
    return out.text


def _area_detail(session: Session, r, tz: str) -> Text:
    """A public-area request (case 2): the request, the decision, the rule and the help, the
    precedent it follows and the complaints that refer to it."""
    out = _Lines()
    out.add(
        (r.number, "bold"),
        " · " + public_areas.decision_label(r.decision),
        " · " + fmt.full(r.received_at, tz),
    )
    when = public_areas.wanted_text(r, tz)
    out.add(" · ".join(x for x in (r.applicant_name, r.area, when) if x))
    party = links.party_of(session, r)
    if party:
        out.add(_("On record: {party}").format(party=party))
    out.add((r.request, "italic"))
    if r.rule_cited:
        out.add((_("Rule cited: "), "bold"), r.rule_cited)
    if r.help_offered:
        out.add((_("Help offered: "), "bold"), r.help_offered)
    if r.decision_note:
        out.add(r.decision_note)
    if r.precedent_id is not None:
        before = public_areas.get_request(session, r.precedent_id)
        out.add(
            (_("Precedent: "), "bold"),
            public_areas.request_line(before)
            + (f" — {before.rule_cited}" if before.rule_cited else ""),
        )
    for c in public_areas.complaints_about(session, r.id):
        out.add(
            (_("Complaint {number}").format(number=c.number), "bold"),
            f" · {label(STATUSES, c.status)} · {c.content}",
        )
    return out.text


def _callback_detail(r: callbacks.CallbackRow, tz: str) -> Text:
    cb, out = r.callback, _Lines()
    out.add(
        (r.number, "bold"),
        "".join(f" · {x}" for x in (label(KINDS, cb.subject_kind), r.unit, r.who) if x),
    )
    out.add((r.about, "italic"))
    out.add(
        _("Due {at} · tries {n}").format(at=fmt.full(cb.due_at, tz), n=cb.attempts)
        + (" · " + _("late") if r.overdue else "")
    )
    if cb.done_at:
        out.add(
            _("{result} by {method} on {at}, spoke to {person}").format(
                result=label(RESULTS, cb.result),
                method=label(METHODS, cb.method),
                at=fmt.day_hm(cb.done_at, tz),
                person=cb.person or "—",
            )
        )
    if cb.comment:
        out.add(cb.comment)
    return out.text


def _communication_detail(c, now: datetime, tz: str) -> Text:
    out = _Lines()
    out.add(
        (fmt.full(c.at, tz), "bold"),
        f" · {label(PARTIES, c.party_kind)} · {c.party_name} · {label(HOW, c.how)}",
    )
    out.add((c.subject, "bold"))
    if c.agreed:
        out.add(_("Agreed: "), c.agreed)
    if c.follow_up:
        due = fmt.local(c.follow_up_due, tz).strftime("%Y-%m-%d") if c.follow_up_due else ""
        state = (
            _("done {at}").format(at=fmt.day_hm(c.follow_up_done_at, tz))
            if c.follow_up_done_at
            else (_("due") if c.follow_up_due <= now else _("not yet due"))
        )
        out.add(_("Follows by {date}: ").format(date=due), c.follow_up, (f" ({state})", "bold"))
        if c.follow_up_note:
            out.add(c.follow_up_note)
    return out.text
