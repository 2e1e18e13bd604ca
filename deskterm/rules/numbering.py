"""Record numbers such as "V20261128-0007": prefix, the desk's local day, and a daily sequence."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

PREFIXES = {"visitor": "V", "repair": "R", "complaint": "C", "public_area": "PA"}

_PREFIX = re.compile(r"[A-Z]{1,4}")
# Exactly 4 digits, or more than 4 without a leading zero: one canonical text per number.
_NUMBER = re.compile(r"([A-Z]{1,4})([0-9]{8})-([0-9]{4}|[1-9][0-9]{4,})")


def format_number(prefix: str, day: date, seq: int) -> str:
    """The text of a record number, "V20261128-0007"; more than 4 sequence digits past 9999."""
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"A record number prefix is 1 to 4 capital letters, not {prefix!r}.")
    if seq < 1:
        raise ValueError("A record sequence number starts at 1.")
    return f"{prefix}{day:%Y%m%d}-{seq:04d}"


def parse_number(text: str) -> tuple[str, date, int]:
    """Split a typed or scanned record number; lower case and surrounding spaces are accepted."""
    match = _NUMBER.fullmatch((text or "").strip().upper())
    if not match or int(match[3]) < 1:
        raise ValueError(f"{text!r} is not a record number like V20261128-0007.")
    digits = match[2]
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise ValueError(f"{text!r} does not contain a real date.") from None
    return match[1], day, int(match[3])


def local_day(instant: datetime, tz: str) -> date:
    """The desk's calendar day of an instant (numbers restart at local midnight)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant must be a timezone-aware datetime.")
    return instant.astimezone(ZoneInfo(tz)).date()
