"""The registration form of a visitor slip (D-5): who, how many, the document seen, whom they
visit and why. It returns a checked draft; the visitors screen calls the host (D-7) and saves.

Enter moves to the next field (in "Visiting" it takes the highlighted match); Ctrl+S checks
the form and hands it back. Nothing typed is lost when a field is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from deskterm.errors import DeskError, InvalidInput
from deskterm.i18n import N_, _
from deskterm.models.forms import validated
from deskterm.models.visitor import DocType, Purpose, VisitorSlipCreate
from deskterm.services.visitors import checks
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.checks import document_warning
from deskterm.services.visitors.hosts import HostChoice
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.visitor_fields import ErrorLine, field
from deskterm.tui.dialogs.visitor_host import HostPicker
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.select import DeskSelect
from deskterm.tui.widgets.text import plain

NO_NUMBER = (DocType.sighted, DocType.none)


@dataclass
class SlipDraft:
    """A filled-in form: the slip to save (validated: models.forms.validated) and the host as
    chosen (for the host call)."""

    slip_in: VisitorSlipCreate
    host: HostChoice | None = None


def doc_options() -> list[tuple[str, str]]:
    return [(_(text), kind.value) for kind, text in checks.DOC_TYPE_LABELS.items()]


def purpose_options() -> list[tuple[str, str]]:
    return [(_(text), kind.value) for kind, text in checks.PURPOSE_LABELS.items()]


def form_values(draft: SlipDraft | None) -> dict[str, Any]:
    """What the form shows: the draft's values, or each field's default for a new slip."""
    if draft is not None:
        return draft.slip_in.model_dump()
    return {
        name: None if info.is_required() else info.get_default(call_default_factory=True)
        for name, info in VisitorSlipCreate.model_fields.items()
    }


class RegisterSlipDialog(ErrorLine, DeskDialog[SlipDraft | None]):
    BINDINGS = bindings("form.save", "form.cancel")
    HELP_TEXT = N_(
        "Fill in the slip only after seeing the visitor's identity document; the number "
        "is checked and only its last four characters are kept. Enter moves to the next "
        "field; in Visiting, type a name, a unit or pinyin initials and press Enter to take "
        "the highlighted match. Ctrl+S checks the form; then call the host and record the "
        "answer."
    )

    def __init__(self, draft: SlipDraft | None = None, error: DeskError | None = None) -> None:
        super().__init__()
        self.draft = draft
        self.error = error

    def title_text(self) -> str:
        return _("New visitor slip")

    def compose(self) -> ComposeResult:
        # a form opened again after a refusal shows what was typed; a new one is blank
        slip = SimpleNamespace(**form_values(self.draft))
        doc_type = DocType(slip.doc_type or DocType.resident_id)
        with Vertical(id="slip-form", classes="visitor-dialog"):
            yield Static(plain(_("New visitor slip")), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield field(
                    _("Visitor"),
                    "visitor_name",
                    value=slip.visitor_name or "",
                    max_length=64,
                    label_width=10,
                )
                yield field(
                    _("People"),
                    "headcount",
                    value=str(slip.headcount or 1),
                    max_length=3,
                    label_width=8,
                    select=True,
                    id="field-headcount",
                )
            with Horizontal(classes="form-row"):
                yield FormField(
                    _("Document"),
                    name="doc_type",
                    label_width=10,
                    control=DeskSelect(
                        doc_options(),
                        value=doc_type.value,
                        allow_blank=False,
                        compact=True,
                        id="doc-type-input",
                    ),
                    id="field-doc-type",
                )
                yield field(
                    _("Number"),
                    "doc_number",
                    value=slip.doc_number or "",
                    max_length=32,
                    label_width=8,
                )
            yield HostPicker(
                _("Visiting"),
                choice=self.draft.host if self.draft else None,
                text=slip.host_text or "",
                id="host-picker",
            )
            with Horizontal(classes="form-row"):
                yield FormField(
                    _("Purpose"),
                    name="purpose",
                    label_width=10,
                    control=DeskSelect(
                        purpose_options(),
                        value=slip.purpose or Purpose.visit.value,
                        allow_blank=False,
                        compact=True,
                        id="purpose-input",
                    ),
                )
                yield field(
                    _("Note"),
                    "purpose_text",
                    value=slip.purpose_text or "",
                    max_length=256,
                    label_width=8,
                )
            with Horizontal(classes="form-row"):
                yield field(
                    _("Phone"), "phone", value=slip.phone or "", max_length=32, label_width=10
                )
                yield field(
                    _("Plate"),
                    "plate",
                    value=slip.plate or "",
                    max_length=16,
                    label_width=8,
                    advance=False,
                )
            yield Static("", id="form-error", markup=False)
            yield Static("", id="deny-warning", markup=False)
            yield Static(
                plain(_("Enter: next field · Ctrl+S: check, then call the host")), classes="hint"
            )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self._number_enabled(DocType(self.query_one("#doc-type-input", DeskSelect).chosen))
        self.query_one("#visitor-name-input", Input).focus()
        if self.draft is not None and self.draft.slip_in.visitor_name:
            self.check_deny_list()
        if self.error is not None:
            self.show_error(self.error)

    # -- moving through the form -----------------------------------------------------------
    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter has moved on already (NextInput); the last field saves
        if event.input.id == "plate-input":
            self.action_save()

    @on(Select.Changed, "#doc-type-input")
    def doc_type_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):  # (never blank: allow_blank=False)
            self._number_enabled(DocType(event.value))

    def _number_enabled(self, doc_type: DocType) -> None:
        number = self.query_one("#doc-number-input", Input)
        number.disabled = doc_type in NO_NUMBER
        if number.disabled:
            number.value = ""

    @on(Input.Blurred, "#visitor-name-input")
    def check_deny_list(self) -> None:
        name = self.query_one("#visitor-name-input", Input).value
        self.run_db(
            lambda s: visitors.find_deny_match(session=s, name=name),
            on_done=self.show_deny_match,
            write=False,
            group="deny-check",
            exclusive=True,
        )

    @on(Input.Blurred, "#doc-number-input")
    def check_region(self) -> None:
        """D-5: an ID number with an unknown region code is a warning, never a refusal."""
        warning = document_warning(
            self.query_one("#doc-type-input", DeskSelect).chosen,
            self.query_one("#doc-number-input", Input).value,
        )
        if warning:
            self.app.notify(warning, severity="warning")

    def show_deny_match(self, entry) -> None:
        warning = self.query_one("#deny-warning", Static)
        warning.set_class(entry is not None, "-shown")
        warning.update(
            plain(
                _("⚠ {name} is on the deny list: {reason}. Saving asks for a supervisor.").format(
                    name=entry.name, reason=entry.reason
                )
                if entry
                else ""
            )
        )

    # -- handing back ----------------------------------------------------------------------
    def _value(self, name: str) -> str:
        return self.query_one(f"#{name.replace('_', '-')}-input", Input).value or ""

    def collect(self) -> SlipDraft:
        """The form as a validated slip (InvalidInput naming the field refused)."""
        picker = self.query_one(HostPicker)
        choice = picker.choice
        slip_in = validated(
            VisitorSlipCreate,
            {
                "visitor_name": self._value("visitor_name"),
                "headcount": checks.parse_headcount(self._value("headcount")),
                "doc_type": self.query_one("#doc-type-input", Select).value,
                "doc_number": self._value("doc_number") or None,
                "phone": self._value("phone") or None,
                "host_text": choice.text if choice else picker.text,
                "purpose": self.query_one("#purpose-input", Select).value,
                "purpose_text": self._value("purpose_text"),
                "plate": self._value("plate") or None,
                "expected_id": self.draft.slip_in.expected_id if self.draft else None,
                **(choice.ids() if choice else {}),
            },
            today=checks.desk_today(self.app.clock, self.app.settings),
        )
        return SlipDraft(slip_in, choice)

    def action_save(self) -> None:
        self.query_one(HostPicker).when_ready(self._save_now)

    def _save_now(self) -> None:
        if self.query_one(HostPicker).needs_choice:
            self.show_error(
                InvalidInput(
                    _("Take the host from the matches: Up/Down, then Enter."), field="host"
                )
            )
            return
        try:
            draft = self.collect()
        except InvalidInput as exc:
            self.show_error(exc)
            return
        self.run_db(  # the host on record: the one check left that needs the database
            lambda s: checks.validate_slip(session=s, slip_in=draft.slip_in),
            on_done=lambda _clean: self.dismiss(draft),
            on_error=self.show_error,
            write=False,
            group="slip-check",
            exclusive=True,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
