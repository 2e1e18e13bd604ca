"""Expected visitors: the form a resident's phone call fills in, and the arrival check-in
(Enter with the document sighted: the announced details become the slip).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from deskterm.errors import DeskError, InvalidInput
from deskterm.i18n import N_, _
from deskterm.models.forms import validated
from deskterm.models.visitor import DocType, ExpectedVisitor, ExpectedVisitorCreate, Purpose
from deskterm.services.visitors import checks
from deskterm.services.visitors.checks import document_warning
from deskterm.services.visitors.history import parse_day
from deskterm.services.visitors.hosts import HostChoice
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.visitor_fields import (
    ErrorLine,
    LastFieldSaves,
    field,
    save_hint,
    visitor_and_people,
)
from deskterm.tui.dialogs.visitor_form import doc_options, purpose_options
from deskterm.tui.dialogs.visitor_host import HostPicker
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.select import DeskSelect
from deskterm.tui.widgets.text import plain

register(
    DeskAction(
        "visitors.arrive_confirm",
        "ctrl+s",
        "confirm",
        N_("Issue slip"),
        N_("The announced visitor is here and showed a document: issue the slip."),
        priority=True,
    ),
)


@dataclass
class ExpectedDraft:
    expected_in: ExpectedVisitorCreate
    host: HostChoice | None = None


@dataclass(frozen=True)
class Arrival:
    doc_type: DocType
    doc_number: str | None


class ExpectedDialog(LastFieldSaves, ErrorLine, DeskDialog[ExpectedDraft | None]):
    """A resident or tenant announces a visitor (by phone): who, how many, which day."""

    LAST_INPUT = "note-input"
    BINDINGS = bindings("form.save", "form.cancel")
    HELP_TEXT = N_(
        "A resident or tenant announces a visitor: type who is coming, how many, the day "
        "(today unless changed) and whom they visit. On arrival the visitor is checked in "
        "from the Expected list with two keys."
    )

    def __init__(
        self,
        today: date,
        draft: ExpectedDraft | None = None,
        error: BaseException | None = None,
    ) -> None:
        super().__init__()
        self.today = today
        self.draft = draft
        self.error = error

    def title_text(self) -> str:
        return _("Expected visitor")

    def compose(self) -> ComposeResult:
        data = self.draft.expected_in if self.draft else None
        with Vertical(id="expected-form", classes="visitor-dialog"):
            yield Static(
                plain(_("Expected visitor (announced by the host)")), classes="dialog-title"
            )
            yield visitor_and_people(
                data.visitor_name if data else "", str(data.headcount) if data else "1"
            )
            yield field(
                _("Day"),
                "expected_on",
                max_length=10,
                label_width=10,
                select=True,
                value=(data.expected_on if data else self.today).isoformat(),
            )
            yield HostPicker(
                _("Visiting"),
                choice=self.draft.host if self.draft else None,
                text=data.host_text if data else "",
                id="host-picker",
            )
            with Horizontal(classes="form-row"):
                yield FormField(
                    _("Purpose"),
                    name="purpose",
                    label_width=10,
                    control=DeskSelect(
                        purpose_options(),
                        value=data.purpose if data else Purpose.visit.value,
                        allow_blank=False,
                        compact=True,
                        id="purpose-input",
                    ),
                )
                yield field(
                    _("Note"),
                    "note",
                    max_length=256,
                    label_width=8,
                    value=data.note if data else "",
                    advance=False,
                )
            yield from save_hint()
        yield DeskFooter(show_command_palette=False)

    def action_save(self) -> None:
        self.query_one(HostPicker).when_ready(self._save_now)

    def _save_now(self) -> None:
        picker = self.query_one(HostPicker)
        if picker.needs_choice:
            self.show_error(
                InvalidInput(
                    _("Take the host from the matches: Up/Down, then Enter."), field="host"
                )
            )
            return
        choice = picker.choice
        try:
            day = (
                parse_day(self.query_one("#expected-on-input", Input).value, field="expected_on")
                or self.today
            )
            expected_in = validated(
                ExpectedVisitorCreate,
                {
                    "visitor_name": self.query_one("#visitor-name-input", Input).value,
                    "headcount": checks.parse_headcount(
                        self.query_one("#headcount-input", Input).value
                    ),
                    "expected_on": day,
                    "host_text": choice.text if choice else picker.text,
                    "purpose": self.query_one("#purpose-input", DeskSelect).chosen,
                    "note": self.query_one("#note-input", Input).value,
                    **(choice.ids() if choice else {}),
                },
            )
        except InvalidInput as exc:
            self.show_error(exc)
            return
        self.dismiss(ExpectedDraft(expected_in, choice))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ArrivalDialog(DeskDialog[Arrival | None]):
    """The announced visitor is at the desk: Enter issues the slip with the document sighted;
    typing a number first records it (masked) instead."""

    BINDINGS = bindings("visitors.arrive_confirm", "form.cancel")
    HELP_TEXT = N_(
        "The visitor was announced by the host, so no call is needed. See their "
        "document: press Enter to issue the slip with the document sighted, or type its number "
        "first to record it (only the last four characters are kept)."
    )

    def __init__(
        self,
        expected: ExpectedVisitor,
        arrival: Arrival | None = None,
        error: DeskError | None = None,
    ) -> None:
        super().__init__()
        self.expected = expected
        self.arrival = arrival  # as typed before a refusal (issue 14: forms survive)
        self.error = error

    def title_text(self) -> str:
        return _("Arrival of an expected visitor")

    def compose(self) -> ComposeResult:
        e = self.expected
        with Vertical(id="arrival-box", classes="visitor-dialog"):
            yield Static(plain(_("Arrival of an expected visitor")), classes="dialog-title")
            yield Static(
                plain(_("Visitor: {name} ({count})").format(name=e.visitor_name, count=e.headcount))
            )
            yield Static(plain(_("Visiting: {host}").format(host=e.host_text)))
            if e.note:
                yield Static(plain(_("Note: {note}").format(note=e.note)))
            yield field(
                _("Number"),
                "doc_number",
                max_length=32,
                label_width=10,
                placeholder=_("empty: document sighted, no number"),
                advance=False,
            )
            yield FormField(
                _("Document"),
                name="doc_type",
                label_width=10,
                control=DeskSelect(
                    doc_options(),
                    value=DocType.sighted.value,
                    allow_blank=False,
                    compact=True,
                    id="doc-type-input",
                ),
            )
            yield Static(plain(_("See the document, then Enter: issue the slip")), classes="hint")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        number = self.query_one("#doc-number-input", Input)
        if self.arrival is not None:
            number.value = self.arrival.doc_number or ""
            self.query_one("#doc-type-input", Select).value = DocType(self.arrival.doc_type).value
        number.focus()
        if self.error is not None:
            self.show_error(self.error)

    @on(Input.Submitted, "#doc-number-input")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        number = self.query_one("#doc-number-input", Input).value.strip() or None
        doc_type = DocType(self.query_one("#doc-type-input", DeskSelect).chosen)
        if number and doc_type in (DocType.sighted, DocType.none):
            doc_type = DocType.resident_id  # a number typed without choosing: the ID card
        try:
            checks.check_document(
                doc_type, number, today=checks.desk_today(self.app.clock, self.app.settings)
            )
        except InvalidInput as exc:
            self.show_error(exc)
            return
        warning = document_warning(doc_type, number)
        if warning:  # D-5: the card is in hand; an unknown region code is only a warning
            self.app.notify(warning, severity="warning")
        self.dismiss(Arrival(doc_type, number))

    def action_cancel(self) -> None:
        self.dismiss(None)
