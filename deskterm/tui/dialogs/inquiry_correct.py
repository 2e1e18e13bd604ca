"""Correct a contact try recorded with the wrong outcome (an unintended "transferred"): the
outcome that happened and why; the original stays (services.inquiries.log.correct_attempt)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from deskterm.i18n import N_, _
from deskterm.models.inquiry import ContactOutcome
from deskterm.services.inquiries.log import ATTEMPT_LABELS
from deskterm.tui import fmt
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.select import DeskSelect
from deskterm.tui.widgets.text import plain


@dataclass(frozen=True)
class CorrectionDraft:
    """What is corrected: the inquiry's last try as it stands."""

    attempt_id: int
    number: int  # the try's place among the inquiry's tries (1, 2 ...)
    at: datetime
    outcome: str
    topic: str


@dataclass(frozen=True)
class Correction:
    attempt_id: int
    outcome: str
    reason: str


class CorrectContactDialog(DeskDialog[Correction | None]):
    BINDINGS = bindings("dialog.confirm", "dialog.cancel")
    HELP_TEXT = N_(
        "Choose what really happened on this try (type its first letter), say why, "
        "and press Ctrl+S. The try as recorded stays in the log; a try is corrected "
        "once. Escape closes without changing anything."
    )

    def __init__(self, draft: CorrectionDraft, tz: str) -> None:
        super().__init__()
        self.draft = draft
        self.tz = tz

    def compose(self) -> ComposeResult:
        d = self.draft
        was = _(ATTEMPT_LABELS[ContactOutcome(d.outcome)])
        with Vertical():
            yield Static(
                plain(
                    _(
                        "Correct try {n} at {at} of the inquiry «{topic}», recorded as «{was}»."
                    ).format(n=d.number, at=fmt.hm(d.at, self.tz), topic=d.topic or "—", was=was)
                ),
                id="correct-what",
            )
            choices = [
                (_(label), value.value)
                for value, label in ATTEMPT_LABELS.items()
                if value.value != d.outcome
            ]
            yield FormField(
                _("Happened"),
                name="outcome",
                control=DeskSelect(choices, allow_blank=False, compact=True, id="outcome-input"),
            )
            yield FormField(_("Reason"), name="reason", max_length=1000)
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#outcome-input").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        reason = self.query_one("#field-reason", FormField)
        text = (reason.value or "").strip()
        if not text:
            reason.show_refusal(_("Say why the outcome is corrected."))
            return
        outcome = str(self.query_one("#outcome-input", DeskSelect).value)
        self.dismiss(Correction(self.draft.attempt_id, outcome, text))

    def action_cancel(self) -> None:
        self.dismiss(None)
