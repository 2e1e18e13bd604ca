"""The repair categories an admin keeps (D-30): add one, rename it in either language, set the
class it gives a new order (urgent or general), where it applies and its place in the list,
or retire it from new orders.

The list is on top; Enter puts the highlighted category into the form below, Ctrl+N starts
a new one, Ctrl+S saves (services.admin.repair_categories checks, audits and refuses anyone
but an admin). Orders already taken keep their category.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from deskterm.i18n import N_, _
from deskterm.models.repair import RepairCategory
from deskterm.services.admin.repair_categories import (
    CLASS_LABELS,
    SCOPE_LABELS,
    category_rows,
    save_category,
)
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.complaint_common import choice, label
from deskterm.tui.dialogs.visitor_fields import ErrorLine, field
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.text import plain
from deskterm.tui.widgets.ticks import TickBox

register(
    DeskAction(
        "repair_categories.new", "ctrl+n", "new", N_("New"), N_("Start a new repair category.")
    ),
)


class RepairCategoriesDialog(ErrorLine, DeskDialog[None]):
    BINDINGS = bindings("repair_categories.new", "form.save", "form.cancel")
    HELP_TEXT = N_(
        "Repair categories. Enter on a line puts it in the form below; change the names, the "
        "class a new order gets (urgent or general), where it applies, the order (smaller "
        "first), or untick 'In use' to retire it from new orders; then Ctrl+S. Ctrl+N starts "
        "a new category: its code is lower-case letters, digits or '_' and cannot change "
        "later. Orders already taken keep their category. Every change is in the audit trail."
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, RepairCategory] = {}
        self.editing: str | None = None  # the code of the category in the form; None: new
        self.version: int | None = None  # the version of it the form was filled from

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(_("Repair categories")), classes="dialog-title")
            yield RecordList(
                [
                    Column(_("Code"), 18),
                    Column(_("Chinese"), 12),
                    Column(_("English"), 0),
                    Column(_("Class"), 7),
                    Column(_("Applies to"), 10),
                    Column(_("Sort order"), 5, "right"),
                    Column(_("In use"), 6),
                ],
                empty_text=_("Nothing here."),
                id="repair-categories-list",
            )
            with Horizontal():
                yield field(_("Code"), "code", max_length=32, label_width=8)
                yield field(
                    _("Sort order"), "sort", value="500", max_length=6, label_width=11, select=True
                )
            with Horizontal():
                yield field(_("Chinese"), "name_zh", max_length=64, label_width=8)
                yield field(_("English"), "name_en", max_length=128, label_width=8)
            with Horizontal():
                yield FormField(
                    _("Class"),
                    name="repair_class",
                    label_width=8,
                    control=choice(CLASS_LABELS, value="general", id="repair-class-input"),
                )
                yield FormField(
                    _("Applies to"),
                    name="scope",
                    label_width=11,
                    control=choice(SCOPE_LABELS, value="any", id="scope-input"),
                )
                yield TickBox(_("In use"), True, compact=True, id="repair-category-active")
            yield Static("", id="form-error")
            yield Static(
                plain(_("Enter: edit the line · Ctrl+N: new · Ctrl+S: save · Esc: close")),
                classes="hint",
            )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.reload()
        self.query_one(RecordList).focus()

    def reload(self, select: str | None = None) -> None:
        def loaded(rows: list[RepairCategory]) -> None:
            self.rows = {r.code: r for r in rows}
            records = self.query_one(RecordList)
            records.set_rows(
                [
                    Row(
                        r.code,
                        [
                            r.code,
                            r.name_zh,
                            r.name_en,
                            label(
                                CLASS_LABELS, str(getattr(r.repair_class, "value", r.repair_class))
                            ),
                            label(SCOPE_LABELS, r.scope),
                            str(r.sort),
                            _("yes") if r.active else _("no"),
                        ],
                        "" if r.active else "muted",
                    )
                    for r in rows
                ]
            )
            if select in self.rows:
                records.cursor = list(self.rows).index(select)

        self.run_db(category_rows, on_done=loaded, write=False, group="repair-categories")

    # -- the form ----------------------------------------------------------------------------
    def _input(self, name: str) -> Input:
        return self.query_one(f"#{name.replace('_', '-')}-input", Input)

    def _fill(self, row: RepairCategory | None) -> None:
        self.editing = row.code if row else None
        self.version = row.version if row else None
        code = self._input("code")
        code.value = row.code if row else ""
        code.disabled = row is not None  # a code never changes: orders carry it
        self._input("name_zh").value = row.name_zh if row else ""
        self._input("name_en").value = row.name_en if row else ""
        self._input("sort").value = str(row.sort) if row else "500"
        klass = str(getattr(row.repair_class, "value", row.repair_class)) if row else "general"
        self.query_one("#repair-class-input", Select).value = klass
        self.query_one("#scope-input", Select).value = row.scope if row else "any"
        self.query_one("#repair-category-active", TickBox).value = row.active if row else True
        self.query_one("#form-error", Static).display = False
        self._remember_text()  # what was filled in is not typed work: Esc closes at once
        # At once, not after this handler: keys typed in the same burst as Ctrl+N or Enter go
        # to the field they were meant for (DeskApp hands keys on in order).
        self.set_focus(self._input("name_zh") if row else code)

    @on(RecordList.Selected)
    def edit_line(self, event: RecordList.Selected) -> None:
        event.stop()
        self._fill(self.rows.get(event.key))

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter has moved on already

    def action_new(self) -> None:
        self._fill(None)

    def action_save(self) -> None:
        values: dict[str, Any] = dict(
            code=self._input("code").value,
            name_zh=self._input("name_zh").value,
            name_en=self._input("name_en").value,
            sort=self._input("sort").value,
            repair_class=self.query_one("#repair-class-input", Select).value,
            scope=self.query_one("#scope-input", Select).value,
            active=self.query_one("#repair-category-active", TickBox).value,
        )
        new, version = self.editing is None, self.version
        app = self.app

        def saved(row: RepairCategory) -> None:
            app.notify(_("Category {code} saved.").format(code=row.code), markup=False)
            self.query_one("#form-error", Static).display = False
            self.reload(select=row.code)
            self._fill(None)
            self.query_one(RecordList).focus()  # on to the next line to change
            self.records_changed("repair")

        self.run_db(
            lambda s: save_category(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                new=new,
                version=version,
                **values,
            ),
            on_done=saved,
            on_error=self.show_error,
            write=True,
            group="save",
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
