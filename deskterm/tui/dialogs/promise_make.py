"""Promise a reply (D-25): the question, who asked, how to reach them, and by when the desk
will answer. The due time is typed the way it is said (16:00, tomorrow 10:00, +2h) and read
back at once, so the promise made is the promise recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.models.forms import validated
from deskterm.models.inquiry import PromisedReplyCreate
from deskterm.services.inquiries import promises
from deskterm.tui import fmt
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain

DEFAULT_DUE = "+2h"


@dataclass(frozen=True)
class PromiseDraft:
    question: str = ""
    asked_by: str = ""
    contact: str = ""
    inquiry_id: int | None = None


class MakePromiseDialog(DeskDialog[int | None]):
    """Gives the saved promise's id, or None."""

    BINDINGS = bindings("form.save", "form.cancel")
    HELP_TEXT = N_(
        "When the desk cannot answer now: apologise, find out, answer later. Write the "
        "question, who asked and how to reach them, and when the answer is due: 16:00, "
        "tomorrow 10:00, +2h, +30m or 12-01 10:00. The promise stays on the dashboard and in "
        "every handover until answered."
    )

    def __init__(self, draft: PromiseDraft | None = None) -> None:
        super().__init__()
        self.draft = draft or PromiseDraft()

    def compose(self) -> ComposeResult:
        d = self.draft
        with Vertical(classes="inquiry-dialog"):
            yield Static(plain(_("Promise a reply")), classes="dialog-title")
            yield FormField(
                _("Question"), name="question", value=d.question, max_length=2000, label_width=12
            )
            yield FormField(
                _("Asked by"), name="asked_by", value=d.asked_by, max_length=64, label_width=12
            )
            yield FormField(
                _("Reach them"),
                name="contact",
                value=d.contact,
                max_length=64,
                label_width=12,
                placeholder=_("their number or where to find them"),
            )
            yield FormField(
                _("Answer by"),
                name="due",
                value=DEFAULT_DUE,
                max_length=32,
                label_width=12,
                placeholder="16:00 · +2h · tomorrow 10:00",
            )
            yield Static(Text(""), id="due-read-back")
            yield Static(plain(_("Enter: next field · Ctrl+S: save · Esc: close")), classes="hint")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        for name in ("question", "asked_by", "contact"):
            if not getattr(self.draft, name):
                self.query_one(f"#{name.replace('_', '-')}-input", Input).focus()
                break
        else:
            self.query_one("#due-input", Input).focus()
        self._read_back(DEFAULT_DUE)

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "due-input":
            self.action_save()
        else:
            self.focus_next()

    @on(Input.Changed, "#due-input")
    def due_changed(self, event: Input.Changed) -> None:
        self._read_back(event.value)

    def _read_back(self, text: str) -> None:
        app = self.app
        line = Text(end="")
        try:
            due = promises.parse_due(text, now=app.clock.now(), tz=app.settings.timezone)
        except InvalidInput as exc:
            line.append(str(exc), style="dim")
        else:
            line.append(
                _("Due {when}").format(when=fmt.full(due, app.settings.timezone)), style="bold"
            )
        self.query_one("#due-read-back", Static).update(line)

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name.replace('_', '-')}-input", Input).value

    def action_save(self) -> None:
        app = self.app
        try:
            due = promises.parse_due(
                self._value("due"), now=app.clock.now(), tz=app.settings.timezone
            )
            promise_in = validated(
                PromisedReplyCreate,
                {
                    "question": self._value("question"),
                    "asked_by": self._value("asked_by"),
                    "contact": self._value("contact"),
                    "due_at": due,
                    "inquiry_id": self.draft.inquiry_id,
                },
            )
        except InvalidInput as exc:  # on its field; everything typed stays
            if exc.field == "due":  # said once, on the field: not again in the read-back
                self.query_one("#due-read-back", Static).update(Text(""))
            self.show_error(exc)
            return
        self.run_db(
            lambda s: (
                promises.make_promise(
                    session=s, actor=app.signed_in_actor, clock=app.clock, promise_in=promise_in
                ).id
            ),
            on_done=self._saved,
            group="promise-save",
            exclusive=True,
        )

    def _saved(self, promise_id: int) -> None:
        self.records_changed("promise", "inquiry")
        self.app.notify(
            _("Promise recorded: it stays on the dashboard until answered."), markup=False
        )
        self.dismiss(promise_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
