"""Record a communication (D-40, D-41): when, with whom, how, about what, what was agreed,
and what follows by which date (it becomes a due item on that day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Grid, Vertical

from deskterm.i18n import N_, _
from deskterm.tui import fmt
from deskterm.tui.dialogs.complaint_common import (
    HOW,
    PARTIES,
    SaveDialog,
    choice,
    field_text,
    parse_when,
    text_area,
)
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter

LABEL = 10


@dataclass(frozen=True)
class CommunicationInput:
    at: datetime | None
    party_kind: str
    party_name: str
    how: str
    subject: str
    agreed: str
    follow_up: str
    follow_up_due: datetime | None
    complaint_number: str


class CommunicationDialog(SaveDialog):
    HELP_TEXT = N_(
        "Record every communication promptly: with the developer, government "
        "departments, utilities, the owners' assembly or committee, owners and tenants. "
        "'What follows' with a date becomes a due item on that day until it is marked done. "
        "Give a complaint number to file it with that complaint."
    )

    def __init__(
        self,
        work,
        *,
        now: datetime,
        tz: str,
        complaint_number: str = "",
        party_kind: str | None = None,
        party_name: str = "",
    ) -> None:
        super().__init__(work)
        self.now, self.tz = now, tz
        self.complaint_number = complaint_number
        self.party_kind = party_kind
        self.party_name = party_name

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("New communication")
            with Grid():
                yield FormField(
                    _("When"),
                    name="at",
                    max_length=20,
                    label_width=LABEL,
                    value=fmt.day_hm(self.now, self.tz),
                )
                yield FormField(
                    _("How"), name="how", label_width=LABEL, control=choice(HOW, id="how-input")
                )
                yield FormField(
                    _("With"),
                    name="party_kind",
                    label_width=LABEL,
                    control=choice(PARTIES, value=self.party_kind, id="party-kind-input"),
                )
                yield FormField(
                    _("Party"),
                    name="party_name",
                    max_length=128,
                    label_width=LABEL,
                    value=self.party_name,
                )
            yield FormField(_("About"), name="subject", max_length=256, label_width=LABEL)
            yield FormField(
                _("Agreed"), name="agreed", label_width=LABEL, control=text_area(id="agreed-input")
            )
            yield FormField(
                _("Follows"),
                name="follow_up",
                max_length=1000,
                label_width=LABEL,
                placeholder=_("what is to be done next, if anything"),
            )
            with Grid():
                yield FormField(
                    _("By date"),
                    name="follow_up_due",
                    max_length=20,
                    label_width=LABEL,
                    placeholder=_("e.g. 12-05"),
                )
                yield FormField(
                    _("Complaint"),
                    name="complaint",
                    max_length=20,
                    label_width=LABEL,
                    value=self.complaint_number,
                    placeholder=_("C… number, if any"),
                )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        target = "#field-party-name" if not self.party_name else "#field-subject"
        self.query_one(target, FormField).focus_input()

    def values(self) -> CommunicationInput:
        at = parse_when(field_text(self, "at"), now=self.now, tz=self.tz, field="at")
        due = parse_when(
            field_text(self, "follow_up_due"), now=self.now, tz=self.tz, field="follow_up_due"
        )
        return CommunicationInput(
            at=at,
            party_kind=field_text(self, "party_kind"),
            party_name=field_text(self, "party_name"),
            how=field_text(self, "how"),
            subject=field_text(self, "subject"),
            agreed=field_text(self, "agreed"),
            follow_up=field_text(self, "follow_up"),
            follow_up_due=due,
            complaint_number=field_text(self, "complaint").strip(),
        )
