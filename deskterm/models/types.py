"""Column helpers shared by every record: UTC instants, JSON text, money in fen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from deskterm.db import UTCDateTime


def instant(*, nullable: bool = True, index: bool = False, default: Any = None) -> Any:
    """A timezone-aware UTC instant column."""
    return Field(default=default, sa_type=UTCDateTime, nullable=nullable, index=index)


def json_field(default_factory: Callable[[], Any] = dict, *, nullable: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_column=Column(JSON, nullable=True))
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))
