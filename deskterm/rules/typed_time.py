"""Times and days the way the desk types them, said aloud: "16:00", "12-09 08:00" (month-day, no
year), "2026-12-09 08:00", "tomorrow 10:00" (明天10点), "+2h", "today". One grammar for every
field that takes a typed time: the forms' readers (tui.timeparse, the complaint forms'
`parse_when`, the promise's `parse_due`) all read through `read_typed`, then add only their
field's own defaults, and the field's own rule (past only, ahead only, within N days) refuses
with its own sentence on its field.

A date typed without its year is the date of that month and day nearest to today (within about
six months either side: `nearest_day`), never blindly this year's or next year's: on
2026-12-08, "12-09" is tomorrow and "12-07" yesterday, on 2026-12-31 "01-01" is 2027-01-01 and
on 2027-01-01 "12-31" is 2026-12-31. What it then means (passed, ahead, too far ahead) is the
field's own rule to judge, never the reader's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deskterm.clock import as_utc

_REL = re.compile(r"^\+\s*(\d{1,3})\s*(m|min|mins|h|hr|hrs|d|分钟|分|小时|时|天)$")
_WORD = re.compile(r"^(today|tomorrow|yesterday|今天|今日|明天|明日|昨天|昨日)")
_WORD_DAYS = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "tomorrow": 1,
    "明天": 1,
    "明日": 1,
    "yesterday": -1,
    "昨天": -1,
    "昨日": -1,
}
_DATE = re.compile(r"^(?:(\d{4})-)?(\d{1,2})-(\d{1,2})")
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2})|点(?:(\d{1,2})分?|半)?)$")
# Every month-day lies within this many days of today, one way or the other.
HALF_YEAR_DAYS = 184
_MINUTES = {"m": 1, "min": 1, "mins": 1, "分钟": 1, "分": 1, "h": 60, "hr": 60, "hrs": 60}
_MINUTES |= {"小时": 60, "时": 60, "d": 1440, "天": 1440}


@dataclass(frozen=True)
class Typed:
    """What was typed: a day (None: no day typed), a time of day (None: none typed), or a
    span after now ("+2h"; then day and clock are None)."""

    day: date | None = None
    clock: time | None = None
    after: timedelta | None = None

    def instant(self, now: datetime, tz: str, *, date_only: time | None = None) -> datetime | None:
        """The UTC instant meant, at the desk's zone: a time alone is today's (nothing typed is
        moved to another day), a day alone is at `date_only` (None: a day alone is not a time
        here). None when no instant is meant or it is beyond what a clock can hold."""
        if self.after is not None:
            return as_utc(now) + self.after
        zone = ZoneInfo(tz)
        day = self.day if self.day is not None else as_utc(now).astimezone(zone).date()
        clock = self.clock if self.clock is not None else date_only
        if clock is None:
            return None
        return at(day, clock, zone)


def at(day: date, clock: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of `clock` on `day` at the desk, or None at the edge of the calendar."""
    try:
        return as_utc(datetime.combine(day, clock, tzinfo=zone))
    except OverflowError:  # year 0001 or 9999 in a zone ahead of or behind UTC
        return None


def nearest_day(month: int, day: int, today: date) -> date:
    """The date with this month and day nearest to `today`: last year's, this year's or next
    year's, whichever is within about six months. ValueError when it is no date (02-30, or
    02-29 with no leap day within six months)."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    near = [d for d in candidates if abs((d - today).days) <= HALF_YEAR_DAYS]
    if not near:
        raise ValueError(f"no date {month:02d}-{day:02d} near {today}")
    return min(near, key=lambda d: (abs((d - today).days), d))


def normalized(text: str) -> str:
    """Full-width digits and colons as typed by an IME, '/' for '-', one space, lower case."""
    value = unicodedata.normalize("NFKC", text or "").replace("/", "-").lower()
    return " ".join(value.split())


def read_typed(text: str, today: date) -> Typed | None:
    """What a typed time or day means (None: it is neither, or it is empty). `today` is the
    desk's day (in its time zone); a year-less day is the one nearest to it."""
    value = normalized(text)
    if not value:
        return None
    if match := _REL.match(value):
        return Typed(after=timedelta(minutes=int(match[1]) * _MINUTES[match[2]]))
    day: date | None = None
    rest = value
    if match := _WORD.match(value):
        try:
            day = today + timedelta(days=_WORD_DAYS[match[1]])
        except OverflowError:
            return None
        rest = value[match.end() :].strip()
    elif match := _DATE.match(value):
        rest = value[match.end() :]
        if rest and not (rest[0] == " " or rest[0] == "t"):
            return None  # "12-0110:00": not a day followed by a time
        rest = rest.removeprefix("t").strip()
        try:
            if match[1] is None:
                day = nearest_day(int(match[2]), int(match[3]), today)
            else:
                day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    if not rest:
        return Typed(day=day) if day is not None else None
    match = _CLOCK.match(rest)
    if match is None:
        return None
    hour = int(match[1])
    minute = 30 if rest.endswith("半") else int(match[2] or match[3] or 0)
    if hour > 23 or minute > 59:
        return None
    return Typed(day=day, clock=time(hour, minute))
