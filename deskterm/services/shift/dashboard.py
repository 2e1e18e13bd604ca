"""What needs the desk's attention now: read-only queries for the dashboard and the handover.

Each category counts its records and pages through them, most urgent first, as
`AttentionItem`s. The queries read the models directly and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Case, ColumnElement, and_, case, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from deskterm.clock import as_utc
from deskterm.config import Settings
from deskterm.db import stored_id
from deskterm.i18n import N_, _
from deskterm.models.complaint import Callback, Communication, Complaint, ComplaintStatus
from deskterm.models.estate import Unit
from deskterm.models.inquiry import Message, PromisedReply
from deskterm.models.repair import OPEN_REPAIR_STATUSES, RepairOrder
from deskterm.models.shift import Handover, HandoverStatus, LogbookEntry, Shift
from deskterm.models.visitor import SlipStatus, VisitorSlip
from deskterm.services.actor import Actor
from deskterm.services.repairs.queries import dispatch_late
from deskterm.services.shift import gaps


@dataclass(frozen=True)
class AttentionItem:
    kind: str  # the record kind: visitor, repair, message, promise, callback, complaint ...
    id: int
    ref: str  # what people read: a number, or a time
    text: str  # one line saying what it is (user text: show it as plain text)
    due_at: datetime | None = None  # the deadline, if it has one
    started_at: datetime | None = None  # when the clock started (for "near" deadlines)
    at: datetime | None = None  # when it happened (visitors: since; logbook: occurred)

    def snapshot(self) -> dict[str, Any]:
        """The form kept in a handover's open_items (D-11)."""
        return {
            "kind": self.kind,
            "id": self.id,
            "ref": self.ref,
            "text": self.text,
            "due_at": self.due_at.isoformat() if self.due_at else None,
        }


@dataclass(frozen=True)
class Scope:
    """What the queries need to know: now, the desk's settings, who is asking."""

    now: datetime
    settings: Settings
    actor: Actor | None = None

    @property
    def end_of_day(self) -> datetime:
        """The end of the desk's local day (callbacks and follow-ups due today)."""
        zone = ZoneInfo(self.settings.timezone)
        local = self.now.astimezone(zone)
        end = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
        return as_utc(end)


Counter = Callable[[Session, Scope], int]
Pager = Callable[[Session, Scope, int, int], list[AttentionItem]]


@dataclass(frozen=True)
class Category:
    id: str
    label: str  # N_
    count: Counter
    page: Pager
    in_handover: bool = True  # listed as open in the handover (D-11)
    supervisors_only: bool = False
    late: Counter | None = None  # how many are past their deadline


def _count(session: Session, stmt: SelectOfScalar[int]) -> int:
    return session.exec(stmt).one()


# -- visitors still on site (slips not returned) ------------------------------------------
def _visitors_where() -> ColumnElement[bool]:
    return col(VisitorSlip.status) == SlipStatus.on_site


def count_visitors(session: Session, scope: Scope) -> int:
    return _count(session, select(func.count()).select_from(VisitorSlip).where(_visitors_where()))


def page_visitors(session: Session, scope: Scope, offset: int, limit: int) -> list[AttentionItem]:
    rows = session.exec(
        select(VisitorSlip)
        .where(_visitors_where())
        .order_by(col(VisitorSlip.checked_in_at), col(VisitorSlip.id))
        .offset(offset)
        .limit(limit)
    )
    long_stay = timedelta(minutes=scope.settings.long_stay_minutes)
    return [
        AttentionItem(
            "visitor",
            stored_id(s),
            s.number,
            f"{s.visitor_name} → {s.host_text}".strip(),
            due_at=as_utc(s.checked_in_at) + long_stay,
            started_at=s.checked_in_at,
            at=s.checked_in_at,
        )
        for s in rows
    ]


def late_visitors(session: Session, scope: Scope) -> int:
    since = scope.now - timedelta(minutes=scope.settings.long_stay_minutes)
    return _count(
        session,
        select(func.count())
        .select_from(VisitorSlip)
        .where(_visitors_where(), col(VisitorSlip.checked_in_at) < since),
    )


