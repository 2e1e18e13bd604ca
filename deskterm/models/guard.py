"""The last check before a row is written: the text boundary of every record (issues 9, 15).

Every ORM flush passes here, and each text column is held to its kind (models/text.py):

- a control character a terminal or a printer would obey (rules/text.py: C0 but tab and line
  feed in `Block` text, DEL, C1, bidi overrides and isolates; NUL, which PostgreSQL cannot
  store) is refused with one sentence naming the field and the character;
- text too long for its column is refused (PostgreSQL enforces VARCHAR lengths, SQLite does
  not: a service that forgot a limit would work on one desk and fail on another);
- free text (`Line`, `Block`) has personal numbers masked (rules.text.mask_personal); what was
  masked is listed in `session.info["masked_notices"]` for the desk to say in one line.

A refusal is InvalidInput naming the field, and the transaction (rolled back by
`db.run_write`) writes nothing. A form's values were validated already, once, by their model
(models/forms.py, issue 20: the same sentences); this is the database-level backstop for a
row written from anywhere else. A bulk insert that bypasses the ORM
(residents.create_residents) calls `check_values` per row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, Protocol, Self, TypeVar, overload

from sqlalchemy import event, inspect
from sqlalchemy.orm import InstanceState, Mapper, Session, UOWTransaction
from sqlalchemy.types import JSON, String
from sqlmodel import SQLModel

from deskterm.models.text import CODE, PHONE, TextKind, kind_of, label
from deskterm.rules.text import controls, mask_personal, mask_personal_in

NOTICES = "masked_notices"
Notices = list[tuple[str, list[str]]]  # (attribute, kinds masked) per masked value


class NamedRow(Protocol):
    """A named tuple of column values (a bulk insert's row)."""

    @property
    def _fields(self) -> tuple[str, ...]: ...

    def __getitem__(self, index: int) -> Any: ...

    @property
    def _replace(self) -> Callable[..., Self]: ...  # NamedTuple's, with the row's own fields


RowT = TypeVar("RowT", bound=NamedRow)


def _text_columns(
    model: type[SQLModel], mapper: Mapper[Any]
) -> list[tuple[str, int | None, TextKind]]:
    found = []
    for attr in mapper.column_attrs:
        column_type = attr.columns[0].type
        impl = getattr(column_type, "impl_instance", column_type)  # SQLModel's AutoString
        if isinstance(impl, String):
            kind = kind_of(model, attr.key) or CODE  # enum columns and the like: codes
            found.append((attr.key, getattr(column_type, "length", None) or impl.length, kind))
    return found


def check_text(
    key: str,
    value: str,
    length: int | None,
    kind: TextKind,
    notices: list[tuple[str, list[str]]] | None = None,
) -> str:
    """The value as it is stored (personal numbers masked in free text), or InvalidInput."""
    from deskterm.errors import InvalidInput
    from deskterm.i18n import _

    bad = controls(value, lines=kind.lines)
    problem = None
    if bad:
        problem = _("Control characters ({chars}) cannot be stored; remove them.").format(
            chars=", ".join(bad)
        )
    elif length is not None and len(value) > length:
        problem = _("At most {n} characters fit; {count} were given.").format(
            n=length, count=len(value)
        )
    if problem:  # one sentence naming the field; `problem` alone for a file's column
        raise InvalidInput(
            _("{field}: {problem}").format(field=label(key), problem=problem),
            field=key,
            problem=problem,
        )
    if kind.personal or kind == PHONE:
        # a phone column keeps its phone numbers (D-21) but never an ID number typed into it
        masked, kinds = mask_personal(value, ids_only=not kind.personal)
        if kinds:
            if notices is not None:
                notices.append((key, kinds))
            return masked
    return value


def check_row(obj: object, *, changed_only: bool = False, notices: Notices | None = None) -> None:
    """Refuse (InvalidInput) or mask the text attributes of `obj` before they are written."""
    state: InstanceState[Any] | None = inspect(obj, raiseerr=False)
    if state is None:
        return
    model: type[SQLModel] = state.class_
    for key, length, kind in text_limits(model):
        if changed_only and not state.attrs[key].history.has_changes():
            continue
        value = state.dict.get(key)
        if isinstance(value, str):
            stored = check_text(key, value, length, kind, notices)
            if stored is not value:
                setattr(obj, key, stored)
    for key in json_columns(model):  # a snapshot or a change list copies typed text
        if changed_only and not state.attrs[key].history.has_changes():
            continue
        value = state.dict.get(key)
        masked, kinds = mask_personal_in(value)
        if kinds:
            setattr(obj, key, masked)


@cache
def json_columns(model: type[SQLModel]) -> tuple[str, ...]:
    """JSON columns whose strings are masked like free text (the audit trail's `detail` is
    masked before it is hashed, in services/audit.py)."""
    if getattr(model, "__tablename__", "") == "audit_event":
        return ()
    return tuple(
        attr.key for attr in inspect(model).column_attrs if isinstance(attr.columns[0].type, JSON)
    )


@cache
def text_limits(model: type[SQLModel]) -> tuple[tuple[str, int | None, TextKind], ...]:
    """(attribute, length or None, kind) of each text column of a mapped class."""
    return tuple(_text_columns(model, inspect(model)))


@overload
def check_values(model: type[SQLModel], values: RowT, notices: Notices | None = None) -> RowT: ...
@overload
def check_values(
    model: type[SQLModel], values: Mapping[str, Any], notices: Notices | None = None
) -> Mapping[str, Any]: ...
def check_values(
    model: type[SQLModel], values: NamedRow | Mapping[str, Any], notices: Notices | None = None
) -> NamedRow | Mapping[str, Any]:
    """The same check for a row written without the ORM (a bulk insert of plain values):
    `values` is a mapping of attribute -> value, or a named tuple of them. Returns the values
    as they are to be stored (a new mapping or tuple when something was masked)."""
    if not isinstance(values, Mapping):
        changes = {}
        for index, key, length, kind in _positions(model, values._fields):
            value = values[index]
            if isinstance(value, str):
                stored = check_text(key, value, length, kind, notices)
                if stored is not value:
                    changes[key] = stored
        return values._replace(**changes) if changes else values
    changed: dict[str, Any] | None = None
    for key, length, kind in text_limits(model):
        value = values.get(key)
        if isinstance(value, str):
            stored = check_text(key, value, length, kind, notices)
            if stored is not value:
                changed = changed or dict(values)
                changed[key] = stored
    return values if changed is None else changed


@cache
def _positions(
    model: type[SQLModel], names: tuple[str, ...]
) -> tuple[tuple[int, str, int | None, TextKind], ...]:
    """(index in the named tuple, attribute, length, kind) of the model's text columns it holds
    (`names`: the named tuple's fields)."""
    where = {name: i for i, name in enumerate(names)}
    return tuple(
        (where[key], key, length, kind) for key, length, kind in text_limits(model) if key in where
    )


def masked_sentence(notices: Notices | None) -> str | None:
    """One line saying what was masked where: "Stored masked: a mobile number (Note)."."""
    from deskterm.i18n import _
    from deskterm.models.text import LABELS

    if not notices:
        return None
    words = {
        "id_number": _("an ID number"),
        "mobile": _("a mobile number"),
        "landline": _("a phone number"),
    }
    kinds: list[str] = []
    fields: list[str] = []
    for key, found in notices:
        for kind in found:
            if words[kind] not in kinds:
                kinds.append(words[kind])
        name = label(key) if key in LABELS else None
        if name and name not in fields:
            fields.append(name)
    what = _(", ").join(kinds)
    if fields:
        return _("Stored masked for privacy: {what} (in {fields}).").format(
            what=what, fields=_(", ").join(fields)
        )
    return _("Stored masked for privacy: {what}.").format(what=what)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush_context: UOWTransaction, _instances: object) -> None:
    notices = session.info.setdefault(NOTICES, [])
    for obj in session.new:
        check_row(obj, notices=notices)
    for obj in session.dirty:
        check_row(obj, changed_only=True, notices=notices)
