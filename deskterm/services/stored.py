"""What the models type loosely that a write needs exactly: a stored row's key (None only
before its INSERT is flushed), the id of the user who signs a record (None only for the
system actor, which signs no desk record), and a table model's Table (set by SQLAlchemy's
mapping; sqlmodel does not declare `__table__`). Each raises naming the slip, so a NULL never
reaches a required column."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Table
from sqlmodel import SQLModel

from deskterm.services.actor import Actor


class Keyed(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: Keyed) -> int:
    """The key of a row that is in the database (loaded, or added and flushed)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} is not saved yet: it has no id")
    return row.id


def signer_id(actor: Actor) -> int:
    """The user who signs a record whose user column is required."""
    if actor.user_id is None:
        raise ValueError(f"{actor.code} is not a user and cannot sign a desk record")
    return actor.user_id


def table_of(model: type[SQLModel]) -> Table:
    """The Table of a table model (for a bulk write or a read of plain columns)."""
    table = getattr(model, "__table__", None)
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table
