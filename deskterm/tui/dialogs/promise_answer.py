"""Keep a promise (D-25): record what was answered. The promise leaves the open list."""

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
from deskterm.tui.screens.base import DeskDialog
from deskterm.tui.widgets.field import FormField, PlainTextArea
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import clean, plain


class AnswerPromiseDialog(DeskDialog[bool]):
    """Gives True once the answer is saved."""

    BINDINGS = bindings("form.save", "form.cancel")
    HELP_TEXT = N_(
        "Write what was answered, and how (by phone, in person ...). Ctrl+S saves it; the "
        "promise is then kept and leaves the dashboard and the handover."
    )

    def __init__(self, promise: PromiseView) -> None:
        super().__init__()
        self.promise = promise

    def compose(self) -> ComposeResult:
        p = self.promise
        tz = self.app.settings.timezone
        with Vertical(classes="inquiry-dialog"):
            yield Static(plain(_("Answer a promised reply")), classes="dialog-title")
            about = Text(end="")
            about.append(clean(p.question), style="bold")
            about.append("\n" + _("{who} asked; reach them at {contact}; due {due}").format(
                who=clean(p.asked_by, one_line=True), contact=clean(p.contact, one_line=True),
                due=fmt.day_hm(p.due_at, tz)))
            about.append(f" ({_(STATE_LABELS[p.state])})",
                         style="bold red" if p.state.value == "overdue" else "")
            yield Static(about, id="promise-about")
            yield FormField(_("Answer"), name="answer", label_width=10, max_length=2000,
                            control=PlainTextArea(id="answer-input"))
            yield Static(plain(_("Ctrl+S: save the answer · Esc: close")), classes="hint")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#answer-input", TextArea).focus()

    @on(TextArea.Changed)
    def clear_error(self, _event: TextArea.Changed) -> None:
        field = self.query_one("#field-answer", FormField)
        if field.error:
            field.error = ""

    def action_save(self) -> None:
        app, p = self.app, self.promise
        answer = self.query_one("#answer-input", TextArea).text
        self.run_db(lambda s: promises.answer_promise(
            session=s, actor=app.actor, clock=app.clock, promise_id=p.id, answer=answer,
            version=p.version), on_done=self._saved, on_error=self._refused,
            group="promise-answer", exclusive=True)

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
