"""Validation once (issue 20): a form's values become a `…Create` / `…Update` model here, and
only here, and a refusal is one translated sentence naming the field.

    order_in = validated(RepairOrderCreate, values)      # InvalidInput(field="description")

- Each field's rule lives on its model: the length, whether it may be empty (pydantic
  `Field`), and the field validators (a phone, a plate, a document number). `FormModel`, the
  base of every `…Create` / `…Update` model, adds what every text field shares: free text is
  trimmed (`Line` and `Phone` also have their runs of spaces made one), and a control
  character a terminal or a printer would obey is refused (the same sentence as the flush
  guard's).
- `validated()` turns pydantic's `ValidationError` into `InvalidInput` whose `field` is the
  model's attribute (the dialogs mark the `FormField` of that name) and whose sentence is
  "{field label}: {problem}." in the desk's language.
- The services take the validated model and check only what needs the database (a host on
  record, the deny list, a version); the flush guard (models/guard.py) stays as the backstop
  for rows written by anything else.

A rule's own sentence is raised with `refuse(...)` from a validator;
tests/unit/test_validation_once.py enumerates every `…Create` / `…Update` model.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import ValidationError, ValidationInfo, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError
from sqlmodel import SQLModel

from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.text import BLOCK, LINE, PHONE, kind_of, label
from deskterm.rules.text import controls

M = TypeVar("M", bound=SQLModel)

DESK_ERROR = "desk"  # the error type of a rule's own sentence (`refuse`)


def refuse(sentence: str, field: str | None = None) -> PydanticCustomError:
    """A field rule's refusal in its own translated words; `field` names another field than
    the one validated (a rule across fields, raised by a model validator)."""
    context: dict[str, Any] = {"sentence": sentence}
    if field is not None:
        context["field"] = field
    return PydanticCustomError(DESK_ERROR, "{sentence}", context)


class FormModel(SQLModel):
    """Base of the models a form fills in: text trimmed, control characters refused."""

    # Fields compared or printed as typed on a card (a visitor's name): full-width letters and
    # digits a Chinese input method types are made the plain ones (NFKC) before the checks.
    NFKC_FIELDS: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def text_as_typed(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str) or info.field_name is None:
            return value
        kind = kind_of(cls, info.field_name)
        if kind is None:
            return value
        bad = controls(value, lines=kind.lines)
        if bad:
            raise refuse(
                _("Control characters ({chars}) cannot be stored; remove them.").format(
                    chars=", ".join(bad)
                )
            )
        if info.field_name in cls.NFKC_FIELDS:
            value = unicodedata.normalize("NFKC", value)
        if kind in (LINE, PHONE):  # one line: runs of spaces made one
            return " ".join(value.split())
        if kind == BLOCK:
            return value.strip()
        return value


def validated(model: type[M], data: Mapping[str, Any], **context: Any) -> M:
    """`data` as a validated `model`, or InvalidInput naming the first field refused.
    `context` reaches the validators (`today`: the desk's calendar day, for an ID number)."""
    try:
        return model.model_validate(dict(data), context=context or None)
    except ValidationError as exc:
        raise refusal(model, exc) from None


def refusal(model: type[SQLModel], exc: ValidationError) -> InvalidInput:
    """The first error of `exc` as the desk says it: "Visitor: at most 64 characters fit..."."""
    error = exc.errors(include_url=False)[0]
    context = error.get("ctx") or {}
    key = context.get("field") or (str(error["loc"][0]) if error["loc"] else None)
    problem = _problem(model, key, error)
    if key is None:
        return InvalidInput(problem, problem=problem)
    return InvalidInput(
        _("{field}: {problem}").format(field=label(key), problem=problem),
        field=key,
        problem=problem,
    )


def _problem(model: type[SQLModel], key: str | None, error: ErrorDetails) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind == DESK_ERROR:
        return str(context["sentence"])
    if kind == "missing" or (kind == "string_too_short" and context.get("min_length") == 1):
        return _("It cannot be left empty.")
    if kind == "string_too_short":
        return _("At least {n} characters are needed.").format(n=context.get("min_length"))
    if kind == "string_too_long":
        given = error.get("input")
        count = len(given) if isinstance(given, str) else "?"
        return _("At most {n} characters fit; {count} were given.").format(
            n=context.get("max_length"), count=count
        )
    if kind.startswith(("int_", "greater_than", "less_than")):
        low, high = _bounds(model, key)
        if low is not None and high is not None:
            return _("A whole number from {low} to {high} is needed.").format(low=low, high=high)
        return _("A whole number is needed.")
    if kind in ("enum", "literal_error"):
        return _("Choose one from the list.")
    if kind.startswith("datetime"):
        return _("A date and time is needed.")
    if kind.startswith("date"):
        return _("A date is needed.")
    if kind.startswith("bool"):
        return _("Yes or no is needed.")
    if kind == "string_type":
        return _("Text is needed here.")
    return _("This value cannot be used here.")


def _bounds(model: type[SQLModel], key: str | None) -> tuple[Any, Any]:
    """The (ge, le) a number field declares, None where it declares none."""
    field = model.model_fields.get(key or "")
    low = high = None
    for item in field.metadata if field is not None else ():
        low = getattr(item, "ge", low)
        high = getattr(item, "le", high)
    return low, high
