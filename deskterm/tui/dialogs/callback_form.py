"""Record a callback (回访, forms.md §3.11): how, with whom, the result and a comment.
"Not reached" on a first try only counts the attempt; "Dissatisfied" needs a comment and, for
a repair, whether the order is reopened or becomes a complaint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Select, Static

from deskterm.clock import Clock
from deskterm.config import Settings
from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.ids import known_id
from deskterm.models.complaint import Callback
from deskterm.services.actor import Actor
from deskterm.services.callbacks import outcomes as callback_outcomes
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
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.select import DeskSelect
from deskterm.tui.widgets.text import plain

LABEL = 12
ATTEMPT = "attempt"  # the result choice that only counts a try
RESULT_CHOICES = ((ATTEMPT, N_("No answer: try again later")), *RESULTS)
AFTER = (("reopen", N_("Reopen the order")), ("complaint", N_("Make it a complaint")))


@dataclass(frozen=True)
class CallbackInput:
    method: str
    result: str  # a CallbackResult, or ATTEMPT
    person: str
    comment: str
    dissatisfied_action: str


def record_work(
    cb: Callback, *, actor: Actor, clock: Clock, settings: Settings
) -> Callable[[CallbackInput], Callable[[Any], Any]]:
    """What saving the form does, for the dialog's `work` (the repairs and the complaints
    screens both record a callback with it): "no answer" only counts the try, any other
    result records the outcome and what it does to the order or the complaint."""

    def work(v: CallbackInput) -> Callable[[Any], Any]:
        if v.result == ATTEMPT:
            return lambda s: callbacks.record_attempt(
                session=s,
                actor=actor,
                clock=clock,
                callback_id=known_id(cb.id),
                version=cb.version,
                method=v.method,
                comment=v.comment,
            )
        return lambda s: callback_outcomes.record_callback(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            callback_id=known_id(cb.id),
            version=cb.version,
            method=v.method,
            result=v.result,
            person=v.person,
            comment=v.comment,
            dissatisfied_action=v.dissatisfied_action,
        )

    return work


class CallbackDialog(SaveDialog):
    HELP_TEXT = N_(
        "Record the callback: phone or visit, who you spoke to, the result and their words. "
        "'No answer' counts a try and keeps the callback in the queue; after {n} tries "
        "'Not reached' closes it. 'Dissatisfied' sends a complaint back for a new reply, and "
        "a repair back to its order or into a new complaint."
    )

    # Ctrl+S records the result, and says so (not the bare "Confirm" of other dialogs)
    BINDINGS = bindings("callback.record", "dialog.cancel", "call.reveal")

    def __init__(self, work, *, row: CallbackRow) -> None:
        super().__init__(work)
        self.row = row

    def action_reveal(self) -> None:
        """D-21: the desk's own call; the number shows here, asked with a reason, audited.
        The reason dialog saves the reveal itself: a refusal keeps the reason typed."""
        app, callback_id = self.app, known_id(self.row.callback.id)
        self.app.push_screen(
            ReasonDialog(
                _("Why is the number needed? The audit keeps who and why."),
                label=_("Why"),
                max_length=200,
                value=_("To call back ({number}).").format(number=self.row.number),
            ).save_with(
                lambda reason: (
                    lambda s: callbacks.reveal_contact(
                        session=s,
                        actor=app.signed_in_actor,
                        clock=app.clock,
                        callback_id=callback_id,
                        reason=reason,
                    )
                )
            ),
            lambda number: self._show_number(number) if number else None,
        )

    def _show_number(self, number: str) -> None:
        shown = self.query_one("#callback-number", Static)
        shown.update(plain("☎ " + number))
        shown.display = True

    def help_text(self) -> str:
        return _(self.HELP_TEXT).format(n=MIN_ATTEMPTS_BEFORE_GIVING_UP)

    def compose(self) -> ComposeResult:
        cb = self.row.callback
        with Vertical() as box:
            box.border_title = _("Callback · {number}").format(number=self.row.number)
            yield Static(
                plain(
                    f"{label(KINDS, cb.subject_kind)} · {self.row.unit} · "
                    f"{self.row.who} · {self.row.about}",
                    one_line=True,
                ),
                classes="about",
            )
            yield Static(plain(_("Tries so far: {n}").format(n=cb.attempts)), classes="about")
            yield Static("", id="callback-number", markup=False)
            yield FormField(
                _("Method"),
                name="method",
                label_width=LABEL,
                control=choice(METHODS, id="method-input"),
            )
            # no outcome is pre-filled: the operator picks what the resident said
            yield FormField(
                _("Result"),
                name="result",
                label_width=LABEL,
                control=DeskSelect(
                    [(_(text), code) for code, text in RESULT_CHOICES],
                    allow_blank=True,
                    compact=True,
                    prompt=_("Choose the result"),
                    id="result-input",
                ),
            )
            yield FormField(
                _("Spoke to"), name="person", max_length=64, label_width=LABEL, value=self.row.who
            )
            yield FormField(_("Comment"), name="comment", max_length=2000, label_width=LABEL)
            yield FormField(
                _("Then"),
                name="dissatisfied_action",
                label_width=LABEL,
                control=choice(AFTER, id="after-input"),
            )
            yield Static(plain(self.what_save_does(None)), classes="hint", id="callback-act")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#result-input", Select).focus()

    @on(Select.Changed, "#result-input")
    def result_changed(self, event: Select.Changed) -> None:
        self.set_class(
            event.value == "dissatisfied" and self.row.callback.subject_kind == "repair", "-after"
        )
        self.query_one("#callback-act", Static).update(
            plain(self.what_save_does(None if event.select.is_blank() else event.value))
        )

    def what_save_does(self, result) -> str:
        """What Ctrl+S will record, for which callback (the key names the outcome)."""
        if result is None or result is Select.NULL:
            return _("Choose the result; Ctrl+S then records it for {number}.").format(
                number=self.row.number
            )
        return _("Ctrl+S: record “{result}” for {number} {who}").format(
            result=label(RESULT_CHOICES, str(result)), number=self.row.number, who=self.row.who
        )

    def values(self) -> CallbackInput:
        if not field_text(self, "result"):
            raise InvalidInput(_("Choose the result of the callback."), field="result")
        return CallbackInput(
            field_text(self, "method"),
            field_text(self, "result"),
            field_text(self, "person"),
            field_text(self, "comment"),
            field_text(self, "dissatisfied_action"),
        )
