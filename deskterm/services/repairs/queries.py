"""Reading repair orders: the deadline board (D-31), the overdue count for the header, one
order with its history, and finding orders by number or text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from deskterm.clock import as_utc
from deskterm.config import Settings, SlaPolicy
from deskterm.db import stored_id
from deskterm.models.complaint import Callback
from deskterm.models.estate import Unit
from deskterm.models.repair import (
    OPEN_REPAIR_STATUSES,
    FeeReview,
    RepairAttempt,
    RepairCategory,
    RepairEvent,
    RepairFeeLine,
    RepairOrder,
    RepairStatus,
)
from deskterm.models.user import User
from deskterm.rules.numbering import parse_number
from deskterm.rules.sla import SlaState, deadline_state
from deskterm.services.repairs.fee_schedule import FeeTotals, totals

OPEN = [s.value for s in OPEN_REPAIR_STATUSES]


def dispatch_due(order: RepairOrder, settings: Settings) -> datetime | None:
    """D-36 "passed to engineering at once": by settings.dispatch_minutes after the report
    (or the reopening); None once dispatched."""
    if str(getattr(order.status, "value", order.status)) != RepairStatus.reported.value:
        return None
    started = as_utc(order.reopened_at or order.reported_at)
    return started + timedelta(minutes=settings.dispatch_minutes)


def dispatch_late(order: RepairOrder, now: datetime, settings: Settings) -> bool:
    """Still not dispatched after settings.dispatch_minutes: flagged on the board and in the
    handover."""
    due = dispatch_due(order, settings)
    return due is not None and as_utc(now) > due


def list_attempts(*, session: Session, order_id: int) -> list[RepairAttempt]:
    """The earlier attempts of a reopened order, first first (D-31: none is lost)."""
    stmt = select(RepairAttempt).where(RepairAttempt.order_id == order_id)
    return list(session.exec(stmt.order_by(col(RepairAttempt.attempt))))


def governing_deadline(order: RepairOrder) -> tuple[datetime, str]:
    """The deadline that matters now: on site (urgent, not yet arrived), else fixed."""
    if order.onsite_due_at is not None and order.arrived_at is None:
        return order.onsite_due_at, "onsite"
    return order.fix_due_at, "fix"


def order_state(order: RepairOrder, now: datetime, policy: SlaPolicy = SlaPolicy()) -> SlaState:
    """The worst state of the order's deadlines (met/missed once repaired)."""
    started = order.reopened_at or order.reported_at
    states = [
        deadline_state(
            order.fix_due_at, now, started=started, done_at=order.repaired_at, policy=policy
        )
    ]
    if order.onsite_due_at is not None:
        states.append(
            deadline_state(
                order.onsite_due_at, now, started=started, done_at=order.arrived_at, policy=policy
            )
        )
    for worst in (SlaState.OVERDUE, SlaState.MISSED, SlaState.NEAR, SlaState.OK):
        if worst in states:
            return worst
    return SlaState.MET


@dataclass(frozen=True)
class BoardRow:
    """One open order on the deadline board."""

    id: int
    number: str
    version: int
    status: str
    repair_class: str
    scope: str
    place: str  # unit label or public location
    category_code: str
    category: RepairCategory | None
    assignee: str | None
    due_at: datetime
    due_kind: str  # "onsite" | "fix"
    state: SlaState
    status_reason: str | None
    fee_review_pending: bool
    reopen_count: int
    warranty: bool
    dispatch_late: bool = False  # not passed to engineering within settings.dispatch_minutes
    dispatch_due_at: datetime | None = None  # when it is late to dispatch (reported only)
    appointment_after_deadline: bool = False

    def time_left(self, now: datetime) -> timedelta:
        return self.due_at - as_utc(now)


def _overdue_clause(now: datetime) -> ColumnElement[bool]:
    return or_(
        col(RepairOrder.fix_due_at) < now,
        and_(
            col(RepairOrder.onsite_due_at).is_not(None),
            col(RepairOrder.arrived_at).is_(None),
            col(RepairOrder.onsite_due_at) < now,
        ),
    )


def count_overdue(*, session: Session, now: datetime) -> int:
    """Open orders past a deadline (on site or fixed): the number always shown in the header."""
    stmt = (
        select(func.count())
        .select_from(RepairOrder)
        .where(col(RepairOrder.status).in_(OPEN), _overdue_clause(as_utc(now)))
    )
    return int(session.exec(stmt).one())


