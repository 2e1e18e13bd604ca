"""The communication log (D-40, D-41, D-43): every talk with the developer, government
departments, utilities, the owners' assembly and committee, owners and tenants, recorded
promptly: when, with whom, about what, what was agreed, and what follows by when.

A follow-up falls due on its date (from the desk's local midnight) and stays a due item until
it is marked done.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_row
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import N_, _
from deskterm.models.complaint import (
    Communication,
    CommunicationCreate,
    CommunicationHow,
    PartyKind,
)
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.complaints.base import bump, check_version, fits
from deskterm.services.complaints.queries import get_by_number, get_complaint
from deskterm.services.permissions import require

FIELD_LABELS = {
    "follow_up_done_at": N_("follow-up done"),
    "follow_up_due": N_("follow-up date"),
    "follow_up": N_("what follows"),
    "agreed": N_("what was agreed"),
}


def day_start(day: date, settings: Settings) -> datetime:
    """The desk's local midnight of `day`, as a UTC instant (when a dated follow-up falls due)."""
    return as_utc(datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(settings.timezone)))


def get_communication(
    session: Session, communication_id: int, *, for_update: bool = False
) -> Communication:
    row = (
        lock_row(session, Communication, communication_id)
        if for_update
        else session.get(Communication, communication_id)
    )
    if row is None:
        raise NotFound(_("There is no communication {id}.").format(id=communication_id))
    return row


def record_communication(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    communication_in: CommunicationCreate,
    complaint_number: str = "",
) -> Communication:
    """Record one communication (D-40). A follow-up needs a date, and a date needs a follow-up.
    `complaint_number` (C20261128-0001) files it with that complaint."""
    require(actor, "communications.record")
    data = communication_in
    if complaint_number.strip():
        try:
            found = get_by_number(session, complaint_number)
        except NotFound as exc:
            raise InvalidInput(str(exc), field="complaint") from None
        data = data.model_copy(update={"complaint_id": found.id})
    # `communication_in` is validated (models.forms.validated): its fields are not checked
    # again; the clock, the follow-up's date and the complaint it files to are.
    party_kind = PartyKind(data.party_kind)
    how = CommunicationHow(data.how)
    now = as_utc(clock.now())
    at = as_utc(data.at) if data.at else now
    if at > now + timedelta(minutes=5):
        raise InvalidInput(
            _("A communication is recorded after it happened, not before."), field="at"
        )
    follow_up = data.follow_up
    if follow_up and data.follow_up_due is None:
        raise InvalidInput(_("Give the date by which the follow-up is due."), field="follow_up_due")
    if data.follow_up_due is not None and not follow_up:
        raise InvalidInput(_("Say what follows by that date."), field="follow_up")
    if data.complaint_id is not None:
        get_complaint(session, data.complaint_id)
    row = Communication(
        at=at,
        party_kind=party_kind,
        party_name=data.party_name,
        how=how,
        subject=data.subject,
        agreed=data.agreed,
        follow_up=follow_up,
        follow_up_due=as_utc(data.follow_up_due) if data.follow_up_due else None,
        complaint_id=data.complaint_id,
        user_id=actor.author_id,
        recorded_at=now,
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="communication.create",
        entity="communication",
        detail={"party_kind": party_kind.value, "follow_up_due": row.follow_up_due},
        subject=row,
    )
    return row


def complete_follow_up(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    communication_id: int,
    version: int,
    note: str = "",
) -> Communication:
    """The follow-up was done: it leaves the due items."""
    require(actor, "communications.record")
    row = get_communication(session, communication_id, for_update=True)
    if not row.follow_up:
        raise InvalidInput(_("This communication has no follow-up."))
    if row.follow_up_done_at is not None:
        raise InvalidInput(_("This follow-up is done already."))
    check_version(
        session,
        row=row,
        version=version,
        entity="communication",
        labels=FIELD_LABELS,
        what=_("communication"),
    )
    diff = bump(
        row,
        {
            "follow_up_done_at": as_utc(clock.now()),
            "follow_up_done_by": actor.user_id,
            "follow_up_note": fits(note, field="note", limit=1000),
        },
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="communication.follow_up_done",
        entity="communication",
        detail={"version": row.version, "changes": diff},
        subject=row,
    )
    return row


def list_communications(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    search: str = "",
    party_kind: str | None = None,
    complaint_id: int | None = None,
    limit: int = 300,
) -> list[Communication]:
    """Newest first."""
    stmt = select(Communication)
    if since is not None:
        stmt = stmt.where(Communication.at >= as_utc(since))
    if until is not None:
        stmt = stmt.where(Communication.at < as_utc(until))
    if party_kind:
        stmt = stmt.where(Communication.party_kind == PartyKind(party_kind))
    if complaint_id is not None:
        stmt = stmt.where(Communication.complaint_id == complaint_id)
    text = search.strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(
            or_(
                col(Communication.party_name).ilike(like),
                col(Communication.subject).ilike(like),
                col(Communication.agreed).ilike(like),
            )
        )
    stmt = stmt.order_by(col(Communication.at).desc(), col(Communication.id).desc()).limit(limit)
    return list(session.exec(stmt))


def list_due_follow_ups(session: Session, *, now: datetime) -> list[Communication]:
    """Follow-ups whose date has come and that are not done: due items (dashboard, handover)."""
    stmt = (
        select(Communication)
        .where(
            col(Communication.follow_up_due).is_not(None),
            col(Communication.follow_up_done_at).is_(None),
            col(Communication.follow_up_due) <= as_utc(now),
        )
        .order_by(col(Communication.follow_up_due), col(Communication.id))
    )
    return list(session.exec(stmt))


def list_upcoming_follow_ups(
    session: Session, *, now: datetime, days: int = 7
) -> list[Communication]:
    """Follow-ups not due yet but within `days`."""
    stmt = (
        select(Communication)
        .where(
            col(Communication.follow_up_done_at).is_(None),
            col(Communication.follow_up_due) > as_utc(now),
            col(Communication.follow_up_due) <= as_utc(now) + timedelta(days=days),
        )
        .order_by(col(Communication.follow_up_due), col(Communication.id))
    )
    return list(session.exec(stmt))


def link_complaint(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    communication_id: int,
    complaint_id: int,
) -> Communication:
    """File an earlier communication with the complaint that came of it (case 2: the refused
    request, then the letter)."""
    require(actor, "communications.record")
    row = get_communication(session, communication_id, for_update=True)
    complaint = get_complaint(session, complaint_id)
    if row.complaint_id == complaint.id:  # another desk filed it a moment ago
        raise InvalidInput(
            _("This communication is filed with complaint {number} already.").format(
                number=complaint.number
            )
        )
    diff = bump(row, {"complaint_id": complaint.id})
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="communication.link",
        entity="communication",
        detail={"version": row.version, "changes": diff, "number": complaint.number},
        subject=row,
    )
    return row
