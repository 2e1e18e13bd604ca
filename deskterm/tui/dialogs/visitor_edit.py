"""Correct a slip's details (typos); the save is refused if another desk changed the slip
since it was opened (version), and the message says what they changed.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.models.forms import validated
from deskterm.models.visitor import VisitorSlip, VisitorSlipUpdate
from deskterm.rules.phone import mask_phone
from deskterm.services.visitors import checks
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.visitor_fields import (
    ErrorLine,
    LastFieldSaves,
    field,
    save_hint,
    visitor_and_people,
)
from deskterm.tui.dialogs.visitor_form import purpose_options
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.select import DeskSelect
from deskterm.tui.widgets.text import plain


class EditSlipDialog(LastFieldSaves, ErrorLine, DeskDialog[VisitorSlipUpdate | None]):
    LAST_INPUT = "plate-input"
    BINDINGS = bindings("form.save", "form.cancel")
    HELP_TEXT = N_(
        "Correct what was typed wrong. The document and the host are not changed here: "
        "check the visitor out and register again if they are wrong. The phone is shown "
        "masked; type a new number only to replace it."
    )

    def __init__(
        self,
        slip: VisitorSlip,
        update: VisitorSlipUpdate | None = None,
        error: BaseException | None = None,
    ) -> None:
        super().__init__()
        self.slip = slip
        self.pending = update
        self.error = error

    def title_text(self) -> str:
        return _("Correct slip {number}").format(number=self.slip.number)

    def _start(self, field: str, default):
        if self.pending is not None and field in self.pending.model_fields_set:
            return getattr(self.pending, field)
        return default

    def compose(self) -> ComposeResult:
        slip = self.slip
        with Vertical(id="edit-form", classes="visitor-dialog"):
            yield Static(
                plain(_("Correct slip {number}").format(number=slip.number)), classes="dialog-title"
            )
            yield visitor_and_people(
                self._start("visitor_name", slip.visitor_name),
                str(self._start("headcount", slip.headcount)),
            )
            with Horizontal(classes="form-row"):
                yield FormField(
                    _("Purpose"),
                    name="purpose",
                    label_width=10,
                    control=DeskSelect(
                        purpose_options(),
                        value=self._start("purpose", slip.purpose),
                        allow_blank=False,
                        compact=True,
                        id="purpose-input",
                    ),
                )
                yield field(
                    _("Note"),
                    "purpose_text",
                    max_length=256,
                    label_width=8,
                    value=self._start("purpose_text", slip.purpose_text),
                )
            with Horizontal(classes="form-row"):
                yield field(
                    _("Phone"),
                    "phone",
                    max_length=32,
                    label_width=10,
                    value=self._start("phone", "") or "",
                    placeholder=mask_phone(slip.phone) if slip.phone else "",
                )
                yield field(
                    _("Plate"),
                    "plate",
                    max_length=16,
                    label_width=8,
                    value=self._start("plate", slip.plate or "") or "",
                    advance=False,
                )
            yield from save_hint()
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        if self.error is not None:  # the sentence of a refused save, next to its field
            self.show_error(self.error)

    def action_save(self) -> None:
        def value(name: str) -> str:
            return self.query_one(f"#{name.replace('_', '-')}-input", Input).value

        try:
            changes: dict[str, Any] = {
                "visitor_name": value("visitor_name"),
                "headcount": checks.parse_headcount(value("headcount")),
                "purpose": self.query_one("#purpose-input", DeskSelect).chosen,
                "purpose_text": value("purpose_text"),
                "plate": value("plate") or None,
            }
        except InvalidInput as exc:
            self.show_error(exc)
            return
        # only what the operator changed (or changed before a refusal): a save over another
        # desk's change never puts back the values this form was opened with
        typed = self.pending.model_fields_set if self.pending is not None else set()
        changes = {
            k: v
            for k, v in changes.items()
            if k in typed or v != (getattr(self.slip, k) or (None if k == "plate" else ""))
        }
        if value("phone").strip():
            changes["phone"] = value("phone")
        try:  # only the fields given are set (model_fields_set): the rest stay as they are
            update = validated(VisitorSlipUpdate, changes)
        except InvalidInput as exc:
            self.show_error(exc)
            return
        self.dismiss(update)

    def action_cancel(self) -> None:
        self.dismiss(None)