# -- repair orders by time left to the deadline (D-31) ------------------------------------
def _repair_due() -> Case[datetime | None]:
    """The deadline that matters now: on site (urgent, nobody there yet), else fixed."""
    return case(
        (
            and_(
                col(RepairOrder.onsite_due_at).is_not(None), col(RepairOrder.arrived_at).is_(None)
            ),
            RepairOrder.onsite_due_at,
        ),
        else_=RepairOrder.fix_due_at,
    )


def count_repairs(session: Session, scope: Scope) -> int:
    return _count(
        session,
        select(func.count())
        .select_from(RepairOrder)
        .where(col(RepairOrder.status).in_(OPEN_REPAIR_STATUSES)),
    )


def late_repairs(session: Session, scope: Scope) -> int:
    return _count(
        session,
        select(func.count())
        .select_from(RepairOrder)
        .where(col(RepairOrder.status).in_(OPEN_REPAIR_STATUSES), _repair_due() < scope.now),
    )


def page_repairs(session: Session, scope: Scope, offset: int, limit: int) -> list[AttentionItem]:
    rows = session.exec(
        select(RepairOrder, Unit.label)
        .join(Unit, col(Unit.id) == RepairOrder.unit_id, isouter=True)
        .where(col(RepairOrder.status).in_(OPEN_REPAIR_STATUSES))
        .order_by(_repair_due(), col(RepairOrder.id))
        .offset(offset)
        .limit(limit)
    )
    items = []
    for order, unit_label in rows:
        waiting_onsite = order.onsite_due_at is not None and order.arrived_at is None
        due = order.onsite_due_at if waiting_onsite else order.fix_due_at
        where = unit_label or order.location
        text = f"{where} {order.description}".strip()
        if dispatch_late(order, scope.now, scope.settings):  # D-36: flagged to the next shift
            text = _("⚠ unsent: {text}").format(text=text)
        items.append(
            AttentionItem(
                "repair",
                stored_id(order),
                order.number,
                text,
                due_at=due,
                started_at=order.reported_at,
                at=order.reported_at,
            )
        )
    return items


# -- messages not yet delivered (留言) ------------------------------------------------------
def count_messages(session: Session, scope: Scope) -> int:
    return _count(
        session,
        select(func.count()).select_from(Message).where(col(Message.delivered_at).is_(None)),
    )


def page_messages(session: Session, scope: Scope, offset: int, limit: int) -> list[AttentionItem]:
    rows = session.exec(
        select(Message)
        .where(col(Message.delivered_at).is_(None))
        .order_by(col(Message.taken_at), col(Message.id))
        .offset(offset)
        .limit(limit)
    )
    return [
        AttentionItem(
            "message",
            stored_id(m),
            "",
            _("for {name}: {text}").format(name=m.for_name, text=m.text),
            at=m.taken_at,
        )
        for m in rows
    ]


# -- promised replies (D-25) ----------------------------------------------------------------
def count_promises(session: Session, scope: Scope) -> int:
    return _count(
        session,
        select(func.count())
        .select_from(PromisedReply)
        .where(col(PromisedReply.answered_at).is_(None)),
    )


def late_promises(session: Session, scope: Scope) -> int:
    return _count(
        session,
        select(func.count())
        .select_from(PromisedReply)
        .where(col(PromisedReply.answered_at).is_(None), col(PromisedReply.due_at) < scope.now),
    )


def page_promises(session: Session, scope: Scope, offset: int, limit: int) -> list[AttentionItem]:
    rows = session.exec(
        select(PromisedReply)
        .where(col(PromisedReply.answered_at).is_(None))
        .order_by(col(PromisedReply.due_at), col(PromisedReply.id))
        .offset(offset)
        .limit(limit)
    )
    return [
        AttentionItem(
            "promise",
            stored_id(p),
            "",
            f"{p.asked_by}: {p.question}",
            due_at=p.due_at,
            started_at=p.created_at,
            at=p.created_at,
        )
        for p in rows
    ]


