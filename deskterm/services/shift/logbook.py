"""The duty logbook (岗位记事本, D-10): every abnormal situation and what was done about it.

Append-only: an entry is never changed; a correction is a new entry pointing at the one it
corrects (`corrects_id`). Every entry is sealed in the audit trail (subject=entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_row
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import N_, _
from deskterm.models.shift import LogbookEntry, LogbookEntryCreate, LogCategory
from deskterm.models.user import User
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require

FUTURE_TOLERANCE = timedelta(minutes=5)

CATEGORY_LABELS: dict[str, str] = {
    LogCategory.equipment: N_("Equipment"),
    LogCategory.security: N_("Security"),
    LogCategory.fire: N_("Fire"),
    LogCategory.water_power: N_("Utilities"),
    LogCategory.noise_dispute: N_("Dispute"),
    LogCategory.emergency: N_("Emergency"),
    LogCategory.other: N_("Other"),
}


def category_label(category: str) -> str:
    return _(CATEGORY_LABELS.get(category, category))


def add_entry(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    entry_in: LogbookEntryCreate,
    abnormal: bool = True,
) -> LogbookEntry:
    """Write one entry (or a correction of an earlier one) in the actor's shift."""
    require(actor, "logbook.add")
    if actor.user_id is None:
        raise InvalidInput(_("Sign in before writing in the logbook."))
    now = as_utc(clock.now())
    occurred = entry_in.occurred_at
    if occurred is None:
        occurred = now
    if occurred.tzinfo is None:
        raise InvalidInput(_("The time needs a time zone."), field="occurred_at")
    occurred = as_utc(occurred)
    if occurred > now + FUTURE_TOLERANCE:
        raise InvalidInput(_("The time is in the future."), field="occurred_at")
    # `entry_in` is validated (models.forms.validated): its text and category are not
    # checked again; the clock and the entry it corrects are.
    category = LogCategory(entry_in.category)
    corrects_id = entry_in.corrects_id
    if corrects_id is not None:
        target = lock_row(session, LogbookEntry, corrects_id)
        if target is None:
            raise NotFound(_("Logbook entry {n} does not exist.").format(n=corrects_id))
        later = session.exec(
            select(LogbookEntry.id).where(LogbookEntry.corrects_id == corrects_id)
        ).first()
        if later is not None:  # one live correction per entry: correct the correction
            raise InvalidInput(
                _("Entry {n} was corrected already (entry {m}); correct that one instead.").format(
                    n=corrects_id, m=later
                )
            )
    entry = LogbookEntry(
        occurred_at=occurred,
        category=category,
        location=entry_in.location,
        what=entry_in.what,
        action_taken=entry_in.action_taken,
        notified=entry_in.notified,
        recorded_at=now,
        user_id=actor.user_id,
        shift_id=actor.shift_id,
        corrects_id=corrects_id,
        abnormal=abnormal,
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="logbook.correct" if corrects_id else "logbook.create",
        entity="logbook_entry",
        detail={"category": category.value, **({"corrects": corrects_id} if corrects_id else {})},
        subject=entry,
    )
    return entry


def get_entry(session: Session, entry_id: int) -> LogbookEntry:
    entry = session.get(LogbookEntry, entry_id)
    if entry is None:
        raise NotFound(_("Logbook entry {n} does not exist.").format(n=entry_id))
    return entry


@dataclass(frozen=True)
class LogbookRow:
    entry: LogbookEntry
    author: str  # the staff member's name
    corrected_by: int | None  # the latest entry correcting this one, if any


@dataclass(frozen=True)
class LogbookQuery:
    text: str = ""
    category: str | None = None
    day: date | None = None  # the desk's local day
    shift_id: int | None = None


def _day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=zone)
    return as_utc(start), as_utc(start + timedelta(days=1))


def _filters(query: LogbookQuery, settings: Settings) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if query.category:
        clauses.append(col(LogbookEntry.category) == query.category)
    if query.day is not None:
        start, end = _day_bounds(query.day, settings.timezone)
        clauses.append(col(LogbookEntry.occurred_at) >= start)
        clauses.append(col(LogbookEntry.occurred_at) < end)
    if query.shift_id is not None:
        clauses.append(col(LogbookEntry.shift_id) == query.shift_id)
    text = query.text.strip().lower()
    if text:
        clauses.append(
            or_(
                *(
                    func.lower(column).contains(text, autoescape=True)
                    for column in (
                        col(LogbookEntry.what),
                        col(LogbookEntry.location),
                        col(LogbookEntry.action_taken),
                        col(LogbookEntry.notified),
                    )
                )
            )
        )
    return clauses


def count_entries(session: Session, query: LogbookQuery, settings: Settings) -> int:
    stmt = select(func.count()).select_from(LogbookEntry).where(*_filters(query, settings))
    return session.exec(stmt).one()


def search(
    session: Session, query: LogbookQuery, settings: Settings, *, offset: int = 0, limit: int = 50
) -> list[LogbookRow]:
    """Entries matching the query, newest first, with their author and any correction."""
    newer = aliased(LogbookEntry)
    corrected_by = (
        select(func.max(newer.id))
        .where(newer.corrects_id == LogbookEntry.id)
        .correlate(LogbookEntry)
        .scalar_subquery()
    )
    stmt = (
        select(LogbookEntry, User.name, corrected_by)
        .join(User, col(User.id) == LogbookEntry.user_id)
        .where(*_filters(query, settings))
        .order_by(col(LogbookEntry.occurred_at).desc(), col(LogbookEntry.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return [LogbookRow(entry, name, newer_id) for entry, name, newer_id in session.exec(stmt)]
