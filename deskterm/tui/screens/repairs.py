"""The repairs area (报修接待, D-30 to D-38, case 1): the deadline board — open orders by time
left, with live countdowns, near-breach amber and overdue red — plus the repair callbacks due,
the fee reviews waiting for a supervisor, and every order (searchable). The highlighted order's
details are below. Ctrl+N takes a request; Enter does the order's next step; Ctrl+G lists every
step that applies; Ctrl+O prints or saves the work order.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Static

from deskterm.i18n import N_, _
from deskterm.services.callbacks import queue as callbacks
from deskterm.services.complaints import links as complaint_links
from deskterm.services.repairs import fees, queries
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import AreaScreen
from deskterm.tui.messages import RecordsChanged
from deskterm.tui.screens import repairs_views as views
from deskterm.tui.screens.repairs_flows import RepairFlows
from deskterm.tui.widgets.detail import DetailPane
from deskterm.tui.widgets.field import PlainInput
from deskterm.tui.widgets.record_list import RecordList

VIEWS = (
    ("board", N_("Deadlines")),
    ("callbacks", N_("Callbacks")),
    ("reviews", N_("Fee reviews")),
    ("all", N_("All orders")),
)
WATCHED = {"repair", "callback", "complaint"}
DB_REFRESH_SECONDS = 30

register(
    DeskAction(
        "repairs.new",
        "ctrl+n",
        "new",
        N_("New"),
        N_("Take a repair request: household or public facility."),
        area="repairs",
        permission="repairs.intake",
    ),
    DeskAction(
        "repairs.next",
        "enter",
        "next_step",
        N_("Next step"),
        N_(
            "Do the highlighted order's next step: dispatch, on site, work done, "
            "callback, close; record a callback; review a fee."
        ),
        area="repairs",
    ),
    DeskAction(
        "repairs.actions",
        "ctrl+g",
        "actions",
        N_("Actions"),
        N_(
            "Every step that applies to the highlighted order: fees, hold, cancel, "
            "corrections, printing."
        ),
        area="repairs",
    ),
    DeskAction(
        "repairs.print",
        "ctrl+o",
        "print_order",
        N_("Print"),
        N_("Print or save the household work order or engineering notice."),
        area="repairs",
    ),
    DeskAction(
        "repairs.view",
        "ctrl+t",
        "next_view",
        N_("Next list"),
        N_("Deadline board, repair callbacks, fee reviews, all orders."),
        area="repairs",
    ),
    DeskAction(
        "repairs.search",
        "ctrl+f",
        "search",
        N_("Search"),
        N_("Find orders by number, unit, place, name or words."),
        area="repairs",
    ),
    DeskAction(
        "repairs.refresh",
        "ctrl+r",
        "refresh",
        N_("Refresh"),
        N_("Read the lists again now."),
        area="repairs",
        show=False,
    ),
    DeskAction(
        "repairs.engineers",
        "ctrl+l",
        "engineers",
        N_("Engineers"),
        N_("The engineers the desk dispatches to: who is on duty; a supervisor adds one."),
        area="repairs",
        permission="engineers.duty",
    ),
    DeskAction(
        "repairs.categories",
        "ctrl+b",
        "categories",
        N_("Categories"),
        N_("Add, rename, reclassify or retire repair categories (admin)."),
        area="repairs",
        permission="repairs.categories",
    ),
)


class RepairList(RecordList, inherit_bindings=False):
    """The area's lists: Enter is the screen's "Next step" (shown in the footer)."""

    BINDINGS = [b for b in RecordList.BINDINGS if not (isinstance(b, Binding) and b.key == "enter")]


def overdue_at_top(board: list[queries.BoardRow], now) -> int:
    """How many rows at the top of the board are past their deadline."""
    n = 0
    for row in board:
        if row.time_left(now).total_seconds() >= 0:
            break
        n += 1
    return n


class RepairsScreen(RepairFlows, AreaScreen):
    AREA = "repairs"
    BINDINGS = bindings(
        "repairs.new",
        "repairs.next",
        "repairs.actions",
        "repairs.print",
        "repairs.view",
        "repairs.search",
        "repairs.refresh",
        "repairs.engineers",
        "repairs.categories",
    )
    HELP_TEXT = N_(
        "The repair desk. The deadline board lists open orders, soonest deadline first: ⚑ "
        "the urgent on-site limit (2 h), else the repair limit (urgent 24 h, general 72 h); "
        "amber when little time is left, red when late; on-hold orders stay on the board. "
        "Marks: ¥? a fee waits for review, ↻ reopened, W warranty, A the resident chose a time "
        "after the deadline, ! a missed on-site limit. "
        "Ctrl+N takes a request; Enter does the next step (dispatch → on site → work done → "
        "callback → close); Ctrl+G shows every step (fees, fee acceptance, the resident's "
        "sign-off, hold, cancel, corrections); Ctrl+O prints or saves the work order. Ctrl+T "
        "goes to the repair callbacks, the fee reviews (supervisors) and all orders. Ctrl+L "
        "lists the engineers and who is on duty; Ctrl+B keeps the repair categories (admin)."
    )

    def __init__(self) -> None:
        super().__init__()
        self.view = "board"
        self.search_text = ""
        self.board: list[queries.BoardRow] = []
        self.counts = {"overdue": 0, "callbacks": 0, "reviews": 0}
        self.detail: queries.OrderDetail | None = None
        self.linked_complaints: list = []  # complaints linked to the order shown (case 1)
        self.detail_id: int | None = None
        self.focus_id: int | None = None  # an order to highlight once the list is read
        self._detail_lines = 0  # lines of the details pane as last laid out (empty at first)

    # -- layout ------------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        # Shown and hidden as show_view() will want them, so mounting lays them out once.
        with Horizontal(id="repairs-top"):
            yield Static(Text(""), id="repairs-views")
            search = PlainInput(placeholder=_("Search"), compact=True, id="repairs-search")
            search.display = self.view == "all"
            yield search
        for name, columns, empty in (
            ("board", views.board_columns(), _("No open repair orders.")),
            ("callbacks", views.callback_columns(), _("No repair callback is due.")),
            ("reviews", views.review_columns(), _("No fee waits for review.")),
            ("all", views.all_columns(), _("No orders found.")),
        ):
            listing = RepairList(
                columns, empty_text=empty, id=f"list-{name}", classes="repairs-list"
            )
            listing.display = name == self.view
            yield listing
        with VerticalScroll(id="repairs-detail-pane", can_focus=False):
            yield DetailPane(id="repairs-detail", fit=False)

    def on_mount(self) -> None:
        self.set_interval(1, self.tick)
        self.set_interval(DB_REFRESH_SECONDS, self.load)
        self.show_view("board")

    def _list(self, name: str | None = None) -> RecordList:
        return self.query_one(f"#list-{name or self.view}", RecordList)

    def show_view(self, name: str) -> None:
        self.view = name
        for other, _label in VIEWS:
            self._list(other).display = other == name
        self.query_one("#repairs-search", Input).display = name == "all"
        self._draw_views_line()
        self._show_detail(None)
        self.refresh_bindings()
        self.load()
        self._list().focus()

    def _draw_views_line(self) -> None:
        line = Text(no_wrap=True, end="")
        counts = {
            "board": len(self.board),
            "callbacks": self.counts["callbacks"],
            "reviews": self.counts["reviews"],
        }
        for name, text in VIEWS:
            piece = f" {_(text)}"
            if name in counts:
                piece += f" {counts[name]}"
            line.append(piece, style="bold reverse" if name == self.view else "bold")
            if name == "board" and self.counts["overdue"]:
                line.append(
                    " " + _("{n} overdue").format(n=self.counts["overdue"]),
                    style="bold white on red",
                )
            line.append(" ")
        self.query_one("#repairs-views", Static).update(line, layout=False)  # one line, always

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "new":
            return self.app.may("repairs.intake")
        if action in ("actions", "print_order"):
            return self.view in ("board", "all") and self._current_order_id() is not None
        if action == "search":
            return self.view == "all"
        if action == "engineers":
            return self.app.may("engineers.duty")
        if action == "categories":
            return self.app.may("repairs.categories")
        return True

    def action_engineers(self) -> None:
        from deskterm.tui.dialogs.engineers import EngineersDialog

        self.app.push_screen(EngineersDialog())

    def action_categories(self) -> None:
        from deskterm.tui.dialogs.repair_categories import RepairCategoriesDialog

        self.app.push_screen(RepairCategoriesDialog())

    # -- data --------------------------------------------------------------------------------
    def load(self) -> None:
        """Read the list in view and the counts on the top line (one read worker)."""
        now, settings, view, text = (
            self.app.clock.now(),
            self.app.settings,
            self.view,
            self.search_text,
        )

        def read(session):
            board = queries.list_board(session=session, now=now, settings=settings)
            counts = {
                "overdue": queries.count_overdue(session=session, now=now),
                "callbacks": len(callbacks.list_callbacks(session, now=now, kind="repair")),
                "reviews": len(fees.list_pending_reviews(session=session)),
            }
            rows: Sequence[object] | None = None  # the view's rows: callbacks, reviews or orders
            if view == "callbacks":
                rows = callbacks.list_callbacks(session, now=now, kind="repair")
            elif view == "reviews":
                rows = fees.list_pending_reviews(session=session)
            elif view == "all":
                rows = queries.list_orders(session=session, text=text)
            return view, board, counts, rows

        self.run_db(read, write=False, on_done=self._loaded, group="repairs-load", exclusive=True)

    def _loaded(self, result) -> None:
        view, board, counts, rows = result
        self.board, self.counts = board, counts
        self._draw_views_line()
        if view != self.view:
            return
        now, settings = self.app.clock.now(), self.app.settings
        if view == "board":
            self._draw_board()
        elif view == "callbacks":
            self._list().set_rows([views.callback_row(r, now, settings) for r in rows])
        elif view == "reviews":
            self._list().set_rows([views.review_row(line, order, settings) for line, order in rows])
        else:
            self._list().set_rows([views.all_row(o, label, now, settings) for o, label in rows])
        self._move_to_focus_id()
        self._highlight_current()
        self.refresh_bindings()

    def _draw_board(self) -> None:
        now, settings = self.app.clock.now(), self.app.settings
        board = self._list("board")
        # The overdue orders (soonest deadline first, so at the top) stay in view: an intake
        # that puts the cursor on a new order further down never scrolls them away while the
        # views line says "N overdue" (issue 16).
        board.pinned = overdue_at_top(self.board, now)
        board.set_rows([views.board_row(r, now, settings) for r in self.board])

    def _move_to_focus_id(self) -> None:
        if self.focus_id is None or self.view not in ("board", "all"):
            return
        lst = self._list()
        for index in range(lst.total):
            row = lst.row_at(index)
            if row is not None and row.key == self.focus_id:
                lst.cursor = index
                lst.action_cursor(0)  # scroll it into view
                break
        self.focus_id = None

    def tick(self) -> None:
        """Every second: the countdowns move (no database read)."""
        if self.view == "board" and self.board:
            self._draw_board()
        if self.detail is not None:
            self._draw_detail()

    def on_records_changed(self, message: RecordsChanged) -> None:
        if not message.kinds or WATCHED & set(message.kinds):  # empty: anything (another desk)
            self.load()
            self.reload_detail()

    def action_refresh(self) -> None:
        self.load()
        self.reload_detail()

    def action_next_view(self) -> None:
        names = [name for name, _label in VIEWS]
        self.show_view(names[(names.index(self.view) + 1) % len(names)])

    # -- search ------------------------------------------------------------------------------
    def action_search(self) -> None:
        self.query_one("#repairs-search", Input).focus()

    @on(Input.Submitted, "#repairs-search")
    def search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search_text = event.value.strip()
        self.load()
        self._list().focus()

    # -- the highlighted order ---------------------------------------------------------------
    def _current_order_id(self) -> int | None:
        row = self._list().current
        if row is None:
            return None
        if self.view in ("board", "all"):
            return row.key
        if self.view == "reviews":
            return row.data[1].id
        return row.data.callback.subject_id

    def _highlight_current(self) -> None:
        order_id = self._current_order_id()
        if order_id != self.detail_id:
            self._show_detail(order_id)

    @on(RecordList.Highlighted)
    def highlighted(self, event: RecordList.Highlighted) -> None:
        event.stop()
        self._highlight_current()
        self.refresh_bindings()

    def _show_detail(self, order_id: int | None) -> None:
        self.detail_id = order_id
        if order_id is None:
            self.detail = None
            self._draw_detail()
            return
        self.reload_detail()

    def reload_detail(self) -> None:
        order_id = self.detail_id
        if order_id is None:
            return
        self.run_db(
            lambda s: (
                queries.get_order_detail(session=s, order_id=order_id),
                complaint_links.complaints_of_repair(s, order_id),
            ),
            write=False,
            on_done=self._detail_loaded,
            group="repairs-detail",
            exclusive=True,
        )

    def _detail_loaded(self, loaded) -> None:
        detail, complaints = loaded
        if detail is None or detail.order.id != self.detail_id:
            return
        self.detail = detail
        self.linked_complaints = complaints
        self._draw_detail()

    def _draw_detail(self) -> None:
        text = views.detail_text(self.detail, self.app.clock.now(), self.app.settings)
        if self.detail is not None and self.linked_complaints:  # case 1: each shows the other
            text.append(
                "\n"
                + _("Complaints: {numbers}").format(
                    numbers=", ".join(c.number for c in self.linked_complaints)
                ),
                style="bold",
            )
        lines = len(text.plain.splitlines()) if text.plain else 0
        # Each second's countdown keeps the lines: repaint, lay out only when their count moves.
        self.query_one("#repairs-detail", DetailPane).show(text, layout=lines != self._detail_lines)
        self._detail_lines = lines

    def open_record(self, kind: str, record_id: int) -> None:
        """The dashboard opens an order: show it among all orders, highlighted."""
        if kind != "repair":
            return
        self.search_text = ""
        self.focus_id = record_id
        self.show_view("all")
