"""The engineers the desk dispatches to (D-36): name, trade, on duty. The desk sees who can
come now and puts an engineer on or off duty (Enter or Ctrl+T on the line); a supervisor or an
admin adds one with the form below (Ctrl+N, then Ctrl+S). Who may do what is the permissions
table's (`engineers.duty`, `engineers.manage`), checked again by services.repairs.engineers,
which audits every change.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from deskterm.i18n import N_, _
from deskterm.models.repair import Engineer
from deskterm.services.repairs import engineers
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.visitor_fields import ErrorLine, field
from deskterm.tui.ids import stored_id
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.text import plain
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


class EngineersDialog(ErrorLine, DeskDialog[None]):
    BINDINGS = bindings("engineers.toggle", "engineers.new", "form.save", "form.cancel")
    HELP_TEXT = N_(
        "The engineers the desk dispatches to, those on duty first. Enter or Ctrl+T puts the "
        "highlighted one on or off duty. A supervisor or an admin adds one: Ctrl+N, the name "
        "as the desk says it and the trade, then Ctrl+S. Every change is in the audit trail."
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, Engineer] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(_("Engineers")), classes="dialog-title")
            records = RecordList(
                [Column(_("Name"), 20), Column(_("Trade"), 0), Column(_("On duty"), 10)],
                empty_text=_("No engineer on the list yet."),
                id="engineers-list",
            )
            records.find_column = 0  # typing a name (or its pinyin) finds the line
            yield records
            with Vertical(id="engineer-form"):
                with Horizontal():
                    yield field(_("Name"), "name", max_length=64, label_width=6)
                    yield field(
                        _("Trade"),
                        "trade",
                        max_length=32,
                        label_width=7,
                        placeholder=_("e.g. 水电, 木工, 电梯"),
                    )
                yield TickBox(_("On duty now"), True, compact=True, id="engineer-on-duty")
            yield Static("", id="form-error")
            yield Static(plain(self._hint()), classes="hint")
        yield DeskFooter(show_command_palette=False)

    def _hint(self) -> str:
        if self.app.may("engineers.manage"):
            return _("Enter or Ctrl+T: on/off duty · Ctrl+N: add · Ctrl+S: save · Esc: close")
        return _("Enter or Ctrl+T: on/off duty · Esc: close")

    def on_mount(self) -> None:
        self.reload()
        self.query_one(RecordList).focus()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "new":
            return self.app.may("engineers.manage")
        if action == "save":
            return self.has_class("-adding")
        if action == "toggle_duty":
            return bool(self.rows) and self.app.may("engineers.duty")
        return True

    def reload(self, select: int | None = None) -> None:
        def loaded(rows: list[Engineer]) -> None:
            self.rows = {stored_id(e.id): e for e in rows}
            records = self.query_one(RecordList)
            cursor = records.cursor
            records.set_rows(
                [
                    Row(
                        e.id,
                        [e.name, e.trade, _("on duty") if e.on_duty else _("off duty")],
                        "" if e.on_duty else "muted",
                    )
                    for e in rows
                ]
            )
            keys = list(self.rows)
            records.cursor = (
                keys.index(select) if select in self.rows else min(cursor, max(len(keys) - 1, 0))
            )
            self.refresh_bindings()

        self.run_db(
            lambda s: engineers.list_engineers(session=s),
            on_done=loaded,
            write=False,
            group="engineers",
        )

    # -- on and off duty ---------------------------------------------------------------------
    @on(RecordList.Selected)
    def line_chosen(self, event: RecordList.Selected) -> None:
        event.stop()
        self._toggle(event.key)

    def action_toggle_duty(self) -> None:
        row = self.query_one(RecordList).current
        if row is not None:
            self._toggle(row.key)

    def _toggle(self, engineer_id: int) -> None:
        engineer = self.rows.get(engineer_id)
        if engineer is None:
            return
        app, on_duty = self.app, not engineer.on_duty

        def done(row: Engineer) -> None:
            said = _("{name} is on duty.") if row.on_duty else _("{name} is off duty.")
            app.notify(said.format(name=row.name), markup=False)
            self.reload(select=row.id)
            self.records_changed("repair")

        self.run_db(
            lambda s: engineers.set_on_duty(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                engineer_id=engineer_id,
                on_duty=on_duty,
            ),
            on_done=done,
            write=True,
            group="engineer-duty",
        )

    # -- adding one (supervisors, admins) ----------------------------------------------------
    def action_new(self) -> None:
        self.add_class("-adding")  # what was typed before an Esc is still there
        self.query_one("#form-error", Static).display = False
        self.refresh_bindings()
        self.set_focus(self._input("name"))  # at once: keys typed in the same burst land here

    def _input(self, name: str) -> Input:
        return self.query_one(f"#{name}-input", Input)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter has moved on already; the last field saves
        if event.input.id == "trade-input":
            self.action_save()

    def action_save(self) -> None:
        if not self.has_class("-adding"):
            return
        app = self.app
        name, trade = self._input("name").value, self._input("trade").value
        on_duty = self.query_one("#engineer-on-duty", TickBox).value

        def added(row: Engineer) -> None:
            app.notify(_("Added {name}.").format(name=row.name), markup=False)
            self.remove_class("-adding")
            self.query_one("#form-error", Static).display = False
            self._input("name").value = self._input("trade").value = ""
            self._remember_text()  # saved: nothing typed is left to lose
            self.reload(select=row.id)
            self.query_one(RecordList).focus()
            self.records_changed("repair")

        self.run_db(
            lambda s: engineers.add_engineer(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                name=name,
                trade=trade,
                on_duty=on_duty,
            ),
            on_done=added,
            on_error=self.show_error,
            write=True,
            group="engineer-add",
        )

    def action_cancel(self) -> None:
        if self.has_class("-adding"):  # Esc leaves the form first, then the list
            self.remove_class("-adding")
            self.query_one("#form-error", Static).display = False
            self.refresh_bindings()
            self.query_one(RecordList).focus()
            return
        self.dismiss(None)
