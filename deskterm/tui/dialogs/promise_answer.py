"""Keep a promise (D-25): record what was answered. The promise leaves the open list.

Calling back who asked is the desk's own call (D-21): when "asked by" names someone on record
("12-1203 张三", "3-502业主"), Ctrl+O shows their number here, asked with a reason and audited,
as in the callback and message dialogs."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from deskterm.errors import StaleEdit
from deskterm.i18n import N_, _
from deskterm.services.inquiries import promises
from deskterm.services.inquiries.promises import STATE_LABELS, PromiseView
from deskterm.tui import fmt
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.reason import ReasonDialog
from deskterm.tui.widgets.field import FormField, PlainTextArea
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import clean, plain


class AnswerPromiseDialog(DeskDialog[bool]):
    """Gives True once the answer is saved."""

    BINDINGS = bindings("form.save", "form.cancel", "call.reveal")
    HELP_TEXT = N_(
        "Write what was answered, and how (by phone, in person ...). Ctrl+S saves it; the "
        "promise is then kept and leaves the dashboard and the handover. When who asked is on "
        "record, Ctrl+O shows their number to call them back, here; the audit keeps who and why."
    )

    def __init__(self, promise: PromiseView) -> None:
        super().__init__()
        self.promise = promise
        self.asker: promises.Asker | None = None  # who asked, on record (read on mount)
        self.asker_read = False  # the register has answered (someone, or nobody)

    def compose(self) -> ComposeResult:
        p = self.promise
        tz = self.app.settings.timezone
        with Vertical(classes="inquiry-dialog"):
            yield Static(plain(_("Answer a promised reply")), classes="dialog-title")
            about = Text(end="")
            about.append(clean(p.question), style="bold")
            about.append(
                "\n"
                + _("{who} asked; reach them at {contact}; due {due}").format(
                    who=clean(p.asked_by, one_line=True),
                    contact=clean(p.contact, one_line=True),
                    due=fmt.day_hm(p.due_at, tz),
                )
            )
            about.append(
                f" ({_(STATE_LABELS[p.state])})",
                style="bold red" if p.state.value == "overdue" else "",
            )
            yield Static(about, id="promise-about")
            number = Static("", id="promise-number", markup=False)
            number.display = False
            yield number
            yield FormField(
                _("Answer"),
                name="answer",
                label_width=10,
                max_length=2000,
                control=PlainTextArea(id="answer-input"),
            )
            yield Static(plain(_("Ctrl+S: save the answer · Esc: close")), classes="hint")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#answer-input", TextArea).focus()
        promise_id = self.promise.id
        self.run_db(
            lambda s: promises.asker_on_record(s, promise_id=promise_id),
            on_done=self._asker_found,
            write=False,
            group="promise-asker",
        )

    def _asker_found(self, asker: promises.Asker | None) -> None:
        """One sentence either way (D-21, issue 21): who asked is on record and Ctrl+O shows
        their own number, or nobody on record is who asked and the desk calls the contact."""
        self.asker, self.asker_read = asker, True
        if self.app.may("residents.reveal_phone"):
            shown = self.query_one("#promise-number", Static)
            if asker is not None:
                shown.update(
                    plain(
                        _("{name} ({unit}) is on record: Ctrl+O shows the number to call.").format(
                            name=asker.name, unit=asker.unit or "—"
                        )
                    )
                )
            else:
                shown.update(plain(_(promises.NOBODY_ON_RECORD)))
            shown.display = True
        self.refresh_bindings()

    @on(TextArea.Changed)
    def clear_error(self, _event: TextArea.Changed) -> None:
        field = self.query_one("#field-answer", FormField)
        if field.error:
            field.error = ""

    def action_save(self) -> None:
        app, p = self.app, self.promise
        answer = self.query_one("#answer-input", TextArea).text
        self.run_db(
            lambda s: promises.answer_promise(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                promise_id=p.id,
                answer=answer,
                version=p.version,
            ),
            on_done=self._saved,
            on_error=self._refused,
            group="promise-answer",
            exclusive=True,
        )

    def _saved(self, _promise) -> None:
        self.records_changed("promise")
        self.app.notify(_("Promise kept: the answer is recorded."), markup=False)
        self.dismiss(True)

    def _refused(self, exc: BaseException) -> None:
        """Refused: the sentence shows, the answer stays as typed; Escape closes (issue 14)."""
        self.show_error(exc)
        if isinstance(exc, StaleEdit):
            self.records_changed("promise")

    def action_cancel(self) -> None:
        self.dismiss(False)

    # -- the desk's own call (D-21) ---------------------------------------------------------
    def check_action(self, action: str, parameters) -> bool | None:
        if action == "reveal":
            return self.app.may("residents.reveal_phone")
        return True

    def action_reveal(self) -> None:
        """The number, asked with a reason and audited; the reason dialog saves the reveal
        itself, so a refusal keeps the reason typed."""
        if not self.asker_read:
            return  # the register is still being read: a moment
        if self.asker is None:  # says so instead of doing nothing (issue 21)
            self.app.notify(_(promises.NOBODY_ON_RECORD), severity="warning", markup=False)
            return
        app, promise_id = self.app, self.promise.id
        self.app.push_screen(
            ReasonDialog(
                _("Why is the number of {name} needed? The audit keeps who and why.").format(
                    name=self.asker.name
                ),
                label=_("Why"),
                max_length=200,
                value=_("To call back with the promised answer."),
            ).save_with(
                lambda reason: (
                    lambda s: promises.reveal_asker_phone(
                        session=s,
                        actor=app.signed_in_actor,
                        clock=app.clock,
                        promise_id=promise_id,
                        reason=reason,
                    )
                )
            ),
            lambda number: self._show_number(number) if number else None,
        )

    def _show_number(self, phone: str) -> None:
        shown = self.query_one("#promise-number", Static)
        shown.update(plain("☎ " + phone))
        shown.display = True
        self.query_one("#answer-input", TextArea).focus()
