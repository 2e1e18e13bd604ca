"""Saving over another desk's change once the operator has seen it (issue 14, item 7).

A correction refused as stale (StaleEdit) keeps what was typed, and its sentence names what
the other desk changed. Saving again must then be possible without typing it all anew: the
refusal carries the row's current version (`seen(row)`); the desk remembers it, and its next
save of that row at exactly that version goes on (`may_overwrite`). If a third desk saved in
between, the version moved and the save is refused again, with the new change named.

Only the details corrections take this (a slip's, a repair order's, a complaint's intake):
an action such as a delivery or a status step is never done twice by saving again.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

SEEN = "stale_seen"  # session.info: the (table, id, version) the operator has seen refused


def seen(row: Any) -> tuple[str, int, int]:
    return (row.__tablename__, row.id, row.version)


def may_overwrite(session: Session, row: Any) -> bool:
    return seen(row) in session.info.get(SEEN, ())


def typed_only(values: dict[str, Any], theirs: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    """A form sends every field it shows; saved over another desk's change, a field the
    operator left as it was opened (`theirs`: field -> (value then, value now)) keeps the
    other desk's value instead of putting the old one back."""
    return {k: v for k, v in values.items() if not (k in theirs and v == theirs[k][0])}
