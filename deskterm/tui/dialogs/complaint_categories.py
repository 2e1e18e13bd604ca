"""The complaint categories an admin keeps (forms.md §5): add one, rename one in either
language, change its place in the list, or withdraw it from new complaints.

The list is on top; Enter puts the highlighted category into the form below, Ctrl+N starts
a new one, Ctrl+S saves (audited by the service). Complaints already filed keep their code.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.services.complaints.categories import CategoryRow, category_rows, save_category
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.visitor_fields import ErrorLine, field
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.text import plain
from deskterm.tui.widgets.ticks import TickBox

register(
    DeskAction("categories.new", "ctrl+n", "new", N_("New"), N_("Start a new category.")),
)


class ComplaintCategoriesDialog(ErrorLine, DeskDialog[None]):
    BINDINGS = bindings("categories.new", "form.save", "form.cancel")
    HELP_TEXT = N_(
        "Complaint categories. Enter on a line puts it in the form below; change the names, "
        "the order (smaller first) or untick 'In use' to withdraw it from new complaints, then "
        "Ctrl+S. Ctrl+N starts a new category: its code is letters, digits or '_' and cannot "
        "change later. Complaints already filed keep their category."
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, CategoryRow] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(_("Complaint categories")), classes="dialog-title")
            yield RecordList(
                [
                    Column(_("Code"), 18),
                    Column(_("Chinese"), 16),
                    Column(_("English"), 0),
                    Column(_("Sort order"), 5, "right"),
                    Column(_("In use"), 6),
                ],
                empty_text=_("Nothing here."),
                id="categories-list",
            )
            with Horizontal():
                yield field(_("Code"), "code", max_length=32, label_width=8)
                yield field(
                    _("Sort order"), "sort", value="500", max_length=6, label_width=11, select=True
                )
            with Horizontal():
                yield field(_("Chinese"), "name_zh", max_length=64, label_width=8)
                yield field(_("English"), "name_en", max_length=128, label_width=8, advance=False)
            yield TickBox(_("In use"), True, compact=True, id="category-active")
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
        def loaded(rows: list[CategoryRow]) -> None:
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

        self.run_db(category_rows, on_done=loaded, write=False, group="categories")

    # -- the form ----------------------------------------------------------------------------
    def _input(self, name: str) -> Input:
        return self.query_one(f"#{name.replace('_', '-')}-input", Input)

    def _fill(self, row: CategoryRow | None) -> None:
        code = self._input("code")
        code.value = row.code if row else ""
        code.disabled = row is not None  # a code never changes: complaints carry it
        self._input("name_zh").value = row.name_zh if row else ""
        self._input("name_en").value = row.name_en if row else ""
        self._input("sort").value = str(row.sort) if row else "500"
        self.query_one("#category-active", TickBox).value = row.active if row else True
        self.query_one("#form-error", Static).display = False
        # At once, not after this handler (widget.focus): keys typed in the same burst as
        # Ctrl+N or Enter go to the field they were meant for (DeskApp hands keys on in order).
        self.set_focus(self._input("name_zh") if row else code)

    @on(RecordList.Selected)
    def edit_line(self, event: RecordList.Selected) -> None:
        event.stop()
        self._fill(self.rows.get(event.key))

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter has moved on already; the last field saves
        if event.input.id == "name-en-input":
            self.action_save()

    def action_new(self) -> None:
        self._fill(None)

    def action_save(self) -> None:
        text = self._input("sort").value.strip()
        if not text.lstrip("-").isdigit() or len(text) > 6:
            self.show_error(InvalidInput(_("The sort order is a whole number."), field="sort"))
            return
        opened = self.rows.get(self._input("code").value.strip().lower())
        values: dict[str, Any] = dict(
            code=self._input("code").value,
            name_zh=self._input("name_zh").value,
            name_en=self._input("name_en").value,
            sort=int(text),
            active=self.query_one("#category-active", TickBox).value,
            version=opened.version if opened is not None else 0,
        )
        app = self.app

        def saved(row) -> None:
            app.notify(_("Category {code} saved.").format(code=row.code), markup=False)
            self.query_one("#form-error", Static).display = False
            self.reload(select=row.code)
            self._fill(None)
            self.query_one(RecordList).focus()  # on to the next line to change
            self.records_changed("complaint")

        self.run_db(
            lambda s: save_category(
                session=s, actor=app.signed_in_actor, clock=app.clock, **values
            ),
            on_done=saved,
            on_error=self._refused,
            write=True,
            group="save",
        )

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, InvalidInput) and exc.field == "name":  # neither name given
            exc.field = "name_zh"
        self.show_error(exc)

    def action_cancel(self) -> None:
        self.dismiss(None)
