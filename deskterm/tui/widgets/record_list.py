"""A light list of records that pages from the database and draws only the rows that fit.

    table = RecordList([Column(_("No."), 14), Column(_("Visitor"), 0)], id="slips")
    table.set_source(lambda s, offset, limit: visitors.page_on_site(s, offset, limit))

The source is `(session, offset, limit) -> (rows, total)`; it runs in a read worker. Rows are
`Row(key, cells, style)`; cells are strings (shown literally) or `rich.text.Text`. Enter posts
`RecordList.Selected(key)`; moving posts `RecordList.Highlighted(key)`. Keys: ↑ ↓ PgUp PgDn
Home End Enter. Widths are in terminal cells, so CJK columns line up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from sqlmodel import Session
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from deskterm.i18n import _
from deskterm.tui.widgets.text import clean, fit

if TYPE_CHECKING:
    from textual import getters

    from deskterm.tui.app import DeskApp


@dataclass(frozen=True)
class Column:
    label: str  # translated
    width: int = 0  # cells; 0 shares the rest of the line
    align: str = "left"


@dataclass
class Row:
    key: Any
    cells: Sequence[str | Text]
    style: str = ""  # "overdue" | "near" | "muted" | "" (classes of colour, see CSS below)
    data: Any = field(default=None, compare=False)


PageSource = Callable[[Session, int, int], tuple[list[Row], int]]
MIN_PAGE = 30
FIND_RESET_S = 1.0  # a pause this long starts a new name


class RecordList(Widget, can_focus=True):
    if TYPE_CHECKING:  # the desk app it runs in (textual.getters)
        app = getters.app(DeskApp)

    DEFAULT_CSS = """
    RecordList {
        height: 1fr;
        width: 1fr;
        & > .record-list--header { text-style: bold; color: $text-muted; }
        & > .record-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
        & > .record-list--cursor-blurred { background: $block-hover-background; }
        & > .record-list--overdue { color: $text-error; }
        & > .record-list--near { color: $text-warning; }
        & > .record-list--muted { color: $text-muted; }
        & > .record-list--empty { color: $text-muted; text-style: italic; }
    }
    """
    COMPONENT_CLASSES = {
        "record-list--header",
        "record-list--cursor",
        "record-list--cursor-blurred",
        "record-list--overdue",
        "record-list--near",
        "record-list--muted",
        "record-list--empty",
    }
    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
        Binding("enter", "select", show=False),
    ]

    class _RowMessage(Message):
        def __init__(self, record_list: RecordList, key: Any, row: Row) -> None:
            super().__init__()
            self.record_list = record_list
            self.key = key
            self.row = row

        @property
        def control(self) -> RecordList:
            return self.record_list

    class Selected(_RowMessage):
        """Enter on a row."""

    class Highlighted(_RowMessage):
        """The cursor moved to a row (or the rows were loaded)."""

    cursor: reactive[int] = reactive(0, init=False)
    total: reactive[int] = reactive(0, init=False)

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        empty_text: str = "",
        show_header: bool = True,
        id: str | None = None,
        classes: str | None = None,
        find_column: int | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = list(columns)
        # Typing a name (or its pinyin, or initials) moves to the first row whose cell in this
        # column starts with it: a visitor is found by name wherever it is in the list.
        self.find_column = find_column
        self._typed = ""
        self._typed_at = 0.0
        self.empty_text = empty_text
        self.show_header = show_header
        self._source: PageSource | None = None
        self._window_start = 0  # index of the first cached row
        self._window: list[Row] = []  # cached rows from _window_start
        self._top = 0  # index of the first row drawn
        self._loaded = False
        self._pending: tuple[int, int] | None = None
        # The first `pinned` rows stay in view under the header whatever the cursor does (the
        # repair board's overdue orders, issue 16): the rest scrolls below them. Rows held in
        # memory only (set_rows); at least two rows are left to scroll.
        self.pinned = 0

    # -- feeding ---------------------------------------------------------------------------
    def set_source(self, source: PageSource | None, *, keep_position: bool = False) -> None:
        """Show rows from `source`; reloads now (a read worker). `keep_position`: the cursor
        stays on the same record (found by key) wherever it moved, not on the row number."""
        self._source = source
        if keep_position:
            self.reload()
            return
        self.cursor = 0
        self._top = 0
        self._keep_key = None
        if source is None:
            self.refresh()
        else:
            self._fetch(0)

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show rows held in memory (no database); the cursor stays on its record."""
        key = self._current_key()
        self._source = None
        self._window_start = 0
        self._window = list(rows)
        self._loaded = True
        self.total = len(self._window)
        self._follow(key)
        self.refresh()

    # Lists keep the record, not the row (issue 16): a refresh, a live update or a re-sort
    # that moves the highlighted record moves the cursor with it. When the record is gone,
    # the cursor stays at its row number (the next record), kept within the list.
    _keep_key: Any = None

    def _current_key(self) -> Any:
        row = self.current if self._loaded else None
        return row.key if row is not None else self._keep_key

    def _follow(self, key: Any) -> None:
        before = self.cursor
        if key is not None:
            for i, row in enumerate(self._window):
                if row.key == key:
                    self.cursor = self._window_start + i
                    break
        self.cursor = min(self.cursor, max(self.total - 1, 0))
        self._keep_key = None
        self._scroll_to_cursor()
        if self.cursor != before:
            self._post_highlight()

    def reload(self) -> None:
        if self._source is None:
            self.refresh()
            return
        self._keep_key = self._current_key()
        self._fetch(self._top)

    @property
    def visible_rows(self) -> int:
        return max(self.size.height - (1 if self.show_header else 0), 1)

    def _fetch(self, top: int) -> None:
        from deskterm.tui.worker import run_db

        source = self._source
        if source is None:
            return
        page = max(self.visible_rows, MIN_PAGE)  # before the first layout the size is 0
        start = max(0, top - page)
        limit = page * 3

        def done(result: tuple[list[Row], int]) -> None:
            rows, total = result
            key = self._keep_key
            self._window_start = start
            self._window = rows
            self._loaded = True
            self.total = total
            self._follow(key)
            self.refresh()
            self._post_highlight()

        run_db(
            self,
            self.app,
            lambda s: source(s, start, limit),
            on_done=done,
            write=False,
            group=f"record-list-{id(self)}",
            exclusive=True,
        )

    # -- reading ---------------------------------------------------------------------------
    def row_at(self, index: int) -> Row | None:
        i = index - self._window_start
        if 0 <= i < len(self._window):
            return self._window[i]
        return None

    @property
    def current(self) -> Row | None:
        return self.row_at(self.cursor) if self.total else None

    def _pins(self) -> int:
        """How many leading rows are pinned now (0 for a paged list or a short one)."""
        if self._source is not None or not self.pinned:
            return 0
        return max(0, min(self.pinned, self.total, self.visible_rows - 2))

    def hidden_under_pins(self) -> int:
        """Rows scrolled out of view between the pinned rows and the rest: said on a line of
        their own under the pinned rows ("↑ 2 more above"), so the list never looks complete
        when it is not (issue 16: the orders due next after the overdue ones)."""
        pins = self._pins()
        return self._top - pins if pins and self._top > pins else 0

    def _index_at(self, y: int) -> int:
        """The row drawn on line `y` under the header: pinned rows, the line saying how many
        are hidden under them (-1, no row), then from `_top`."""
        pins = self._pins()
        if y < pins:
            return y
        if self.hidden_under_pins():
            return -1 if y == pins else self._top + y - pins - 1
        return self._top + y - pins

    @property
    def rows_in_view(self) -> list[Row]:
        """The rows drawn now (for tests and for counting)."""
        return [
            r for y in range(self.visible_rows) if (r := self.row_at(self._index_at(y))) is not None
        ]

    # -- moving ----------------------------------------------------------------------------
    def _scroll_to_cursor(self) -> None:
        pins = self._pins()
        top = self._top
        for marker in (0, 1):  # rows hidden under the pinned ones take a line to say so
            page = self.visible_rows - pins - marker  # the lines that scroll, under the pins
            top = self._top
            if self.cursor < pins:  # a pinned row is always in view: the rest from its start,
                top = pins  # the rows due next after the pinned ones
            elif self.cursor < top:
                top = self.cursor
            elif self.cursor >= top + page:
                top = self.cursor - page + 1
            top = max(pins, min(top, max(self.total - page, pins)))
            if not pins or top == pins:
                break
        self._top = top

    def _move_to(self, index: int) -> None:
        if self.total == 0:
            return
        self.cursor = max(0, min(index, self.total - 1))
        self._scroll_to_cursor()
        page = self.visible_rows
        needed_end = min(self._top + page, self.total)
        have_end = self._window_start + len(self._window)
        if self._source is not None and (self._top < self._window_start or needed_end > have_end):
            self._fetch(self._top)
        else:
            self._post_highlight()
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_page(self, step: int) -> None:
        self._move_to(self.cursor + step * self.visible_rows)

    def action_jump(self, where: int) -> None:
        self._move_to(0 if where == 0 else self.total - 1)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row.key, row))

    def _post_highlight(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Highlighted(self, row.key, row))

    def on_key(self, event) -> None:
        char = event.character
        if self.find_column is None or not char or not char.isprintable() or char.isspace():
            return
        event.stop()
        event.prevent_default()
        if event.time - self._typed_at > FIND_RESET_S:
            self._typed = ""
        self._typed_at = event.time
        self._typed += char.casefold()
        index = self._find(self._typed)
        if index is None:
            self.app.bell()
            self._typed = self._typed[:-1]
            return
        self._move_to(index)

    def _find(self, typed: str) -> int | None:
        from deskterm.rules.pinyin import pinyin_keys

        column = self.find_column
        if column is None:  # (on_key finds only in a list with a find column)
            return None
        for i, row in enumerate(self._window):
            if column >= len(row.cells):
                continue
            cell = row.cells[column]
            text = clean(cell.plain if isinstance(cell, Text) else str(cell), one_line=True)
            if any(key.startswith(typed) for key in (text.casefold(), *pinyin_keys(text)) if key):
                return self._window_start + i
        return None

    def on_resize(self) -> None:
        if self._source is not None and self._loaded:
            self._move_to(self.cursor)
        else:
            self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------
    def _widths(self, total_width: int) -> list[int]:
        fixed = sum(c.width for c in self.columns if c.width)
        gaps = max(len(self.columns) - 1, 0)
        flex = [c for c in self.columns if not c.width]
        rest = max(total_width - fixed - gaps, 0)
        share = rest // len(flex) if flex else 0
        widths = []
        for c in self.columns:
            widths.append(c.width if c.width else share)
        if flex:  # the last flexible column takes the remainder
            last = max(i for i, c in enumerate(self.columns) if not c.width)
            widths[last] += rest - share * len(flex)
        return widths

    def _line(self, cells: Sequence[str | Text], widths: list[int], width: int) -> Text:
        line = Text(no_wrap=True, end="")
        for i, (col, cell, w) in enumerate(zip(self.columns, cells, widths, strict=False)):
            if i:
                line.append(" ")
            if isinstance(cell, Text):
                piece = cell.copy()
                piece.plain = clean(piece.plain, one_line=True)
                if piece.cell_len > w:
                    piece.truncate(w, overflow="ellipsis")
                pad = w - piece.cell_len
                if col.align == "right":
                    line.append(" " * pad)
                    line.append_text(piece)
                else:
                    line.append_text(piece)
                    line.append(" " * pad)
            else:
                line.append(fit(clean(cell, one_line=True), w, align=col.align))
        if line.cell_len < width:
            line.append(" " * (width - line.cell_len))
        return line

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        widths = self._widths(width)
        base = self.rich_style
        if self.show_header:
            if y == 0:
                style = self.get_component_rich_style("record-list--header")
                text = self._line([c.label for c in self.columns], widths, width)
                return self._strip(text, base + style, width)
            y -= 1
        if self._loaded and self.total == 0:
            if y == 0 and self.empty_text:
                style = self.get_component_rich_style("record-list--empty")
                return self._strip(Text(fit(clean(self.empty_text), width)), base + style, width)
            return Strip.blank(width, base)
        index = self._index_at(y)
        if index < 0:
            style = self.get_component_rich_style("record-list--empty")
            above = _("↑ {n} more above").format(n=self.hidden_under_pins())
            return self._strip(Text(fit(above, width)), base + style, width)
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, base)
        text = self._line(row.cells, widths, width)
        style = base
        if row.style:
            style += self.get_component_rich_style(f"record-list--{row.style}")
        if index == self.cursor:
            name = "record-list--cursor" if self.has_focus else "record-list--cursor-blurred"
            style += self.get_component_rich_style(name)
        return self._strip(text, style, width)

    def _strip(self, text: Text, style: Style, width: int) -> Strip:
        segments = [
            Segment(seg.text, style + seg.style if seg.style else style)
            for seg in text.render(self.app.console)
            if seg.text != "\n"
        ]
        strip = Strip(segments, cell_len(text.plain))
        return strip.crop_extend(0, width, style)

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, self.total + (1 if self.show_header else 0))
