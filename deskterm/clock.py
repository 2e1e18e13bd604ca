"""Injected time: every rule and service takes a clock, so tests never sleep."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still until told to move (tests, demo data)."""

    instant: datetime = field(default_factory=lambda: datetime(2026, 11, 28, 2, 0, tzinfo=UTC))

    def __post_init__(self) -> None:
        if self.instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self.instant = self.instant.astimezone(UTC)

    def now(self) -> datetime:
        return self.instant

    def advance(self, **kwargs: float) -> datetime:
        self.instant = self.instant + timedelta(**kwargs)
        return self.instant

    def set(self, instant: datetime) -> None:
        self.instant = instant.astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """Coerce an aware datetime to UTC; a naive one is taken to be UTC already (from SQLite)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
