"""Yes or no: `push_screen(ConfirmDialog(question), callback)` gives True or False.

y (or Ctrl+S) says yes, never Enter: Enter opens, a named key acts, so the Enter that opened
a step (or a second Enter typed too fast) cannot also confirm it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from deskterm.i18n import N_
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain

register(
    DeskAction("confirm.yes", "y,ctrl+s", "confirm", N_("Yes"), N_("Do it."), priority=True),
    DeskAction("confirm.no", "n,escape", "cancel", N_("No"), N_("Do not do it.")),
)


class ConfirmDialog(DeskDialog[bool]):
    BINDINGS = bindings("confirm.yes", "confirm.no")

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.quitting = False  # the app's "Quit?": Ctrl+Q again answers yes (DeskApp.action_quit)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.question), id="confirm-question")
            if self.detail:
                yield Static(plain(self.detail), id="confirm-detail")
        yield DeskFooter(show_command_palette=False)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
