"""A deny-list match (issue 4): the supervisor comes to the desk, signs in here with their
code and password, and decides. Allowed gives the slip; refused turns the visitor away.
Both are written to the audit under the supervisor's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from deskterm.errors import AuthFailed
from deskterm.i18n import N_, _
from deskterm.services import permissions
from deskterm.services.actor import Actor
from deskterm.services.admin import users
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.visitor_fields import field
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain
from deskterm.tui.worker import describe_error

register(
    DeskAction(
        "visitors.deny_allow",
        "ctrl+s",
        "decide(True)",
        N_("Let in"),
        N_("The supervisor lets the visitor in despite the deny list."),
        priority=True,
    ),
    DeskAction(
        "visitors.deny_refuse",
        "ctrl+r",
        "decide(False)",
        N_("Refuse entry"),
        N_("The supervisor refuses: no slip, a line goes into the duty logbook."),
        priority=True,
    ),
    DeskAction(
        "visitors.deny_back",
        "escape",
        "cancel",
        N_("Back"),
        N_("Back to the form; nothing is saved."),
    ),
)


@dataclass(frozen=True)
class DenyDecision:
    supervisor: Actor
    allow: bool


class SupervisorDialog(DeskDialog[DenyDecision | None]):
    BINDINGS = bindings("visitors.deny_allow", "visitors.deny_refuse", "visitors.deny_back")
    HELP_TEXT = N_(
        "The visitor's name is on the deny list kept by the supervisors. A supervisor types "
        "their staff code and password here, then Ctrl+S lets the visitor in or Ctrl+R "
        "refuses. The decision is recorded under the supervisor's name."
    )

    def __init__(self, *, name: str, reason: str, typed: str = "") -> None:
        super().__init__()
        self.deny_name = name
        self.reason = reason
        self.typed = typed  # a name alike (same sound, one character off), not the same

    def title_text(self) -> str:
        return _("Deny list: a supervisor decides")

    def compose(self) -> ComposeResult:
        with Vertical(id="supervisor-box", classes="visitor-dialog"):
            yield Static(plain(_("Deny list: a supervisor decides")), classes="dialog-title")
            if self.typed and self.typed != self.deny_name:
                text = _("{typed} is close to {name} on the deny list: {reason}").format(
                    typed=self.typed, name=self.deny_name, reason=self.reason
                )
            else:
                text = _("{name} is on the deny list: {reason}").format(
                    name=self.deny_name, reason=self.reason
                )
            yield Static(plain(text), id="deny-reason")
            yield field(_("Supervisor"), "code", max_length=32, label_width=12)
            yield field(
                _("Password"),
                "password",
                password=True,
                max_length=256,
                label_width=12,
                advance=False,
            )
            yield Static(
                plain(_("Ctrl+S: let in · Ctrl+R: refuse · Esc: back to the form")), classes="hint"
            )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#code-input", Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter has moved on already (NextInput)

    def action_decide(self, allow: bool) -> None:
        code = self.query_one("#code-input", Input).value.strip()
        password = self.query_one("#password-input", Input).value
        if not code:
            self.query_one("#field-code", FormField).error = _("Type the supervisor's staff code.")
            return
        app = self.app

        def sign_in(engine) -> Actor:
            user = users.sign_in(
                engine=engine, clock=app.clock, settings=app.settings, code=code, password=password
            )
            supervisor = Actor.from_user(user)
            permissions.authorize(
                engine=engine, clock=app.clock, actor=supervisor, action="visitors.deny_override"
            )
            return supervisor

        def failed(exc: BaseException) -> None:
            self.query_one("#password-input", Input).value = ""
            field = "password" if isinstance(exc, AuthFailed) else "code"
            self.query_one(f"#field-{field}", FormField).error = describe_error(exc)
            self.query_one(f"#{field}-input", Input).focus()

        self.run_db(
            sign_in,
            write=None,
            group="supervisor",
            exclusive=True,
            on_done=lambda supervisor: self.dismiss(DenyDecision(supervisor, allow)),
            on_error=failed,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
