"""The last check before a row is written: text too long for its column, or holding a NUL.

PostgreSQL enforces VARCHAR lengths and cannot store a NUL character; SQLite does neither,
so a service that forgot a limit would work on one desk and fail with a database error on
another. Every ORM flush passes here: a text value that does not fit is refused with
InvalidInput naming the field, and the transaction (rolled back by `db.run_write`) writes
nothing. Services keep their own, better-worded checks; this is the backstop (issue 9).
A bulk insert that bypasses the ORM (residents.create_residents) calls `check_values` per row.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.types import String


def _text_columns(mapper) -> list[tuple[str, int | None]]:
    found = []
    for attr in mapper.column_attrs:
        column_type = attr.columns[0].type
        impl = getattr(column_type, "impl_instance", column_type)  # SQLModel's AutoString
        if isinstance(impl, String):
            found.append((attr.key, getattr(column_type, "length", None) or impl.length))
    return found


def _refuse(key: str, value: str, length: int | None) -> None:
    from deskterm.errors import InvalidInput
    from deskterm.i18n import _

    if "\x00" in value:
        raise InvalidInput(_("Control characters are not allowed here."), field=key)
    if length is not None and len(value) > length:
        raise InvalidInput(_("This field takes at most {n} characters.").format(n=length),
                           field=key)


def check_row(obj, *, changed_only: bool = False) -> None:
    """Raise InvalidInput if a text attribute of `obj` would not fit its column."""
    state = inspect(obj, raiseerr=False)
    if state is None:
        return
    for key, length in text_limits(state.class_):
        if changed_only and not state.attrs[key].history.has_changes():
            continue
        value = state.dict.get(key)
        if isinstance(value, str):
            _refuse(key, value, length)


@cache
def text_limits(model) -> tuple[tuple[str, int | None], ...]:
    """(attribute, length or None) of each text column of a mapped class."""
    return tuple(_text_columns(inspect(model)))


def check_values(model, values) -> None:
    """The same check for a row written without the ORM (a bulk insert of plain values):
    `values` is a mapping of attribute -> value, or a named tuple of them."""
    if isinstance(values, tuple):
        for index, key, length in _positions(model, type(values)):
            value = values[index]
            if isinstance(value, str) and ("\x00" in value or (length is not None and len(value) > length)):
                _refuse(key, value, length)
        return
    for key, length in text_limits(model):
        value = values.get(key)
        if isinstance(value, str) and ("\x00" in value or (length is not None and len(value) > length)):
            _refuse(key, value, length)


@cache
def _positions(model, row_type) -> tuple[tuple[int, str, int | None], ...]:
    """(index in the named tuple, attribute, length) of the model's text columns it holds."""
    where = {name: i for i, name in enumerate(row_type._fields)}
    return tuple((where[key], key, length) for key, length in text_limits(model) if key in where)


@event.listens_for(Session, "before_flush")
def _before_flush(session, _flush_context, _instances) -> None:
    for obj in session.new:
        check_row(obj)
    for obj in session.dirty:
        check_row(obj, changed_only=True)
