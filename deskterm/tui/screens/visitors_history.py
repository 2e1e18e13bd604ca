"""The history view of the visitors area: search slips by date range, name, unit, host or
slip number; a page at a time from the database (keyset: PgDn / PgUp), newest first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.services.visitors import checks
from deskterm.services.visitors.history import (
    HistoryRow,
    PageCursor,
    SlipQuery,
    parse_day,
    search_slips,
)
from deskterm.tui import fmt
from deskterm.tui.base import desk_screen
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.text import plain

if TYPE_CHECKING:
    from textual import getters

    from deskterm.tui.app import DeskApp

FILTERS = ("date_from", "date_to", "number", "name", "unit", "host")


class HistoryList(RecordList):
    """A RecordList whose PgDn / PgUp turn the database pages (the view keeps the cursors)."""

    def action_page(self, step: int) -> None:
        view = next((a for a in self.ancestors if isinstance(a, HistoryView)), None)
        if view is not None:
            view.turn_page(step)


class HistoryView(Vertical):
    if TYPE_CHECKING:  # the desk app it runs in (textual.getters)
        app = getters.app(DeskApp)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.query_now: SlipQuery | None = None
        self.cursors: list[PageCursor | None] = [None]  # the start of each page seen
        self.next_cursor: PageCursor | None = None
        self.page = 0

    def compose(self) -> ComposeResult:
        with Horizontal(classes="filter-row"):
            yield FormField(
                _("First day"),
                name="date_from",
                max_length=10,
                label_width=10,
                placeholder="2026-11-01",
            )
            yield FormField(
                _("Last day"),
                name="date_to",
                max_length=10,
                label_width=10,
                placeholder="2026-11-28",
            )
            yield FormField(_("Slip"), name="number", max_length=20, label_width=8)
        with Horizontal(classes="filter-row"):
            yield FormField(_("Name"), name="name", max_length=64, label_width=10)
            yield FormField(_("Unit"), name="unit", max_length=16, label_width=10)
            yield FormField(_("Host"), name="host", max_length=64, label_width=8)
        yield HistoryList(
            [
                Column(_("Slip"), 14),
                Column(_("Visitor"), 12),
                Column(_("Visiting"), 0),
                Column(_("In"), 11),
                Column(_("Out"), 5),
                Column(_("State"), 8),
            ],
            empty_text=_("No slip matches."),
            id="history-list",
        )
        yield Static("", id="history-page", markup=False)

    def focus_filters(self) -> None:
        self.query_one("#date-from-input", Input).focus()

    @on(Input.Submitted)
    def search_from_filters(self, event: Input.Submitted) -> None:
        event.stop()
        self.search()

    def _query(self) -> SlipQuery:
        def value(name: str) -> str:
            return self.query_one(f"#{name.replace('_', '-')}-input", Input).value

        return SlipQuery(
            date_from=parse_day(value("date_from"), field="date_from"),
            date_to=parse_day(value("date_to"), field="date_to"),
            name=value("name"),
            unit=value("unit"),
            host=value("host"),
            number=value("number"),
        )

    def search(self) -> None:
        """Search from the first page with what the filters say now."""
        try:
            self.query_now = self._query()
        except InvalidInput as exc:
            desk_screen(self).show_error(exc)
            return
        self.cursors = [None]
        self.page = 0
        self._load()

    def turn_page(self, step: int) -> None:
        if self.query_now is None:
            return
        if step > 0 and self.next_cursor is not None:
            self.cursors = self.cursors[: self.page + 1] + [self.next_cursor]
            self.page += 1
            self._load()
        elif step < 0 and self.page > 0:
            self.page -= 1
            self._load()
        else:
            self.app.bell()

    def _load(self) -> None:
        query = self.query_now
        if query is None:  # (search and turn_page set it first)
            return
        after = self.cursors[self.page]
        listing = self.query_one(HistoryList)
        limit = max(listing.visible_rows, 5)
        app = self.app
        desk_screen(self).run_db(
            lambda s: search_slips(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                settings=app.settings,
                query=query,
                after=after,
                limit=limit,
            ),
            on_done=self.show_page,
            write=False,
            group="history",
            exclusive=True,
        )

    def show_page(self, page) -> None:
        self.next_cursor = page.next_cursor
        tz = self.app.settings.timezone
        listing = self.query_one(HistoryList)
        listing.cursor = 0
        listing.set_rows([self._row(r, tz) for r in page.rows])
        more = _(" · PgDn: next page") if page.next_cursor else ""
        back = _(" · PgUp: previous page") if self.page else ""
        self.query_one("#history-page", Static).update(  # one line: no new layout
            plain(_("Page {n}").format(n=self.page + 1) + more + back), layout=False
        )

    @staticmethod
    def _row(row: HistoryRow, tz: str) -> Row:
        if row.status == "on_site":
            state, style = _("on site"), ""
        elif row.slip_returned is False:
            state, style = _("lost slip"), "near"
        else:
            state, style = _("left"), "muted"
        return Row(
            row.id,
            [
                row.number,
                f"{row.visitor_name}×{row.headcount}" if row.headcount > 1 else row.visitor_name,
                row.host_text or checks.label(checks.PURPOSE_LABELS, row.purpose),
                fmt.day_hm(row.checked_in_at, tz),
                fmt.hm(row.checked_out_at, tz),
                state,
            ],
            style=style,
        )
