"""The complaint categories an admin keeps (forms.md §5): add one, rename one in either
language, change its place in the list, or withdraw it from new complaints.

The list is on top; Enter puts the highlighted category into the form below, Ctrl+N starts
a new one, Ctrl+S saves (audited by the service). Complaints already filed keep their code.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from sqlmodel import Session
from textual.containers import Horizontal
from textual.widget import Widget

from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.services.complaints.categories import CategoryRow, category_rows, save_category
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.dialogs.list_form import ListFormDialog
from deskterm.tui.dialogs.visitor_fields import field
from deskterm.tui.widgets.record_list import Column, Row
from deskterm.tui.widgets.ticks import TickBox

register(
    DeskAction("categories.new", "ctrl+n", "new", N_("New"), N_("Start a new category.")),
)


class ComplaintCategoriesDialog(ListFormDialog):
    BINDINGS = bindings("categories.new", "form.save", "form.cancel")
    TITLE = N_("Complaint categories")
    LIST_ID = "categories-list"
    EMPTY = N_("Nothing here.")
    RECORDS = "complaint"
    LAST_INPUT = "name-en-input"
    HELP_TEXT = N_(
        "Complaint categories. Enter on a line puts it in the form below; change the names, "
        "the order (smaller first) or untick 'In use' to withdraw it from new complaints, then "
        "Ctrl+S. Ctrl+N starts a new category: its code is letters, digits or '_' and cannot "
        "change later. Complaints already filed keep their category."
    )

    def columns(self) -> list[Column]:
        return [
            Column(_("Code"), 18),
            Column(_("Chinese"), 16),
            Column(_("English"), 0),
            Column(_("Sort order"), 5, "right"),
            Column(_("In use"), 6),
        ]

    def load(self, session: Session) -> list[CategoryRow]:
        return category_rows(session)

    def key_of(self, record: CategoryRow) -> Hashable:
        return record.code

    def row_of(self, r: CategoryRow) -> Row:
        cells = [r.code, r.name_zh, r.name_en, str(r.sort), _("yes") if r.active else _("no")]
        return Row(r.code, cells, "" if r.active else "muted")

    def compose_form(self) -> Iterator[Widget]:
        with Horizontal():
            yield field(_("Code"), "code", max_length=32, label_width=8)
            yield field(
                _("Sort order"), "sort", value="500", max_length=6, label_width=11, select=True
            )
        with Horizontal():
            yield field(
                _("Chinese"),
                "name_zh",
                refusals=("name",),  # neither name given: the Chinese one is asked for
                max_length=64,
                label_width=8,
            )
            yield field(_("English"), "name_en", max_length=128, label_width=8, advance=False)
        yield TickBox(_("In use"), True, compact=True, id="category-active")

    # -- the form ----------------------------------------------------------------------------
    def __init__(self) -> None:
        super().__init__()
        self.editing: CategoryRow | None = None  # the category in the form; None: a new one

    def _fill(self, row: CategoryRow | None) -> None:
        self.editing = row
        code = self.field_input("code")
        code.value = row.code if row else ""
        code.disabled = row is not None  # a code never changes: complaints carry it
        self.field_input("name_zh").value = row.name_zh if row else ""
        self.field_input("name_en").value = row.name_en if row else ""
        self.field_input("sort").value = str(row.sort) if row else "500"
        self.query_one("#category-active", TickBox).value = row.active if row else True
        self.hide_refusal()
        # At once, not after this handler (widget.focus): keys typed in the same burst as
        # Ctrl+N or Enter go to the field they were meant for (DeskApp hands keys on in order).
        self.set_focus(self.field_input("name_zh") if row else code)

    def line_chosen(self, key: Hashable) -> None:
        self._fill(self.rows.get(key))

    def action_new(self) -> None:
        self._fill(None)

    def after_saved(self, record: CategoryRow) -> None:
        self._fill(None)
        super().after_saved(record)

    def action_save(self) -> None:
        text = self.field_input("sort").value.strip()
        if not text.lstrip("-").isdigit() or len(text) > 6:
            self.show_error(InvalidInput(_("The sort order is a whole number."), field="sort"))
            return
        opened = self.editing  # the line chosen, never a code typed into a new one
        values: dict[str, Any] = dict(
            code=self.field_input("code").value,
            name_zh=self.field_input("name_zh").value,
            name_en=self.field_input("name_en").value,
            sort=int(text),
            active=self.query_one("#category-active", TickBox).value,
            new=opened is None,
            version=opened.version if opened is not None else 0,
        )
        app = self.app
        self.save(
            lambda s: save_category(
                session=s, actor=app.signed_in_actor, clock=app.clock, **values
            ),
            notice=lambda row: _("Category {code} saved.").format(code=row.code),
            on_error=self.show_error,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
