"""Reading complaints: one by id or number, the lists the desk and the dashboard show (awaiting
a reply, overdue, severe and unacknowledged: D-44), and one complaint's detail with its steps,
callbacks and communications (contact masked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from deskterm.clock import as_utc
from deskterm.db import lock_row
from deskterm.errors import NotFound
from deskterm.i18n import _
from deskterm.models.complaint import (
    OPEN_COMPLAINT_STATUSES,
    Callback,
    CallbackKind,
    Communication,
    Complaint,
    ComplaintStep,
    Severity,
)
from deskterm.models.estate import Unit
from deskterm.models.public_area import PublicAreaRequest
from deskterm.models.user import User
from deskterm.rules.phone import mask_phone
from deskterm.services.complaints import links, public_areas
from deskterm.services.complaints.categories import category_label


def get_complaint(session: Session, complaint_id: int, *, for_update: bool = False) -> Complaint:
    row = (
        lock_row(session, Complaint, complaint_id)
        if for_update
        else session.get(Complaint, complaint_id)
    )
    if row is None:
        raise NotFound(_("There is no complaint {id}.").format(id=complaint_id))
    return row


def get_by_number(session: Session, number: str) -> Complaint:
    text = (number or "").strip().upper()
    if "\x00" in text or len(text) > 20:  # not a number; PostgreSQL refuses NUL in text
        raise NotFound(_("There is no complaint numbered {number}.").format(number="?"))
    row = session.exec(select(Complaint).where(Complaint.number == text)).first()
    if row is None:
        raise NotFound(_("There is no complaint numbered {number}.").format(number=text))
    return row


def list_steps(session: Session, complaint_id: int) -> list[ComplaintStep]:
    return list(
        session.exec(
            select(ComplaintStep)
            .where(ComplaintStep.complaint_id == complaint_id)
            .order_by(col(ComplaintStep.at), col(ComplaintStep.id))
        )
    )


def is_awaiting_reply(row: Complaint) -> bool:
    return row.replied_at is None and row.status in OPEN_COMPLAINT_STATUSES


def is_reply_overdue(row: Complaint, now: datetime) -> bool:
    return (
        is_awaiting_reply(row)
        and row.reply_due_at is not None
        and as_utc(row.reply_due_at) < as_utc(now)
    )


def list_complaints(
    session: Session,
    *,
    status: str | None = None,
    search: str = "",
    limit: int = 200,
) -> list[Complaint]:
    """Newest first. status: a ComplaintStatus, or "awaiting" (no reply yet), or None (all)."""
    stmt = select(Complaint)
    if status == "awaiting":
        stmt = stmt.where(
            col(Complaint.replied_at).is_(None),
            col(Complaint.status).in_(list(OPEN_COMPLAINT_STATUSES)),
        )
    elif status:
        stmt = stmt.where(Complaint.status == status)
    text = search.strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(
            or_(
                col(Complaint.number).ilike(like),
                col(Complaint.who_name).ilike(like),
                col(Complaint.content).ilike(like),
            )
        )
    stmt = stmt.order_by(col(Complaint.received_at).desc(), col(Complaint.id).desc()).limit(limit)
    return list(session.exec(stmt))


def list_awaiting_reply(session: Session) -> list[Complaint]:
    """Complaints still owing the complainant a reply, the earliest deadline first (for the
    dashboard and the handover, D-11, D-44)."""
    stmt = (
        select(Complaint)
        .where(
            col(Complaint.replied_at).is_(None),
            col(Complaint.status).in_(list(OPEN_COMPLAINT_STATUSES)),
        )
        .order_by(
            col(Complaint.reply_due_at).is_(None), col(Complaint.reply_due_at), col(Complaint.id)
        )
    )
    return list(session.exec(stmt))


def list_overdue_replies(session: Session, *, now: datetime) -> list[Complaint]:
    return [c for c in list_awaiting_reply(session) if is_reply_overdue(c, now)]


def list_severe_unacknowledged(session: Session) -> list[Complaint]:
    """Severe complaints no supervisor has acknowledged yet (the supervisors' dashboard flag)."""
    stmt = (
        select(Complaint)
        .where(Complaint.severity == Severity.severe, col(Complaint.severe_ack_at).is_(None))
        .order_by(col(Complaint.received_at), col(Complaint.id))
    )
    return list(session.exec(stmt))


@dataclass(frozen=True)
class StepLine:
    at: datetime
    step: str
    who: str
    note: str


@dataclass(frozen=True)
class ComplaintDetail:
    """One complaint with what the desk shows around it (no phone number unmasked)."""

    complaint: Complaint
    unit: str
    received_by: str
    category: str
    steps: list[StepLine]
    callbacks: list[Callback]  # oldest first
    communications: list[Communication]  # filed with it, newest first
    contact_masked: str
    party: str = ""  # the resident or company on record who complained ("" if not linked)
    repairs: list[links.LinkedRepair] = field(default_factory=list)  # oldest first
    public_request: str = ""  # "PA20261128-0001 大堂 refused" (case 2), "" if none


def complaint_detail(session: Session, complaint_id: int) -> ComplaintDetail:
    row = get_complaint(session, complaint_id)
    names = {u.id: u.name for u in session.exec(select(User))}
    steps = [
        StepLine(s.at, str(s.step), names.get(s.user_id, ""), s.note)
        for s in list_steps(session, complaint_id)
    ]
    cbs = list(
        session.exec(
            select(Callback)
            .where(
                Callback.subject_kind == CallbackKind.complaint, Callback.subject_id == complaint_id
            )
            .order_by(col(Callback.id))
        )
    )
    comms = list(
        session.exec(
            select(Communication)
            .where(Communication.complaint_id == complaint_id)
            .order_by(col(Communication.at).desc())
        )
    )
    return ComplaintDetail(
        row,
        unit_label(session, row.unit_id),
        names.get(row.received_by, ""),
        category_label(session, row.category),
        steps,
        cbs,
        comms,
        mask_phone(row.contact) if row.contact else "",
        party=links.party_of(session, row),
        repairs=links.repairs_of(session, complaint_id),
        public_request=_public_request_line(session, row.public_request_id),
    )


def _public_request_line(session: Session, request_id: int | None) -> str:
    if request_id is None:
        return ""
    request = session.get(PublicAreaRequest, request_id)
    return public_areas.request_line(request) if request else ""


def unit_label(session: Session, unit_id: int | None) -> str:
    if unit_id is None:
        return ""
    unit = session.get(Unit, unit_id)
    return unit.label if unit else ""
