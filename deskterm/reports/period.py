"""Periods typed on the command line (--date, --since, --until), read in the desk's zone.

One grammar for every date option (DATE): a day is `2026-11-28`, `20261128`, `today`,
`yesterday` or `-7d` (seven desk days before today); it means that desk-local calendar day, and
`--until DAY` always includes the whole day. A date and time (`2026-11-28T08:00`,
`2026-11-28 08:00`) without an offset is desk-local time; with an offset it is taken as
written. Instants come back aware, in UTC; the end of a period is exclusive inside the program
and printed inclusive (values.period_text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import overload
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


_RELATIVE = re.compile(r"-(\d{1,5})d")
DATE_HELP_EXAMPLES = "2026-11-28, 20261128, today, yesterday, -7d"


def _bad_date(text: str) -> PeriodError:
    return PeriodError(
        _("'{value}' is not a date like {examples} (or a time like 2026-11-28T08:00).").format(
            value=text, examples=DATE_HELP_EXAMPLES
        )
    )


def day_of(text: str, *, today: date | None = None) -> date | None:
    """The calendar day a typed DATE names, or None when it is not a bare day (it may still be
    a date and time). `today` is the desk's day (needed for today, yesterday and -Nd)."""
    value = (text or "").strip().lower()
    if value in ("today", "今天", "yesterday", "昨天") or _RELATIVE.fullmatch(value):
        if today is None:
            raise _bad_date(text)
        if value in ("today", "今天"):
            return today
        if value in ("yesterday", "昨天"):
            return today - timedelta(days=1)
        return today - timedelta(days=int(value[1:-1]))
    if len(value) == 8 and value.isdigit():
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    if len(value) == 10:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise _bad_date(text) from None
        if not 1900 <= day.year <= 2200:  # its period must fit the clock (0001, 9999)
            raise _bad_date(text)
        return day
    return None


def _today(now: datetime | None, zone: ZoneInfo) -> date | None:
    return now.astimezone(zone).date() if now is not None else None


def parse_moment(text: str, tz: str, *, end: bool = False, now: datetime | None = None) -> datetime:
    """An instant from a typed DATE or time; a bare day at `end` means the end of that day."""
    zone = ZoneInfo(tz)
    try:
        day = day_of(text, today=_today(now, zone))
        if day is not None:
            return _local_midnight(day + timedelta(days=1) if end else day, zone)
        moment = datetime.fromisoformat((text or "").strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 0001 or 9999 at the clock's edge
        raise _bad_date(text) from None


def parse_day(text: str, *, tz: str | None = None, now: datetime | None = None) -> date:
    """One desk day (--date) in the DATE grammar."""
    today = _today(now, ZoneInfo(tz)) if tz and now is not None else None
    day = day_of(text, today=today)
    if day is None:
        raise PeriodError(
            _("'{value}' is not a date like {examples}.").format(
                value=text, examples=DATE_HELP_EXAMPLES
            )
        )
    return day


@overload
def between(
    since: str | None, until: str | None, tz: str, *, now: datetime, default_days: int
) -> tuple[datetime, datetime]: ...


@overload
def between(
    since: str | None, until: str | None, tz: str, *, now: datetime, default_days: None
) -> tuple[datetime | None, datetime | None]: ...


def between(
    since: str | None, until: str | None, tz: str, *, now: datetime, default_days: int | None
) -> tuple[datetime | None, datetime | None]:
    """(start, end) from --since/--until; a missing end is now, a missing start is
    `default_days` desk days back (or open when `default_days` is None)."""
    start = parse_moment(since, tz, now=now) if since else None
    end = parse_moment(until, tz, end=True, now=now) if until else None
    if start is None and default_days is not None:
        today = now.astimezone(ZoneInfo(tz)).date()
        start = _local_midnight(today - timedelta(days=default_days - 1), ZoneInfo(tz))
    if end is None and default_days is not None:
        end = now
    if start is not None and end is not None and start >= end:
        raise PeriodError(_("The start of the period must come before its end."))
    return start, end
