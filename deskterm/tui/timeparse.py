"""Times typed at the desk's logbook: "10:05", "11-28 10:05", "2026-11-28 10:05", "yesterday
23:40", in the desk's zone. Read by the one grammar of every typed time
(`deskterm.rules.typed_time`): a year-less day is the one nearest to today, and whether it may
lie ahead is the logbook's own rule (services.shift.logbook refuses a future time)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from deskterm.clock import as_utc
from deskterm.rules.typed_time import Typed, read_typed

# A bare time is the nearer of today's and yesterday's: more than this far ahead, yesterday's
# is nearer (at 00:30, "23:50" is last night's); less, it is today's, and a time to come is
# the field's to refuse ("02:30" typed at 02:09 is not moved back a day).
BARE_TIME_AHEAD = timedelta(hours=12)


def parse_instant(text: str, now: datetime, tz: str) -> datetime | None:
    """The instant meant by `text` (UTC), or None when it does not parse (or is a day alone).

    A bare "HH:MM" is the nearest such instant: yesterday's when today's is over 12 hours
    ahead (a night entry written after 00:00), else today's, even ahead (the service refuses
    it, as it does anything typed with its day that is ahead).
    """
    local_today = as_utc(now).astimezone(ZoneInfo(tz)).date()
    typed = read_typed(text, local_today)
    if typed is None or (typed.clock is None and typed.after is None):
        return None
    value = typed.instant(now, tz)
    if value is None or typed.day is not None or typed.after is not None:
        return value
    if value - as_utc(now) > BARE_TIME_AHEAD:
        if local_today == date.min:
            return None
        return Typed(day=local_today - timedelta(days=1), clock=typed.clock).instant(now, tz)
    return value


def parse_day(text: str, now: datetime, tz: str) -> date | None:
    """A day: "2026-11-28", "11-28" (the nearest one), "today"/"今天", "yesterday"; None when it
    does not parse or is not a day alone."""
    typed = read_typed(text, as_utc(now).astimezone(ZoneInfo(tz)).date())
    if typed is None or typed.day is None or typed.clock is not None:
        return None
    return typed.day if 1900 <= typed.day.year <= 2200 else None  # searchable as instants