# -- callbacks (回访) due by the end of today -------------------------------------------------
def _callbacks_where(scope: Scope) -> ColumnElement[bool]:
    return and_(col(Callback.done_at).is_(None), col(Callback.due_at) < scope.end_of_day)


def count_callbacks(session: Session, scope: Scope) -> int:
    return _count(
        session, select(func.count()).select_from(Callback).where(_callbacks_where(scope))
    )


def late_callbacks(session: Session, scope: Scope) -> int:
    return _count(
        session,
        select(func.count())
        .select_from(Callback)
        .where(col(Callback.done_at).is_(None), col(Callback.due_at) < scope.now),
    )


def page_callbacks(session: Session, scope: Scope, offset: int, limit: int) -> list[AttentionItem]:
    rows = list(
        session.exec(
            select(Callback)
            .where(_callbacks_where(scope))
            .order_by(col(Callback.due_at), col(Callback.id))
            .offset(offset)
            .limit(limit)
        )
    )
    repair_ids = [c.subject_id for c in rows if c.subject_kind == "repair"]
    complaint_ids = [c.subject_id for c in rows if c.subject_kind == "complaint"]
    numbers: dict[tuple[str, int | None], str] = {}  # (kind, id): number
    if repair_ids:
        for rid, number in session.exec(
            select(RepairOrder.id, RepairOrder.number).where(col(RepairOrder.id).in_(repair_ids))
        ):
            numbers[("repair", rid)] = number
    if complaint_ids:
        for cid, number in session.exec(
            select(Complaint.id, Complaint.number).where(col(Complaint.id).in_(complaint_ids))
        ):
            numbers[("complaint", cid)] = number
    items = []
    for c in rows:
        number = numbers.get((c.subject_kind, c.subject_id), f"#{c.subject_id}")
        what = (
            _("call back on repair") if c.subject_kind == "repair" else _("call back on complaint")
        )
        items.append(AttentionItem("callback", stored_id(c), number, what, due_at=c.due_at))
    return items


# -- complaints awaiting a reply (D-42) -----------------------------------------------------
_AWAITING = (ComplaintStatus.open, ComplaintStatus.referred)


def count_complaints(session: Session, scope: Scope) -> int:
    return _count(
        session,
        select(func.count()).select_from(Complaint).where(col(Complaint.status).in_(_AWAITING)),
    )


def late_complaints(session: Session, scope: Scope) -> int:
    return _count(
        session,
        select(func.count())
        .select_from(Complaint)
        .where(
            col(Complaint.status).in_(_AWAITING),
            col(Complaint.reply_due_at).is_not(None),
            col(Complaint.reply_due_at) < scope.now,
        ),
    )


def page_complaints(session: Session, scope: Scope, offset: int, limit: int) -> list[AttentionItem]:
    rows = session.exec(
        select(Complaint)
        .where(col(Complaint.status).in_(_AWAITING))
        .order_by(
            col(Complaint.reply_due_at).is_(None), col(Complaint.reply_due_at), col(Complaint.id)
        )
        .offset(offset)
        .limit(limit)
    )
    return [
        AttentionItem(
            "complaint",
            stored_id(c),
            c.number,
            f"{c.who_name}: {c.content}",
            due_at=c.reply_due_at,
            started_at=c.received_at,
            at=c.received_at,
        )
        for c in rows
    ]


# -- communication follow-ups due by the end of today (D-40) ---------------------------------
def _follow_ups_where(scope: Scope) -> ColumnElement[bool]:
    return and_(
        col(Communication.follow_up_due).is_not(None),
        col(Communication.follow_up_done_at).is_(None),
        col(Communication.follow_up_due) < scope.end_of_day,
    )


def count_follow_ups(session: Session, scope: Scope) -> int:
    return _count(
        session, select(func.count()).select_from(Communication).where(_follow_ups_where(scope))
    )


