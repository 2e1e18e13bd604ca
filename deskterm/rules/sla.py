"""Repair time limits of D-31: deadlines from the report time, their state and a countdown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from deskterm.config import SlaPolicy

URGENT = "urgent"
GENERAL = "general"


@dataclass(frozen=True)
class Deadlines:
    """When a repair must be on site (urgent only) and fixed, in UTC."""

    onsite_due: datetime | None
    fix_due: datetime


class SlaState(StrEnum):
    OK = "ok"
    NEAR = "near"  # less than policy.near_breach_fraction of the time is left
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"


def _require_aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime.")
    return value.astimezone(UTC)


def deadlines_for(
    repair_class: str, reported_at: datetime, policy: SlaPolicy = SlaPolicy()
) -> Deadlines:
    """D-31: urgent on site within 2 h and fixed within 24 h, general fixed within 72 h.

    Elapsed calendar time (not working hours), added in UTC so that no local clock change
    can stretch or shrink a limit.
    """
    start = _require_aware(reported_at, "reported_at")
    if repair_class == URGENT:
        return Deadlines(
            onsite_due=start + timedelta(minutes=policy.urgent_onsite_minutes),
            fix_due=start + timedelta(minutes=policy.urgent_fix_minutes),
        )
    if repair_class == GENERAL:
        return Deadlines(
            onsite_due=None, fix_due=start + timedelta(minutes=policy.general_fix_minutes)
        )
    raise ValueError(f"Unknown repair class {repair_class!r}; expected 'urgent' or 'general'.")


def deadline_state(
    due: datetime,
    now: datetime,
    *,
    started: datetime,
    done_at: datetime | None = None,
    policy: SlaPolicy = SlaPolicy(),
) -> SlaState:
    """Where one deadline stands: met/missed once done, else overdue, near or ok."""
    due = _require_aware(due, "due")
    now = _require_aware(now, "now")
    started = _require_aware(started, "started")
    if done_at is not None:
        return SlaState.MET if _require_aware(done_at, "done_at") <= due else SlaState.MISSED
    if now > due:
        return SlaState.OVERDUE
    if due - now < (due - started) * policy.near_breach_fraction:
        return SlaState.NEAR
    return SlaState.OK


def time_left(due: datetime, now: datetime) -> timedelta:
    """Time until the deadline; negative once it has passed."""
    return _require_aware(due, "due") - _require_aware(now, "now")


DAYS_FORMAT = "{days}d {hours:02d}:{minutes:02d}"


def format_countdown(delta: timedelta, days_format: str = DAYS_FORMAT) -> str:
    """Countdown: "1:05:09", "-0:12:00", "3d 02:00" (from 24 h up). `days_format` is the
    day count in the reader's language (the desk passes its translation: "3天02:00").

    Seconds are truncated toward zero; a leading "-" means the deadline has passed.
    """
    sign = "-" if delta < timedelta(0) else ""
    total = int(abs(delta).total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return sign + days_format.format(days=days, hours=hours, minutes=minutes)
    return f"{sign}{hours}:{minutes:02d}:{seconds:02d}"
