"""The evacuation roll call: everyone on site now, numbered, ready to tick off; printed at
once when a print command is set (the screen sends it), p prints again.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from deskterm.i18n import N_, _
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain

register(
    DeskAction(
        "visitors.rollcall_print",
        "p",
        "print_again",
        N_("Print"),
        N_("Send the roll call to the printer again."),
    ),
    DeskAction(
        "visitors.rollcall_close", "escape", "close", N_("Close"), N_("Back to the visitors.")
    ),
)


class RollCallDialog(DeskDialog[bool]):
    """Dismisses True when the operator asks to print again."""

    BINDINGS = bindings("visitors.rollcall_print", "visitors.rollcall_close")

    def __init__(self, text: str, note: str = "") -> None:
        super().__init__()
        self.text = text
        self.note = note

    def title_text(self) -> str:
        return _("Evacuation roll call")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="rollcall-box", classes="visitor-dialog"):
            if self.note:
                yield Static(plain(self.note), id="rollcall-note")
            yield Static(plain(self.text), id="rollcall-text")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#rollcall-box").focus()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "print_again":
            return bool(self.app.settings.print_command)
        return True

    def action_print_again(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
