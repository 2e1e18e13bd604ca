"""The visitor-slip desk (D-4 to D-8): scan a slip to check out, register a visitor, and see
who is on site, who is expected, the history and the deny list.

The slip-number field at the top has the focus: a barcode scanner types the number and
Enter, and the visitor is checked out. Ctrl+N registers a visitor; Ctrl+T turns the views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import AwaitMount
from textual.widgets import ContentSwitcher, Digits, Input, Static

from deskterm.errors import NotFound
from deskterm.i18n import N_, _
from deskterm.models.visitor import ExpectedVisitor, VisitorSlip
from deskterm.services.visitors import checks
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.deny import add_deny_entry, list_deny_entries, remove_deny_entry
from deskterm.services.visitors.expected import cancel_expected, list_expected
from deskterm.services.visitors.onsite import list_on_site
from deskterm.tui import fmt
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import AreaScreen
from deskterm.tui.dialogs.confirm import ConfirmDialog
from deskterm.tui.dialogs.visitor_deny import DenyEntryDialog
from deskterm.tui.dialogs.visitor_expected import ArrivalDialog
from deskterm.tui.messages import RecordsChanged
from deskterm.tui.scanner import checked_out_text
from deskterm.tui.screens.visitors_history import HistoryView
from deskterm.tui.screens.visitors_register import RegisterFlow
from deskterm.tui.screens.visitors_slips import SlipActions
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.sla import format_span
from deskterm.tui.widgets.text import plain
from deskterm.tui.worker import describe_error

if TYPE_CHECKING:
    from sqlmodel import Session

REFRESH_SECONDS = 30
HISTORY_MOUNT_SECONDS = 1.0  # after the first lists are shown
VIEWS = ("on-site", "expected", "history", "deny")
VIEW_LABELS = {
    "on-site": N_("On site"),
    "expected": N_("Expected today"),
    "history": N_("History"),
    "deny": N_("Deny list"),
}

register(
    DeskAction(
        "visitors.new",
        "ctrl+n",
        "new_slip",
        N_("New slip"),
        N_("Register a visitor after seeing their document."),
        area="visitors",
        permission="visitors.register",
    ),
    DeskAction(
        "visitors.expect",
        "ctrl+n",
        "new_expected",
        N_("Expect"),
        N_("Write down a visitor a resident or tenant announced."),
        area="visitors",
        permission="visitors.expect",
    ),
    DeskAction(
        "visitors.deny_add",
        "ctrl+n",
        "deny_add",
        N_("Add name"),
        N_("Add a name to the deny list (supervisors)."),
        area="visitors",
        permission="visitors.deny_list",
    ),
    DeskAction(
        "visitors.open",
        "enter",
        "open",
        N_("Open"),
        N_("Open the highlighted line: check out, lost slip, arrival, correct."),
    ),
    DeskAction(
        "visitors.view",
        "ctrl+t",
        "next_view",
        N_("Views"),
        N_("On site → Expected today → History → Deny list."),
        area="visitors",
    ),
    DeskAction(
        "visitors.scan",
        "ctrl+f",
        "find",
        N_("Slip"),
        N_("Type or scan a slip number (in History: the search filters)."),
        area="visitors",
    ),
    DeskAction(
        "visitors.rollcall",
        "ctrl+g",
        "roll_call",
        N_("Roll call"),
        N_("Evacuation roll call: everyone on site now, printed at once."),
        area="visitors",
    ),
    DeskAction(
        "visitors.print",
        "ctrl+o",
        "print_last",
        N_("Print slip"),
        N_("Print the slip just issued."),
        area="visitors",
    ),
    DeskAction(
        "visitors.remove",
        "delete",
        "remove",
        N_("Remove"),
        N_("Cancel the highlighted expected visitor, or take the name off the deny list."),
    ),
    DeskAction(
        "visitors.refresh",
        "ctrl+r",
        "refresh",
        N_("Refresh"),
        N_("Read the lists again now."),
        area="visitors",
    ),
)


class VisitorsScreen(RegisterFlow, SlipActions, AreaScreen):
    AREA = "visitors"
    BINDINGS = bindings(
        "visitors.new",
        "visitors.expect",
        "visitors.deny_add",
        "visitors.open",
        "visitors.view",
        "visitors.scan",
        "visitors.rollcall",
        "visitors.print",
        "visitors.remove",
        "visitors.refresh",
    )
    HELP_TEXT = N_(
        "Check-out: scan the slip wherever you are, or type its number in the top field and "
        "press Enter. A slip without its paper: open it from the list with Enter, then "
        "l (lost slip). A check-out made by mistake: open it in History, then u. Ctrl+N "
        "registers a visitor after seeing their document; a walk-in's host is called "
        "first. Ctrl+T turns the views: who is on site (long stays in colour), who is "
        "expected today (Enter checks them in), the history (search, PgDn/PgUp) and the deny "
        "list. Ctrl+G makes the evacuation roll call."
    )

    def __init__(self) -> None:
        super().__init__()
        self.view = VIEWS[0]
        self.last_issued: VisitorSlip | None = None
        self.expected_rows: dict[int, ExpectedVisitor] = {}
        self._stale = False
        self._history_mount: AwaitMount | None = None
        self._history_due = False

    def title_text(self) -> str:
        return _("Visitors")

    # -- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(id="visitors-body"):
            yield FormField(
                _("Slip No."),
                name="number",
                max_length=40,
                label_width=10,
                placeholder=_("scan or type the slip number, then Enter"),
            )
            yield Static("", id="scan-result", markup=False)
            with Horizontal(id="issued-banner"):
                yield Static("", id="issued-prefix")
                yield Digits("", id="issued-digits")
                yield Static("", id="issued-text", markup=False)
            yield Static("", id="view-bar")
            with ContentSwitcher(initial="view-on-site", id="views"):
                yield RecordList(
                    [
                        Column(_("Slip"), 14),
                        Column(_("Visitor"), 14),
                        Column(_("Visiting"), 0),
                        Column(_("In"), 5),
                        Column(_("Stay"), 8, "right"),
                    ],
                    empty_text=_("Nobody is on site."),
                    id="view-on-site",
                    find_column=1,
                )
                # hidden from the start, as the switcher will want them (no second layout)
                yield self._hidden(
                    RecordList(
                        [
                            Column(_("Visitor"), 14),
                            Column(_("Visiting"), 0),
                            Column(_("Purpose"), 10),
                            Column(_("Note"), 16),
                        ],
                        empty_text=_("No visitor is expected today. Ctrl+N writes one down."),
                        id="view-expected",
                        find_column=0,
                    )
                )
                # the history view (its six filters) is mounted once the lists are painted
                yield self._hidden(
                    RecordList(
                        [Column(_("Name"), 14), Column(_("Reason"), 0), Column(_("Since"), 11)],
                        empty_text=_("The deny list is empty."),
                        id="view-deny",
                        find_column=0,
                    )
                )

    @staticmethod
    def _hidden(widget):
        widget.display = False
        return widget

    def on_mount(self) -> None:
        self.set_interval(REFRESH_SECONDS, self.refresh_lists)
        self.show_view_bar({})
        self.scan_input.focus()
        self.refresh_lists()

    @property
    def scan_input(self) -> Input:
        return self.query_one("#number-input", Input)

    # -- keys that apply now ---------------------------------------------------------------
    def check_action(self, action: str, parameters) -> bool | None:
        if action == "new_slip":
            return self.view in ("on-site", "history") and self.app.may("visitors.register")
        if action == "new_expected":
            return self.view == "expected" and self.app.may("visitors.expect")
        if action == "deny_add":
            return self.view == "deny" and self.app.may("visitors.deny_list")
        if action == "remove":
            if self.view == "expected":
                return self.app.may("visitors.expect")
            return self.view == "deny" and self.app.may("visitors.deny_list")
        if action == "print_last":
            return self.last_issued is not None and bool(self.app.settings.print_command)
        return True

    # -- the lists -------------------------------------------------------------------------
    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._stale:
            self.refresh_lists()

    def on_records_changed(self, message: RecordsChanged) -> None:
        if message.kinds and "visitor" not in message.kinds:  # empty: anything (another desk)
            return
        if self.app.screen is self:
            self.refresh_lists()
        else:
            self._stale = True

    def action_refresh(self) -> None:
        self.refresh_lists()

    def refresh_lists(self) -> None:
        self._stale = False
        app = self.app
        issued_id = self.last_issued.id if self.last_issued is not None else None

        def read(session):
            issued = None
            if issued_id is not None:  # the banner's slip as it now is (another desk may
                try:  # have corrected it)
                    issued = visitors.get_slip(session=session, slip_id=issued_id)
                except NotFound:
                    issued = None
            return (
                list_on_site(session=session, clock=app.clock, settings=app.settings),
                list_expected(session=session, clock=app.clock, settings=app.settings),
                list_deny_entries(session=session),
                issued,
            )

        self.run_db(
            read, on_done=self.show_lists, write=False, group="visitor-lists", exclusive=True
        )

    def show_lists(self, lists) -> None:
        on_site, expected, deny, issued = lists
        shown = self.last_issued
        if issued is not None and shown is not None and issued.id == shown.id:
            if issued.version != shown.version:  # the banner and Print last follow it
                self.show_issued(issued)
                self.show_result(
                    _("✓ Slip {number} corrected: {name}.").format(
                        number=issued.number, name=issued.visitor_name
                    ),
                    ok=True,
                )
        now = self.app.clock.now()
        tz = self.app.settings.timezone
        rows = []
        for r in on_site.rows:
            style = "overdue" if r.long_stay else ""
            who = f"{r.visitor_name}×{r.headcount}" if r.headcount > 1 else r.visitor_name
            span = format_span(now - r.checked_in_at)
            # stands out even under the cursor, and without colour
            stay: str | Text = Text("!" + span, style="bold") if r.long_stay else span
            rows.append(
                Row(
                    r.id,
                    [r.number, who, r.host_text, fmt.hm(r.checked_in_at, tz), stay],
                    style=style,
                )
            )
        self.query_one("#view-on-site", RecordList).set_rows(rows)
        self.expected_rows = {e.id: e for e in expected}
        self.query_one("#view-expected", RecordList).set_rows(
            [
                Row(
                    e.id,
                    [
                        f"{e.visitor_name}×{e.headcount}" if e.headcount > 1 else e.visitor_name,
                        e.host_text,
                        checks.label(checks.PURPOSE_LABELS, e.purpose),
                        e.note,
                    ],
                )
                for e in expected
            ]
        )
        self.query_one("#view-deny", RecordList).set_rows(
            [Row(d.id, [d.name, d.reason, fmt.day_hm(d.created_at, tz)]) for d in deny]
        )
        long_stays = sum(1 for r in on_site.rows if r.long_stay)
        self.show_view_bar(
            {
                "on-site": (len(on_site.rows), on_site.people, long_stays),
                "expected": len(expected),
                "deny": len(deny),
            }
        )
        if not self._history_due:  # once the lists are on screen, in a quiet moment
            self._history_due = True
            self.set_timer(HISTORY_MOUNT_SECONDS, self._mount_history_soon)

    def _mount_history_soon(self) -> None:
        # Not in the background of another area (it would slow that one), not awaited.
        if self._history_mount is None and self.is_current:
            self.mount_history()

    def mount_history(self) -> AwaitMount:
        """The history view, hidden: mounted a second after the first lists are painted, or
        once "Expected today" is shown (the view before it), not with the screen (its filters
        are a third of the screen's widgets). Ctrl+T waits for it if it is not there yet."""
        if self._history_mount is None:
            view = HistoryView(id="view-history")
            view.display = False
            self._history_mount = self.query_one("#views", ContentSwitcher).mount(view)
        return self._history_mount

    def show_view_bar(self, counts: dict) -> None:
        if counts:
            self._counts = counts
        counts = getattr(self, "_counts", {})
        bar = Text(no_wrap=True, end="")
        for view in VIEWS:
            label = _(VIEW_LABELS[view])
            if view == "on-site" and view in counts:
                slips, people, long_stays = counts[view]
                label += " " + _("{slips} · {people} people").format(slips=slips, people=people)
                if long_stays:
                    label += " " + _("· {n} long").format(n=long_stays)
            elif view in counts and view != "on-site":
                label += f" {counts[view]}"
            style = "bold reverse" if view == self.view else "dim"
            bar.append(f" {label} ", style=style)
            bar.append(" ")
        self.query_one("#view-bar", Static).update(bar, layout=False)  # one line, always

    async def action_next_view(self) -> None:
        view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        if view == "history":
            await self.mount_history()
        self.switch_view(view)

    def switch_view(self, view: str) -> None:
        self.view = view
        self.query_one("#views", ContentSwitcher).current = f"view-{view}"
        self.show_view_bar({})
        self.refresh_bindings()
        if view == "history":
            history = self.query_one(HistoryView)
            if history.query_now is None:  # after the layout: a page fills the list
                self.call_after_refresh(history.search)
            history.query_one("#history-list").focus()
        else:
            self.query_one(f"#view-{view}").focus()
            if view == "expected":
                self.call_after_refresh(self._mount_history_soon)

    def action_find(self) -> None:
        if self.view == "history":
            self.query_one(HistoryView).focus_filters()
        else:
            self.scan_input.focus()

    def action_open(self) -> None:
        listing = self._current_list()
        if listing is None:
            return
        if self.focused is listing:
            listing.action_select()
        else:
            listing.focus()

    def _current_list(self) -> RecordList | None:
        if self.view == "history":
            return self.query_one("#history-list", RecordList)
        return self.query_one(f"#view-{self.view}", RecordList)

    # -- check-out by slip number (a scanner types it, then Enter) -------------------------
    @on(Input.Submitted, "#number-input")
    def scan_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        if not text.strip():  # Enter on an empty field: go to the list in view
            listing = self._current_list()
            if listing is not None:
                listing.focus()
            return
        self.scan_checkout(text)

    def scan_checkout(self, text: str) -> None:
        """Check out the slip with this number: typed in the field, or scanned with any
        focus (DeskApp.check_out_scanned); never the highlighted row."""
        app = self.app
        self.scan_input.value = text  # kept in sight if it is refused
        self.run_db(
            lambda s: visitors.check_out(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                settings=app.settings,
                number=text,
            ),
            on_done=self.checked_out,
            on_error=self.scan_failed,
            group="checkout",
        )

    def checked_out(self, slip: VisitorSlip) -> None:
        self.scan_input.value = ""
        self.scan_input.focus()
        self.show_result(self._checked_out_text(slip), ok=True)
        self.hide_banner()
        self.records_changed("visitor")
        self.refresh_lists()

    def _checked_out_text(self, slip: VisitorSlip) -> str:
        return checked_out_text(slip, self.app.settings)

    def scan_failed(self, exc: BaseException) -> None:
        self.show_result(describe_error(exc), ok=False)
        self.scan_input.focus()
        self.scan_input.select_all()  # kept, and the next scan replaces it

    def show_result(self, message: str, *, ok: bool) -> None:
        result = self.query_one("#scan-result", Static)
        result.set_class(ok, "-ok")
        result.set_class(not ok, "-error")
        result.update(plain(message))

    # -- a slip from a list ----------------------------------------------------------------
    @on(RecordList.Selected)
    def line_selected(self, event: RecordList.Selected) -> None:
        event.stop()
        list_id = event.record_list.id
        if list_id == "view-expected":
            expected = self.expected_rows.get(event.key)
            if expected is not None:
                self.app.push_screen(
                    ArrivalDialog(expected), lambda arrival: self._arrived(expected, arrival)
                )
        elif list_id in ("view-on-site", "history-list"):
            self.open_slip(event.key)

    # -- removing: an expected visitor, a deny-list name -----------------------------------
    def action_remove(self) -> None:
        listing = self._current_list()
        row = listing.current if listing else None
        if row is None:
            self.app.bell()
            return
        app = self.app
        work: Callable[[Session], object]
        if self.view == "expected":
            question = _("Cancel the expected visitor {name}?").format(name=row.cells[0])
            work = lambda s: cancel_expected(  # noqa: E731
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                expected_id=row.key,
            )
        else:
            question = _("Take {name} off the deny list?").format(name=row.cells[0])
            work = lambda s: remove_deny_entry(  # noqa: E731
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                entry_id=row.key,
            )

        def confirmed(yes: bool) -> None:
            if yes:
                self.run_db(work, on_done=lambda _r: self.refresh_lists(), group="save")

        self.app.push_screen(ConfirmDialog(question), confirmed)

    def action_deny_add(self, name: str = "", reason: str = "", error=None) -> None:
        def done(values) -> None:
            if values is None:
                return
            app = self.app
            self.run_db(
                lambda s: add_deny_entry(
                    session=s,
                    actor=app.signed_in_actor,
                    clock=app.clock,
                    name=values[0],
                    reason=values[1],
                ),
                on_done=lambda _e: self.refresh_lists(),
                on_error=lambda exc: self.action_deny_add(values[0], values[1], exc),
                group="save",
            )

        self.app.push_screen(DenyEntryDialog(name, reason, error), done)
