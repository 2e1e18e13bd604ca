"""A form field: a label, an input (or any focusable widget) and an inline error line."""

from __future__ import annotations

import time
import weakref
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from deskterm.i18n import _
from deskterm.tui.widgets.text import clean, entered, format_character, plain

if TYPE_CHECKING:
    from textual.widgets import Select, TextArea
    from typing_extensions import TypeIs

    Control = Input | TextArea | Select[Any]  # what a FormField holds


class PlainInput(Input):
    """An Input whose typed or pasted control characters become visible pictures (␛, ⟨RLO⟩),
    so none reaches the terminal and nothing the operator typed or pasted is dropped: joiners
    are kept, and a limit is shown by the field's counter, never enforced by cutting."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(entered(text, one_line=True), start, end)

    def on_paste(self, event: events.Paste) -> None:
        """All of a paste, its lines joined with a space (Textual's Input keeps the first
        line only and drops the rest without a word)."""
        event.stop()
        event.prevent_default()  # (Input's own paste handler would run after this one)
        if event.text:
            self.replace(event.text, *self.selection)

    def on_key(self, event: events.Key) -> None:
        ch = format_character(event)
        if ch is not None:
            event.stop()
            event.prevent_default()
            self.insert_text_at_cursor(ch)


def _multiline(control: Control) -> TypeIs[TextArea]:
    return getattr(control, "MULTILINE", False)


def __getattr__(name: str):
    """PlainTextArea is imported on first use: Textual's TextArea costs ~30 ms of the first
    paint, and the sign-in screen has none (bench/tui_first_paint.py)."""
    if name == "PlainTextArea":
        from deskterm.tui.widgets.text_area import PlainTextArea

        return PlainTextArea
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class FormField(Widget):
    """`FormField(_("Location"), name="location")` with an Input, or pass `control=` a widget.

    `name` is the service's field name: `show_error` puts an InvalidInput(field=name) here.
    `refusals` names the other fields whose refusals are about what is typed here (the form
    model's `applicant_name` for the field `applicant`): they land here too (`shows`).
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
        & .field-error { display: none; color: $text-error; padding-left: 14; height: auto;
                         text-style: bold; }
        & .field-count { display: none; color: $text-muted; padding-left: 14; height: 1; }
        &.-counting .field-count { display: block; }
        &.-over .field-count { color: $text-error; }
        &.-error .field-error { display: block; }
        &.-error .field-label { color: $text-error; text-style: bold underline; }
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
        control: Control | None = None,
        label_width: int | None = None,
        id: str | None = None,
        refusals: tuple[str, ...] = (),
    ) -> None:
        super().__init__(name=name, id=id or f"field-{name.replace('_', '-')}")
        self.refusals = frozenset((name, *refusals))
        self.label = label
        self.label_width = label_width
        # The limit is shown, never enforced by cutting (Input's max_length drops what goes
        # past it without a word): the counter appears near the limit, red past it, and the
        # save is refused with one sentence (models/guard.py) so the operator can shorten it.
        self.max_length = max_length
        self.control: Control = control or PlainInput(
            value=clean(value, one_line=True),
            placeholder=placeholder,
            password=password,
            compact=True,
            id=f"{name.replace('_', '-')}-input",
        )

    def shows(self, field: str) -> bool:
        """Whether a refusal naming `field` is about what is typed here."""
        return field in self.refusals

    def compose(self) -> ComposeResult:
        with Horizontal():
            label = Label(plain(self.label), classes="field-label")
            if self.label_width:
                # Never narrower than the words and the gap after them: a label cut in two
                # lines ("Complaina/nt") pushed the form down; one field out of line is less bad.
                label.styles.width = max(self.label_width, cell_len(self.label) + 1)
            yield label
            yield self.control
        yield Static("", classes="field-count", markup=False)
        yield Static("", classes="field-error", markup=False)

    COUNT_FROM = 0.8  # the counter shows from this share of the limit

    def _count(self, text: str) -> None:
        if not self.max_length:
            return
        n = len(text)
        counter = self.query_one(".field-count", Static)
        shown = n >= self.max_length * self.COUNT_FROM
        self.set_class(shown, "-counting")
        self.set_class(n > self.max_length, "-over")
        if not shown:
            return
        if n > self.max_length:
            counter.update(
                _("{n} / {max} characters: {k} too many (nothing was cut)").format(
                    n=f"{n:,}", max=f"{self.max_length:,}", k=f"{n - self.max_length:,}"
                )
            )
        else:
            counter.update(
                _("{n} / {max} characters").format(n=f"{n:,}", max=f"{self.max_length:,}")
            )

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.add_class("-has-focus")  # the label shows which field has the focus (app.tcss)

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        self.remove_class("-has-focus")  # (a move inside the field focuses it again)

    def on_mount(self) -> None:
        text = self.control.text if _multiline(self.control) else self.value
        if isinstance(text, str):
            self._count(text)

    def on_text_area_changed(self, event) -> None:  # TextArea.Changed
        self._count(event.text_area.text)
        if self.error and event.text_area.text != getattr(self, "_value_at_error", None):
            self.error = ""

    @property
    def value(self):
        if _multiline(self.control):
            return self.control.text
        return getattr(self.control, "value", None)

    @value.setter
    def value(self, new) -> None:
        control = self.control
        if _multiline(control):
            if isinstance(new, str):  # (a text area holds text only)
                control.text = clean(new)
            return
        if isinstance(new, str) and isinstance(control, Input):
            new = clean(new, one_line=True)  # stored text is shown, never sent to the terminal
        control.value = new

    def focus_input(self) -> None:
        self.control.focus()

    ERROR_MARK = "✗"  # the failed field is told by more than its colour (issue 16, 6)

    def error_line(self, message: str) -> str:
        """What the error line under the field says: the mark, the field's name, the refusal
        ("✗ Location: ..."), so the sentence names where the typing now goes."""
        if not message:
            return ""
        return _("{mark} {label}: {message}").format(
            mark=self.ERROR_MARK, label=self.label, message=message
        )

    def watch_error(self, message: str) -> None:
        self._value_at_error = self.value
        self.set_class(bool(message), "-error")
        self.query_one(".field-error", Static).update(plain(self.error_line(message)))

    def show_refusal(self, message: str) -> None:
        """A save was refused for this field: marked (✗, its label underlined, its sentence
        under it naming it), in view, and holding the focus, so what is typed next goes
        where the sentence says (the one place every dialog's failed save goes through)."""
        self.error = message
        self.focus_input()
        self.scroll_visible(animate=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._count(event.value)
        # Clear once the user changes the value (not on a change made before the error).
        if self.error and event.value != getattr(self, "_value_at_error", None):
            self.error = ""

    def clear(self) -> None:
        self.error = ""
        if isinstance(self.control, Input):
            self.control.value = ""


# A burst (fast typing, a paste, a scanner) sends its keys before the focus move that its
# first key asked for lands: those keys still arrive at the list (and bubble up to the
# screen after the focus moved) and come back here. Within BURST_S of the last key sent to
# a field, a key continues what was typed instead of starting anew ("wang" stays "wang",
# not "wng").
BURST_S = 0.3
_sent_at: weakref.WeakKeyDictionary[Input, float] = weakref.WeakKeyDictionary()


def in_burst(field: Input) -> bool:
    """A key sent to `field` by `type_into` a moment ago: the next key is of the same burst."""
    return time.monotonic() - _sent_at.get(field, float("-inf")) < BURST_S


def type_into(field: Input, text: str, *, fresh: bool = False) -> None:
    """Move the focus to `field` with `text` added at its end (`fresh`: in place of what was
    there, a new search): a key typed on a list goes into the field it was meant for, and is
    not selected over when the field takes the focus (Input selects all on focus), so "wang"
    stays "wang", not "ang". Keys of one burst that arrive before the focus has moved are
    added to the end, never start the field again."""
    burst = in_burst(field)
    _sent_at[field] = time.monotonic()
    field.select_on_focus = False
    if fresh and not burst:
        field.value = ""
    field.cursor_position = len(field.value)
    field.insert_text_at_cursor(text)
    field.focus()


def focus_selected(field: Input) -> None:
    """Back to a search field with its text selected: the next name typed replaces the old
    one instead of being appended to it (Ctrl+F)."""
    field.focus()
    field.select_all()
