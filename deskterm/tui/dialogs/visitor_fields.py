"""Form fields of the visitor dialogs where Enter moves on at once, and what those forms share.

A practised operator types ahead: the focus must be on the next field before the next key
arrives, so Enter moves it in the key handler itself (not later, in a message handler).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.containers import Horizontal
from textual.widgets import Input, Static

from deskterm.i18n import _
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.field import FormField, PlainInput
from deskterm.tui.widgets.text import plain


class NextInput(PlainInput):
    """An Input whose Enter moves the focus to the next field now, then posts Submitted;
    typed controls become pictures and joiners are kept (PlainInput, issue 15)."""

    def __init__(self, *args, advance: bool = True, **kwargs) -> None:
        # Focus keeps the text as typed (the cursor at its end): a refused field is
        # corrected, not retyped.
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)
        self.advance = advance

    async def action_submit(self) -> None:
        if self.advance:
            self.screen.focus_next()
        await super().action_submit()


def field(
    label: str,
    name: str,
    *,
    value: str = "",
    max_length: int = 0,
    placeholder: str = "",
    password: bool = False,
    label_width: int | None = None,
    advance: bool = True,
    select: bool = False,
    id: str | None = None,
    refusals: tuple[str, ...] = (),
) -> FormField:
    """A FormField around a NextInput, with the ids FormField would give (`name-input`).

    `select`: a default value (people: 1, the day) is selected on focus, so typing replaces it.
    """
    control = NextInput(
        value=value,
        placeholder=placeholder,
        password=password,
        compact=True,
        advance=advance,
        select_on_focus=select,
        id=f"{name.replace('_', '-')}-input",
    )
    # the limit is the field's counter, never a silent cut (issue 15; widgets/field.py)
    return FormField(
        label,
        name=name,
        control=control,
        label_width=label_width,
        max_length=max_length,
        id=id,
        refusals=refusals,
    )


class ErrorLine(DeskDialog[Any]):
    """Part of a form dialog (`class X(ErrorLine, DeskDialog[...])`): a refused field's
    sentence is shown on one full-width line (`#form-error`) instead of under a half-width
    field, and the field's label turns red."""

    def show_error(self, exc: BaseException) -> None:
        from textual.widgets import Static

        from deskterm.errors import InvalidInput
        from deskterm.tui.widgets.field import FormField
        from deskterm.tui.widgets.text import plain
        from deskterm.tui.worker import describe_error, on_field

        super().show_error(exc)  # marks the field and focuses it (or notifies)
        if isinstance(exc, InvalidInput) and exc.field:
            line = self.query_one("#form-error", Static)
            named = [f for f in self.query(FormField) if f.shows(exc.field)]
            # "✗ Name: ..." names where the typing goes
            line.update(plain(named[0].error_line(on_field(exc)) if named else describe_error(exc)))
            line.display = True
            # What each field held when refused: a change event that does not change it (a
            # reopened form's fields being filled in) is not the operator correcting it.
            self.held_at_refusal = {id(i): i.value for i in self.query(Input)}

    def on_input_changed(self, event: Input.Changed) -> None:
        from textual.widgets import Static

        line = self.query_one("#form-error", Static)
        held = getattr(self, "held_at_refusal", {})
        if (
            line.display
            and event.input.has_focus
            and event.value != held.get(id(event.input), event.value + "\0")
        ):  # the operator is correcting it
            line.display = False


class LastFieldSaves(DeskDialog[Any]):
    """Part of a form dialog of NextInputs: on mount the first field takes the focus and an
    error handed in (a refused save, reopened) is shown; Enter in `LAST_INPUT` saves (Enter in
    the others has moved on already). The dialog provides `error` and `action_save`."""

    FIRST_INPUT = "visitor-name-input"
    LAST_INPUT = ""

    if TYPE_CHECKING:  # what the dialog provides
        error: BaseException | None

        def action_save(self) -> None: ...

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIRST_INPUT}", Input).focus()
        error = getattr(self, "error", None)
        if error is not None:
            self.show_error(error)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == self.LAST_INPUT:
            self.action_save()


def visitor_and_people(name: str, people: str) -> Horizontal:
    """The form row every visitor dialog starts with: the visitor's name and how many."""
    return Horizontal(
        field(_("Visitor"), "visitor_name", max_length=64, label_width=10, value=name),
        field(
            _("People"),
            "headcount",
            max_length=3,
            label_width=8,
            value=people,
            select=True,
            id="field-headcount",
        ),
        classes="form-row",
    )


def save_hint() -> tuple[Static, Static]:
    """The refused-field line (ErrorLine) and the keys, under a visitor form."""
    return (
        Static("", id="form-error", markup=False),
        Static(plain(_("Enter: next field · Ctrl+S: save")), classes="hint"),
    )
