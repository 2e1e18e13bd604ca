"""Handling one complaint (D-42, D-44): the menu Enter opens, and its forms — a handling step,
a referral with a reply deadline, the answer (closing it), a change of details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from deskterm.i18n import N_, _
from deskterm.models.complaint import Complaint, ComplaintUpdate
from deskterm.models.forms import validated
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.complaint_common import (
    ANSWER_HOW,
    SEVERITIES,
    STEPS,
    VALIDITY,
    SaveDialog,
    choice,
    field_text,
    parse_when,
    text_area,
)
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain
from deskterm.tui.widgets.ticks import TickBox

LABEL = 12

# (id, key, label, help): the menu's lines, each with its letter.
MENU = (
    (
        "step",
        "s",
        N_("Add a handling step"),
        N_("Listened, clarified, sympathy, action, follow-up."),
    ),
    ("refer", "r", N_("Refer to a person"), N_("Pass it on with a reply deadline.")),
    ("answer", "a", N_("Record the answer"), N_("The answer given and how; closes it.")),
    ("meeting", "m", N_("Record a communication"), N_("A meeting or call about it.")),
    ("edit", "e", N_("Change details"), N_("Category, severity, validity, department.")),
    (
        "link",
        "l",
        N_("Link a repair order"),
        N_("The repair order this complaint concerns (case 1); each shows the other."),
    ),
    (
        "area",
        "p",
        N_("Refer to a public-area request"),
        N_("The public-area request this complaint is about (case 2)."),
    ),
    ("ack", "k", N_("Acknowledge (severe)"), N_("A supervisor has seen the severe complaint.")),
    ("sign_off", "o", N_("Sign off"), N_("A supervisor signs the closed complaint off.")),
)

register(
    *(
        DeskAction(
            f"complaint_menu.{item}", key, f"pick('{item}')", text, tip, priority=True, show=False
        )
        for item, key, text, tip in MENU
    )
)


class ComplaintMenu(DeskDialog[str | None]):
    """What to do with the complaint: a letter, or arrows and Enter."""

    BINDINGS = bindings("dialog.cancel", *(f"complaint_menu.{item}" for item, *_r in MENU))

    def __init__(self, complaint: Complaint, *, choices: tuple[str, ...]) -> None:
        super().__init__()
        self.complaint = complaint
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.complaint.number
            yield Static(
                plain(f"{self.complaint.who_name}: {self.complaint.content}", one_line=True)
            )
            yield OptionList(
                *(
                    Option(plain(f"{key.upper()}  {_(text)}"), id=item)
                    for item, key, text, _tip in MENU
                    if item in self.choices
                ),
                id="complaint-menu",
            )
        yield DeskFooter(show_command_palette=False)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "pick" and parameters and parameters[0] not in self.choices:
            return False
        return True

    def action_pick(self, item: str) -> None:
        self.dismiss(item)

    @on(OptionList.OptionSelected, "#complaint-menu")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _box(dialog, title: str) -> Vertical:
    box = Vertical()
    box.border_title = title
    return box


@dataclass(frozen=True)
class StepInput:
    step: str
    note: str


class StepDialog(SaveDialog):
    HELP_TEXT = N_(
        "Choose the step that was done and say what; Ctrl+S saves it with your name and the time."
    )

    def __init__(self, work, *, complaint: Complaint) -> None:
        super().__init__(work)
        self.complaint = complaint

    def compose(self) -> ComposeResult:
        with _box(self, _("Handling step · {number}").format(number=self.complaint.number)):
            yield FormField(
                _("Step"),
                name="step",
                label_width=LABEL,
                control=choice(STEPS, value="action", id="step-input"),
            )
            yield FormField(
                _("What"), name="note", label_width=LABEL, control=text_area(id="note-input")
            )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#note-input").focus()

    def values(self) -> StepInput:
        return StepInput(field_text(self, "step"), field_text(self, "note"))


@dataclass(frozen=True)
class ReferInput:
    to: str
    due_at: datetime | None
    note: str


class ReferDialog(SaveDialog):
    HELP_TEXT = N_(
        "Name the person who will deal with it. The reply is due in the hours of "
        "the setting unless you type a date and time; until then it shows on the "
        "dashboard and in the handover."
    )

    def __init__(
        self, work, *, complaint: Complaint, now: datetime, tz: str, default_hours: int
    ) -> None:
        super().__init__(work)
        self.complaint, self.now, self.tz = complaint, now, tz
        self.default_hours = default_hours

    def compose(self) -> ComposeResult:
        with _box(self, _("Refer · {number}").format(number=self.complaint.number)):
            yield FormField(_("Refer to"), name="referred_to", max_length=64, label_width=LABEL)
            yield FormField(
                _("Reply by"),
                name="reply_due_at",
                max_length=20,
                label_width=LABEL,
                placeholder=_("{n} h if blank").format(n=self.default_hours),
            )
            yield FormField(_("Note"), name="note", max_length=1000, label_width=LABEL)
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#field-referred-to", FormField).focus_input()

    def values(self) -> ReferInput:
        due = parse_when(
            field_text(self, "reply_due_at"),
            now=self.now,
            tz=self.tz,
            field="reply_due_at",
            date_only=time(18, 0),
        )
        return ReferInput(field_text(self, "referred_to"), due, field_text(self, "note"))


@dataclass(frozen=True)
class AnswerInput:
    answer: str
    how: str
    close: bool


class AnswerDialog(SaveDialog):
    HELP_TEXT = N_(
        "Write the answer given to the complainant and how it was given. Leave "
        "'Settled' ticked to close the complaint (a callback falls due); untick it "
        "if the matter is still being dealt with."
    )

    def __init__(self, work, *, complaint: Complaint) -> None:
        super().__init__(work)
        self.complaint = complaint

    def compose(self) -> ComposeResult:
        with _box(self, _("Answer · {number}").format(number=self.complaint.number)):
            yield FormField(
                _("Answer"), name="answer", label_width=LABEL, control=text_area(id="answer-input")
            )
            yield FormField(
                _("How"),
                name="answer_how",
                label_width=LABEL,
                control=choice(ANSWER_HOW, id="how-input"),
            )
            yield TickBox(_("Settled: close it"), True, compact=True, id="answer-close")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#answer-input").focus()

    def values(self) -> AnswerInput:
        return AnswerInput(
            field_text(self, "answer"),
            field_text(self, "answer_how"),
            self.query_one("#answer-close", TickBox).value,
        )


class EditDialog(SaveDialog):
    HELP_TEXT = N_(
        "Correct or judge the details: category, severity, whether the complaint "
        "is within the company's rules and promises (valid), the department."
    )

    def __init__(self, work, *, complaint: Complaint, categories: list[tuple[str, str]]) -> None:
        super().__init__(work)
        self.complaint = complaint
        self.categories = categories

    def compose(self) -> ComposeResult:
        c = self.complaint
        valid = "" if c.valid is None else ("yes" if c.valid else "no")
        codes = [code for code, _t in self.categories]
        with _box(self, _("Details · {number}").format(number=c.number)):
            yield FormField(
                _("Category"),
                name="category",
                label_width=LABEL,
                control=choice(
                    self.categories,
                    value=c.category if c.category in codes else None,
                    id="category-input",
                ),
            )
            yield FormField(
                _("Severity"),
                name="severity",
                label_width=LABEL,
                control=choice(SEVERITIES, value=str(c.severity), id="severity-input"),
            )
            yield FormField(
                _("Valid"),
                name="valid",
                label_width=LABEL,
                control=choice(VALIDITY, value=valid, id="valid-input"),
            )
            yield FormField(
                _("Department"),
                name="department",
                value=c.department,
                max_length=64,
                label_width=LABEL,
            )
        yield DeskFooter(show_command_palette=False)

    def values(self) -> ComplaintUpdate:
        valid = {"": None, "yes": True, "no": False}[field_text(self, "valid")]
        return validated(
            ComplaintUpdate,
            {
                "category": field_text(self, "category"),
                "severity": field_text(self, "severity"),
                "valid": valid,
                "department": field_text(self, "department"),
            },
        )
