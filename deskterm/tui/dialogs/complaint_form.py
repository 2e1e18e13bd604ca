"""The complaint intake form (forms.md §3.12): who, unit, what was said, category, severity,
how it came, validity, department, the D-42 steps done while listening, and the outcome:
an answer given on the spot closes it (D-44), a person's name refers it with a reply deadline,
neither leaves it open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Static

from deskterm.i18n import N_, _
from deskterm.tui.dialogs.complaint_common import (
    CHANNELS,
    SEVERITIES,
    VALIDITY,
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
from deskterm.tui.widgets.ticks import TickBox

LABEL = 10


@dataclass(frozen=True)
class ComplaintIntake:
    who_name: str
    unit: str
    content: str
    category: str
    severity: str
    who_kind: str
    channel: str
    contact: str
    passed_down_by: str
    valid: bool | None
    department: str
    steps: tuple[str, ...]
    answer: str
    refer_to: str
    reply_due_at: datetime | None


class ComplaintDialog(SaveDialog):
    """New complaint. Ctrl+S saves; Escape closes without saving."""

    HELP_TEXT = N_(
        "Write down who complains and what they said (listen first, let them finish). "
        "An answer given on the spot closes the complaint; a name in 'Refer to' passes "
        "it to that person with a reply deadline (24 hours unless you type one); with neither "
        "it stays open. Severe complaints are flagged to the supervisors at once."
    )

    def __init__(self, work, *, categories: list[tuple[str, str]], now: datetime, tz: str) -> None:
        super().__init__(work)
        self.categories = categories
        self.now = now
        self.tz = tz

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("New complaint")
            with Grid():
                yield FormField(_("Complainant"), name="who_name", max_length=64, label_width=LABEL)
                yield FormField(
                    _("Unit"),
                    name="unit",
                    max_length=32,
                    label_width=LABEL,
                    placeholder=_("e.g. 12-1203"),
                )
            yield FormField(
                _("What said"),
                name="content",
                label_width=LABEL,
                control=text_area(id="content-input"),
            )
            with Grid():
                yield FormField(
                    _("Category"),
                    name="category",
                    label_width=LABEL,
                    control=choice([(c, t) for c, t in self.categories], id="category-input"),
                )
                yield FormField(
                    _("Severity"),
                    name="severity",
                    label_width=LABEL,
                    control=choice(SEVERITIES, id="severity-input"),
                )
            yield FormField(
                _("Answer"),
                name="answer",
                max_length=4000,
                label_width=LABEL,
                placeholder=_("answered on the spot: closes it"),
            )
            with Grid():
                yield FormField(
                    _("Refer to"),
                    name="referred_to",
                    max_length=64,
                    label_width=LABEL,
                    placeholder=_("a person's name"),
                )
                yield FormField(
                    _("Reply by"),
                    name="reply_due_at",
                    max_length=20,
                    label_width=LABEL,
                    placeholder=_("24 h if blank"),
                )
            with Grid():
                yield FormField(
                    _("Identity"),
                    name="who_kind",
                    label_width=LABEL,
                    control=choice(WHO_KINDS, id="who-kind-input"),
                )
                yield FormField(
                    _("Came by"),
                    name="channel",
                    label_width=LABEL,
                    control=choice(CHANNELS, id="channel-input"),
                )
                yield FormField(_("Phone"), name="contact", max_length=32, label_width=LABEL)
                yield FormField(
                    _("Passed by"),
                    name="passed_down_by",
                    max_length=64,
                    label_width=LABEL,
                    placeholder=_("if passed down"),
                )
                yield FormField(
                    _("Valid"),
                    name="valid",
                    label_width=LABEL,
                    control=choice(VALIDITY, id="valid-input"),
                )
                yield FormField(
                    _("Department"), name="department", max_length=64, label_width=LABEL
                )
            with Horizontal(id="intake-steps"):
                yield Static(plain(_("Done:")), classes="hint")
                yield TickBox(_("Listened"), True, compact=True, id="step-listened")
                yield TickBox(_("Clarified"), False, compact=True, id="step-clarified")
                yield TickBox(_("Showed sympathy"), False, compact=True, id="step-sympathy")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#field-who-name", FormField).focus_input()

    def values(self) -> ComplaintIntake:
        valid = {"": None, "yes": True, "no": False}[field_text(self, "valid")]
        steps = tuple(
            step
            for step in ("listened", "clarified", "sympathy")
            if self.query_one(f"#step-{step}", TickBox).value
        )
        refer_to = field_text(self, "referred_to").strip()
        due = parse_when(
            field_text(self, "reply_due_at"),
            now=self.now,
            tz=self.tz,
            field="reply_due_at",
            date_only=time(18, 0),
        )
        return ComplaintIntake(
            who_name=field_text(self, "who_name"),
            unit=field_text(self, "unit"),
            content=field_text(self, "content"),
            category=field_text(self, "category"),
            severity=field_text(self, "severity"),
            who_kind=field_text(self, "who_kind"),
            channel=field_text(self, "channel"),
            contact=field_text(self, "contact"),
            passed_down_by=field_text(self, "passed_down_by"),
            valid=valid,
            department=field_text(self, "department"),
            steps=steps,
            answer=field_text(self, "answer").strip(),
            refer_to=refer_to,
            reply_due_at=due,
        )
