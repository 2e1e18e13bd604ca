"""The multi-line field of a form (descriptions, messages, the logbook), kept apart from
widgets/field.py so that Textual's TextArea is imported only when a form has one."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from deskterm.tui.widgets.text import clean, entered, format_character


class PlainTextArea(TextArea):
    """A multi-line text area (descriptions, messages, the logbook) with the same promises:
    pasted or typed control characters are shown as pictures, joiners are kept, Tab moves on,
    lines wrap so all of a long text can be read back before saving."""

    MULTILINE = True  # FormField reads its text, not a value

    DEFAULT_CSS = """
    PlainTextArea { height: auto; min-height: 2; max-height: 6; }
    """

    def __init__(self, text: str = "", *, id: str | None = None, **kwargs) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("compact", True)
        kwargs.setdefault("show_line_numbers", False)
        kwargs.setdefault("tab_behavior", "focus")
        super().__init__(clean(text), id=id, **kwargs)

    def on_mount(self) -> None:
        self.move_cursor(self.document.end)  # as an Input: typing goes on after the text

    def replace(self, insert: str, start, end, *, maintain_selection_offset: bool = True):
        return super().replace(
            entered(insert), start, end, maintain_selection_offset=maintain_selection_offset
        )

    def insert(self, text: str, location=None, *, maintain_selection_offset: bool = True):
        return super().insert(
            entered(text), location, maintain_selection_offset=maintain_selection_offset
        )

    def on_paste(self, event: events.Paste) -> None:
        event.stop()  # taken here (TextArea's own handler, after this one): not the screen's

    def on_key(self, event: events.Key) -> None:
        ch = format_character(event)
        if ch is not None:
            event.stop()
            event.prevent_default()
            self.replace(ch, *self.selection)
