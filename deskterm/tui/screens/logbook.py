"""The duty logbook (岗位记事本, D-10): write an entry in seconds, search by date, category
and text, correct by a new entry that points at the old one."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select

from deskterm.i18n import N_, _
from deskterm.models.shift import LogCategory
from deskterm.services.shift import logbook
from deskterm.tui import fmt
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import AreaScreen
from deskterm.tui.dialogs.logbook_entry import LogbookEntryDialog
from deskterm.tui.messages import RecordsChanged
from deskterm.tui.timeparse import parse_day
from deskterm.tui.widgets.detail import DetailPane
from deskterm.tui.widgets.field import PlainInput
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.select import DeskSelect
from deskterm.tui.widgets.text import plain

register(
    DeskAction(
        "logbook.new",
        "ctrl+n",
        "new_entry",
        N_("New entry"),
        N_("Write what happened, what was done and who was told."),
        priority=True,
        area="logbook",
        permission="logbook.add",
    ),
    DeskAction(
        "logbook.correct",
        "ctrl+r",
        "correct_entry",
        N_("Correct"),
        N_("Write a correction of the highlighted entry; the old one stays."),
        priority=True,
        area="logbook",
        permission="logbook.add",
    ),
    DeskAction(
        "logbook.search",
        "ctrl+f",
        "search",
        N_("Search"),
        N_("Search the logbook by text, category and day."),
        priority=True,
        area="logbook",
    ),
    DeskAction(
        "logbook.list",
        "escape",
        "to_list",
        N_("List"),
        N_("Back to the list of entries."),
        show=False,
    ),
)

ALL = "all"


class LogbookScreen(AreaScreen):
    AREA = "logbook"
    BINDINGS = bindings("logbook.new", "logbook.correct", "logbook.search", "logbook.list")
    HELP_TEXT = N_(
        "Ctrl+N writes an entry: the time is now unless you change it. Ctrl+F searches: type "
        "words, choose a category, or a day (11-28, today); the list follows as you type. "
        "Entries are never changed: Ctrl+R writes a correction pointing at the highlighted "
        "one, and the old entry shows as corrected."
    )

    def __init__(self) -> None:
        super().__init__()
        self.query_state = logbook.LogbookQuery()
        self._open_entry: int | None = None  # the entry the dashboard asked for

    def title_text(self) -> str:
        return _("Duty logbook")

    def compose_body(self) -> ComposeResult:
        with Vertical(id="logbook-body"):
            with Horizontal(id="logbook-search"):
                yield PlainInput(placeholder=_("search words"), compact=True, id="search-text")
                yield DeskSelect(
                    [(_("All categories"), ALL)]
                    + [(logbook.category_label(c), c.value) for c in LogCategory],
                    value=ALL,
                    allow_blank=False,
                    compact=True,
                    id="search-category",
                )
                yield PlainInput(placeholder=_("day"), compact=True, id="search-day")
            yield RecordList(
                [
                    Column(_("Time"), 11),
                    Column(_("Category"), 9),
                    Column(_("Location"), 10),
                    Column(_("What happened"), 0),
                    Column(_("By"), 6),
                ],
                empty_text=_("No entries."),
                id="entries",
            )
            yield DetailPane(id="entry-detail")

    def on_mount(self) -> None:
        self.query_one("#entries", RecordList).focus()
        self.reload()

    def reload(self, keep_position: bool = False) -> None:
        query = self.query_state
        settings = self.app.settings
        tz = settings.timezone

        def source(session, offset: int, limit: int):
            rows = logbook.search(session, query, settings, offset=offset, limit=limit)
            total = logbook.count_entries(session, query, settings)
            return [self._row(r, tz) for r in rows], total

        self.query_one("#entries", RecordList).set_source(source, keep_position=keep_position)

    @staticmethod
    def _row(row: logbook.LogbookRow, tz: str) -> Row:
        entry = row.entry
        what = entry.what
        if entry.corrects_id:
            what = _("[corrects {n}] {what}").format(n=entry.corrects_id, what=what)
        if row.corrected_by:
            what = _("[corrected by {n}] {what}").format(n=row.corrected_by, what=what)
        return Row(
            entry.id,
            [
                fmt.day_hm(entry.occurred_at, tz),
                logbook.category_label(entry.category),
                entry.location,
                what,
                row.author,
            ],
            style="muted" if row.corrected_by else "",
            data=row,
        )

    # -- the detail of the highlighted entry ---------------------------------------------
    @on(RecordList.Highlighted, "#entries")
    def show_detail(self, event: RecordList.Highlighted) -> None:
        if self._open_entry is not None and self._go_to_opened(event.control):
            return  # the entry's own highlight follows
        row: logbook.LogbookRow = event.row.data
        entry = row.entry
        tz = self.app.settings.timezone
        text = Text(no_wrap=False, end="")
        text.append(f"#{entry.id} ", style="bold")
        text.append_text(
            plain(
                _("{when} · {category} · {place} · by {who} (written {at})").format(
                    when=fmt.day_hm(entry.occurred_at, tz),
                    category=logbook.category_label(entry.category),
                    place=entry.location or "-",
                    who=row.author,
                    at=fmt.hm(entry.recorded_at, tz),
                ),
                one_line=True,
            )
        )
        text.append("\n" + _("What happened") + ": ", style="bold")
        text.append_text(plain(entry.what))
        if entry.action_taken:
            text.append("\n" + _("What was done") + ": ", style="bold")
            text.append_text(plain(entry.action_taken))
        if entry.notified:
            text.append("\n" + _("Who was told") + ": ", style="bold")
            text.append_text(plain(entry.notified, one_line=True))
        if row.corrected_by:
            text.append(
                "\n" + _("Corrected by entry {n}.").format(n=row.corrected_by), style="italic"
            )
        self.query_one("#entry-detail", DetailPane).show(text)

    # -- search ----------------------------------------------------------------------------
    def action_search(self) -> None:
        self.query_one("#search-text", Input).focus()

    def action_to_list(self) -> None:
        self.query_one("#entries", RecordList).focus()

    @on(Input.Changed, "#search-text")
    def text_changed(self, event: Input.Changed) -> None:
        self.query_state = replace(self.query_state, text=event.value)
        self.reload()

    @on(Input.Changed, "#search-day")
    def day_changed(self, event: Input.Changed) -> None:
        value = event.value.strip()
        day = parse_day(value, self.app.clock.now(), self.app.settings.timezone) if value else None
        if value and day is None:
            return  # still typing
        self.query_state = replace(self.query_state, day=day)
        self.reload()

    @on(Select.Changed, "#search-category")
    def category_changed(self, event: Select.Changed) -> None:
        value = event.value
        self.query_state = replace(
            self.query_state, category=value if isinstance(value, str) and value != ALL else None
        )
        self.reload()

    @on(Input.Submitted)
    def search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_to_list()

    # -- writing ---------------------------------------------------------------------------
    def _saver(self):
        app = self.app
        actor = app.signed_in_actor

        def save(entry_in):
            return lambda s: logbook.add_entry(
                session=s, actor=actor, clock=app.clock, entry_in=entry_in
            )

        return save

    def action_new_entry(self) -> None:
        self.app.push_screen(LogbookEntryDialog(self._saver()), self.entry_saved)

    def action_correct_entry(self) -> None:
        row = self.query_one("#entries", RecordList).current
        if row is None:
            self.app.bell()
            return
        self.app.push_screen(
            LogbookEntryDialog(self._saver(), corrects=row.data.entry), self.entry_saved
        )

    def entry_saved(self, entry) -> None:
        if entry is None:
            return
        self.notify(_("Entry {n} saved.").format(n=entry.id), timeout=3)
        self.records_changed("logbook")
        entries = self.query_one("#entries", RecordList)
        entries.cursor = 0
        self.reload()
        entries.focus()

    def open_record(self, kind: str, record_id: int) -> None:
        """From the dashboard: the whole list from the top (this shift's entries are the
        newest), the cursor on that entry and its detail shown."""
        self._open_entry = record_id
        with self.prevent(Input.Changed, Select.Changed):  # one reload, not three
            self.query_one("#search-text", Input).value = ""
            self.query_one("#search-day", Input).value = ""
            self.query_one("#search-category", Select).value = ALL
        self.query_state = logbook.LogbookQuery()
        entries = self.query_one("#entries", RecordList)
        entries.focus()
        self.reload()

    def _go_to_opened(self, entries: RecordList) -> bool:
        """After the list loads for `open_record`: move to the entry (True if it moved)."""
        wanted, self._open_entry = self._open_entry, None
        for index in range(entries.total):
            row = entries.row_at(index)
            if row is None:  # past the rows read: an old entry stays at the top
                break
            if row.key == wanted:
                if index != entries.cursor:
                    entries.action_cursor(index - entries.cursor)
                    return True
                break
        return False

    def on_records_changed(self, message: RecordsChanged) -> None:
        if not message.kinds or "logbook" in message.kinds:
            self.reload(keep_position=True)
