"""Change one's own password: at the first sign-in of an account an admin made (or reset), and
from the command palette at any time (issue 19)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from deskterm.i18n import N_, _
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain


class PasswordDialog(DeskDialog[bool]):
    """Current password, the new one twice; gives True once it is changed."""

    BINDINGS = bindings("dialog.confirm", "dialog.cancel")
    HELP_TEXT = N_(
        "Type your current password, then the new one twice, and press Enter. "
        "A common password (12345678, password ...) is refused."
    )

    def __init__(self, *, forced: bool = False) -> None:
        super().__init__()
        self.forced = forced

    def compose(self) -> ComposeResult:
        why = (
            _("An admin set your password: choose your own before you start.")
            if self.forced
            else _("Change your password.")
        )
        with Vertical():
            yield Static(plain(why), id="password-why")
            yield FormField(_("Current"), name="current", password=True, max_length=256)
            yield FormField(_("New password"), name="password", password=True, max_length=256)
            yield FormField(_("Again"), name="repeat", password=True, max_length=256)
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#current-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "repeat-input":
            self.action_confirm()
        else:
            self.focus_next()

    def action_confirm(self) -> None:
        current = self.query_one("#field-current", FormField)
        new = self.query_one("#field-password", FormField)
        repeat = self.query_one("#field-repeat", FormField)
        if not current.value:
            current.show_refusal(_("Type your password."))
            return
        if (new.value or "") != (repeat.value or ""):
            repeat.show_refusal(_("The two new passwords differ."))
            return
        app = self.app
        old_text, new_text = current.value or "", new.value or ""

        def work(session):
            from deskterm.services.admin import users

            users.change_own_password(
                session=session,
                actor=app.signed_in_actor,
                clock=app.clock,
                settings=app.settings,
                current=old_text,
                new=new_text,
            )
            return True

        self.run_db(work, on_done=lambda _done: self._changed())

    def _changed(self) -> None:
        self.app.notify(_("Your password is changed."), markup=False)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
