"""Read all of a record's text (F12 on a detail pane that could not show it all, issue 15):
the text in a scrolling pane; arrows, Page Up/Down, Home/End scroll, Esc closes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from deskterm.i18n import N_
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain


class TextViewDialog(DeskDialog[None]):
    BINDINGS = bindings("dialog.cancel")
    HELP_TEXT = N_("All of the text: arrows, Page Up/Down, Home and End scroll; Esc closes.")

    def __init__(self, text: Text, title: str = "") -> None:
        super().__init__()
        self.text = text.copy()
        self.text.no_wrap, self.text.overflow = False, "fold"  # every line wraps: all is seen
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.title_text:
                yield Static(plain(self.title_text), id="text-view-title")
            with VerticalScroll(id="text-view"):
                yield Static(self.text, markup=False)
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#text-view", VerticalScroll).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
