"""A form field: a label, an input (or any focusable widget) and an inline error line."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from deskterm.tui.widgets.text import clean, plain


class PlainInput(Input):
    """An Input whose typed or pasted control characters become visible pictures (␛), so
    none reaches the terminal and nothing the operator pasted is silently dropped."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(clean(text, one_line=True), start, end)


class FormField(Widget):
    """`FormField(_("Location"), name="location")` with an Input, or pass `control=` a widget.

    `name` is the service's field name: `show_error` puts an InvalidInput(field=name) here.
    The error clears as soon as the value changes.
    """

    DEFAULT_CSS = """
    FormField {
        height: auto;
        width: 1fr;
        & > Horizontal { height: auto; }
        & .field-label { width: 14; padding: 0 1 0 0; color: $text-muted; }
        & Input, & Select { width: 1fr; }
        & Input { background: $boost; }
        & Input:focus { background: $surface-lighten-1; }
        & .field-error { display: none; color: $text-error; padding-left: 14; height: auto; }
        &.-error .field-error { display: block; }
        &.-error .field-label { color: $text-error; }
    }
    """

    error: reactive[str] = reactive("", init=False)

    def __init__(
        self,
        label: str,
        *,
        name: str,
        value: str = "",
        placeholder: str = "",
        password: bool = False,
        max_length: int = 0,
        control: Widget | None = None,
        label_width: int | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id or f"field-{name.replace('_', '-')}")
        self.label = label
        self.label_width = label_width
        self.control = control or PlainInput(
            value=clean(value, one_line=True), placeholder=placeholder, password=password,
            max_length=max_length, compact=True,
            id=f"{name.replace('_', '-')}-input",
        )

    def compose(self) -> ComposeResult:
        with Horizontal():
            label = Label(plain(self.label), classes="field-label")
            if self.label_width:
                # Never narrower than the words and the gap after them: a label cut in two
                # lines ("Complaina/nt") pushed the form down; one field out of line is less bad.
                label.styles.width = max(self.label_width, cell_len(self.label) + 1)
            yield label
            yield self.control
        yield Static("", classes="field-error", markup=False)

    @property
    def value(self):
        return getattr(self.control, "value", None)

    @value.setter
    def value(self, new) -> None:
        if isinstance(new, str) and isinstance(self.control, Input):
            new = clean(new, one_line=True)  # stored text is shown, never sent to the terminal
        self.control.value = new

    def focus_input(self) -> None:
        self.control.focus()

    def watch_error(self, message: str) -> None:
        self._value_at_error = self.value
        self.set_class(bool(message), "-error")
        self.query_one(".field-error", Static).update(plain(message))

    def on_input_changed(self, event: Input.Changed) -> None:
        # Clear once the user changes the value (not on a change made before the error).
        if self.error and event.value != getattr(self, "_value_at_error", None):
            self.error = ""

    def clear(self) -> None:
        self.error = ""
        if isinstance(self.control, Input):
            self.control.value = ""


def type_into(field: Input, text: str, *, fresh: bool = False) -> None:
    """Move the focus to `field` with `text` added at its end (`fresh`: in place of what was
    there, a new search): a key typed on a list goes into the field it was meant for, and is
    not selected over when the field takes the focus (Input selects all on focus), so "wang"
    stays "wang", not "ang"."""
    field.select_on_focus = False
    if fresh:
        field.value = ""
    field.cursor_position = len(field.value)
    field.insert_text_at_cursor(text)
    field.focus()


def focus_selected(field: Input) -> None:
    """Back to a search field with its text selected: the next name typed replaces the old
    one instead of being appended to it (Ctrl+F)."""
    field.focus()
    field.select_all()
