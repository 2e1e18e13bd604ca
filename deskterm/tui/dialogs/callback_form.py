"""Record a callback (回访, forms.md §3.11): how, with whom, the result and a comment.
"Not reached" on a first try only counts the attempt; "Dissatisfied" needs a comment and, for
a repair, whether the order is reopened or becomes a complaint."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Select, Static

from deskterm.i18n import N_, _
from deskterm.services.callbacks import queue as callbacks
from deskterm.services.callbacks.queue import MIN_ATTEMPTS_BEFORE_GIVING_UP, CallbackRow
from deskterm.tui.actions import bindings
from deskterm.tui.dialogs.complaint_common import (
    KINDS,
    METHODS,
    RESULTS,
    SaveDialog,
    choice,
    field_text,
    label,
)
from deskterm.tui.dialogs.reason import ReasonDialog
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.text import plain

LABEL = 12
ATTEMPT = "attempt"  # the result choice that only counts a try
AFTER = (("reopen", N_("Reopen the order")), ("complaint", N_("Make it a complaint")))


@dataclass(frozen=True)
class CallbackInput:
    method: str
    result: str  # a CallbackResult, or ATTEMPT
    person: str
    comment: str
    dissatisfied_action: str


class CallbackDialog(SaveDialog):
    DEFAULT_CSS = """
    CallbackDialog {
        align: center middle;
        & > Vertical { width: 72; height: auto; max-height: 22; border: round $accent;
                       background: $surface; padding: 0 1; }
        & .about { color: $text-muted; }
        & #callback-number { display: none; text-style: bold; }
        & #field-dissatisfied-action { display: none; }
        &.-after #field-dissatisfied-action { display: block; }
    }
    """
    HELP_TEXT = N_(
        "Record the callback: phone or visit, who you spoke to, the result and their words. "
        "'No answer' counts a try and keeps the callback in the queue; after {n} tries "
        "'Not reached' closes it. 'Dissatisfied' sends a complaint back for a new reply, and "
        "a repair back to its order or into a new complaint."
    )

    BINDINGS = [*SaveDialog.BINDINGS, *bindings("call.reveal")]

    def __init__(self, work, *, row: CallbackRow) -> None:
        super().__init__(work)
        self.row = row

    def action_reveal(self) -> None:
        """D-21: the desk's own call; the number shows here, asked with a reason, audited."""
        app, callback_id = self.app, self.row.callback.id
        self.app.push_screen(ReasonDialog(
            _("Why is the number needed? The audit keeps who and why."), label=_("Why"),
            max_length=200, value=_("To call back ({number}).").format(number=self.row.number))
            .save_with(lambda reason: lambda s: callbacks.reveal_contact(
                session=s, actor=app.actor, clock=app.clock, callback_id=callback_id,
                reason=reason)),
            lambda number: self._show_number(number) if number is not None else None)

    def _show_number(self, number: str) -> None:
        shown = self.query_one("#callback-number", Static)
        shown.update(plain("☎ " + number))
        shown.display = True

    def help_text(self) -> str:
        return _(self.HELP_TEXT).format(n=MIN_ATTEMPTS_BEFORE_GIVING_UP)

    def compose(self) -> ComposeResult:
        cb = self.row.callback
        results = ((ATTEMPT, N_("No answer: try again later")), *RESULTS)
        with Vertical() as box:
            box.border_title = _("Callback · {number}").format(number=self.row.number)
            yield Static(plain(f"{label(KINDS, cb.subject_kind)} · {self.row.unit} · "
                               f"{self.row.who} · {self.row.about}", one_line=True),
                         classes="about")
            yield Static(plain(_("Tries so far: {n}").format(n=cb.attempts)), classes="about")
            yield Static("", id="callback-number", markup=False)
            yield FormField(_("Method"), name="method", label_width=LABEL,
                            control=choice(METHODS, id="method-input"))
            yield FormField(_("Result"), name="result", label_width=LABEL,
                            control=choice(results, value="satisfied", id="result-input"))
            yield FormField(_("Spoke to"), name="person", max_length=64, label_width=LABEL,
                            value=self.row.who)
            yield FormField(_("Comment"), name="comment", max_length=2000, label_width=LABEL)
            yield FormField(_("Then"), name="dissatisfied_action", label_width=LABEL,
                            control=choice(AFTER, id="after-input"))
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#result-input", Select).focus()

    @on(Select.Changed, "#result-input")
    def result_changed(self, event: Select.Changed) -> None:
        self.set_class(event.value == "dissatisfied" and self.row.callback.subject_kind == "repair",
                       "-after")

    def values(self) -> CallbackInput:
        return CallbackInput(field_text(self, "method"), field_text(self, "result"),
                             field_text(self, "person"), field_text(self, "comment"),
                             field_text(self, "dissatisfied_action"))
