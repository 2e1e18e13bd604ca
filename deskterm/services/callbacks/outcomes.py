"""What a callback's outcome does (回访结果): the one place that reaches both repairs and complaints.

The queue (callbacks.queue) schedules and counts tries; a done callback lands here. "Dissatisfied"
sends a complaint back for a new reply, and a repair back to its order
(repairs.reopen_after_callback) or into a new complaint, as the desk chooses; a satisfied repair
callback moves the order on to "called back".
"""

from __future__ import annotations

from sqlmodel import Session

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import stored_id
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import _, written_in
from deskterm.models.complaint import (
    Callback,
    CallbackKind,
    CallbackMethod,
    CallbackResult,
    ComplainantKind,
    ComplaintChannel,
    ComplaintCreate,
)
from deskterm.models.repair import RepairOrder, RepairStatus
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.callbacks import queue as callbacks
from deskterm.services.callbacks.queue import MIN_ATTEMPTS_BEFORE_GIVING_UP, _method, _open_callback
from deskterm.services.complaints import handling as complaints
from deskterm.services.complaints.base import bump
from deskterm.services.permissions import require
from deskterm.services.repairs import status
from deskterm.services.repairs.base import load_order
from deskterm.services.repairs.status import pending_callback


def record_callback(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    callback_id: int,
    version: int,
    method: str,
    result: str,
    person: str = "",
    comment: str = "",
    dissatisfied_action: str = "reopen",
) -> Callback:
    """The callback is done. `dissatisfied_action` (repairs only): "reopen" the order or make
    a "complaint" of it. A dissatisfied complaint always goes back for a new reply."""
    require(actor, "callbacks.record")
    row = _open_callback(session, actor=actor, callback_id=callback_id, version=version)
    method_ = _method(method)
    try:
        result_ = CallbackResult(result)
    except ValueError:
        raise InvalidInput(_("Choose a result from the list."), field="result") from None
    note = comment.strip()
    if len(note) > 2000:
        raise InvalidInput(
            _("This text is longer than {n} characters.").format(n=2000), field="comment"
        )
    if result_ is CallbackResult.dissatisfied and not note:
        raise InvalidInput(_("Write down what the person is dissatisfied with."), field="comment")
    if result_ is CallbackResult.not_reached and row.attempts + 1 < MIN_ATTEMPTS_BEFORE_GIVING_UP:
        raise InvalidInput(
            _("Try at least {n} times before recording that the person was not reached.").format(
                n=MIN_ATTEMPTS_BEFORE_GIVING_UP
            ),
            field="result",
        )
    if len(person.strip()) > 64:  # refused, never cut short (issue 9)
        raise InvalidInput(
            _("This text is longer than {n} characters.").format(n=64), field="person"
        )
    if dissatisfied_action not in ("reopen", "complaint"):
        raise InvalidInput(_("Choose from the list."), field="dissatisfied_action")
    now = as_utc(clock.now())
    diff = bump(
        row,
        {
            "attempts": row.attempts + 1,
            "last_attempt_at": now,
            "method": method_,
            "result": result_,
            "person": person.strip(),
            "comment": note or None,
            "done_at": now,
            "done_by": actor.user_id,
        },
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="callback.done",
        entity="callback",
        detail={"version": row.version, "changes": diff, "on_time": as_utc(row.due_at) >= now},
        subject=row,
    )
    if result_ is CallbackResult.dissatisfied:
        _dissatisfied(
            session=session,
            actor=actor,
            clock=clock,
            settings=settings,
            row=row,
            note=note,
            action=dissatisfied_action,
        )
    elif row.subject_kind == CallbackKind.repair:
        _repair_called_back(session=session, actor=actor, clock=clock, callback=row)
    return row


def _dissatisfied(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    row: Callback,
    note: str,
    action: str,
) -> None:
    with written_in(settings.site_lang):  # the words it stores: the site's language (issue 16)
        _dissatisfied_written(
            session=session,
            actor=actor,
            clock=clock,
            settings=settings,
            row=row,
            note=note,
            action=action,
        )


def _dissatisfied_written(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    row: Callback,
    note: str,
    action: str,
) -> None:
    if row.subject_kind == CallbackKind.complaint:
        complaints.reopen_complaint(
            session=session,
            actor=actor,
            clock=clock,
            settings=settings,
            complaint_id=row.subject_id,
            reason=_("Callback: dissatisfied. {note}").format(note=note),
        )
        return
    order = session.get(RepairOrder, row.subject_id)
    if order is None:
        raise NotFound(_("There is no repair order {id}.").format(id=row.subject_id))
    if action == "complaint":
        complaint = complaints.intake_complaint(
            session=session,
            actor=actor,
            clock=clock,
            settings=settings,
            complaint_in=ComplaintCreate(
                who_kind=ComplainantKind.resident,
                who_name=row.person or order.reporter_name,
                unit_id=order.unit_id,
                channel=ComplaintChannel.phone
                if row.method == CallbackMethod.phone
                else ComplaintChannel.walk_in,
                category="repair_quality",
                content=_("Callback on repair {number}: {note}").format(
                    number=order.number, note=note
                ),
                department=_("Engineering"),
                repair_id=order.id,
            ),
        )
        row.complaint_id = complaint.id
        session.add(row)
        return
    _reopen_repair(
        session=session,
        actor=actor,
        clock=clock,
        settings=settings,
        order=order,
        callback=row,
        note=note,
    )


def _reopen_repair(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order: RepairOrder,
    callback: Callback,
    note: str,
) -> None:
    """Back to the order: the repairs service reopens it (fresh deadlines, reopen_count + 1)."""
    status.reopen_after_callback(
        session=session,
        actor=actor,
        clock=clock,
        settings=settings,
        order_id=stored_id(order),
        callback_id=stored_id(callback),
        comment=note,
    )


def _repair_called_back(
    *, session: Session, actor: Actor, clock: Clock, callback: Callback
) -> None:
    """A repaired (or accepted) order moves on to "called back"; a closed one stays closed."""
    order = session.get(RepairOrder, callback.subject_id)
    if order is not None and order.status in (RepairStatus.repaired, RepairStatus.accepted):
        status.mark_called_back(
            session=session,
            actor=actor,
            clock=clock,
            order_id=stored_id(order),
            callback_id=stored_id(callback),
            result=callback.result,
        )


def record_repair_callback(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order_id: int,
    method: str,
    result: CallbackResult | str | None,
    comment: str = "",
    person: str = "",
    reopen: bool = True,
    version: int | None = None,
) -> Callback:
    """Record the callback of a repaired order through the shared queue (services.callbacks).

    No result means nobody answered: the attempt is counted and the callback stays due.
    Dissatisfied reopens the order when `reopen`, else it becomes a complaint.
    """
    order = load_order(session, order_id)
    callback = pending_callback(session, order_id)
    if callback is None:
        raise InvalidInput(
            _("Order {number} has no callback due.").format(number=order.number), field="callback"
        )
    seen = callback.version if version is None else version
    if result is None:
        return callbacks.record_attempt(
            session=session,
            actor=actor,
            clock=clock,
            callback_id=stored_id(callback),
            version=seen,
            method=method,
            comment=comment,
        )
    return record_callback(
        session=session,
        actor=actor,
        clock=clock,
        settings=settings,
        callback_id=stored_id(callback),
        version=seen,
        method=method,
        result=str(getattr(result, "value", result)),
        person=person,
        comment=comment,
        dissatisfied_action="reopen" if reopen else "complaint",
    )
