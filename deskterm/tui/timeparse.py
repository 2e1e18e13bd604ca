"""Times typed at the desk: "10:05", "11-28 10:05", "2026-11-28 10:05", in the desk's zone."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from deskterm.clock import as_utc

_HM = re.compile(r"^(\d{1,2})[:：.](\d{2})$")
_MD_HM = re.compile(r"^(\d{1,2})-(\d{1,2})\s+(\d{1,2})[:：.](\d{2})$")
_YMD_HM = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2})[:：.](\d{2})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MD = re.compile(r"^(\d{1,2})-(\d{1,2})$")


def parse_instant(text: str, now: datetime, tz: str) -> datetime | None:
    """The instant meant by `text` (UTC), or None when it does not parse.

    A bare "HH:MM" later than now is taken as yesterday (a night entry written after 00:00).
    """
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone)
    text = text.strip()
    try:
        if m := _HM.match(text):
            value = local_now.replace(hour=int(m[1]), minute=int(m[2]), second=0, microsecond=0)
            if value > local_now + timedelta(minutes=5):
                value -= timedelta(days=1)
            return as_utc(value)
        if m := _MD_HM.match(text):
            value = datetime(
                local_now.year, int(m[1]), int(m[2]), int(m[3]), int(m[4]), tzinfo=zone
            )
            if value > local_now + timedelta(days=1):
                value = value.replace(year=value.year - 1)
            return as_utc(value)
        if m := _YMD_HM.match(text):
            return as_utc(
                datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), tzinfo=zone)
            )
    except (ValueError, OverflowError):  # not a date, or beyond what a clock can hold (0001)
        return None
    return None


def parse_day(text: str, now: datetime, tz: str) -> date | None:
    """A day: "2026-11-28", "11-28" (this year), "today"/"今天"; None when it does not parse."""
    text = text.strip().lower()
    local_now = now.astimezone(ZoneInfo(tz))
    if text in ("today", "今天", "今日"):
        return local_now.date()
    if text in ("yesterday", "昨天", "昨日"):
        return local_now.date() - timedelta(days=1)
    try:
        if m := _YMD.match(text):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return day if 1900 <= day.year <= 2200 else None  # searchable as instants
        if m := _MD.match(text):
            return date(local_now.year, int(m[1]), int(m[2]))
    except ValueError:
        return None
    return None
