"""The dashboard: what needs the desk's attention now, live.

Left, the categories with their counts (and how many are late); right, the records of the
highlighted category, most urgent first, paged from the database. Enter opens a record in
its area. Refreshes every 30 seconds, when the screen comes back into view, and after saves.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from deskterm.i18n import N_, _
from deskterm.services.shift import dashboard
from deskterm.tui import fmt
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import AreaScreen
from deskterm.tui.dialogs.report_view import ReportDialog
from deskterm.tui.messages import RecordsChanged
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.sla import format_span, row_style, sla_text
from deskterm.tui.widgets.text import fit

REFRESH_SECONDS = 30
CATEGORY_WIDTH = 26

register(
    DeskAction(
        "dashboard.refresh",
        "ctrl+r",
        "refresh",
        N_("Refresh"),
        N_("Count everything again now (it also refreshes by itself)."),
        area="dashboard",
    ),
    DeskAction(
        "dashboard.open",
        "enter",
        "open",
        N_("Open"),
        N_("Open the highlighted record in its area."),
        area="dashboard",
    ),
    DeskAction(
        "dashboard.report",
        "ctrl+o",
        "shift_report",
        N_("Shift report"),
        N_("Read the latest shift's report (supervisors)."),
        area="dashboard",
        permission="report.run",
    ),
    DeskAction(
        "dashboard.close_shift",
        "ctrl+e",
        "close_shift",
        N_("Close shift"),
        N_("Close the shift an operator left open at this post, with a reason (supervisors)."),
        area="dashboard",
        permission="shift.close_other",
    ),
)


class DashboardScreen(AreaScreen):
    AREA = "dashboard"
    BINDINGS = bindings(
        "dashboard.open", "dashboard.refresh", "dashboard.report", "dashboard.close_shift"
    )
    HELP_TEXT = N_(
        "What needs attention now. Up/Down choose a category on the left; Tab or Enter moves "
        "to its records on the right, most urgent first (red: late, amber: close to the "
        "deadline); Enter opens one in its area. The counts refresh by themselves."
    )

    def __init__(self) -> None:
        super().__init__()
        self.category_id = dashboard.CATEGORIES[0].id
        self.counts: dict[str, dashboard.CategoryCount] = {}
        self._stale = False

    def title_text(self) -> str:
        return _("Dashboard")

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="dashboard-body"):
            with Vertical(id="categories-pane"):
                yield Static(Text(_("Needs attention")), classes="section-title")
                yield OptionList(*self._options(), id="categories", compact=True)
            with Vertical(id="items-pane"):
                yield Static(Text(""), id="items-title", classes="section-title")
                yield RecordList(
                    [Column(_("Ref"), 14), Column(_("What"), 0), Column(_("Time"), 12, "right")],
                    empty_text=_("Nothing here."),
                    id="items",
                )

    def _categories(self) -> list[dashboard.Category]:
        return dashboard.categories_for(self.app.actor)

    def _prompt(self, category: dashboard.Category) -> Text:
        count = self.counts.get(category.id)
        label = fit(_(category.label), CATEGORY_WIDTH - 10)
        text = Text(label, no_wrap=True, end="")
        if count is None:
            text.append(fit("…", 5, align="right"))
            return text
        style = "bold" if count.total else "dim"
        text.append(
            fit(str(count.total) if count.total < 10000 else "9999+", 5, align="right"), style=style
        )
        if count.late:
            late = f"!{count.late}" if count.late < 1000 else "!999"
            text.append(fit(late, 5, align="right"), style="bold red")
        return text

    def _options(self) -> list[Option]:
        return [Option(self._prompt(c), id=c.id) for c in self._categories()]

    def on_mount(self) -> None:
        self.set_interval(REFRESH_SECONDS, self.refresh_all)
        self.query_one("#categories", OptionList).focus()
        self.query_one("#categories", OptionList).highlighted = 0
        self.refresh_all()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._stale:
            self.refresh_all()

    def on_records_changed(self, message: RecordsChanged) -> None:
        if self.app.screen is self:
            self.refresh_all()
        else:
            self._stale = True

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "shift_report":
            return self.app.may("report.run")
        if action == "close_shift":
            return self.app.may("shift.close_other")
        return True

    def action_shift_report(self) -> None:
        self.app.push_screen(ReportDialog())

    def action_refresh(self) -> None:
        self.refresh_all()

    def action_close_shift(self) -> None:
        """Issue 14, item 4: a supervisor frees a post whose operator left without handing over."""
        from deskterm.services.shift import duty

        post = self.app.settings.post
        self.run_db(
            lambda s: duty.on_duty(s, post=post),
            write=False,
            on_done=self._ask_close_reason,
            group="close-shift",
            exclusive=True,
        )

    def _ask_close_reason(self, holder) -> None:
        from deskterm.services.shift import duty
        from deskterm.tui.dialogs.reason import ReasonDialog

        if holder is None:
            self.notify(_("No shift is open at this post."), markup=False)
            return
        app = self.app
        actor = app.signed_in_actor

        def closed(_shift) -> None:
            self.notify(
                _("The shift of {name} is closed; the post is free.").format(name=holder.name),
                markup=False,
            )
            self.records_changed("shift", "logbook")

        def work(reason: str):
            return lambda s: duty.close_abandoned(
                session=s,
                actor=actor,
                clock=app.clock,
                settings=app.settings,
                shift_id=holder.shift.id,
                reason=reason,
            )

        app.push_screen(
            ReasonDialog(
                _("Close the shift of {name} ({code}) without its handover? Say why.").format(
                    name=holder.name, code=holder.code
                ),
                label=_("Reason"),
            ).save_with(work),
            lambda shift: closed(shift) if shift is not None else None,
        )

    def _scope(self) -> dashboard.Scope:
        return dashboard.Scope(
            now=self.app.clock.now(), settings=self.app.settings, actor=self.app.signed_in_actor
        )

    def refresh_all(self) -> None:
        self._stale = False
        scope = self._scope()
        self.run_db(
            lambda s: dashboard.counts(s, scope),
            write=False,
            on_done=self.show_counts,
            group="dashboard-counts",
            exclusive=True,
        )
        self.load_items(keep_position=True)

    def show_counts(self, counts: dict[str, dashboard.CategoryCount]) -> None:
        self.counts = counts
        options = self.query_one("#categories", OptionList)
        for category in self._categories():
            options.replace_option_prompt(category.id, self._prompt(category))
        self._show_title()

    def _show_title(self) -> None:
        category = dashboard.BY_ID[self.category_id]
        count = self.counts.get(category.id)
        title = _(category.label) + (f" ({count.total})" if count else "")
        self.query_one("#items-title", Static).update(Text(title))

    @on(OptionList.OptionHighlighted, "#categories")
    def category_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id and event.option_id != self.category_id:
            self.category_id = event.option_id
            self.load_items()

    @on(OptionList.OptionSelected, "#categories")
    def category_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#items", RecordList).focus()

    def load_items(self, keep_position: bool = False) -> None:
        category = dashboard.BY_ID[self.category_id]
        scope = self._scope()
        policy = self.app.settings.sla
        tz = self.app.settings.timezone

        def source(session, offset: int, limit: int):
            items = category.page(session, scope, offset, limit)
            total = category.count(session, scope)
            return [self._row(item, scope, policy, tz) for item in items], total

        self._show_title()
        self.query_one("#items", RecordList).set_source(source, keep_position=keep_position)

    @staticmethod
    def _row(item: dashboard.AttentionItem, scope: dashboard.Scope, policy, tz: str) -> Row:
        now = scope.now
        ref = item.ref or fmt.hm(item.at, tz)
        if item.kind == "visitor" and item.at is not None:
            stay = now - item.at
            style = row_style(item.due_at, now)
            when = Text(format_span(stay), style="dark_orange" if style else "")
            return Row((item.kind, item.id), [ref, item.text, when], style=style)
        if item.kind in ("logbook", "handover"):
            return Row((item.kind, item.id), [ref, item.text, fmt.hm(item.at, tz)])
        if item.due_at is None:
            return Row((item.kind, item.id), [ref, item.text, fmt.day_hm(item.at, tz)])
        return Row(
            (item.kind, item.id),
            [ref, item.text, sla_text(item.due_at, now, item.started_at, policy)],
            style=row_style(item.due_at, now, item.started_at, policy),
        )

    def action_open(self) -> None:
        items = self.query_one("#items", RecordList)
        if self.focused is items:
            items.action_select()
        else:
            items.focus()

    @on(RecordList.Selected, "#items")
    def item_selected(self, event: RecordList.Selected) -> None:
        kind, record_id = event.key
        self.run_worker(self.app.open_record(kind, record_id), exclusive=True, group="open")
