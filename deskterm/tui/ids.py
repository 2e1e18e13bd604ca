"""The id of a record the desk shows, typed `int` for the services that take it."""

from __future__ import annotations


def stored_id(value: int | None) -> int:
    """A record read from the database has its id: SQLModel types a primary key
    `int | None`, None only before the row is first written, which the desk never shows."""
    if value is None:
        raise ValueError("a record shown at the desk has no id")
    return value
