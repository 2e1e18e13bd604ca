"""The last check before a row is written: text too long for its column, or holding a NUL.

PostgreSQL enforces VARCHAR lengths and cannot store a NUL character; SQLite does neither,
so a service that forgot a limit would work on one desk and fail with a database error on
another. Every ORM flush passes here: a text value that does not fit is refused with
InvalidInput naming the field, and the transaction (rolled back by `db.run_write`) writes
nothing. Services keep their own, better-worded checks; this is the backstop (issue 9).
"""

from __future__ import annotations

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


def check_row(obj, *, changed_only: bool = False) -> None:
    """Raise InvalidInput if a text attribute of `obj` would not fit its column."""
    from deskterm.errors import InvalidInput
    from deskterm.i18n import _

    state = inspect(obj, raiseerr=False)
    if state is None:
        return
    for key, length in _text_columns(state.mapper):
        if changed_only and not state.attrs[key].history.has_changes():
            continue
        value = state.dict.get(key)
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            raise InvalidInput(_("Control characters are not allowed here."), field=key)
        if length is not None and len(value) > length:
            raise InvalidInput(_("This field takes at most {n} characters.").format(n=length),
                               field=key)


@event.listens_for(Session, "before_flush")
def _before_flush(session, _flush_context, _instances) -> None:
    for obj in session.new:
        check_row(obj)
    for obj in session.dirty:
        check_row(obj, changed_only=True)
