"""The idle lock: an opaque screen asking the operator's password; nothing shows behind it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle, Vertical
from textual.widgets import Input, Static

from deskterm.errors import AuthFailed
from deskterm.i18n import N_, _
from deskterm.services.admin import users
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskScreen
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain

register(
    DeskAction(
        "lock.unlock",
        "ctrl+s",
        "unlock",
        N_("Unlock"),
        N_("Type your password to go back to work."),
        priority=True,
    ),
    DeskAction(
        "lock.sign_out",
        "f10",
        "app.sign_out",
        N_("Sign out"),
        N_("Leave the desk without closing the shift (another operator can sign in)."),
        priority=True,
    ),
)


class LockScreen(DeskScreen):
    BINDINGS = bindings("lock.unlock", "lock.sign_out")
    HELP_TEXT = N_(
        "The desk locked itself after a while without a key. Your password opens "
        "it where you left off; F10 signs out so that someone else can sign in."
    )

    def compose(self) -> ComposeResult:
        actor = self.app.actor
        who = f"{actor.name} ({actor.code})" if actor else ""
        with Middle(), Center(), Vertical(id="lock-box"):
            yield Static(plain(_("Locked")), id="lock-title")
            yield Static(
                plain(_("{who} is signed in. Type the password to continue.").format(who=who)),
                id="lock-who",
            )
            yield FormField(_("Password"), name="password", password=True, max_length=256)
        yield DeskFooter()

    def title_text(self) -> str:
        return _("Locked")

    def on_mount(self) -> None:
        self.query_one("#password-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_unlock()

    def action_unlock(self) -> None:
        app = self.app
        field = self.query_one(FormField)
        password = field.value or ""
        if not password or app.actor is None:
            field.error = _("Type your password.")
            return
        code = app.actor.code

        def work(engine):
            return users.sign_in(
                engine=engine, clock=app.clock, settings=app.settings, code=code, password=password
            )

        self.run_db(
            work,
            write=None,
            on_done=self.unlocked,
            on_error=self.failed,
            group="unlock",
            exclusive=True,
        )

    def unlocked(self, _user) -> None:
        self.app.unlocked()
        self.dismiss()

    def failed(self, exc: BaseException) -> None:
        from deskterm.tui.worker import describe_error

        field = self.query_one(FormField)
        field.value = ""
        field.show_refusal(
            _("Wrong password.") if isinstance(exc, AuthFailed) else describe_error(exc)
        )
