"""Instants shown in the desk's time zone (settings.timezone)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(value: datetime, tz: str) -> datetime:
    return value.astimezone(_zone(tz))


def hm(value: datetime | None, tz: str) -> str:
    return "" if value is None else local(value, tz).strftime("%H:%M")


def day_hm(value: datetime | None, tz: str) -> str:
    return "" if value is None else local(value, tz).strftime("%m-%d %H:%M")


def full(value: datetime | None, tz: str) -> str:
    return "" if value is None else local(value, tz).strftime("%Y-%m-%d %H:%M")
