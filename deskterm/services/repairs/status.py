"""An order from report to close (D-31, D-36, case 1): dispatch, arrival, repair, the resident's
acceptance, the callback and closing; cancel or hold with a reason; corrections; reopening.

Every change passes the version the desk started from (`version=`): a save based on an older
version is refused with what the other desk changed (StaleEdit).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import stored_id
from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.complaint import Callback, CallbackResult, ComplaintRepair
from deskterm.models.repair import (
    DONE_REPAIR_STATUSES,
    OPEN_REPAIR_STATUSES,
    RepairAttempt,
    RepairClass,
    RepairFeeLine,
    RepairOrder,
    RepairOrderUpdate,
    RepairScope,
    RepairStatus,
)
from deskterm.rules.sla import deadlines_for
from deskterm.services import callback_schedule
from deskterm.services.actor import Actor
from deskterm.services.overwrite import typed_only
from deskterm.services.permissions import require
from deskterm.services.repairs import engineers
from deskterm.services.repairs.base import (
    apply_change,
    changes_since,
    check_version,
    load_order,
    require_status,
)
from deskterm.services.repairs.fee_schedule import totals
from deskterm.services.repairs.intake import check_appointment
from deskterm.services.repairs.settlement import fee_acceptance_blocker

S = RepairStatus
CALLBACK_SUBJECT = "repair"


def _text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, field=field)
    return text


def _when(value: datetime | None, now: datetime, field: str, after: datetime | None) -> datetime:
    """A time the desk typed for something that happened (default now): not future, in order."""
    at = as_utc(value) if value is not None else now
    if at > now + timedelta(minutes=1):
        raise InvalidInput(_("That time is in the future."), field=field)
    if after is not None and at < after:
        raise InvalidInput(_("That time is before the previous step."), field=field)
    return at


def _start(
    session: Session,
    actor: Actor,
    order_id: int,
    version: int | None,
    action: str,
    *,
    overwrite: bool = False,
) -> RepairOrder:
    require(actor, action)
    order = load_order(session, order_id, for_update=True)
    check_version(session, order, version, overwrite=overwrite)
    return order


# -- dispatch, arrival, repair ----------------------------------------------------------------
def dispatch(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
    engineer_id: int | None = None,
    assignee: str = "",
    note: str = "",
) -> RepairOrder:
    """Pass the order to an engineer of the list (D-36: at once); again to re-assign it.

    `engineer_id` names one from the list; a bare `assignee` name must be one of the list too
    (the CLI and old callers), so that the desk always knows who is coming."""
    order = _start(session, actor, order_id, version, "repairs.update")
    require_status(order, (S.reported, S.dispatched, S.on_site), _("dispatch it"))
    engineer = engineers.resolve(session, engineer_id=engineer_id, name=assignee)
    now = as_utc(clock.now())
    values: dict[str, Any] = {"assignee": engineer.name, "engineer_id": engineer.id}
    if order.status == S.reported:
        values |= {"status": S.dispatched, "dispatched_at": now}
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="dispatch",
        values=values,
        note=note.strip(),
    )
    return order


def record_arrival(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
    arrived_at: datetime | None = None,
) -> RepairOrder:
    """The engineer is on site (the urgent 2-hour limit of D-31 is met or missed here)."""
    order = _start(session, actor, order_id, version, "repairs.update")
    require_status(order, (S.dispatched,), _("mark it on site"))
    at = _when(
        arrived_at, as_utc(clock.now()), "arrived_at", order.dispatched_at or order.reported_at
    )
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="arrive",
        values={"status": S.on_site, "arrived_at": at},
    )
    return order


def _fee_blocker(session: Session, order: RepairOrder, settings: Settings) -> str | None:
    """Why work may not be marked done yet (D-34, D-36), or None."""
    lines = session.exec(select(RepairFeeLine).where(RepairFeeLine.order_id == order.id)).all()
    fee = totals(lines)
    if fee.pending_lines:
        return _(
            "Order {number} has a fee off the schedule waiting for a supervisor's review; "
            "work goes on once it is reviewed."
        ).format(number=order.number)
    return fee_acceptance_blocker(order, settings, fee)


def mark_repaired(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order_id: int,
    version: int | None,
    work_done: str,
    materials: str = "",
    repaired_at: datetime | None = None,
) -> RepairOrder:
    """Work done: the fix deadline is met or missed, and the callback (回访) falls due."""
    order = _start(session, actor, order_id, version, "repairs.update")
    require_status(order, (S.on_site,), _("mark it repaired"))
    work = _text(work_done, "work_done", _("Say what work was done."))
    blocker = _fee_blocker(session, order, settings)
    if blocker:
        raise InvalidInput(blocker, field="fees")
    now = as_utc(clock.now())
    at = _when(repaired_at, now, "repaired_at", order.arrived_at)
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="repair",
        values={
            "status": S.repaired,
            "repaired_at": at,
            "work_done": work,
            "materials": materials.strip() or None,
        },
    )
    if order.scope == RepairScope.household:
        _open_callback(session, actor, clock, settings, order, now)
    return order


# -- the callback (回访, case 1) ----------------------------------------------------------------
def shift_end(session: Session, actor: Actor, now: datetime, settings: Settings) -> datetime:
    """When the current shift ends: from the shift record and the roster in the settings
    (services.callback_schedule)."""
    return callback_schedule.shift_end(session, actor, now, settings)


def callback_due(
    session: Session, actor: Actor, order: RepairOrder, now: datetime, settings: Settings
) -> datetime:
    """The setting `callback_due` decides, by class and category; a repair that came from a
    complaint (case 1) is called back before the shift ends by default."""
    from_complaint = (
        session.exec(
            select(ComplaintRepair.id).where(ComplaintRepair.repair_id == order.id)
        ).first()
        is not None
    )
    return callback_schedule.due_at(
        session,
        actor,
        now,
        settings,
        kind=CALLBACK_SUBJECT,
        repair_class=str(order.repair_class),
        category=order.category_code,
        from_complaint=from_complaint,
    )


def _open_callback(
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order: RepairOrder,
    now: datetime,
) -> Callback:
    """Put the order's callback in the shared queue (services.callbacks)."""
    return callback_schedule.schedule_callback(
        session=session,
        actor=actor,
        clock=clock,
        subject_kind=CALLBACK_SUBJECT,
        subject_id=stored_id(order),
        due_at=callback_due(session, actor, order, now, settings),
    )


