"""The engineers the desk dispatches to (D-36): name, trade, on duty. The desk sees who can
come now and puts an engineer on or off duty (Enter or Ctrl+T on the line); a supervisor or an
admin adds one with the form below (Ctrl+N, then Ctrl+S). Who may do what is the permissions
table's (`engineers.duty`, `engineers.manage`), checked again by services.repairs.engineers,
which audits every change.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from sqlmodel import Session
from textual.containers import Horizontal, Vertical
from textual.widget import Widget

from deskterm.i18n import N_, _
from deskterm.models.repair import Engineer
from deskterm.services.repairs import engineers
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.dialogs.list_form import ListFormDialog
from deskterm.tui.dialogs.visitor_fields import field
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.ticks import TickBox

register(
    DeskAction(
        "engineers.toggle",
        "ctrl+t",
        "toggle_duty",  # (not "toggle": DOMNode's own action toggles an attribute)
        N_("On/off duty"),
        N_("Put the highlighted engineer on or off duty."),
        priority=True,
    ),
    DeskAction(
        "engineers.new",
        "ctrl+n",
        "new",
        N_("New"),
        N_("Add an engineer to the list (supervisor)."),
        priority=True,
    ),
)


class EngineersDialog(ListFormDialog):
    BINDINGS = bindings("engineers.toggle", "engineers.new", "form.save", "form.cancel")
    TITLE = N_("Engineers")
    LIST_ID = "engineers-list"
    EMPTY = N_("No engineer on the list yet.")
    RECORDS = "repair"
    LAST_INPUT = "trade-input"
    FIND_COLUMN = 0  # typing a name (or its pinyin) finds the line
    HELP_TEXT = N_(
        "The engineers the desk dispatches to, those on duty first. Enter or Ctrl+T puts the "
        "highlighted one on or off duty. A supervisor or an admin adds one: Ctrl+N, the name "
        "as the desk says it and the trade, then Ctrl+S. Every change is in the audit trail."
    )

    def columns(self) -> list[Column]:
        return [Column(_("Name"), 20), Column(_("Trade"), 0), Column(_("On duty"), 10)]

    def load(self, session: Session) -> list[Engineer]:
        return engineers.list_engineers(session=session)

    def key_of(self, record: Engineer) -> Hashable:
        return record.id

    def row_of(self, e: Engineer) -> Row:
        cells = [e.name, e.trade, _("on duty") if e.on_duty else _("off duty")]
        return Row(e.id, cells, "" if e.on_duty else "muted")

    def compose_form(self) -> Iterator[Widget]:
        with Vertical(id="engineer-form"):
            with Horizontal():
                yield field(_("Name"), "name", max_length=64, label_width=6)
                yield field(
                    _("Trade"),
                    "trade",
                    max_length=32,
                    label_width=7,
                    placeholder=_("e.g. plumbing, carpentry, lifts"),
                )
            yield TickBox(_("On duty now"), True, compact=True, id="engineer-on-duty")

    def hint(self) -> str:
        if self.app.may("engineers.manage"):
            return _("Enter or Ctrl+T: on/off duty · Ctrl+N: add · Ctrl+S: save · Esc: close")
        return _("Enter or Ctrl+T: on/off duty · Esc: close")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new":
            return self.app.may("engineers.manage")
        if action == "save":
            return self.has_class("-adding")
        if action == "toggle_duty":
            return bool(self.rows) and self.app.may("engineers.duty")
        return True

    # -- on and off duty ---------------------------------------------------------------------
    def line_chosen(self, key: Hashable) -> None:
        self._toggle(key)

    def action_toggle_duty(self) -> None:
        row = self.query_one(RecordList).current
        if row is not None:
            self._toggle(row.key)

    def _toggle(self, engineer_id: Any) -> None:
        engineer = self.rows.get(engineer_id)
        if engineer is None:
            return
        app, on_duty = self.app, not engineer.on_duty

        def said(row: Engineer) -> str:
            text = _("{name} is on duty.") if row.on_duty else _("{name} is off duty.")
            return text.format(name=row.name)

        self.save(
            lambda s: engineers.set_on_duty(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                engineer_id=engineer_id,
                on_duty=on_duty,
            ),
            notice=said,
            after=lambda row: None,  # the form, if open, keeps what is typed and the focus
            group="engineer-duty",
        )

    # -- adding one (supervisors, admins) ----------------------------------------------------
    def action_new(self) -> None:
        self.add_class("-adding")  # what was typed before an Esc is still there
        self.hide_refusal()
        self.refresh_bindings()
        self.set_focus(self.field_input("name"))  # at once: keys typed in the same burst land here

    def after_saved(self, record: Engineer) -> None:
        self.remove_class("-adding")
        self.field_input("name").value = self.field_input("trade").value = ""
        self._remember_text()  # saved: nothing typed is left to lose
        self.refresh_bindings()
        super().after_saved(record)

    def action_save(self) -> None:
        if not self.has_class("-adding"):
            return
        app = self.app
        name, trade = self.field_input("name").value, self.field_input("trade").value
        on_duty = self.query_one("#engineer-on-duty", TickBox).value
        self.save(
            lambda s: engineers.add_engineer(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                name=name,
                trade=trade,
                on_duty=on_duty,
            ),
            notice=lambda row: _("Added {name}.").format(name=row.name),
            group="engineer-add",
        )

    def action_cancel(self) -> None:
        if self.has_class("-adding"):  # Esc leaves the form first, then the list
            self.remove_class("-adding")
            self.hide_refusal()
            self.refresh_bindings()
            self.query_one(RecordList).focus()
            return
        self.dismiss(None)
