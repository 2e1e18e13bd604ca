"""The id of a record the desk has read, typed for the services that take it. Light: the
sign-in screen uses it before the database layer is loaded (tests/unit/test_settings_draft.py)."""

from __future__ import annotations


def known_id(value: int | None) -> int:
    """The id of a record read from the database (a row's, or one a refusal or a list names):
    SQLModel types a primary key `int | None`, None only before the row's first flush, so a
    None here is a programming error, never an operator's."""
    if value is None:
        raise RuntimeError("a record read from the database has no id: it was never flushed")
    return value
