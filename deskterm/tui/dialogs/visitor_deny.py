"""Add a name to the deny list (supervisors): the name and why."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from deskterm.i18n import N_, _
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.visitor_fields import LastFieldSaves, field
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain


class DenyEntryDialog(LastFieldSaves, DeskDialog[tuple[str, str] | None]):
    FIRST_INPUT, LAST_INPUT = "name-input", "reason-input"
    BINDINGS = bindings("form.save", "form.cancel")
    HELP_TEXT = N_(
        "A visitor with this name is stopped at registration until a supervisor decides. "
        "Say why, in words the desk can read out."
    )

    def __init__(self, name: str = "", reason: str = "", error=None) -> None:
        super().__init__()
        self.deny_name = name
        self.reason = reason
        self.error = error

    def title_text(self) -> str:
        return _("Add to the deny list")

    def compose(self) -> ComposeResult:
        with Vertical(id="deny-form", classes="visitor-dialog"):
            yield Static(plain(_("Add to the deny list")), classes="dialog-title")
            yield field(_("Name"), "name", value=self.deny_name, max_length=64, label_width=10)
            yield field(
                _("Reason"),
                "reason",
                value=self.reason,
                max_length=500,
                label_width=10,
                advance=False,
            )
            yield Static(plain(_("Enter: next field · Ctrl+S: save")), classes="hint")
        yield DeskFooter(show_command_palette=False)

    def action_save(self) -> None:
        self.dismiss(
            (
                self.query_one("#name-input", Input).value,
                self.query_one("#reason-input", Input).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