def late_follow_ups(session: Session, scope: Scope) -> int:
    return _count(
        session,
        select(func.count())
        .select_from(Communication)
        .where(_follow_ups_where(scope), col(Communication.follow_up_due) < scope.now),
    )


def page_follow_ups(session: Session, scope: Scope, offset: int, limit: int) -> list[AttentionItem]:
    rows = session.exec(
        select(Communication)
        .where(_follow_ups_where(scope))
        .order_by(col(Communication.follow_up_due), col(Communication.id))
        .offset(offset)
        .limit(limit)
    )
    return [
        AttentionItem(
            "communication",
            stored_id(c),
            "",
            f"{c.party_name}: {c.follow_up or c.subject}",
            due_at=c.follow_up_due,
            started_at=c.at,
            at=c.at,
        )
        for c in rows
    ]


# -- this shift's logbook entries (D-10) ----------------------------------------------------
def _logbook_where(scope: Scope, abnormal_only: bool = False) -> ColumnElement[bool]:
    shift_id = scope.actor.shift_id if scope.actor else None
    clause = col(LogbookEntry.shift_id) == (shift_id if shift_id is not None else -1)
    if abnormal_only:
        clause = and_(clause, col(LogbookEntry.abnormal).is_(True))
    return clause


def count_logbook(session: Session, scope: Scope) -> int:
    return _count(
        session, select(func.count()).select_from(LogbookEntry).where(_logbook_where(scope))
    )


