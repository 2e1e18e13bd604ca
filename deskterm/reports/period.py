"""Periods typed on the command line (--date, --since, --until), read in the desk's zone.

A day `2026-11-28` means that desk-local calendar day; `--until 2026-11-28` includes the whole
day. A date and time (`2026-11-28T08:00`, `2026-11-28 08:00`) without an offset is desk-local
time; with an offset it is taken as written. Instants come back aware, in UTC; the end of a
period is exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deskterm.i18n import _


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    shift_id: int | None = None


class PeriodError(ValueError):
    """A date or time the user typed is not understood; the message is one sentence."""


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def day_period(day: date, tz: str) -> Period:
    zone = ZoneInfo(tz)
    return Period(_local_midnight(day, zone), _local_midnight(day + timedelta(days=1), zone))


def parse_moment(text: str, tz: str, *, end: bool = False) -> datetime:
    """An instant from a typed day or time; a bare day at `end` means the end of that day."""
    value = (text or "").strip()
    zone = ZoneInfo(tz)
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return _local_midnight(day + timedelta(days=1) if end else day, zone)
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 0001 or 9999 at the clock's edge
        raise PeriodError(
            _("'{value}' is not a date like 2026-11-28 or a time like 2026-11-28T08:00.").format(
                value=text
            )
        ) from None


def parse_day(text: str) -> date:
    try:
        day = date.fromisoformat((text or "").strip())
        if not 1900 <= day.year <= 2200:  # its period must fit the clock (0001, 9999)
            raise ValueError(text)
        return day
    except ValueError:
        raise PeriodError(
            _("'{value}' is not a date like 2026-11-28.").format(value=text)
        ) from None


def between(
    since: str | None, until: str | None, tz: str, *, now: datetime, default_days: int | None
) -> tuple[datetime | None, datetime | None]:
    """(start, end) from --since/--until; a missing end is now, a missing start is
    `default_days` desk days back (or open when `default_days` is None)."""
    start = parse_moment(since, tz) if since else None
    end = parse_moment(until, tz, end=True) if until else None
    if start is None and default_days is not None:
        today = now.astimezone(ZoneInfo(tz)).date()
        start = _local_midnight(today - timedelta(days=default_days - 1), ZoneInfo(tz))
    if end is None and default_days is not None:
        end = now
    if start is not None and end is not None and start >= end:
        raise PeriodError(_("The start of the period must come before its end."))
    return start, end