def pending_callback(session: Session, order_id: int) -> Callback | None:
    return session.exec(
        select(Callback)
        .where(
            Callback.subject_kind == CALLBACK_SUBJECT,
            Callback.subject_id == order_id,
            col(Callback.done_at).is_(None),
        )
        .order_by(col(Callback.id).desc())
    ).first()


def mark_called_back(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    callback_id: int | None = None,
    result: CallbackResult | str | None = None,
) -> RepairOrder:
    """The callback of a repaired order is done (called by the callback queue as well)."""
    order = _start(session, actor, order_id, None, "callbacks.record")
    require_status(order, (S.repaired, S.accepted), _("record its callback"))
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="called_back",
        values={"status": S.called_back},
        note=str(getattr(result, "value", result) or ""),
        detail={"callback_id": callback_id},
    )
    return order


def reopen_after_callback(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order_id: int,
    callback_id: int | None = None,
    comment: str = "",
) -> RepairOrder:
    """A dissatisfied callback reopens the order (counted in reopen_count).

    The attempt that ends here is kept as a RepairAttempt with its deadlines, times and
    outcome (the SLA report counts it apart from the new attempt, D-31); the order goes back
    to "reported" with fresh deadlines from now.
    """
    order = _start(session, actor, order_id, None, "callbacks.record")
    require_status(order, DONE_REPAIR_STATUSES, _("reopen it"))
    now = as_utc(clock.now())
    session.add(
        RepairAttempt(
            order_id=stored_id(order),
            attempt=order.reopen_count + 1,
            started_at=order.reopened_at or order.reported_at,
            onsite_due_at=order.onsite_due_at,
            fix_due_at=order.fix_due_at,
            assignee=order.assignee,
            dispatched_at=order.dispatched_at,
            arrived_at=order.arrived_at,
            repaired_at=order.repaired_at,
            appointment_after_deadline=order.appointment_after_deadline,
            ended_at=now,
            outcome="reopened",
            note=comment.strip()[:2000],
        )
    )
    deadlines = deadlines_for(str(order.repair_class), now, settings.sla)
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="reopen",
        values={
            "status": S.reported,
            "reopen_count": order.reopen_count + 1,
            "reopened_at": now,
            "dispatched_at": None,
            "arrived_at": None,
            "repaired_at": None,
            "accepted_at": None,
            "accepted_by_name": None,
            "closed_at": None,
            "onsite_due_at": deadlines.onsite_due,
            "fix_due_at": deadlines.fix_due,
            "appointment_at": None,
            "appointment_after_deadline": False,
        },
        note=comment.strip(),
        detail={"callback_id": callback_id},
    )
    return order


