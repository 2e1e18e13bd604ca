"""The visitor-slip desk (D-4 to D-8): scan a slip to check out, register a visitor, and see
who is on site, who is expected, the history and the deny list.

The slip-number field at the top has the focus: a barcode scanner types the number and
Enter, and the visitor is checked out. Ctrl+N registers a visitor; Ctrl+T turns the views.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, Digits, Input, Static

from deskterm.errors import DeskError, InvalidInput
from deskterm.i18n import N_, _
from deskterm.models.visitor import DocType, HostCallResult, VisitorSlip, VisitorSlipCreate
from deskterm.rules.numbering import local_day
from deskterm.services import visitors
from deskterm.services.visitor_deny import add_deny_entry, list_deny_entries, remove_deny_entry
from deskterm.services.visitor_expected import add_expected, cancel_expected, list_expected
from deskterm.services.visitor_onsite import list_on_site
from deskterm.services.visitor_print import print_text, roll_call_text, slip_text
from deskterm.tui import fmt
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.dialogs.confirm import ConfirmDialog
from deskterm.tui.dialogs.visitor_call import HostCallDialog
from deskterm.tui.dialogs.visitor_deny import DenyEntryDialog
from deskterm.tui.dialogs.visitor_edit import EditSlipDialog
from deskterm.tui.dialogs.visitor_expected import ArrivalDialog, ExpectedDialog
from deskterm.tui.dialogs.visitor_form import RegisterSlipDialog, SlipDraft
from deskterm.tui.dialogs.visitor_rollcall import RollCallDialog
from deskterm.tui.dialogs.visitor_slip import SlipDialog
from deskterm.tui.dialogs.visitor_supervisor import SupervisorDialog
from deskterm.tui.messages import RecordsChanged
from deskterm.tui.screens.base import AreaScreen
from deskterm.tui.screens.visitors_history import HistoryView
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.sla import format_span
from deskterm.tui.widgets.text import plain
from deskterm.tui.worker import describe_error

REFRESH_SECONDS = 30
VIEWS = ("on-site", "expected", "history", "deny")
VIEW_LABELS = {"on-site": N_("On site"), "expected": N_("Expected today"),
               "history": N_("History"), "deny": N_("Deny list")}

register(
    DeskAction("visitors.new", "ctrl+n", "new_slip", N_("New slip"),
               N_("Register a visitor after seeing their document (D-5)."),
               area="visitors", permission="visitors.register"),
    DeskAction("visitors.expect", "ctrl+n", "new_expected", N_("Expect visitor"),
               N_("Write down a visitor a resident or tenant announced."),
               area="visitors", permission="visitors.expect"),
    DeskAction("visitors.deny_add", "ctrl+n", "deny_add", N_("Add name"),
               N_("Add a name to the deny list (supervisors)."),
               area="visitors", permission="visitors.deny_list"),
    DeskAction("visitors.open", "enter", "open", N_("Open"),
               N_("Open the highlighted line: check out, lost slip, arrival, correct.")),
    DeskAction("visitors.view", "ctrl+t", "next_view", N_("Next view"),
               N_("On site → Expected today → History → Deny list."), area="visitors"),
    DeskAction("visitors.scan", "ctrl+f", "find", N_("Slip no."),
               N_("Type or scan a slip number (in History: the search filters)."),
               area="visitors"),
    DeskAction("visitors.rollcall", "ctrl+g", "roll_call", N_("Roll call"),
               N_("Evacuation roll call: everyone on site now, printed at once."),
               area="visitors"),
    DeskAction("visitors.print", "ctrl+o", "print_last", N_("Print slip"),
               N_("Print the slip just issued."), area="visitors"),
    DeskAction("visitors.remove", "delete", "remove", N_("Remove"),
               N_("Cancel the highlighted expected visitor, or take the name off the deny "
                  "list.")),
    DeskAction("visitors.refresh", "ctrl+r", "refresh", N_("Refresh"),
               N_("Read the lists again now."), area="visitors"),
)


class VisitorsScreen(AreaScreen):
    AREA = "visitors"
    CSS_PATH = "visitors.tcss"
    BINDINGS = bindings("visitors.new", "visitors.expect", "visitors.deny_add", "visitors.open",
                        "visitors.view", "visitors.scan", "visitors.rollcall", "visitors.print",
                        "visitors.remove", "visitors.refresh")
    HELP_TEXT = N_(
        "Check-out: scan or type the slip number in the top field and press Enter (D-8); a "
        "slip without its paper is checked out from the list with l (lost slip). Ctrl+N "
        "registers a visitor after seeing their document (D-5); a walk-in's host is called "
        "first (D-7). Ctrl+T turns the views: who is on site (long stays in colour), who is "
        "expected today (Enter checks them in), the history (search, PgDn/PgUp) and the deny "
        "list. Ctrl+G makes the evacuation roll call."
    )

    def __init__(self) -> None:
        super().__init__()
        self.view = VIEWS[0]
        self.last_issued: VisitorSlip | None = None
        self.expected_rows: dict[int, object] = {}
        self._stale = False

    def title_text(self) -> str:
        return _("Visitors")

    # -- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(id="visitors-body"):
            yield FormField(_("Slip No."), name="number", max_length=40, label_width=10,
                            placeholder=_("scan or type the slip number, then Enter"))
            yield Static("", id="scan-result", markup=False)
            with Horizontal(id="issued-banner"):
                yield Static("", id="issued-prefix")
                yield Digits("", id="issued-digits")
                yield Static("", id="issued-text", markup=False)
            yield Static("", id="view-bar")
            with ContentSwitcher(initial="view-on-site", id="views"):
                yield RecordList(
                    [Column(_("Slip"), 14), Column(_("Visitor"), 14), Column(_("Visiting"), 0),
                     Column(_("In"), 5), Column(_("Stay"), 8, "right")],
                    empty_text=_("Nobody is on site."), id="view-on-site")
                yield RecordList(
                    [Column(_("Visitor"), 14), Column(_("Visiting"), 0), Column(_("Purpose"), 10),
                     Column(_("Note"), 16)],
                    empty_text=_("No visitor is expected today. Ctrl+N writes one down."),
                    id="view-expected")
                yield HistoryView(id="view-history")
                yield RecordList(
                    [Column(_("Name"), 14), Column(_("Reason"), 0), Column(_("Since"), 11)],
                    empty_text=_("The deny list is empty."), id="view-deny")

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
    def on_screen_resume(self) -> None:
        if self._stale:
            self.refresh_lists()

    def on_records_changed(self, message: RecordsChanged) -> None:
        if "visitor" not in message.kinds:
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

        def read(session):
            return (list_on_site(session=session, clock=app.clock, settings=app.settings),
                    list_expected(session=session, clock=app.clock, settings=app.settings),
                    list_deny_entries(session=session))

        self.run_db(read, on_done=self.show_lists, write=False, group="visitor-lists",
                    exclusive=True)

    def show_lists(self, lists) -> None:
        on_site, expected, deny = lists
        now = self.app.clock.now()
        tz = self.app.settings.timezone
        rows = []
        for r in on_site.rows:
            style = "overdue" if r.long_stay else ""
            who = f"{r.visitor_name}×{r.headcount}" if r.headcount > 1 else r.visitor_name
            stay = format_span(now - r.checked_in_at)
            if r.long_stay:  # stands out even under the cursor, and without colour
                stay = Text("!" + stay, style="bold")
            rows.append(Row(r.id, [r.number, who, r.host_text, fmt.hm(r.checked_in_at, tz),
                                   stay], style=style))
        self.query_one("#view-on-site", RecordList).set_rows(rows)
        self.expected_rows = {e.id: e for e in expected}
        self.query_one("#view-expected", RecordList).set_rows([
            Row(e.id, [f"{e.visitor_name}×{e.headcount}" if e.headcount > 1 else e.visitor_name,
                       e.host_text, visitors.label(visitors.PURPOSE_LABELS, e.purpose), e.note])
            for e in expected])
        self.query_one("#view-deny", RecordList).set_rows([
            Row(d.id, [d.name, d.reason, fmt.day_hm(d.created_at, tz)]) for d in deny])
        long_stays = sum(1 for r in on_site.rows if r.long_stay)
        self.show_view_bar({"on-site": (len(on_site.rows), on_site.people, long_stays),
                            "expected": len(expected), "deny": len(deny)})

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
        self.query_one("#view-bar", Static).update(bar)

    def action_next_view(self) -> None:
        self.switch_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])

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
        app = self.app
        self.run_db(
            lambda s: visitors.check_out(session=s, actor=app.actor, clock=app.clock,
                                         settings=app.settings, number=text),
            on_done=self.checked_out, on_error=self.scan_failed, group="checkout")

    def checked_out(self, slip: VisitorSlip) -> None:
        self.scan_input.value = ""
        self.scan_input.focus()
        self.show_result(self._checked_out_text(slip), ok=True)
        self.hide_banner()
        self.records_changed("visitor")
        self.refresh_lists()

    def _checked_out_text(self, slip: VisitorSlip) -> str:
        time = fmt.hm(slip.checked_out_at, self.app.settings.timezone)
        if slip.slip_returned:
            return _("✓ {number} {name} checked out at {time}; the slip came back.").format(
                number=slip.number, name=slip.visitor_name, time=time)
        return _("✓ {number} {name} checked out at {time}; recorded as a LOST slip.").format(
            number=slip.number, name=slip.visitor_name, time=time)

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
                self.app.push_screen(ArrivalDialog(expected),
                                     lambda arrival: self._arrived(expected, arrival))
        elif list_id in ("view-on-site", "history-list"):
            self.open_slip(event.key)

    def open_record(self, kind: str, record_id: int) -> None:
        """The dashboard opens a visitor line here."""
        if kind == "visitor":
            self.switch_view("on-site")
            self.open_slip(record_id)

    def open_slip(self, slip_id: int) -> None:
        self.run_db(lambda s: visitors.get_slip(session=s, slip_id=slip_id), write=False,
                    on_done=self._show_slip, group="open-slip", exclusive=True)

    def _show_slip(self, slip: VisitorSlip) -> None:
        self.app.push_screen(SlipDialog(slip), lambda what: self._slip_action(slip, what))

    def _slip_action(self, slip: VisitorSlip, what: str | None) -> None:
        app = self.app
        if what in ("checkout", "lost"):
            self.run_db(
                lambda s: visitors.check_out(session=s, actor=app.actor, clock=app.clock,
                                             settings=app.settings, slip_id=slip.id,
                                             slip_returned=what == "checkout"),
                on_done=self.checked_out, on_error=self.scan_failed, group="checkout")
        elif what == "edit":
            self.edit_slip(slip)
        elif what == "print":
            self.print_slip(slip)

    def edit_slip(self, slip: VisitorSlip, update=None, error: DeskError | None = None) -> None:
        def done(changes) -> None:
            if changes is None:
                return
            app = self.app
            seen = visitors.slip_snapshot(slip)
            self.run_db(
                lambda s: visitors.update_slip(session=s, actor=app.actor, clock=app.clock,
                                               slip_id=slip.id, version=slip.version,
                                               changes=changes, seen=seen),
                on_done=self._slip_corrected,
                on_error=lambda exc: self._correction_failed(slip, changes, exc))

        self.app.push_screen(EditSlipDialog(slip, update, error), done)

    def _slip_corrected(self, slip: VisitorSlip) -> None:
        self.app.notify(_("Slip {number} corrected.").format(number=slip.number), markup=False)
        self.records_changed("visitor")
        self.refresh_lists()

    def _correction_failed(self, slip, changes, exc: BaseException) -> None:
        if isinstance(exc, InvalidInput):
            self.edit_slip(slip, changes, exc)
        else:  # stale or gone: say what happened; the slip is read again when reopened
            self.show_error(exc)
            self.refresh_lists()

    # -- registering a visitor -------------------------------------------------------------
    def action_new_slip(self, draft: SlipDraft | None = None,
                        error: DeskError | None = None) -> None:
        self.app.push_screen(RegisterSlipDialog(draft, error), self._form_done)

    def _form_done(self, draft: SlipDraft | None) -> None:
        if draft is None:
            self.scan_input.focus()
            return
        if not visitors.host_call_needed(draft.slip_in):
            self._save_slip(draft)
            return
        slip_in = draft.slip_in
        self.app.push_screen(
            HostCallDialog(visitor=slip_in.visitor_name, headcount=slip_in.headcount,
                           host_text=slip_in.host_text, host=draft.host),
            lambda call: self._call_done(draft, call))

    def _call_done(self, draft: SlipDraft, call) -> None:
        if call is None:  # back to the form, as typed
            self.action_new_slip(draft)
            return
        slip_in = draft.slip_in.model_copy(update={"host_call_method": call.method.value,
                                                   "host_call_result": call.result.value})
        answered = SlipDraft(slip_in, draft.host)
        if call.result == HostCallResult.refused:
            self._turn_away(slip_in, visitors.TurnAwayCause.host_refused)
        elif call.result == HostCallResult.no_answer:
            if DocType(slip_in.doc_type) == DocType.none:
                self.app.notify(_("No document and no answer from the host: the visitor "
                                  "cannot go up."), severity="warning", markup=False)
                self._turn_away(slip_in, visitors.TurnAwayCause.no_answer)
                return
            self.app.push_screen(
                ConfirmDialog(_("The host did not answer. Let the visitor in anyway?"),
                              _("Yes: the slip records that the host was not reached. "
                                "No: the visitor is turned away and the logbook says so.")),
                lambda yes: self._save_slip(answered) if yes else self._turn_away(
                    slip_in, visitors.TurnAwayCause.no_answer))
        else:
            self._save_slip(answered)

    def _save_slip(self, draft: SlipDraft, override: visitors.DenyOverride | None = None) -> None:
        app = self.app
        self._save(lambda s, o: visitors.register_slip(
            session=s, actor=app.actor, clock=app.clock, settings=app.settings,
            slip_in=draft.slip_in, deny_override=o), override,
            refuse=lambda supervisor, entry_id: self._turn_away(
                draft.slip_in, visitors.TurnAwayCause.deny_list, supervisor, entry_id),
            back=lambda error=None: self.action_new_slip(draft, error))

    def _save(self, work: Callable, override, *, refuse: Callable, back: Callable) -> None:
        """Issue a slip; a deny-list match asks a supervisor, a refused field goes back."""
        def failed(exc: BaseException) -> None:
            if isinstance(exc, visitors.DenyListMatch):
                def decided(decision) -> None:
                    if decision is None:
                        back()
                    elif decision.allow:
                        self._save(work, visitors.DenyOverride(decision.supervisor, exc.entry_id),
                                   refuse=refuse, back=back)
                    else:
                        refuse(decision.supervisor, exc.entry_id)

                self.app.push_screen(SupervisorDialog(name=exc.name, reason=exc.reason), decided)
            elif isinstance(exc, InvalidInput):
                back(exc)
            else:
                self.show_error(exc)
                back()

        self.run_db(lambda s: work(s, override), on_done=self.slip_issued, on_error=failed,
                    group="save")

    def slip_issued(self, slip: VisitorSlip) -> None:
        self.last_issued = slip
        banner = self.query_one("#issued-banner")
        self.query_one("#issued-prefix", Static).update(slip.number[:1])
        self.query_one("#issued-digits", Digits).update(slip.number[1:])
        self.query_one("#issued-text", Static).update(plain(
            _("Slip issued") + "\n" + f"{slip.visitor_name} ×{slip.headcount}\n"
            + f"→ {slip.host_text}", one_line=False))
        banner.display = True
        self.show_result(_("✓ Slip {number} issued to {name}.").format(
            number=slip.number, name=slip.visitor_name), ok=True)
        self.scan_input.focus()
        self.refresh_bindings()
        self.records_changed("visitor")
        self.refresh_lists()

    def hide_banner(self) -> None:
        self.query_one("#issued-banner").display = False
        self.last_issued = None
        self.refresh_bindings()

    def _turn_away(self, slip_in, cause: str, supervisor=None, entry_id: int | None = None) -> None:
        app = self.app

        def done(_entry) -> None:
            self.show_result(_("{name} was not let in: no slip; the duty logbook has a line.")
                             .format(name=slip_in.visitor_name), ok=False)
            self.scan_input.focus()
            self.records_changed("visitor", "logbook")

        self.run_db(lambda s: visitors.turn_away(
            session=s, actor=app.actor, clock=app.clock, settings=app.settings,
            slip_in=slip_in, cause=cause, supervisor=supervisor, deny_entry_id=entry_id),
            on_done=done, group="save")

    # -- expected visitors -----------------------------------------------------------------
    def _today(self):
        return local_day(self.app.clock.now(), self.app.settings.timezone)

    def action_new_expected(self, draft=None, error: DeskError | None = None) -> None:
        self.app.push_screen(ExpectedDialog(self._today(), draft, error), self._expected_done)

    def _expected_done(self, draft) -> None:
        if draft is None:
            return
        app = self.app

        def saved(expected) -> None:
            self.app.notify(_("{name} is expected on {day}.").format(
                name=expected.visitor_name, day=expected.expected_on.isoformat()), markup=False)
            self.records_changed("visitor")
            self.refresh_lists()

        self.run_db(lambda s: add_expected(session=s, actor=app.actor, clock=app.clock,
                                           settings=app.settings, expected_in=draft.expected_in),
                    on_done=saved,
                    on_error=lambda exc: self.action_new_expected(draft, exc), group="save")

    def _arrived(self, expected, arrival) -> None:
        if arrival is None:
            return
        app = self.app
        self._save(lambda s, o: visitors.check_in_expected(
            session=s, actor=app.actor, clock=app.clock, settings=app.settings,
            expected_id=expected.id, doc_type=arrival.doc_type, doc_number=arrival.doc_number,
            deny_override=o), None,
            refuse=lambda supervisor, entry_id: self._turn_away(
                VisitorSlipCreate.model_construct(
                    visitor_name=expected.visitor_name, headcount=expected.headcount,
                    host_resident_id=expected.host_resident_id,
                    host_company_id=expected.host_company_id,
                    host_unit_id=expected.host_unit_id, host_text=expected.host_text,
                    host_call_method=None),
                visitors.TurnAwayCause.deny_list, supervisor, entry_id),
            back=lambda error=None: self.show_error(error) if error else None)

    # -- removing: an expected visitor, a deny-list name -----------------------------------
    def action_remove(self) -> None:
        listing = self._current_list()
        row = listing.current if listing else None
        if row is None:
            self.app.bell()
            return
        app = self.app
        if self.view == "expected":
            question = _("Cancel the expected visitor {name}?").format(name=row.cells[0])
            work = lambda s: cancel_expected(session=s, actor=app.actor, clock=app.clock,  # noqa: E731
                                             expected_id=row.key)
        else:
            question = _("Take {name} off the deny list?").format(name=row.cells[0])
            work = lambda s: remove_deny_entry(session=s, actor=app.actor, clock=app.clock,  # noqa: E731
                                               entry_id=row.key)

        def confirmed(yes: bool) -> None:
            if yes:
                self.run_db(work, on_done=lambda _r: self.refresh_lists(), group="save")

        self.app.push_screen(ConfirmDialog(question), confirmed)

    def action_deny_add(self, name: str = "", reason: str = "", error=None) -> None:
        def done(values) -> None:
            if values is None:
                return
            app = self.app
            self.run_db(lambda s: add_deny_entry(session=s, actor=app.actor, clock=app.clock,
                                                 name=values[0], reason=values[1]),
                        on_done=lambda _e: self.refresh_lists(),
                        on_error=lambda exc: self.action_deny_add(values[0], values[1], exc),
                        group="save")

        self.app.push_screen(DenyEntryDialog(name, reason, error), done)

    # -- paper -----------------------------------------------------------------------------
    def action_print_last(self) -> None:
        if self.last_issued is not None:
            self.print_slip(self.last_issued)

    def print_slip(self, slip: VisitorSlip) -> None:
        self._print(slip_text(slip, self.app.settings),
                    _("Slip {number} sent to the printer.").format(number=slip.number))

    def _print(self, text: str, done_message: str) -> None:
        command = self.app.settings.print_command
        self.run_db(lambda _engine: print_text(text, command), write=None, group="print",
                    on_done=lambda _r: self.app.notify(done_message, markup=False))

    def action_roll_call(self) -> None:
        app = self.app
        self.run_db(lambda s: list_on_site(session=s, clock=app.clock, settings=app.settings),
                    on_done=self._show_roll_call, write=False, group="roll-call")

    def _show_roll_call(self, on_site) -> None:
        text = roll_call_text(on_site, self.app.clock.now(), self.app.settings)
        if self.app.settings.print_command:
            note = _("Sent to the printer.")
            self._print(text, _("Roll call sent to the printer."))
        else:
            note = _("No print command is set: read the list from the screen.")

        def closed(again: bool) -> None:
            if again:
                self._print(text, _("Roll call sent to the printer."))

        self.app.push_screen(RollCallDialog(text, note), closed)
