"""Sign-in with staff code and password. A failure never says whether the code exists."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle, Vertical
from textual.widgets import Input, Static

from deskterm.i18n import N_, _
from deskterm.ids import known_id
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskScreen
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain

register(
    DeskAction(
        "signin.submit",
        "ctrl+s",
        "submit",
        N_("Sign in"),
        N_("Sign in with your staff code and password."),
        priority=True,
    ),
)


class SignInScreen(DeskScreen):
    BINDINGS = bindings("signin.submit")
    HELP_TEXT = N_(
        "Type your staff code, Enter, then your password and Enter. After several wrong "
        "passwords the account waits a while before it accepts another try."
    )

    def compose(self) -> ComposeResult:
        with Middle(), Center(), Vertical(id="signin-box"):
            yield Static(plain("deskterm"), id="signin-title")
            yield Static(plain(self.app.post_name), id="signin-post")
            yield FormField(_("Staff code"), name="code", max_length=32)
            yield FormField(_("Password"), name="password", password=True, max_length=256)
            yield Static("", id="signin-message", markup=False)
        yield DeskFooter()

    def title_text(self) -> str:
        return _("Sign in")

    def on_mount(self) -> None:
        self.query_one("#code-input", Input).focus()
        # The database layer loads once this screen is painted (cli/launch.py), not before.
        warm_up = getattr(self.app, "warm_up", None)
        if warm_up is not None:
            self.call_after_refresh(warm_up)

    def reset(self, message: str = "") -> None:
        """Empty the form for the next operator; `message` says why the desk signed out."""
        for field in self.query(FormField):
            field.clear()
        self.query_one("#signin-message", Static).update(plain(message))
        self.query_one("#code-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "code-input":
            self.query_one("#password-input", Input).focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        code_field = self.query_one("#field-code", FormField)
        password_field = self.query_one("#field-password", FormField)
        code = (code_field.value or "").strip()
        password = password_field.value or ""
        if not code:
            code_field.show_refusal(_("Type your staff code."))
            return
        if not password:
            password_field.show_refusal(_("Type your password."))
            return
        app = self.app
        post = app.settings.post

        def work(engine):  # in a thread: the imports cost nothing on screen
            from deskterm.db import run_read
            from deskterm.services.admin import users
            from deskterm.services.shift import duty as shifts

            user = users.sign_in(
                engine=engine, clock=app.clock, settings=app.settings, code=code, password=password
            )
            state = run_read(
                engine,
                lambda s: shifts.desk_state(
                    s, user_id=known_id(user.id), post=post, settings=app.settings
                ),
            )
            return user, state

        self.query_one("#signin-message", Static).update(plain(_("Signing in…")))
        self.run_db(
            work,
            write=None,
            on_done=self.signed_in,
            on_error=self.failed,
            group="signin",
            exclusive=True,
        )

    def failed(self, exc: BaseException) -> None:
        from deskterm.errors import AuthFailed
        from deskterm.tui.worker import describe_error

        self.query_one("#signin-message", Static).update("")
        password_field = self.query_one("#field-password", FormField)
        password_field.value = ""
        if isinstance(exc, AuthFailed):
            password_field.show_refusal(_("Wrong staff code or password."))
        else:  # the database failed, not a field: said for the screen, no field marked
            self.query_one("#signin-message", Static).update(plain(describe_error(exc)))
            password_field.focus_input()

    def signed_in(self, result) -> None:
        from deskterm.models.user import Role
        from deskterm.services.actor import Actor
        from deskterm.services.shift.duty import on_duty_sentence

        user, state = result
        app = self.app
        self.query_one("#signin-message", Static).update("")
        self.query_one("#field-password", FormField).value = ""
        shift = state.shift
        if shift is None and state.on_duty is not None and Role(user.role) == Role.operator:
            # One operator on duty per post (issue 14, item 4): say who; they hand over first.
            self.query_one("#signin-message", Static).update(
                plain(on_duty_sentence(state.on_duty, app.settings))
            )
            self.query_one("#code-input", Input).focus()
            return
        if shift is None and state.blocked and Role(user.role) == Role.operator:
            # On duty at another post, or this post waits for someone else to take over
            # their own handover: no shift here now, and they are told why.
            self.query_one("#signin-message", Static).update(plain(state.blocked))
            self.query_one("#code-input", Input).focus()
            return
        app.set_actor(Actor.from_user(user, shift_id=shift.id if shift else None))
        if user.must_change_password:  # an admin made or reset it: the owner chooses one first
            from deskterm.tui.dialogs.password import PasswordDialog

            def changed(done: bool | None) -> None:
                if done:
                    self._to_duty(state)
                else:
                    app.actor = None
                    self.reset()

            app.push_screen(PasswordDialog(forced=True), changed)
            return
        self._to_duty(state)

    def _to_duty(self, state) -> None:
        app = self.app
        shift = state.shift
        from deskterm.tui.screens.checkin import HandoverReviewScreen, SelfCheckScreen

        if shift is None and state.blocked and state.on_duty is None:  # supervisor or admin
            app.go_on_duty()
            app.notify(state.blocked, markup=False, timeout=10)
        elif shift is None and state.on_duty is not None:  # a supervisor or admin: no shift
            app.go_on_duty()
            app.notify(
                _(
                    "{name} ({code}) is on duty at this post: you are at the desk without "
                    "a shift, to review, approve and report."
                ).format(name=state.on_duty.name, code=state.on_duty.code),
                markup=False,
                timeout=10,
            )
        elif shift is None:
            app.push_screen(SelfCheckScreen(state.pending))
        elif state.pending is not None and shift.accepted_handover_id is None:
            app.push_screen(HandoverReviewScreen(state.pending))
        else:
            app.go_on_duty()