def callback_done(session: Session, order_id: int) -> bool:
    """Whether the order's latest callback has been made (whatever its result)."""
    latest = session.exec(
        select(Callback)
        .where(Callback.subject_kind == CALLBACK_SUBJECT, Callback.subject_id == order_id)
        .order_by(col(Callback.id).desc())
    ).first()
    return latest is not None and latest.done_at is not None


# -- the resident's acceptance, closing --------------------------------------------------------
def record_acceptance(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
    accepted_by: str,
) -> RepairOrder:
    """The resident (or, for a public facility, the verifier) signs the work off."""
    order = _start(session, actor, order_id, version, "repairs.update")
    require_status(order, (S.repaired, S.called_back), _("record the resident's sign-off"))
    who = _text(accepted_by, "accepted_by_name", _("Who accepted the work? Enter the name."))
    values = {"accepted_by_name": who, "accepted_at": as_utc(clock.now())}
    if order.status == S.repaired:  # signed after the callback: the status stays "called back"
        values["status"] = S.accepted
    apply_change(
        session=session, actor=actor, clock=clock, order=order, action="accept", values=values
    )
    return order


def close_order(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
    note: str = "",
) -> RepairOrder:
    """Close a household order once its callback is made; a public one once accepted (verified)."""
    order = _start(session, actor, order_id, version, "repairs.update")
    allowed: tuple[RepairStatus, ...] = (S.accepted, S.called_back)
    if order.scope == RepairScope.household:
        # Called back; or the callback was made and turned into a complaint instead.
        allowed = (S.called_back,)
        if callback_done(session, stored_id(order)):
            allowed = (S.repaired, S.accepted, S.called_back)
    require_status(order, allowed, _("close it"))
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="close",
        values={"status": S.closed, "closed_at": as_utc(clock.now())},
        note=note.strip(),
    )
    return order


def cancel_order(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
    reason: str,
) -> RepairOrder:
    order = _start(session, actor, order_id, version, "repairs.update")
    require_status(order, OPEN_REPAIR_STATUSES, _("cancel it"))
    why = _text(reason, "status_reason", _("Say why the order is cancelled."))
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="cancel",
        values={
            "status": S.cancelled,
            "status_reason": why,
            "closed_at": as_utc(clock.now()),
            "resume_status": None,
        },
        note=why,
    )
    return order


def hold_order(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
    reason: str,
) -> RepairOrder:
    """Put an order on hold with a reason; its deadlines keep running on the board."""
    order = _start(session, actor, order_id, version, "repairs.update")
    require_status(order, (S.reported, S.dispatched, S.on_site), _("put it on hold"))
    why = _text(reason, "status_reason", _("Say why the order is on hold."))
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="hold",
        values={"status": S.on_hold, "status_reason": why, "resume_status": str(order.status)},
        note=why,
    )
    return order


def resume_order(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
) -> RepairOrder:
    order = _start(session, actor, order_id, version, "repairs.update")
    require_status(order, (S.on_hold,), _("resume it"))
    back = RepairStatus(order.resume_status or S.reported)
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="resume",
        values={"status": back, "resume_status": None, "status_reason": None},
    )
    return order


def update_order(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
    changes: RepairOrderUpdate,
    settings: Settings | None = None,
    resident_chose_later: bool = False,
) -> RepairOrder:
    """Correct what was taken down (reporter, contact, location, description, appointment);
    saving again after a stale refusal puts the correction over the change seen."""
    order = _start(session, actor, order_id, version, "repairs.update", overwrite=True)
    theirs = (
        changes_since(session, order, version)
        if version is not None and order.version != version
        else {}
    )
    require_status(order, OPEN_REPAIR_STATUSES, _("correct it"))
    settings = settings or Settings()
    values = {}
    for field, value in changes.model_dump(exclude_unset=True).items():
        if value is None:  # `changes` is validated (models.forms.validated)
            continue
        if field == "appointment_at":
            if order.repair_class == RepairClass.urgent:
                raise InvalidInput(
                    _("An urgent repair is attended at once; it takes no appointment."),
                    field="appointment_at",
                )
            value = as_utc(value)
            values["appointment_after_deadline"] = check_appointment(
                value, order.fix_due_at, resident_chose_later, settings.timezone
            )
        values[field] = value
    values = typed_only(values, theirs)
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="edit",
        values=values,
        force_event=False,
    )
    return order
