"""Public-area requests (case 2): record one (who, which area, when, what), and record the
decision with the rule it rests on and the help offered instead. Both forms save themselves
(SaveDialog): a refused value shows on its field and nothing typed is lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from deskterm.i18n import N_, _
from deskterm.models.public_area import PublicAreaRequest
from deskterm.tui.dialogs.complaint_common import (
    WHO_KINDS,
    SaveDialog,
    choice,
    field_text,
    parse_when,
    text_area,
)
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain

LABEL = 12
DECISIONS = (
    ("refused", N_("Refused")),
    ("partly", N_("Approved in part")),
    ("approved", N_("Approved")),
)


@dataclass(frozen=True)
class AreaRequestInput:
    applicant_kind: str
    applicant_name: str
    area: str
    wanted_at: datetime | None
    request: str
    unit: str = ""


class AreaRequestDialog(SaveDialog):
    HELP_TEXT = N_(
        "A request to use a public area (the lobby, the square ...): who asks, "
        "where, when and what for. Ctrl+S records it; the closest earlier decision "
        "is shown as its precedent."
    )

    def __init__(self, work, *, now: datetime, tz: str) -> None:
        super().__init__(work)
        self.now, self.tz = now, tz

    def compose(self) -> ComposeResult:
        box = Vertical()
        box.border_title = _("Public-area request")
        with box:
            yield FormField(
                _("Applicant"),
                name="applicant_kind",
                label_width=LABEL,
                control=choice(WHO_KINDS, value="company", id="kind-input"),
            )
            yield FormField(
                _("Name"),
                name="applicant",
                refusals=("applicant_name",),  # the form model's name for it
                max_length=128,
                label_width=LABEL,
            )
            yield FormField(
                _("Unit"),
                name="unit",
                max_length=32,
                label_width=LABEL,
                placeholder=_("12-1203 (links who is on record)"),
            )
            yield FormField(
                _("Area"),
                name="area",
                max_length=64,
                label_width=LABEL,
                placeholder=_("lobby, square, meeting room ..."),
            )
            yield FormField(
                _("When"),
                name="wanted_at",
                max_length=20,
                label_width=LABEL,
                placeholder=_("11-30 10:00"),
            )
            yield FormField(
                _("Request"),
                name="request",
                label_width=LABEL,
                control=text_area(id="request-input"),
            )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#field-applicant", FormField).focus_input()

    def values(self) -> AreaRequestInput:
        wanted = parse_when(
            field_text(self, "wanted_at"),
            now=self.now,
            tz=self.tz,
            field="wanted_at",
            date_only=time(9, 0),
        )
        return AreaRequestInput(
            field_text(self, "applicant_kind"),
            field_text(self, "applicant"),
            field_text(self, "area"),
            wanted,
            field_text(self, "request"),
            field_text(self, "unit"),
        )


@dataclass(frozen=True)
class DecisionInput:
    decision: str
    rule_cited: str
    help_offered: str
    note: str


class AreaDecisionDialog(SaveDialog):
    HELP_TEXT = N_(
        "Record the decision. A refusal names the rule it rests on (the user "
        "handbook ...) and says what help is offered instead: hold the rule, keep "
        "the relationship (case 2)."
    )

    def __init__(self, work, *, request: PublicAreaRequest, precedent: str = "") -> None:
        super().__init__(work)
        self.request, self.precedent = request, precedent

    def compose(self) -> ComposeResult:
        box = Vertical()
        box.border_title = _("Decision · {number}").format(number=self.request.number)
        with box:
            yield Static(
                plain(
                    f"{self.request.applicant_name} · {self.request.area}: {self.request.request}",
                    one_line=True,
                ),
                classes="about",
            )
            if self.precedent:
                yield Static(
                    plain(_("Precedent: {line}").format(line=self.precedent), one_line=True),
                    classes="about",
                )
            yield FormField(
                _("Decision"),
                name="decision",
                label_width=LABEL,
                control=choice(DECISIONS, id="decision-input"),
            )
            yield FormField(
                _("Rule cited"),
                name="rule_cited",
                max_length=500,
                label_width=LABEL,
                value=self.request.rule_cited,
            )
            yield FormField(
                _("Help offered"),
                name="help_offered",
                label_width=LABEL,
                control=text_area(id="help-input", text=self.request.help_offered),
            )
            yield FormField(_("Note"), name="decision_note", max_length=2000, label_width=LABEL)
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#decision-input").focus()

    def values(self) -> DecisionInput:
        return DecisionInput(
            field_text(self, "decision"),
            field_text(self, "rule_cited"),
            field_text(self, "help_offered"),
            field_text(self, "decision_note"),
        )