def list_board(*, session: Session, now: datetime, settings: Settings) -> list[BoardRow]:
    """Every open order (on hold included), soonest deadline first."""
    now = as_utc(now)
    stmt = (
        select(RepairOrder, Unit.label, RepairCategory)
        .join(Unit, col(Unit.id) == col(RepairOrder.unit_id), isouter=True)
        .join(
            RepairCategory,
            col(RepairCategory.code) == col(RepairOrder.category_code),
            isouter=True,
        )
        .where(col(RepairOrder.status).in_(OPEN))
        .order_by(col(RepairOrder.fix_due_at))
    )
    rows = session.exec(stmt).all()
    pending = set(
        session.exec(
            select(RepairFeeLine.order_id).where(
                RepairFeeLine.review == FeeReview.pending.value,
                col(RepairFeeLine.order_id).in_([order.id for order, _l, _c in rows] or [-1]),
            )
        ).all()
    )
    board = []
    for order, label, category in rows:
        due, kind = governing_deadline(order)
        board.append(
            BoardRow(
                id=stored_id(order),
                number=order.number,
                version=order.version,
                status=order.status.value if hasattr(order.status, "value") else order.status,
                repair_class=str(getattr(order.repair_class, "value", order.repair_class)),
                scope=str(getattr(order.scope, "value", order.scope)),
                place=label or order.location,
                category_code=order.category_code,
                category=category,
                assignee=order.assignee,
                due_at=due,
                due_kind=kind,
                state=order_state(order, now, settings.sla),
                status_reason=order.status_reason,
                fee_review_pending=order.id in pending,
                reopen_count=order.reopen_count,
                warranty=order.warranty_of_id is not None,
                dispatch_late=dispatch_late(order, now, settings),
                dispatch_due_at=dispatch_due(order, settings),
                appointment_after_deadline=order.appointment_after_deadline,
            )
        )
    board.sort(key=lambda row: (row.due_at, row.number))
    return board


@dataclass
class EventView:
    event: RepairEvent
    user_name: str


@dataclass
class OrderDetail:
    """One order with everything the detail screen and the printed forms show."""

    order: RepairOrder
    category: RepairCategory | None
    unit_label: str | None
    reported_by_name: str
    events: list[EventView] = field(default_factory=list)
    lines: list[RepairFeeLine] = field(default_factory=list)
    fee: FeeTotals = field(default_factory=FeeTotals)
    callbacks: list[Callback] = field(default_factory=list)
    warranty_of_number: str | None = None
    attempts: list[RepairAttempt] = field(default_factory=list)

    @property
    def place(self) -> str:
        return self.unit_label or self.order.location


def get_order_detail(*, session: Session, order_id: int) -> OrderDetail | None:
    order = session.get(RepairOrder, order_id)
    if order is None:
        return None
    unit = session.get(Unit, order.unit_id) if order.unit_id else None
    reporter = session.get(User, order.reported_by)
    names = {u.id: u.name for u in session.exec(select(User))}
    events = session.exec(
        select(RepairEvent).where(RepairEvent.order_id == order.id).order_by(col(RepairEvent.id))
    ).all()
    lines = session.exec(
        select(RepairFeeLine)
        .where(RepairFeeLine.order_id == order.id)
        .order_by(col(RepairFeeLine.id))
    ).all()
    callbacks = session.exec(
        select(Callback)
        .where(Callback.subject_kind == "repair", Callback.subject_id == order.id)
        .order_by(col(Callback.id))
    ).all()
    previous = session.get(RepairOrder, order.warranty_of_id) if order.warranty_of_id else None
    return OrderDetail(
        order=order,
        category=session.get(RepairCategory, order.category_code),
        unit_label=unit.label if unit else None,
        reported_by_name=reporter.name if reporter else "",
        events=[EventView(e, names.get(e.user_id, "")) for e in events],
        lines=list(lines),
        fee=totals(lines),
        callbacks=list(callbacks),
        warranty_of_number=previous.number if previous else None,
        attempts=list_attempts(session=session, order_id=stored_id(order)),
    )


def find_order(*, session: Session, number: str) -> RepairOrder | None:
    """An order by its number as typed or scanned ("r20261128-0003" too)."""
    try:
        prefix, day, seq = parse_number(number)
    except ValueError:
        return None
    canonical = f"{prefix}{day:%Y%m%d}-{seq:04d}"
    return session.exec(select(RepairOrder).where(RepairOrder.number == canonical)).first()


def list_orders(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    statuses: list[RepairStatus] | None = None,
    text: str | None = None,
    limit: int = 200,
) -> list[tuple[RepairOrder, str | None]]:
    """Orders (newest first) with their unit label, filtered by time, status or text."""
    stmt = select(RepairOrder, Unit.label).join(
        Unit, col(Unit.id) == col(RepairOrder.unit_id), isouter=True
    )
    if since is not None:
        stmt = stmt.where(RepairOrder.reported_at >= as_utc(since))
    if until is not None:
        stmt = stmt.where(RepairOrder.reported_at < as_utc(until))
    if statuses:
        stmt = stmt.where(col(RepairOrder.status).in_([s.value for s in statuses]))
    if text and text.strip():
        like = f"%{text.strip()}%"
        stmt = stmt.where(
            or_(
                col(RepairOrder.number).ilike(like),
                col(Unit.label).ilike(like),
                col(RepairOrder.location).ilike(like),
                col(RepairOrder.reporter_name).ilike(like),
                col(RepairOrder.description).ilike(like),
            )
        )
    stmt = stmt.order_by(col(RepairOrder.reported_at).desc(), col(RepairOrder.id).desc()).limit(
        limit
    )
    return [(order, label) for order, label in session.exec(stmt)]


def list_due_callbacks(*, session: Session) -> list[tuple[Callback, RepairOrder]]:
    """Repair callbacks not yet done, soonest first (the repairs screen's own view of them)."""
    stmt = (
        select(Callback, RepairOrder)
        .join(RepairOrder, col(RepairOrder.id) == col(Callback.subject_id))
        .where(Callback.subject_kind == "repair", col(Callback.done_at).is_(None))
        .order_by(col(Callback.due_at))
    )
    return [(cb, order) for cb, order in session.exec(stmt)]
