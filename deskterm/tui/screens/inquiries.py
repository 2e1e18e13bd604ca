"""The inquiry desk (问询接待, D-20 to D-27): one search box for people, units, companies,
staff, the directory and events; ringing the person asked for, messages, promised replies
and the inquiry log. Ctrl+T goes through the four lists; Enter acts on the highlighted line.

Typing anywhere in the result list goes back to the search box. People's phones are masked;
Ctrl+O shows one number after asking why (audited, D-21).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from deskterm.i18n import N_, _
from deskterm.ids import known_id
from deskterm.models.inquiry import Channel
from deskterm.services.estate import residents
from deskterm.services.inquiries import directory, messages, promises, search
from deskterm.services.inquiries import log as inquiries
from deskterm.services.inquiries.search import Hit, HitKind, Mode, SearchResult
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import AreaScreen
from deskterm.tui.dialogs.inquiry_answer import AnswerInquiryDialog, AnswerResult
from deskterm.tui.dialogs.inquiry_contact import ContactDialog, ContactResult
from deskterm.tui.dialogs.inquiry_correct import CorrectContactDialog, Correction, CorrectionDraft
from deskterm.tui.dialogs.message_deliver import DeliverMessageDialog
from deskterm.tui.dialogs.message_take import MessageDraft, TakeMessageDialog
from deskterm.tui.dialogs.promise_answer import AnswerPromiseDialog
from deskterm.tui.dialogs.promise_make import MakePromiseDialog, PromiseDraft
from deskterm.tui.dialogs.reason import ReasonDialog
from deskterm.tui.dialogs.repair_notice import RepairNoticeDialog
from deskterm.tui.messages import RecordsChanged
from deskterm.tui.screens import inquiries_lists as lists
from deskterm.tui.widgets.detail import DetailPane
from deskterm.tui.widgets.field import PlainInput, focus_selected, in_burst, type_into
from deskterm.tui.widgets.record_list import RecordList

VIEWS = (
    ("find", N_("Find")),
    ("messages", N_("Messages")),
    ("promises", N_("Promises")),
    ("log", N_("Inquiry log")),
    ("directory", N_("Directory")),
)
WATCHED = {"inquiry", "message", "promise"}
PERSON_KINDS = {HitKind.resident: "resident", HitKind.company: "company", HitKind.staff: "staff"}

register(
    DeskAction(
        "inquiries.open",
        "enter",
        "open",
        N_("Act"),
        N_(
            "Ring the person, read out the entry, deliver the message or answer the "
            "promise on the highlighted line."
        ),
        area="inquiries",
    ),
    DeskAction(
        "inquiries.search",
        "ctrl+f",
        "search",
        N_("Find"),
        N_("Go to the search box."),
        area="inquiries",
    ),
    DeskAction(
        "inquiries.message",
        "ctrl+n",
        "new_message",
        N_("Message"),
        N_("Take a message (for the highlighted person)."),
        area="inquiries",
        permission="messages.take",
    ),
    DeskAction(
        "inquiries.promise",
        "ctrl+g",
        "new_promise",
        N_("Promise"),
        N_("Promise a reply by a set time."),
        area="inquiries",
        permission="promises.make",
    ),
    DeskAction(
        "inquiries.reveal",
        "ctrl+o",
        "reveal",
        N_("Number"),
        N_("Show the highlighted person's number; asks why, audited."),
        area="inquiries",
        permission="residents.reveal_phone",
    ),
    DeskAction(
        "inquiries.channel",
        "ctrl+b",
        "channel",
        N_("Phone/walk-in"),
        N_("Is the inquirer on the phone or at the desk?"),
        area="inquiries",
        show=False,
    ),
    DeskAction(
        "inquiries.log",
        "ctrl+l",
        "log",
        N_("Log"),
        N_("Log an inquiry answered on the spot or declined politely."),
        area="inquiries",
        show=False,
    ),
    DeskAction(
        "inquiries.correct",
        "ctrl+e",
        "correct_try",
        N_("Correct"),
        N_(
            "In the inquiry log: correct the last contact try of the highlighted "
            "inquiry (a wrong outcome, an unintended transferred), with the reason; the "
            "try as recorded stays."
        ),
        area="inquiries",
        permission="inquiries.contact",
        show=False,
    ),
    DeskAction(
        "inquiries.view",
        "ctrl+t",
        "next_view",
        N_("Lists"),
        N_("Find, then messages, promised replies and the inquiry log."),
        area="inquiries",
    ),
    DeskAction(
        "inquiries.kind",
        "ctrl+k",
        "next_kind",
        N_("Kind"),
        N_(
            "In the directory: the next kind (transport, banks, events, past events, "
            "useful phones ...)."
        ),
        area="inquiries",
    ),
    DeskAction(
        "inquiries.notice",
        "f11",
        "notice",
        N_("Repair notice"),
        N_("Where and when repairs are reported: show it, print it."),
        area="inquiries",
        show=False,
    ),
    DeskAction(
        "inquiries.refresh",
        "ctrl+r",
        "refresh",
        N_("Refresh"),
        N_("Read the lists again now."),
        area="inquiries",
        show=False,
    ),
)


class InquiriesScreen(AreaScreen):
    AREA = "inquiries"
    BINDINGS = bindings(
        "inquiries.open",
        "inquiries.search",
        "inquiries.message",
        "inquiries.promise",
        "inquiries.reveal",
        "inquiries.channel",
        "inquiries.log",
        "inquiries.correct",
        "inquiries.view",
        "inquiries.kind",
        "inquiries.notice",
        "inquiries.refresh",
    )
    HELP_TEXT = N_(
        "Type a name (张三, 建国), pinyin (zs, zhangsan), a unit as people say it (12-1203, "
        "12栋1203, A座1203, 1203), a company or a place. Down or Enter goes to the results; "
        "typing goes back to the box. Enter on a person rings them for the inquirer and "
        "records each try; on a directory entry or an event it logs the "
        "inquiry as answered. Numbers stay masked: Ctrl+O shows one, asks why and keeps it in "
        "the audit. Phone numbers are never searched. Ctrl+T: messages, promised "
        "replies and the inquiry log."
    )

    def __init__(self) -> None:
        super().__init__()
        self.view = "find"
        self.channel = Channel.phone
        self.result: SearchResult | None = None
        self.revealed: dict[tuple[str, int], str] = {}
        self.counts: tuple[int, int, int] = (0, 0, 0)  # waiting messages, open, overdue
        self.directory_kind = directory.BROWSE_KINDS[0]  # the kind the directory list shows
        self.directory_counts: dict[str, int] = {}
        self._stale = False

    # -- layout ------------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static(Text(""), id="views-line")
        with Horizontal(id="find-row"):
            yield Static(Text(""), id="channel-tag")
            yield PlainInput(
                placeholder=_("name · pinyin · 12-1203 · company · place"),
                compact=True,
                id="inquiry-search",
            )
        yield Static(Text(""), id="find-hint")
        yield RecordList(
            lists.hit_columns(),
            id="list-find",
            classes="inquiry-list",
            empty_text=_("Nothing found."),
        )
        yield RecordList(
            lists.message_columns(),
            id="list-messages",
            classes="inquiry-list",
            empty_text=_("No messages."),
        )
        yield RecordList(
            lists.promise_columns(),
            id="list-promises",
            classes="inquiry-list",
            empty_text=_("No promised replies."),
        )
        yield RecordList(
            lists.log_columns(),
            id="list-log",
            classes="inquiry-list",
            empty_text=_("No inquiries logged today."),
        )
        yield RecordList(
            lists.directory_columns(),
            id="list-directory",
            classes="inquiry-list",
            empty_text=_("Nothing of this kind."),
        )
        yield DetailPane(id="detail")

    def on_mount(self) -> None:
        self._draw_channel()
        self.show_view("find")
        self.load_counts()

    def _list(self, name: str | None = None) -> RecordList:
        return self.query_one(f"#list-{name or self.view}", RecordList)

    def _search_box(self) -> Input:
        return self.query_one("#inquiry-search", Input)

    def show_view(self, name: str) -> None:
        self.view = name
        for other, _label in VIEWS:
            self._list(other).display = other == name
        self.query_one("#find-row").display = name == "find"
        self.query_one("#find-hint").display = name == "find"
        self._draw_views_line()
        self.refresh_bindings()
        if name == "find":
            self._draw_hint()
            self._show_detail()
            self._search_box().focus()
        else:
            self.query_one("#detail", DetailPane).show(Text(""))
            self.load_view(name)
            self._list().focus()

    def _draw_views_line(self) -> None:
        waiting, open_promises, overdue = self.counts
        numbers = {"messages": waiting, "promises": open_promises}
        line = Text(no_wrap=True, end="")
        for name, label in VIEWS:
            piece = f" {_(label)}"
            if numbers.get(name):
                piece += f" {numbers[name]}"
            line.append(piece + " ", style="bold reverse" if name == self.view else "bold")
            if name == "promises" and overdue:
                line.append(_("late {n}").format(n=overdue) + " ", style="bold red")
        if self.view == "directory":
            n = self.directory_counts.get(self.directory_kind, 0)
            line.append(" · " + directory.browse_label(self.directory_kind) + f" {n}", style="bold")
        self.query_one("#views-line", Static).update(line)

    def _draw_channel(self) -> None:
        self.query_one("#channel-tag", Static).update(
            Text(f"[{_(inquiries.CHANNEL_LABELS[self.channel])}]", style="bold")
        )

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "reveal":
            hit = self._hit()
            return (
                self.view == "find"
                and hit is not None
                and hit.kind in lists.PEOPLE
                and bool(hit.phone)
            )
        if action == "new_message":
            return self.app.may("messages.take")
        if action == "new_promise":
            return self.app.may("promises.make")
        if action == "channel":
            return self.view == "find"
        if action == "next_kind":
            return self.view == "directory"
        return True

    # -- searching ---------------------------------------------------------------------------
    @on(Input.Changed, "#inquiry-search")
    def text_changed(self, event: Input.Changed) -> None:
        text = event.value
        self.revealed.clear()
        if not text.strip():
            self.result = None
            self._list("find").set_rows([])
            self._draw_hint()
            self._show_detail()
            return
        app = self.app
        self.run_db(
            lambda s: search.search(
                session=s, actor=app.signed_in_actor, clock=app.clock, text=text
            ),
            on_done=self._show_hits,
            write=False,
            group="inquiry-search",
            exclusive=True,
        )

    def _show_hits(self, result: SearchResult) -> None:
        if result.text != self._search_box().value:
            return  # an older keystroke's answer arriving late
        self.result = result
        found = self._list("find")
        found.cursor = 0
        found.set_rows(lists.hit_rows(result.hits, self.app.settings.timezone))
        self._draw_hint()
        self._show_detail()
        self.refresh_bindings()

    def _draw_hint(self) -> None:
        line = Text(no_wrap=True, end="")
        result = self.result
        if result is None:
            line.append(
                _("Ctrl+B: phone or walk-in · Ctrl+L: log an answer given on the spot"), style="dim"
            )
        elif result.phone_refused:
            line.append(
                _("Phone numbers are not searched: the desk never says whose number it is."),
                style="bold yellow",
            )
        else:
            plan = result.plan
            how = {
                Mode.pinyin: _("pinyin"),
                Mode.name: _("name or place"),
                Mode.unit: _("unit {unit}").format(
                    unit=f"{plan.building}-{plan.number}" if plan.building else plan.number
                ),
            }.get(plan.mode, "")
            line.append(_("{n} found").format(n=len(result.hits)), style="bold")
            line.append(f" · {how}", style="dim")
            if result.more:
                line.append(" · " + _("more: type more"), style="yellow")
        self.query_one("#find-hint", Static).update(line)

    def _hit(self) -> Hit | None:
        row = self._list("find").current if self.view == "find" else None
        return row.data if row is not None else None

    def _show_detail(self) -> None:
        hit = self._hit()
        revealed = self.revealed.get(hit.key) if hit else None
        self.query_one("#detail", DetailPane).show(
            lists.hit_detail(hit, self.app.settings.timezone, revealed)
        )

    def on_key(self, event: events.Key) -> None:
        search_box = self._search_box()
        if self.view != "find":
            return
        if self.focused is search_box and event.key == "down":
            self._list("find").focus()
            event.stop()
        elif (
            (
                self.focused is self._list("find")
                or (self.focused is search_box and in_burst(search_box))
            )
            and event.character
            and event.character.isprintable()
            and not event.character.isspace()
        ):
            # (a key of a burst sent to the list before the focus moved bubbles up here
            # after it moved: it belongs to the same name)
            # typing on the results is the next name: a new search, every key of it kept
            type_into(search_box, event.character, fresh=True)
            event.stop()

    def on_paste(self, event: events.Paste) -> None:
        """A paste on the results is the next name to find, as typing there is (a paste in
        a field never reaches here)."""
        if self.view == "find" and event.text.strip():
            event.stop()
            event.prevent_default()  # (DeskNode's "nothing was pasted")
            type_into(self._search_box(), event.text.strip(), fresh=True)

    @on(Input.Submitted, "#inquiry-search")
    def search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        hits = self.result.hits if self.result else ()
        if len(hits) == 1:
            self.act_on_hit(hits[0])
        elif hits:
            self._list("find").focus()

    # -- the other lists ---------------------------------------------------------------------
    def load_view(self, name: str) -> None:
        app = self.app
        tz = app.settings.timezone
        now = app.clock.now()
        if name == "messages":
            work = lambda s: lists.message_rows(messages.list_messages(session=s), tz)  # noqa: E731
        elif name == "promises":
            work = lambda s: lists.promise_rows(  # noqa: E731
                promises.list_promises(session=s, clock=app.clock, tz=tz), tz
            )
        elif name == "log":
            work = lambda s: lists.log_rows(  # noqa: E731
                inquiries.list_inquiries(
                    session=s,
                    since=now - timedelta(days=1),
                    until=now + timedelta(minutes=1),
                    limit=500,
                ),
                tz,
            )
        elif name == "directory":
            kind = self.directory_kind

            def work(s):
                return directory.browse_counts(session=s, now=now), lists.directory_rows(
                    directory.browse(session=s, kind=kind, now=now), tz
                )
        else:
            return
        self.run_db(
            work,
            write=False,
            on_done=lambda rows: self._loaded(name, rows),
            group=f"inquiry-{name}",
            exclusive=True,
        )

    def _loaded(self, name: str, rows) -> None:
        if name == "directory":
            self.directory_counts, rows = rows
            self._draw_views_line()
        self._list(name).set_rows(rows)
        if name == self.view:
            self._detail_for_row()

    def load_counts(self) -> None:
        app = self.app

        def work(session):
            waiting = len(messages.list_undelivered(session=session))
            open_ones = promises.list_open_promises(
                session=session, clock=app.clock, tz=app.settings.timezone
            )
            late = sum(1 for p in open_ones if p.state is promises.PromiseState.overdue)
            return waiting, len(open_ones), late

        self.run_db(
            work, write=False, on_done=self._counted, group="inquiry-counts", exclusive=True
        )

    def _counted(self, counts: tuple[int, int, int]) -> None:
        self.counts = counts
        self._draw_views_line()

    def _detail_for_row(self) -> None:
        row = self._list().current
        tz = self.app.settings.timezone
        data = row.data if row is not None else None
        details: dict[str, Callable[[Any, str], Text]] = {
            "messages": lists.message_detail,
            "promises": lists.promise_detail,
            "log": lists.log_detail,
            "directory": lists.directory_detail,
        }
        self.query_one("#detail", DetailPane).show(details[self.view](data, tz))

    @on(RecordList.Highlighted, ".inquiry-list")
    def line_highlighted(self, event: RecordList.Highlighted) -> None:
        if self.view == "find":
            self._show_detail()
            self.refresh_bindings()
        else:
            self._detail_for_row()

    @on(RecordList.Selected, ".inquiry-list")
    def line_selected(self, event: RecordList.Selected) -> None:
        data = event.row.data
        if self.view == "find":
            self.act_on_hit(data)
        elif self.view == "messages" and not data.delivered:
            self.app.push_screen(DeliverMessageDialog(data), lambda _ok: self.saved())
        elif self.view == "promises" and data.answered_at is None:
            self.app.push_screen(AnswerPromiseDialog(data), lambda _ok: self.saved())
        elif self.view == "directory":
            self._answer_from(data)

    def on_records_changed(self, message: RecordsChanged) -> None:
        if message.kinds and not (message.kinds & WATCHED):
            return
        if self.app.screen is self:
            self.saved()
        else:
            self._stale = True

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._stale:
            self._stale = False
            self.saved()

    def saved(self) -> None:
        self.load_counts()
        if self.view != "find":
            self.load_view(self.view)

    # -- acting ------------------------------------------------------------------------------
    def act_on_hit(self, hit: Hit) -> None:
        if hit.kind in PERSON_KINDS:
            self.app.push_screen(
                ContactDialog(hit, channel=self.channel),
                lambda result: self._after_contact(hit, result),
            )
        elif hit.kind in (HitKind.directory, HitKind.event):
            kind = directory.EVENT if hit.kind is HitKind.event else hit.role
            self.run_db(
                lambda s: directory.get_entry(session=s, kind=kind, entry_id=hit.id),
                write=False,
                on_done=self._answer_from,
                group="inquiry-entry",
                exclusive=True,
            )
        else:
            self.app.notify(_("Nobody is on record in this unit."), markup=False)

    def _answer_from(self, entry) -> None:
        self.app.push_screen(AnswerInquiryDialog(entry, channel=self.channel), self._after_answer)

    def _after_contact(self, hit: Hit, result: ContactResult | None) -> None:
        self.saved()
        if result is None or result.next is None:
            return
        if result.next == "message":
            name = f"{hit.place} {hit.name}".strip() if hit.place else hit.name
            self.app.push_screen(
                TakeMessageDialog(
                    MessageDraft(
                        for_kind=PERSON_KINDS[hit.kind],
                        for_id=hit.id,
                        for_name=name,
                        from_name=result.inquirer,
                        inquiry_id=result.inquiry_id,
                    )
                ),
                lambda _id: self.saved(),
            )
        else:
            self._promise(
                PromiseDraft(
                    question=result.topic, asked_by=result.inquirer, inquiry_id=result.inquiry_id
                )
            )

    def _after_answer(self, result: AnswerResult | None) -> None:
        self.saved()
        if result is not None and result.next == "promise":
            self._promise(
                PromiseDraft(
                    question=result.topic, asked_by=result.inquirer, inquiry_id=result.inquiry_id
                )
            )

    def _promise(self, draft: PromiseDraft) -> None:
        self.app.push_screen(MakePromiseDialog(draft), lambda _id: self.saved())

    def action_open(self) -> None:
        records = self._list()
        if self.focused is records:
            records.action_select()
        elif self.view == "find":
            self.search_submitted(Input.Submitted(self._search_box(), self._search_box().value))
        else:
            records.focus()

    def action_search(self) -> None:
        if self.view != "find":
            self.show_view("find")
        focus_selected(self._search_box())

    def action_next_view(self) -> None:
        names = [name for name, _label in VIEWS]
        self.show_view(names[(names.index(self.view) + 1) % len(names)])

    def action_refresh(self) -> None:
        self.saved()

    def action_notice(self) -> None:
        self.app.push_screen(RepairNoticeDialog())

    def action_next_kind(self) -> None:
        kinds = directory.BROWSE_KINDS
        self.directory_kind = kinds[(kinds.index(self.directory_kind) + 1) % len(kinds)]
        self._list("directory").cursor = 0
        self._draw_views_line()
        self.load_view("directory")

    def action_channel(self) -> None:
        self.channel = Channel.walk_in if self.channel is Channel.phone else Channel.phone
        self._draw_channel()

    def action_new_message(self) -> None:
        hit = self._hit()
        if hit is not None and hit.kind in PERSON_KINDS:
            name = f"{hit.place} {hit.name}".strip() if hit.place else hit.name
            draft = MessageDraft(for_kind=PERSON_KINDS[hit.kind], for_id=hit.id, for_name=name)
        else:
            draft = MessageDraft()
        self.app.push_screen(TakeMessageDialog(draft), lambda _id: self.saved())

    def action_new_promise(self) -> None:
        self._promise(PromiseDraft())

    def action_log(self) -> None:
        self.app.push_screen(AnswerInquiryDialog(None, channel=self.channel), self._after_answer)

    def action_correct_try(self) -> None:
        """Ctrl+E on a line of the inquiry log: correct its last contact try."""
        if self.view != "log":
            self.show_view("log")
            self.notify(
                _("Choose the inquiry in the log, then press Ctrl+E."), timeout=4, markup=False
            )
            return
        row = self._list("log").current
        if row is None:
            self.app.bell()
            return
        line: inquiries.InquiryLine = row.data
        app = self.app

        def last_try(s):
            tries = inquiries.live_attempts(s, line.id)
            if not tries:
                return None
            last = tries[-1]
            return CorrectionDraft(
                known_id(last.id), len(tries), last.at, str(last.outcome), line.topic
            )

        def opened(draft: CorrectionDraft | None) -> None:
            if draft is None:
                self.notify(
                    _("No contact try was recorded for this inquiry."), timeout=4, markup=False
                )
                return

            def work(c: Correction):
                return lambda s: inquiries.correct_attempt(
                    session=s,
                    actor=app.signed_in_actor,
                    clock=app.clock,
                    attempt_id=c.attempt_id,
                    outcome=c.outcome,
                    reason=c.reason,
                    settings=app.settings,
                )

            app.push_screen(
                CorrectContactDialog(draft, app.settings.timezone).save_with(work), corrected
            )

        def corrected(status) -> None:
            if status is None:
                return
            self.notify(
                _("Corrected; the try as recorded stays in the log. {next}").format(
                    next=status.sentence
                ),
                timeout=6,
                markup=False,
            )
            self.records_changed("inquiry")
            self.saved()

        self.run_db(last_try, write=False, group="inquiry-open", exclusive=True, on_done=opened)

    def action_reveal(self) -> None:
        hit = self._hit()
        if hit is None or hit.kind not in lists.PEOPLE or not hit.phone:
            return
        question = _("Why is the number of {name} needed? The audit keeps who and why.").format(
            name=hit.name
        )
        app = self.app
        self.app.push_screen(
            ReasonDialog(question, label=_("Why"), max_length=200).save_with(
                lambda reason: (
                    lambda s: residents.reveal_phone(
                        session=s,
                        actor=app.signed_in_actor,
                        clock=app.clock,
                        kind=hit.kind.value,
                        person_id=hit.id,
                        reason=reason,
                    )
                )
            ),
            lambda phone: self._revealed(hit, phone) if phone else None,
        )

    def _revealed(self, hit: Hit, phone: str) -> None:
        self.revealed[hit.key] = phone
        self._show_detail()

    def open_record(self, kind: str, record_id: int) -> None:
        """From the dashboard: a waiting message or an open promise, ready to act on."""
        app = self.app
        tz = app.settings.timezone
        if kind == "message":
            self.show_view("messages")
            self.run_db(
                lambda s: messages.get_message(session=s, message_id=record_id),
                write=False,
                group="inquiry-open",
                exclusive=True,
                on_done=lambda m: (
                    None
                    if m.delivered
                    else self.app.push_screen(DeliverMessageDialog(m), lambda _ok: self.saved())
                ),
            )
        elif kind == "promise":
            self.show_view("promises")
            self.run_db(
                lambda s: promises.get_promise(
                    session=s, clock=app.clock, tz=tz, promise_id=record_id
                ),
                write=False,
                group="inquiry-open",
                exclusive=True,
                on_done=lambda p: (
                    None
                    if p.answered_at
                    else self.app.push_screen(AnswerPromiseDialog(p), lambda _ok: self.saved())
                ),
            )
        elif kind == "inquiry":
            self.show_view("log")
