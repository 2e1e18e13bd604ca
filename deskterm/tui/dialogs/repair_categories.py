"""The repair categories an admin keeps (D-30): add one, rename it in either language, set the
class it gives a new order (urgent or general), where it applies and its place in the list,
or retire it from new orders.

The list is on top; Enter puts the highlighted category into the form below, Ctrl+N starts
a new one, Ctrl+S saves (services.admin.repair_categories checks, audits and refuses anyone
but an admin). Orders already taken keep their category.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from sqlmodel import Session
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Select

from deskterm.i18n import N_, _
from deskterm.models.repair import RepairCategory
from deskterm.services.admin.repair_categories import (
    CLASS_LABELS,
    SCOPE_LABELS,
    category_rows,
    save_category,
)
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.dialogs.complaint_common import choice, label
from deskterm.tui.dialogs.list_form import ListFormDialog
from deskterm.tui.dialogs.visitor_fields import field
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.record_list import Column, Row
from deskterm.tui.widgets.ticks import TickBox

register(
    DeskAction(
        "repair_categories.new", "ctrl+n", "new", N_("New"), N_("Start a new repair category.")
    ),
)


def _class_of(row: RepairCategory) -> str:
    return str(getattr(row.repair_class, "value", row.repair_class))


class RepairCategoriesDialog(ListFormDialog):
    BINDINGS = bindings("repair_categories.new", "form.save", "form.cancel")
    TITLE = N_("Repair categories")
    LIST_ID = "repair-categories-list"
    EMPTY = N_("Nothing here.")
    RECORDS = "repair"
    HELP_TEXT = N_(
        "Repair categories. Enter on a line puts it in the form below; change the names, the "
        "class a new order gets (urgent or general), where it applies, the order (smaller "
        "first), or untick 'In use' to retire it from new orders; then Ctrl+S. Ctrl+N starts "
        "a new category: its code is lower-case letters, digits or '_' and cannot change "
        "later. Orders already taken keep their category. Every change is in the audit trail."
    )

    def __init__(self) -> None:
        super().__init__()
        self.editing: str | None = None  # the code of the category in the form; None: new
        self.version: int | None = None  # the version of it the form was filled from

    def columns(self) -> list[Column]:
        return [
            Column(_("Code"), 18),
            Column(_("Chinese"), 12),
            Column(_("English"), 0),
            Column(_("Class"), 7),
            Column(_("Applies to"), 10),
            Column(_("Sort order"), 5, "right"),
            Column(_("In use"), 6),
        ]

    def load(self, session: Session) -> list[RepairCategory]:
        return category_rows(session)

    def key_of(self, record: RepairCategory) -> Hashable:
        return record.code

    def row_of(self, r: RepairCategory) -> Row:
        cells = [
            r.code,
            r.name_zh,
            r.name_en,
            label(CLASS_LABELS, _class_of(r)),
            label(SCOPE_LABELS, r.scope),
            str(r.sort),
            _("yes") if r.active else _("no"),
        ]
        return Row(r.code, cells, "" if r.active else "muted")

    def compose_form(self) -> Iterator[Widget]:
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

    # -- the form ----------------------------------------------------------------------------
    def _fill(self, row: RepairCategory | None) -> None:
        self.editing = row.code if row else None
        self.version = row.version if row else None
        code = self.field_input("code")
        code.value = row.code if row else ""
        code.disabled = row is not None  # a code never changes: orders carry it
        self.field_input("name_zh").value = row.name_zh if row else ""
        self.field_input("name_en").value = row.name_en if row else ""
        self.field_input("sort").value = str(row.sort) if row else "500"
        self.query_one("#repair-class-input", Select).value = _class_of(row) if row else "general"
        self.query_one("#scope-input", Select).value = row.scope if row else "any"
        self.query_one("#repair-category-active", TickBox).value = row.active if row else True
        self.hide_refusal()
        self._remember_text()  # what was filled in is not typed work: Esc closes at once
        # At once, not after this handler: keys typed in the same burst as Ctrl+N or Enter go
        # to the field they were meant for (DeskApp hands keys on in order).
        self.set_focus(self.field_input("name_zh") if row else code)

    def line_chosen(self, key: Hashable) -> None:
        self._fill(self.rows.get(key))

    def action_new(self) -> None:
        self._fill(None)

    def after_saved(self, record: RepairCategory) -> None:
        self._fill(None)
        super().after_saved(record)

    def action_save(self) -> None:
        values: dict[str, Any] = dict(
            code=self.field_input("code").value,
            name_zh=self.field_input("name_zh").value,
            name_en=self.field_input("name_en").value,
            sort=self.field_input("sort").value,
            repair_class=self.query_one("#repair-class-input", Select).value,
            scope=self.query_one("#scope-input", Select).value,
            active=self.query_one("#repair-category-active", TickBox).value,
        )
        new, version = self.editing is None, self.version
        app = self.app
        self.save(
            lambda s: save_category(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                new=new,
                version=version,
                **values,
            ),
            notice=lambda row: _("Category {code} saved.").format(code=row.code),
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
