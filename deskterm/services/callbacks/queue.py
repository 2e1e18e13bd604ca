"""The callback queue (回访): one queue for repairs and complaints (forms.md §3.11, §4).

A callback falls due when a repair is done (the repairs service schedules it) or a complaint is
closed (settings.complaint_callback_days). Each try is counted; the result is satisfied,
fairly satisfied, dissatisfied or (after tries) not reached. "Dissatisfied" sends a complaint
back for a new reply, and a repair back to its order (repairs.reopen_after_callback) or into a
new complaint, as the desk chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.db import stored_id
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import N_, _
from deskterm.models.complaint import (
    Callback,
    CallbackKind,
    CallbackMethod,
    Complaint,
)
from deskterm.models.estate import Company, Resident, Unit
from deskterm.models.repair import RepairOrder
from deskterm.services import audit, callback_schedule
from deskterm.services.actor import Actor
from deskterm.services.complaints import links
from deskterm.services.complaints.base import bump, check_version
from deskterm.services.permissions import require

MIN_ATTEMPTS_BEFORE_GIVING_UP = 2

FIELD_LABELS = {
    "attempts": N_("attempts"),
    "result": N_("result"),
    "done_at": N_("done"),
    "comment": N_("comment"),
    "due_at": N_("due"),
}


@dataclass(frozen=True)
class CallbackRow:
    """A callback with what the queue shows of its subject (no phone numbers)."""

    callback: Callback
    number: str  # R20261128-0003 / C20261128-0001
    unit: str
    who: str
    about: str
    overdue: bool


Subject = tuple[str, str, str, str]  # (number, unit, who, about)


def _subjects(session: Session, rows: list[Callback]) -> dict[tuple[str, int], Subject]:
    """{(kind, id): (number, unit, who, about)} for a page of callbacks, in three queries."""
    repair_ids = {r.subject_id for r in rows if r.subject_kind == CallbackKind.repair}
    complaint_ids = {r.subject_id for r in rows if r.subject_kind == CallbackKind.complaint}
    orders = (
        list(session.exec(select(RepairOrder).where(col(RepairOrder.id).in_(repair_ids))))
        if repair_ids
        else []
    )
    found = (
        list(session.exec(select(Complaint).where(col(Complaint.id).in_(complaint_ids))))
        if complaint_ids
        else []
    )
    unit_ids = {o.unit_id for o in orders if o.unit_id} | {c.unit_id for c in found if c.unit_id}
    units = (
        {u.id: u.label for u in session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)))}
        if unit_ids
        else {}
    )
    subjects: dict[tuple[str, int], Subject] = {}
    for o in orders:
        subjects[(CallbackKind.repair.value, stored_id(o))] = (
            o.number,
            units.get(o.unit_id, "") or o.location,
            o.reporter_name,
            o.description,
        )
    for c in found:
        subjects[(CallbackKind.complaint.value, stored_id(c))] = (
            c.number,
            units.get(c.unit_id, ""),
            c.who_name,
            c.content,
        )
    return subjects


def _describe_all(session: Session, rows: list[Callback], now: datetime) -> list[CallbackRow]:
    subjects = _subjects(session, rows)
    described = []
    for row in rows:
        number, unit, who, about = subjects.get(
            (str(row.subject_kind), row.subject_id), ("", "", "", "")
        )
        overdue = row.done_at is None and as_utc(row.due_at) < as_utc(now)
        described.append(CallbackRow(row, number, unit, who, about, overdue))
    return described


def describe(session: Session, callback_id: int, *, now: datetime) -> CallbackRow:
    return _describe_all(session, [callback_schedule.get_callback(session, callback_id)], now)[0]


def list_callbacks(
    session: Session,
    *,
    now: datetime,
    include_done: bool = False,
    kind: str | None = None,
    limit: int = 300,
) -> list[CallbackRow]:
    """The queue: pending callbacks, earliest due first (overdue ones at the top); with
    include_done, the done ones follow, newest first."""
    stmt = select(Callback)
    if kind:
        stmt = stmt.where(Callback.subject_kind == CallbackKind(kind))
    found = list(
        session.exec(
            stmt.where(col(Callback.done_at).is_(None))
            .order_by(col(Callback.due_at), col(Callback.id))
            .limit(limit)
        )
    )
    if include_done:
        found += list(
            session.exec(
                stmt.where(col(Callback.done_at).is_not(None))
                .order_by(col(Callback.done_at).desc())
                .limit(limit)
            )
        )
    return _describe_all(session, found, now)


def list_overdue_callbacks(session: Session, *, now: datetime) -> list[CallbackRow]:
    stmt = (
        select(Callback)
        .where(col(Callback.done_at).is_(None), Callback.due_at < as_utc(now))
        .order_by(col(Callback.due_at), col(Callback.id))
    )
    found = list(session.exec(stmt))
    return _describe_all(session, found, now)


def _open_callback(session: Session, *, actor: Actor, callback_id: int, version: int) -> Callback:
    require(actor, "callbacks.record")
    row = callback_schedule.get_callback(session, callback_id, for_update=True)
    if row.done_at is not None:
        raise InvalidInput(_("This callback is done already."))
    check_version(
        session,
        row=row,
        version=version,
        entity="callback",
        labels=FIELD_LABELS,
        what=_("callback"),
    )
    return row


def _method(value: str) -> CallbackMethod:
    try:
        return CallbackMethod(value)
    except ValueError:
        raise InvalidInput(_("Choose phone or visit."), field="method") from None


def record_attempt(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    callback_id: int,
    version: int,
    method: str = CallbackMethod.phone,
    comment: str = "",
) -> Callback:
    """A try that did not reach the person: counted, the callback stays in the queue."""
    row = _open_callback(session, actor=actor, callback_id=callback_id, version=version)
    now = as_utc(clock.now())
    diff = bump(
        row, {"attempts": row.attempts + 1, "last_attempt_at": now, "method": _method(method)}
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="callback.attempt",
        entity="callback",
        detail={"version": row.version, "changes": diff, "comment": comment.strip()[:200]},
        subject=row,
    )
    return row


REVEAL_REASON_MAX = 200


def _party_phone(session: Session, resident_id: int | None, company_id: int | None) -> str:
    if resident_id is not None:
        person = session.get(Resident, resident_id)
        if person is not None and person.phone:
            return person.phone
    if company_id is not None:
        company = session.get(Company, company_id)
        if company is not None and company.phone:
            return company.phone
    return ""


def _order_number(session: Session, order: RepairOrder) -> str:
    """The order's own contact, else the phone on record of the resident or company of its
    unit named as the reporter (issue 21: the reporter is a resident of the unit)."""
    if order.reporter_contact:
        return order.reporter_contact
    return _party_phone(
        session, *links.on_record(session, unit_id=order.unit_id, name=order.reporter_name)
    )


def _complaint_number(session: Session, complaint: Complaint) -> str:
    """The complaint's own contact, else its linked resident or company, else the one on record
    for its unit and name, else the reporter of a repair order it concerns."""
    number = complaint.contact or _party_phone(session, complaint.resident_id, complaint.company_id)
    if not number and complaint.resident_id is None and complaint.company_id is None:
        number = _party_phone(
            session,
            *links.on_record(
                session,
                unit_id=complaint.unit_id,
                name=complaint.who_name,
                kind=str(complaint.who_kind),
            ),
        )
    if not number:
        for repair in links.repairs_of(session, stored_id(complaint)):
            order = session.get(RepairOrder, repair.id)
            number = _order_number(session, order) if order else ""
            if number:
                break
    return number


def reveal_contact(
    *, session: Session, actor: Actor, clock: Clock, callback_id: int, reason: str
) -> str:
    """The number to dial for a callback (the desk's own call, D-21): the contact typed on the
    repair order or the complaint, else the phone on record of the resident or company who
    reported or complained (linked, or on record for the unit and name; for a complaint also
    the reporter of the repair it concerns). Asked with a reason and audited (who, which callback, why; never the number).
    """
    require(actor, "residents.reveal_phone")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(_("Say why the number is needed."), field="reason")
    if len(reason) > REVEAL_REASON_MAX:
        raise InvalidInput(
            _("The reason is at most {n} characters.").format(n=REVEAL_REASON_MAX), field="reason"
        )
    cb = callback_schedule.get_callback(session, callback_id)
    if cb.subject_kind == CallbackKind.repair:
        order = session.get(RepairOrder, cb.subject_id)
        number = _order_number(session, order) if order else ""
        for c in links.complaints_of_repair(session, cb.subject_id) if not number else ():
            complaint = session.get(Complaint, c.id)
            number = (
                (
                    complaint.contact
                    or _party_phone(session, complaint.resident_id, complaint.company_id)
                )
                if complaint
                else ""
            )
            if number:
                break
    else:
        complaint = session.get(Complaint, cb.subject_id)
        number = _complaint_number(session, complaint) if complaint else ""
    if not number:
        raise NotFound(_("No number is on record for this callback: ask at the unit."))
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="callback.reveal_phone",
        entity="callback",
        entity_id=cb.id,
        detail={"reason": reason, "subject": f"{cb.subject_kind}:{cb.subject_id}"},
    )
    return number
