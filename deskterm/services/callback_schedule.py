"""Putting a callback (回访) in the queue, when it falls due, and when the desk's shift ends
(case 1: "before the shift ends the operator phones back").

Repairs and complaints schedule their callbacks here; the queue itself (tries, outcomes, the
list the desk works through) is the `services.callbacks` area, which sits above both of them.

The due time is a setting per kind, class and category (`Settings.callback_due`): the most
specific key that is set wins — "from_complaint" for a repair or complaint that came from a
complaint, then "<kind>.<category>", "<kind>.<class>", "<kind>", and last the older settings
repair_callback_hours and complaint_callback_days. A value is "shift_end", or a span like
"48h" or "3d". The shift's end comes from the shift record (its start) and the roster
in the settings (`Settings.shift_starts`), never from constants in code.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_row
from deskterm.errors import NotFound
from deskterm.i18n import _
from deskterm.models.complaint import Callback, CallbackKind
from deskterm.models.shift import Shift
from deskterm.services import audit
from deskterm.services.actor import Actor

SHIFT_END = "shift_end"
_SPAN = re.compile(r"([1-9][0-9]{0,3})([hd])")
EARLY_CHECK_IN = timedelta(hours=1)  # a shift started this much before its block belongs to it


def roster(settings: Settings) -> list[time]:
    """The shift start times of the roster, sorted; a bad entry is refused by name."""
    starts = []
    for text in settings.shift_starts:
        try:
            starts.append(datetime.strptime(text.strip(), "%H:%M").time())
        except ValueError:
            raise ValueError(
                f"shift_starts in settings.toml holds times like 08:00, not {text!r}"
            ) from None
    if not starts:
        raise ValueError("shift_starts in settings.toml needs at least one time")
    return sorted(set(starts))


def next_boundary(after: datetime, settings: Settings) -> datetime:
    """The first roster start strictly after `after` (UTC)."""
    zone = ZoneInfo(settings.timezone)
    local = as_utc(after).astimezone(zone)
    for days in range(0, 3):
        day = local.date() + timedelta(days=days)
        for start in roster(settings):
            candidate = datetime.combine(day, start, tzinfo=zone)
            if candidate > local:
                return candidate.astimezone(UTC)
    raise AssertionError("a roster start is always found within two days")


def shift_end(session: Session, actor: Actor, now: datetime, settings: Settings) -> datetime:
    """When the actor's shift ends: the roster start that follows the shift's own start (an
    operator who checked in a little early belongs to the block that follows); without a
    shift, or when the shift runs over, the next roster start after now."""
    now = as_utc(now)
    shift = session.get(Shift, actor.shift_id) if actor.shift_id else None
    if shift is not None:
        end = next_boundary(as_utc(shift.started_at) + EARLY_CHECK_IN, settings)
        if end > now:
            return end
    return next_boundary(now, settings)


def rule_for(
    settings: Settings,
    *,
    kind: str,
    repair_class: str | None = None,
    category: str | None = None,
    from_complaint: bool = False,
) -> str:
    """The setting that decides a callback's due time (the most specific key set)."""
    table = settings.callback_due
    keys = (["from_complaint"] if from_complaint else []) + [
        f"{kind}.{category}" if category else "",
        f"{kind}.{repair_class}" if repair_class else "",
        kind,
    ]
    for key in keys:
        if key and key in table:
            return table[key]
    if kind == "repair":
        return f"{settings.repair_callback_hours}h"
    return f"{settings.complaint_callback_days}d"


def due_at(
    session: Session,
    actor: Actor,
    now: datetime,
    settings: Settings,
    *,
    kind: str,
    repair_class: str | None = None,
    category: str | None = None,
    from_complaint: bool = False,
) -> datetime:
    """When a callback for this record falls due."""
    rule = rule_for(
        settings,
        kind=kind,
        repair_class=repair_class,
        category=category,
        from_complaint=from_complaint,
    ).strip()
    now = as_utc(now)
    if rule == SHIFT_END:
        return shift_end(session, actor, now, settings)
    match = _SPAN.fullmatch(rule)
    if match is None:
        raise ValueError(
            f"callback_due in settings.toml takes shift_end, <n>h or <n>d, not {rule!r}"
        )
    n = int(match[1])
    return now + (timedelta(hours=n) if match[2] == "h" else timedelta(days=n))


def get_callback(session: Session, callback_id: int, *, for_update: bool = False) -> Callback:
    row = (
        lock_row(session, Callback, callback_id)
        if for_update
        else session.get(Callback, callback_id)
    )
    if row is None:
        raise NotFound(_("There is no callback {id}.").format(id=callback_id))
    return row


def pending_for(session: Session, *, kind: str, subject_id: int) -> Callback | None:
    return session.exec(
        select(Callback).where(
            Callback.subject_kind == CallbackKind(kind),
            Callback.subject_id == subject_id,
            col(Callback.done_at).is_(None),
        )
    ).first()


def list_for(session: Session, *, kind: str, subject_id: int) -> list[Callback]:
    return list(
        session.exec(
            select(Callback)
            .where(Callback.subject_kind == CallbackKind(kind), Callback.subject_id == subject_id)
            .order_by(col(Callback.id))
        )
    )


def schedule_callback(
    *,
    session: Session,
    actor: Actor | None,
    clock: Clock,
    subject_kind: str,
    subject_id: int,
    due_at: datetime,
) -> Callback:
    """Put a callback in the queue (one pending callback per record: a second call returns
    the pending one with the earlier of the two due times)."""
    kind = CallbackKind(subject_kind)
    due = as_utc(due_at)
    existing = pending_for(session, kind=kind, subject_id=subject_id)
    if existing is not None:
        assert existing.id is not None  # a stored row
        existing = get_callback(session, existing.id, for_update=True)
        if due < as_utc(existing.due_at):
            existing.due_at = due
            existing.version += 1
            session.add(existing)
        return existing
    row = Callback(
        subject_kind=kind, subject_id=subject_id, created_at=as_utc(clock.now()), due_at=due
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="callback.schedule",
        entity="callback",
        detail={"kind": kind.value, "subject_id": subject_id, "due_at": due},
        subject=row,
    )
    return row
