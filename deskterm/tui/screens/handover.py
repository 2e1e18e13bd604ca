"""The handover (交班, D-11): the outgoing operator checks what is open, counts the physical
items, writes the notices and signs: Ctrl+S, then Enter (the sheet is then shown, to save
or print). The signed handover cannot change; the next shift accepts or refuses it."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Input, Static, TextArea

from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.ids import known_id
from deskterm.services.shift import handover as handover_service
from deskterm.services.shift.duty import physical_item_label
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import AreaScreen
from deskterm.tui.dialogs.confirm import ConfirmDialog
from deskterm.tui.messages import RecordsChanged
from deskterm.tui.widgets.field import FormField, PlainInput, PlainTextArea
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.sla import row_style, sla_text
from deskterm.tui.worker import describe_error, show_error

register(
    DeskAction(
        "handover.sign",
        "ctrl+s",
        "sign",
        N_("Sign handover"),
        N_("Sign the handover and end your shift; it cannot be changed afterwards."),
        priority=True,
        area="handover",
        permission="handover.sign",
    ),
    DeskAction(
        "handover.refresh",
        "ctrl+r",
        "collect",
        N_("Refresh"),
        N_("Gather the open items again."),
        priority=True,
        area="handover",
    ),
    DeskAction(
        "handover.history",
        "ctrl+l",
        "history",
        N_("Past handovers"),
        N_("Read the handovers of this post, the refused ones too."),
        priority=True,
        area="handover",
    ),
)


class HandoverScreen(AreaScreen):
    AREA = "handover"
    BINDINGS = bindings("handover.sign", "handover.refresh", "handover.history")
    HELP_TEXT = N_(
        "Before you leave: write the notices the next shift must know, check the counts of "
        "the physical items, and look through the open items gathered for you (visitors on "
        "site, repairs, messages, promised replies, callbacks, complaints, this shift's "
        "logbook). Ctrl+S then Enter signs: your shift ends and the sheet is shown."
    )

    def __init__(self) -> None:
        super().__init__()
        self.open_count = 0

    def title_text(self) -> str:
        return _("Handover")

    def compose_body(self) -> ComposeResult:
        settings = self.app.settings
        with Vertical(id="handover-body"):
            yield Static(Text(_("Notices for the next shift")), classes="section-title")
            yield PlainTextArea(
                id="notices",
                placeholder=_(
                    "What the next shift must know (Enter starts a new line; Tab moves on)"
                ),
            )
            yield Static(Text(_("Physical items (check each count)")), classes="section-title")
            with Grid(id="physical"):
                for item in settings.physical_items:
                    yield FormField(
                        physical_item_label(item),
                        name=f"count_{item}",
                        # empty until counted: a shift that never counts does
                        # not sign "as expected" (the expected is on the line below)
                        # any text is kept as typed: "1.5" or "abc" is refused at the
                        # sign with its sentence, never cut to "15" or dropped
                        control=PlainInput(value="", compact=True, id=f"count-{item}"),
                        label_width=12,
                    )
            # the grid's cells are one line high: a blank count is named here, under it
            yield Static(Text(""), id="count-error")
            # what the records say should be there (blank slips less those issued) and how
            # the count typed differs
            yield Static(Text(""), id="count-expected")
            yield Static(Text(""), id="open-title", classes="section-title")
            yield RecordList(
                [
                    Column(_("Kind"), 12),
                    Column(_("Ref"), 14),
                    Column(_("What"), 0),
                    Column(_("Due"), 11, "right"),
                ],
                empty_text=_("Nothing is open."),
                id="open-items",
            )

    def on_mount(self) -> None:
        self.query_one("#notices", TextArea).focus()
        self.action_collect()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self.is_mounted:
            self.action_collect()

    def on_records_changed(self, message: RecordsChanged) -> None:
        if self.app.screen is self:
            self.action_collect()

    def action_collect(self) -> None:
        app = self.app
        actor = app.signed_in_actor
        if actor is None:
            return
        self.run_db(
            lambda s: handover_service.collect(
                session=s, actor=actor, clock=app.clock, settings=app.settings
            ),
            write=False,
            on_done=self.show_draft,
            group="handover-collect",
            exclusive=True,
        )

    def show_draft(self, draft: handover_service.HandoverDraft) -> None:
        self.expected = draft.expected
        self.show_expected()
        now = self.app.clock.now()
        policy = self.app.settings.sla
        rows = []
        for item in draft.open_items:
            due = (
                sla_text(item.due_at, now, item.started_at, policy)
                if item.kind != "visitor"
                else Text("")
            )
            rows.append(
                Row(
                    (item.kind, item.id),
                    [handover_service.kind_label(item.kind), item.ref, item.text, due],
                    style=row_style(item.due_at, now, item.started_at, policy)
                    if item.kind != "visitor"
                    else "",
                )
            )
        self.open_count = len(rows)
        self.query_one("#open-title", Static).update(
            Text(_("Open items handed over ({n})").format(n=len(rows)))
        )
        self.query_one("#open-items", RecordList).set_rows(rows)

    def _counts(self) -> dict[str, str]:
        return {
            item: self.query_one(f"#count-{item}", Input).value.strip()
            for item in self.app.settings.physical_items
        }

    def show_count_error(self, sentence: str) -> None:
        line = self.query_one("#count-error", Static)
        line.update(Text(sentence))
        line.display = bool(sentence)

    expected: dict[str, handover_service.Expected] = {}
    counts_at_refusal: dict[str, str] | None = None

    def show_expected(self) -> None:
        """One line per item the records predict: expected, counted, and the difference named."""
        lines = []
        for item, expected in self.expected.items():
            typed = self.query_one(f"#count-{item}", Input).value.strip()
            counted = int(typed) if typed.lstrip("-").isdigit() else None
            lines.append(handover_service.difference_sentence(item, expected, counted))
        line = self.query_one("#count-expected", Static)
        line.update(Text("\n".join(lines)))
        line.display = bool(lines)

    @on(Input.Changed)
    def count_typed(self, event: Input.Changed) -> None:
        if (
            (event.input.id or "").startswith("count-")
            and event.value.strip()
            and self._counts() != self.counts_at_refusal
        ):  # changed since the refusal
            self.show_count_error("")
        if (event.input.id or "").startswith("count-") and self.is_mounted:
            self.show_expected()

    def refused(self, exc: BaseException) -> None:
        """A count or the notices refused (here before the question, or by the service at the
        sign): its sentence on the line under the counts (the grid's cells are one line high)
        and at its field, which takes the focus."""
        field = exc.field if isinstance(exc, InvalidInput) else None
        if not field:
            show_error(self, exc)
            return
        message = describe_error(exc)
        self.counts_at_refusal = self._counts()
        self.show_count_error(message)
        if field == "notices":
            self.query_one("#notices", TextArea).focus()
            return
        for candidate in self.query(FormField):
            if candidate.shows(field):
                candidate.show_refusal(message)

    def action_sign(self) -> None:
        try:  # the service's own check, before the question: blank, range, a shortfall unsaid
            counted: dict[str, int | str] = dict(self._counts())
            handover_service.check_counts(
                counted,
                self.app.settings,
                expected=self.expected,
                notices=self.query_one("#notices", TextArea).text,
            )
        except InvalidInput as exc:
            self.refused(exc)
            return
        self.show_count_error("")
        question = _("Sign the handover now? It cannot be changed afterwards and your shift ends.")
        detail = _("{n} open items will be handed over.").format(n=self.open_count)
        self.app.push_screen(ConfirmDialog(question, detail), self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        if not yes:
            return
        app = self.app
        actor = app.signed_in_actor
        notices = self.query_one("#notices", TextArea).text
        counts = self._counts()

        def work(session):
            signed = handover_service.sign(
                session=session,
                actor=actor,
                clock=app.clock,
                settings=app.settings,
                notices=notices,
                physical_items=counts,
            )
            return handover_service.load_sheet(session, known_id(signed.id))

        self.run_db(
            work, on_done=self.signed, on_error=self.refused, group="handover-sign", exclusive=True
        )

    def signed(self, sheet: handover_service.HandoverSheet) -> None:
        from deskterm.tui.screens.handover_sheet import SignedSheetScreen

        self.records_changed("handover", "shift")
        self.app.on_duty = False  # the shift is closed: only the sheet and sign-out remain
        self.app.push_screen(SignedSheetScreen(sheet))

    def action_history(self) -> None:
        from deskterm.tui.screens.handover_sheet import HandoverHistoryScreen

        self.app.push_screen(HandoverHistoryScreen())

    def open_record(self, kind: str, record_id: int) -> None:
        from deskterm.tui.screens.handover_sheet import HandoverSheetScreen

        app = self.app
        self.run_db(
            lambda s: handover_service.load_sheet(s, record_id),
            write=False,
            on_done=lambda sheet: app.push_screen(HandoverSheetScreen(sheet)),
            group="handover-open",
        )
