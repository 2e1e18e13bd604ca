"""The complaints area (客户沟通, D-40 to D-44): three lists on one screen — complaints, the
callback queue (repairs and complaints), and the communication log — with the highlighted
record's details below. Ctrl+T goes to the next list; Enter acts on the highlighted line.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Static

from deskterm.i18n import N_, _
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import AreaScreen
from deskterm.tui.messages import RecordsChanged
from deskterm.tui.screens import complaints_views as views
from deskterm.tui.screens.complaints_flows import ComplaintFlows
from deskterm.tui.widgets.detail import DetailPane
from deskterm.tui.widgets.field import PlainInput
from deskterm.tui.widgets.record_list import RecordList

VIEWS = (
    ("complaints", N_("Complaints")),
    ("callbacks", N_("Callbacks")),
    ("communications", N_("Comm. log")),
    ("areas", N_("Areas")),
)
FILTERS = {
    "complaints": (
        ("awaiting", N_("awaiting reply")),
        ("all", N_("all")),
        ("closed", N_("closed, to sign off")),
    ),
    "callbacks": (("pending", N_("to do")), ("all", N_("with done ones"))),
    "communications": (("all", N_("all")), ("due", N_("follow-ups due"))),
    "areas": (("pending", N_("not decided")), ("all", N_("all"))),
}
WATCHED = {"complaint", "callback", "communication", "repair", "public_area"}

register(
    DeskAction(
        "complaints.new",
        "ctrl+n",
        "new",
        N_("New"),
        N_("A new complaint, or a new line in the communication log."),
        area="complaints",
    ),
    DeskAction(
        "complaints.open",
        "enter",
        "open",
        N_("Act"),
        N_(
            "Act on the highlighted line: handle the complaint, record the callback, "
            "mark the follow-up done."
        ),
        area="complaints",
        priority=True,
    ),
    DeskAction(
        "complaints.view",
        "ctrl+t",
        "next_view",
        N_("Next list"),
        N_(
            "Complaints, then the callback queue, the communication log, then the "
            "public-area requests."
        ),
        area="complaints",
    ),
    DeskAction(
        "complaints.filter",
        "ctrl+l",
        "next_filter",
        N_("Filter"),
        N_("Change what the list shows (awaiting reply, all, ...)."),
        area="complaints",
    ),
    DeskAction(
        "complaints.search",
        "ctrl+f",
        "search",
        N_("Search"),
        N_("Search by number, name or words."),
        area="complaints",
    ),
    DeskAction(
        "complaints.refresh",
        "ctrl+r",
        "refresh",
        N_("Refresh"),
        N_("Read the lists again now."),
        area="complaints",
        show=False,
    ),
    DeskAction(
        "complaints.categories",
        "ctrl+o",
        "categories",
        N_("Categories"),
        N_("Add, rename or withdraw complaint categories (admin)."),
        area="complaints",
        permission="complaints.categories",
    ),
)


class ComplaintsScreen(ComplaintFlows, AreaScreen):
    AREA = "complaints"
    BINDINGS = bindings(
        "complaints.new",
        "complaints.open",
        "complaints.view",
        "complaints.filter",
        "complaints.search",
        "complaints.refresh",
        "complaints.categories",
    )
    HELP_TEXT = N_(
        "Complaints, callbacks and the communication log. Ctrl+T switches between the three "
        "lists, Ctrl+L changes the filter, Ctrl+F searches. Ctrl+N records a new complaint "
        "(or a communication, in the log). Enter on a complaint opens what can be done: a "
        "handling step, a referral with a reply deadline, the answer, a sign-off. Enter on a "
        "callback records it; Enter on a communication marks its follow-up done. Red: late."
    )

    def __init__(self) -> None:
        super().__init__()
        self.view = "complaints"
        self.filters = {name: FILTERS[name][0][0] for name in FILTERS}
        self.search_text = {name: "" for name in FILTERS}
        self.counts: dict[str, tuple[int, int]] = {}
        self.severe = 0
        self._stale = False

    # -- layout ------------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="complaints-top"):
            yield Static(Text(""), id="views-line")
            yield PlainInput(placeholder=_("Search"), compact=True, id="complaints-search")
        for name, _label in VIEWS:
            yield RecordList(
                views.columns(name),
                empty_text=_("Nothing here."),
                id=f"list-{name}",
                classes="complaints-list",
            )
        with VerticalScroll(id="detail-pane", can_focus=False):
            yield DetailPane(id="detail", fit=False)

    def on_mount(self) -> None:
        self.show_view(self.view)

    def _list(self, name: str | None = None) -> RecordList:
        return self.query_one(f"#list-{name or self.view}", RecordList)

    def show_view(self, name: str) -> None:
        self.view = name
        for other, _label in VIEWS:
            self._list(other).display = other == name
        search = self.query_one("#complaints-search", Input)
        search.display = name != "callbacks"
        search.value = self.search_text[name]
        self._draw_views_line()
        self.query_one("#detail", DetailPane).show(Text(""))
        self.refresh_bindings()
        self.load(name)
        self._list().focus()

    def _draw_views_line(self) -> None:
        line = Text(no_wrap=True, end="")
        if self.severe and self.app.may("complaints.sign_off"):  # first: never cut off
            line.append(
                " " + _("Severe: {n}").format(n=self.severe) + " ", style="bold white on red"
            )
        for name, text in VIEWS:
            total, late = self.counts.get(name, (0, 0))
            piece = f" {_(text)} {total}" if name in self.counts else f" {_(text)}"
            line.append(piece, style="bold reverse" if name == self.view else "bold")
            if late:
                line.append(f" !{late}", style="bold red")
            line.append(" ")
        filt = dict(FILTERS[self.view])[self.filters[self.view]]
        line.append(" · " + _(filt), style="dim")
        self.query_one("#views-line", Static).update(line)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "new":
            return self.view != "callbacks" and self.app.may(
                "complaints.intake"
                if self.view in ("complaints", "areas")
                else "communications.record"
            )
        if action == "search":
            return self.view != "callbacks"
        if action == "categories":
            return self.app.may("complaints.categories")
        return True

    # -- data --------------------------------------------------------------------------------
    def load(self, name: str | None = None, *, keep_position: bool = False) -> None:
        name = name or self.view
        now = self.app.clock.now()
        settings = self.app.settings
        filter_, search = self.filters[name], self.search_text[name]

        def loaded(rows) -> None:
            records = self._list(name)
            if not keep_position:
                records.cursor = 0
            records.set_rows(rows)
            if name == self.view:
                self._show_current()

        self.run_db(
            lambda s: views.rows(s, name, filter_, search, now, settings),
            write=False,
            on_done=loaded,
            group=f"complaints-rows-{name}",
            exclusive=True,
        )
        self.run_db(
            lambda s: views.counts(s, now),
            write=False,
            on_done=self._counted,
            group="complaints-counts",
            exclusive=True,
        )

    def _show_current(self) -> None:
        row = self._list().current
        if row is None:
            self.query_one("#detail", DetailPane).show(Text(""))
            return
        self._load_detail(*row.key)

    def _counted(self, result) -> None:
        self.counts, self.severe = result
        self._draw_views_line()

    def on_records_changed(self, message: RecordsChanged) -> None:
        if message.kinds and not (message.kinds & WATCHED):
            return
        if self.app.screen is self:
            self.load(keep_position=True)
        else:
            self._stale = True

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._stale:
            self._stale = False
            self.load(keep_position=True)

    def saved(self, *kinds: str) -> None:
        self.records_changed(*kinds)
        self.load(keep_position=True)

    # -- actions -----------------------------------------------------------------------------
    def action_next_view(self) -> None:
        names = [name for name, _label in VIEWS]
        self.show_view(names[(names.index(self.view) + 1) % len(names)])

    def action_next_filter(self) -> None:
        options = [code for code, _label in FILTERS[self.view]]
        current = options.index(self.filters[self.view])
        self.filters[self.view] = options[(current + 1) % len(options)]
        self._draw_views_line()
        self.load()

    def action_search(self) -> None:
        if self.view != "callbacks":
            self.query_one("#complaints-search", Input).focus()

    def action_categories(self) -> None:
        from deskterm.tui.dialogs.complaint_categories import ComplaintCategoriesDialog

        self.app.push_screen(ComplaintCategoriesDialog())

    def action_refresh(self) -> None:
        self.load(keep_position=True)

    def action_new(self) -> None:
        if self.view == "complaints":
            self.new_complaint()
        elif self.view == "communications":
            self.new_communication()
        elif self.view == "areas":
            self.new_area_request()

    def action_open(self) -> None:
        search = self.query_one("#complaints-search", Input)
        if self.focused is search:
            self.search_text[self.view] = search.value.strip()
            self.load()
            self._list().focus()
            return
        records = self._list()
        if self.focused is records:
            records.action_select()
        else:
            records.focus()

    @on(RecordList.Selected, ".complaints-list")
    def line_selected(self, event: RecordList.Selected) -> None:
        kind, record_id = event.key
        self.act_on(kind, record_id)

    @on(RecordList.Highlighted, ".complaints-list")
    def line_highlighted(self, event: RecordList.Highlighted) -> None:
        self._load_detail(*event.key)

    def _load_detail(self, kind: str, record_id: int) -> None:
        now = self.app.clock.now()
        tz = self.app.settings.timezone
        self.run_db(
            lambda s: views.detail(s, kind, record_id, now, tz),
            write=False,
            on_done=self._show_detail,
            group="complaints-detail",
            exclusive=True,
        )

    def _show_detail(self, text: Text) -> None:
        self.query_one("#detail", DetailPane).show(text)
        self.query_one("#detail-pane", VerticalScroll).scroll_home(animate=False)

    def open_record(self, kind: str, record_id: int) -> None:
        """From the dashboard: go to the right list and act on the record at once."""
        target = {
            "complaint": "complaints",
            "callback": "callbacks",
            "communication": "communications",
            "public_area": "areas",
        }.get(kind)
        if target is None:
            return
        if target != self.view:
            self.show_view(target)
        self.act_on(kind, record_id)
