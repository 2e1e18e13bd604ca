"""A list on top and a form below it: the dialogs in which the desk keeps a short list of its
own (complaint categories, repair categories, engineers).

`ListFormDialog` lays it out (title, the list, the form, the one-line refusal, the hint, the
footer), loads the list in a read worker, keeps the cursor on the line just saved, hands Enter
on a line to `line_chosen`, and after a save says so, reloads, and tells the other screens
(`records_changed`). A subclass says what the list holds and what its form has.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any, ClassVar

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from deskterm.i18n import _
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.visitor_fields import ErrorLine
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.text import plain


class ListFormDialog(ErrorLine, DeskDialog[None]):
    """The shape every list-and-form dialog shares; subclasses fill in the class attributes
    and the methods that raise NotImplementedError."""

    TITLE: ClassVar[str]  # an N_() msgid, translated when drawn
    LIST_ID: ClassVar[str]  # the RecordList's id (its height is in dialogs.tcss)
    EMPTY: ClassVar[str]  # an N_() msgid: what the empty list says
    RECORDS: ClassVar[str]  # what a save changes, for records_changed ("repair", ...)
    LAST_INPUT: ClassVar[str | None] = None  # Enter in this input saves
    FIND_COLUMN: ClassVar[int | None] = None  # typing on the list finds a line by this column

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[Hashable, Any] = {}

    # -- what a subclass says -----------------------------------------------------------------
    def columns(self) -> list[Column]:
        raise NotImplementedError

    def load(self, session: Session) -> list[Any]:
        """The records of the list, in the order shown (runs in a read worker)."""
        raise NotImplementedError

    def key_of(self, record: Any) -> Hashable:
        raise NotImplementedError

    def row_of(self, record: Any) -> Row:
        raise NotImplementedError

    def compose_form(self) -> Iterator[Widget]:
        raise NotImplementedError

    def hint(self) -> str:
        return _("Enter: edit the line · Ctrl+N: new · Ctrl+S: save · Esc: close")

    def line_chosen(self, key: Hashable) -> None:
        """Enter on a line of the list."""
        raise NotImplementedError

    def after_saved(self, record: Any) -> None:
        """After a save from the form: the refusal line goes, the list takes the focus for
        the next line to change (a subclass empties its form first)."""
        self.hide_refusal()
        self.query_one(RecordList).focus()

    # -- the shared shape ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(_(self.TITLE)), classes="dialog-title")
            records = RecordList(self.columns(), empty_text=_(self.EMPTY), id=self.LIST_ID)
            if self.FIND_COLUMN is not None:
                records.find_column = self.FIND_COLUMN
            yield records
            yield from self.compose_form()
            yield Static("", id="form-error")
            yield Static(plain(self.hint()), classes="hint")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.reload()
        self.query_one(RecordList).focus()

    def reload(self, select: Hashable | None = None) -> None:
        """Load the list again; the cursor goes to `select` if given, else stays on its line."""

        def loaded(records: list[Any]) -> None:
            self.rows = {self.key_of(r): r for r in records}
            shown = self.query_one(RecordList)
            shown.set_rows([self.row_of(r) for r in records])
            if select in self.rows:
                shown.cursor = list(self.rows).index(select)
            self.refresh_bindings()

        self.run_db(self.load, on_done=loaded, write=False, group=self.LIST_ID)

    def field_input(self, name: str) -> Input:
        return self.query_one(f"#{name.replace('_', '-')}-input", Input)

    def hide_refusal(self) -> None:
        self.query_one("#form-error", Static).display = False

    @on(RecordList.Selected)
    def _line_selected(self, event: RecordList.Selected) -> None:
        event.stop()
        self.line_chosen(event.key)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter has moved on already; the last field saves
        if self.LAST_INPUT is not None and event.input.id == self.LAST_INPUT:
            self.action_save()

    def action_save(self) -> None:
        raise NotImplementedError

    def save(
        self,
        work: Callable[[Session], Any],
        *,
        notice: Callable[[Any], str],
        on_error: Callable[[BaseException], None] | None = None,
        after: Callable[[Any], None] | None = None,
        group: str = "save",
    ) -> None:
        """Run a save; when it is in: say `notice(record)`, reload with the cursor on it, then
        `after(record)` (default `after_saved`), and tell the other screens."""

        def saved(record: Any) -> None:
            self.app.notify(notice(record), markup=False)
            self.reload(select=self.key_of(record))
            (after or self.after_saved)(record)
            self.records_changed(self.RECORDS)

        self.run_db(work, on_done=saved, on_error=on_error or self.show_error, group=group)
