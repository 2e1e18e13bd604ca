"""The 3-month repair warranty of D-35, counted in calendar months of the desk's timezone."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime.")
    return value


def warranty_until(repaired_at: datetime, months: int = 3, tz: str = DEFAULT_TZ) -> datetime:
    """End of the warranty (D-35): same local wall time `months` later, day clamped to month end.

    Repaired 2026-11-30 10:00 local -> 2027-02-28 10:00 local; returned in UTC.
    """
    if months < 0:
        raise ValueError("The warranty period cannot be negative.")
    local = _aware(repaired_at, "repaired_at").astimezone(ZoneInfo(tz))
    year, month0 = divmod(local.month - 1 + months, 12)
    year += local.year
    day = min(local.day, calendar.monthrange(year, month0 + 1)[1])
    return local.replace(year=year, month=month0 + 1, day=day).astimezone(UTC)


def in_warranty(
    repaired_at: datetime, now: datetime, months: int = 3, tz: str = DEFAULT_TZ
) -> bool:
    """Whether a repeat fault reported at `now` is warranty work (the end instant included)."""
    return _aware(now, "now") <= warranty_until(repaired_at, months, tz)


def find_warranty_match(
    candidates: Iterable[tuple[int, datetime | None]],
    now: datetime,
    months: int = 3,
    tz: str = DEFAULT_TZ,
) -> int | None:
    """Id of the most recently repaired candidate still in warranty (D-35), or None.

    Candidates without a repair time are skipped; on equal times the higher id wins.
    """
    live = [
        (repaired_at, ident)
        for ident, repaired_at in candidates
        if repaired_at is not None and in_warranty(repaired_at, now, months, tz)
    ]
    return max(live)[1] if live else None