def page_logbook(session: Session, scope: Scope, offset: int, limit: int) -> list[AttentionItem]:
    rows = session.exec(
        select(LogbookEntry)
        .where(_logbook_where(scope))
        .order_by(col(LogbookEntry.occurred_at).desc(), col(LogbookEntry.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        AttentionItem(
            "logbook", stored_id(e), "", f"{e.location} {e.what}".strip(), at=e.occurred_at
        )
        for e in rows
    ]


def abnormal_logbook(session: Session, scope: Scope, limit: int = 200) -> list[AttentionItem]:
    """The shift's abnormal entries as they stand: an entry corrected later is handed over
    as its correction, not as both (no near-identical lines)."""
    newer = aliased(LogbookEntry)
    superseded = select(newer.id).where(col(newer.corrects_id) == LogbookEntry.id).exists()
    rows = session.exec(
        select(LogbookEntry)
        .where(_logbook_where(scope, abnormal_only=True), ~superseded)
        .order_by(col(LogbookEntry.occurred_at), col(LogbookEntry.id))
        .limit(limit)
    )
    return [
        AttentionItem(
            "logbook", stored_id(e), "", f"{e.location} {e.what}".strip(), at=e.occurred_at
        )
        for e in rows
    ]


# -- handovers refused in the last week (supervisors) --------------------------------------
def _refused_where(scope: Scope) -> ColumnElement[bool]:
    since = scope.now - timedelta(days=7)
    return and_(
        col(Handover.status) == HandoverStatus.refused,
        or_(col(Handover.answered_at).is_(None), col(Handover.answered_at) >= since),
    )


def count_refused(session: Session, scope: Scope) -> int:
    return _count(session, select(func.count()).select_from(Handover).where(_refused_where(scope)))


def page_refused(session: Session, scope: Scope, offset: int, limit: int) -> list[AttentionItem]:
    rows = session.exec(
        select(Handover)
        .where(_refused_where(scope))
        .order_by(col(Handover.answered_at).desc(), col(Handover.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        AttentionItem(
            "handover",
            stored_id(h),
            f"#{h.id}",
            _("refused: {reason}").format(reason=h.refusal_reason or ""),
            at=h.answered_at,
        )
        for h in rows
    ]


# -- gaps in the handover book in the last week (supervisors, D-2) --------------------------
def _gaps(session: Session, scope: Scope) -> list[gaps.Gap]:
    return gaps.gaps(
        session,
        post=scope.settings.post,
        since=scope.now - timedelta(days=7),
        exclude_shift_id=scope.actor.shift_id if scope.actor else None,
    )


def count_gaps(session: Session, scope: Scope) -> int:
    return len(_gaps(session, scope))


def page_gaps(session: Session, scope: Scope, offset: int, limit: int) -> list[AttentionItem]:
    return [
        AttentionItem(
            g.entity, g.id, f"#{g.id}", gaps.sentence(g, scope.settings.timezone), at=g.at
        )
        for g in _gaps(session, scope)[offset : offset + limit]
    ]


CATEGORIES: tuple[Category, ...] = (
    Category("repairs", N_("Repairs open"), count_repairs, page_repairs, late=late_repairs),
    Category("visitors", N_("Visitors on site"), count_visitors, page_visitors, late=late_visitors),
    Category("messages", N_("Messages waiting"), count_messages, page_messages),
    Category("promises", N_("Promised replies"), count_promises, page_promises, late=late_promises),
    Category(
        "callbacks", N_("Callbacks due"), count_callbacks, page_callbacks, late=late_callbacks
    ),
    Category(
        "complaints", N_("Complaints open"), count_complaints, page_complaints, late=late_complaints
    ),
    Category(
        "follow_ups", N_("Follow-ups due"), count_follow_ups, page_follow_ups, late=late_follow_ups
    ),
    Category("logbook", N_("Logbook (shift)"), count_logbook, page_logbook, in_handover=False),
    Category(
        "gaps", N_("Handover gaps"), count_gaps, page_gaps, in_handover=False, supervisors_only=True
    ),
    Category(
        "refused",
        N_("Refused handover"),
        count_refused,
        page_refused,
        in_handover=False,
        supervisors_only=True,
    ),
)
BY_ID = {c.id: c for c in CATEGORIES}


def categories_for(actor: Actor | None) -> list[Category]:
    from deskterm.models.user import Role

    supervisor = actor is not None and actor.role in (Role.supervisor, Role.admin)
    return [c for c in CATEGORIES if supervisor or not c.supervisors_only]


@dataclass(frozen=True)
class CategoryCount:
    total: int
    late: int = 0


def counts(session: Session, scope: Scope) -> dict[str, CategoryCount]:
    """How many records each category of the actor's dashboard holds now, and how many late."""
    return {
        c.id: CategoryCount(c.count(session, scope), c.late(session, scope) if c.late else 0)
        for c in categories_for(scope.actor)
    }


def lost_slips(session: Session, scope: Scope, limit: int = 200) -> list[AttentionItem]:
    """Slips recorded lost during the shift: a slip out in the world is handed over."""
    shift_id = scope.actor.shift_id if scope.actor else None
    shift = session.get(Shift, shift_id) if shift_id is not None else None
    if shift is None:
        return []
    rows = session.exec(
        select(VisitorSlip)
        .where(
            VisitorSlip.status == SlipStatus.left,
            col(VisitorSlip.slip_returned).is_(False),
            col(VisitorSlip.checked_out_at) >= shift.started_at,
        )
        .order_by(col(VisitorSlip.checked_out_at), col(VisitorSlip.id))
        .limit(limit)
    )
    return [
        AttentionItem(
            "visitor",
            stored_id(s),
            s.number,
            _("{name}: slip not returned (lost)").format(name=s.visitor_name),
            at=s.checked_out_at,
        )
        for s in rows
    ]


def open_items(session: Session, scope: Scope, per_kind: int = 200) -> list[AttentionItem]:
    """Everything a handover lists as open (D-11), category by category, most urgent first;
    then slips lost in the shift and the shift's abnormal logbook entries."""
    items: list[AttentionItem] = []
    for category in CATEGORIES:
        if category.in_handover:
            items.extend(category.page(session, scope, 0, per_kind))
    items.extend(lost_slips(session, scope, per_kind))
    items.extend(abnormal_logbook(session, scope, per_kind))
    return items
