"""Check-in (D-1 to D-3): the self-check, then the previous shift's handover, signed or refused.

The work screens open only after the handover is dealt with; with no handover waiting (the
first shift) the operator goes straight to the dashboard.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from deskterm.i18n import N_, _
from deskterm.ids import known_id
from deskterm.models.shift import Handover
from deskterm.services.actor import Actor
from deskterm.services.shift import duty as shifts
from deskterm.services.shift import gaps
from deskterm.services.shift import handover as handover_service
from deskterm.tui import fmt
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskScreen
from deskterm.tui.dialogs.reason import ReasonDialog
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain
from deskterm.tui.widgets.ticks import TickList

register(
    DeskAction(
        "checkin.start",
        "ctrl+s",
        "start",
        N_("Start shift"),
        N_("Record the self-check and take the post."),
        priority=True,
    ),
    DeskAction(
        "checkin.back",
        "escape",
        "app.sign_out",
        N_("Sign out"),
        N_("Leave without taking the post."),
    ),
    DeskAction(
        "checkin.desk",
        "ctrl+o",
        "desk",
        N_("Desk, no shift"),
        N_(
            "Go to the desk to review, approve and report without taking the post "
            "(supervisors and admins)."
        ),
        priority=True,
        permission="report.run",
    ),
    DeskAction(
        "checkin.accept",
        "ctrl+s",
        "accept",
        N_("Accept (sign)"),
        N_("Sign that you have read the handover and take over what it lists."),
        priority=True,
    ),
    DeskAction(
        "checkin.refuse",
        "ctrl+r",
        "refuse",
        N_("Refuse"),
        N_(
            "Refuse the handover with a reason: the outgoing operator stays "
            "responsible and supervisors see it."
        ),
        priority=True,
    ),
)


def _rebind_actor(app, shift_id: int) -> None:
    actor = app.signed_in_actor
    app.set_actor(Actor(actor.user_id, actor.code, actor.name, actor.role, shift_id))


class SelfCheckScreen(DeskScreen):
    """D-1: tick each item of the self-check (Space), say what is wrong if any, Ctrl+S."""

    BINDINGS = bindings("checkin.start", "checkin.desk", "checkin.back")
    HELP_TEXT = N_(
        "Check yourself and the post before taking it: move with the arrows and tick each "
        "item with Space. If something is not in order, say what in the note. Ctrl+S starts "
        "the shift; then the previous shift's handover is shown. Supervisors and admins may "
        "press Ctrl+O to go to the desk without taking the post."
    )

    def __init__(self, pending: Handover | None) -> None:
        super().__init__()
        self.pending = pending

    def title_text(self) -> str:
        return _("Self-check")

    def compose(self) -> ComposeResult:
        settings = self.app.settings
        actor = self.app.signed_in_actor
        with Vertical(id="checkin-body"):
            yield Static(
                plain(
                    _("Shift check-in · {post} · {who}").format(
                        post=settings.post, who=actor.name if actor else ""
                    )
                ),
                classes="section-title",
            )
            yield Static(
                plain(_("1. Self-check: tick every item that is in order (Space).")), classes="hint"
            )
            yield TickList(
                *(
                    Selection(Text(shifts.self_check_label(item)), item)
                    for item in settings.self_check_items
                ),
                id="self-check",
            )
            yield FormField(
                _("Not in order"),
                name="note",
                max_length=500,
                placeholder=_("only if an item is not ticked"),
            )
            yield Static(plain(self._next_text()), id="checkin-next", classes="hint")
            yield Static("", id="checkin-gaps", markup=False)
        yield DeskFooter()

    def _next_text(self) -> str:
        if self.pending is None:
            return _("2. No handover is waiting: you go straight to the desk.")
        return _("2. Then read and sign the handover signed at {at}.").format(
            at=fmt.day_hm(self.pending.signed_at, self.app.settings.timezone)
        )

    def on_mount(self) -> None:
        self.query_one("#self-check", SelectionList).focus()
        post, user_id = self.app.settings.post, self.app.signed_in_actor.user_id
        self.run_db(
            lambda s: shifts.post_gaps(s, post=post, incoming_user_id=user_id),
            write=False,
            on_done=self.show_gaps,
            group="gaps",
        )

    def show_gaps(self, found) -> None:
        """D-2: a shift that never signed, or handovers never answered, are said here; the
        check-in writes them in the logbook and supervisors see them on their dashboard."""
        box = self.query_one("#checkin-gaps", Static)
        box.display = bool(found)
        if not found:
            return
        tz = self.app.settings.timezone
        text = Text(
            _("⚠ Gaps in the handover book (logged, supervisors told):") + "\n",
            style="bold yellow",
            end="",
        )
        for gap in found[:3]:
            text.append("  " + gaps.sentence(gap, tz) + "\n")
        if len(found) > 3:
            text.append("  " + _("… and {n} more").format(n=len(found) - 3))
        box.update(text)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "desk":
            return self.app.may("report.run")
        return True

    def action_desk(self) -> None:
        """Issue 14, item 4: review, approve and report without opening a shift."""
        self.app.pop_screen()
        self.app.go_on_duty()

    def action_start(self) -> None:
        settings = self.app.settings
        ticked = set(self.query_one("#self-check", SelectionList).selected)
        answers = {item: item in ticked for item in settings.self_check_items}
        note = self.query_one("#field-note", FormField).value or ""
        app = self.app
        actor = app.signed_in_actor

        def work(session):
            return shifts.start_shift(
                session=session,
                actor=actor,
                clock=app.clock,
                settings=settings,
                self_check=answers,
                note=note,
            )

        self.run_db(work, on_done=self.started, group="checkin", exclusive=True)

    def started(self, shift) -> None:
        app = self.app
        _rebind_actor(app, shift.id)
        self.records_changed("shift")
        if self.pending is not None:
            app.switch_screen(HandoverReviewScreen(self.pending))
        else:
            app.pop_screen()
            app.go_on_duty()


class HandoverReviewScreen(DeskScreen):
    """D-2: read the previous shift's handover; accept (sign) it or refuse it with a reason."""

    BINDINGS = bindings("checkin.accept", "checkin.refuse", "checkin.back")
    HELP_TEXT = N_(
        "Read what the previous shift hands over: notices, open items and the physical items "
        "with their counts (check them). Ctrl+S signs that you accept it. Ctrl+R refuses it "
        "with a reason: the outgoing operator stays responsible and supervisors are told."
    )

    def __init__(self, pending: Handover) -> None:
        super().__init__()
        self.pending = pending

    def title_text(self) -> str:
        return _("Handover to accept")

    def compose(self) -> ComposeResult:
        with Vertical(id="checkin-body"):
            yield Static(
                plain(_("Previous shift's handover · check it, then sign")), classes="section-title"
            )
            yield VerticalScroll(Static(plain(_("Loading…")), id="sheet-text"), id="sheet")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#sheet", VerticalScroll).focus()
        handover_id = known_id(self.pending.id)
        self.run_db(
            lambda s: handover_service.load_sheet(s, handover_id),
            write=False,
            on_done=self.show_sheet,
            group="sheet",
        )

    def show_sheet(self, sheet) -> None:
        text = Text(end="")
        for i, (heading, lines) in enumerate(
            handover_service.sheet_sections(sheet, self.app.settings)
        ):
            if i:
                text.append("\n")
            text.append(heading + "\n", style="bold")
            for line in lines:
                text.append("  ")
                text.append(plain(line))
                text.append("\n")
        self.query_one("#sheet-text", Static).update(text)

    def action_accept(self) -> None:
        app = self.app
        actor = app.signed_in_actor
        handover_id = known_id(self.pending.id)
        self.run_db(
            lambda s: handover_service.accept(
                session=s, actor=actor, clock=app.clock, handover_id=handover_id
            ),
            on_done=self.answered,
            group="answer",
            exclusive=True,
        )

    def action_refuse(self) -> None:
        app = self.app
        actor = app.signed_in_actor
        handover_id = known_id(self.pending.id)

        def work(reason: str):
            return lambda s: handover_service.refuse(
                session=s,
                actor=actor,
                clock=app.clock,
                settings=app.settings,
                handover_id=handover_id,
                reason=reason,
            )

        self.app.push_screen(
            ReasonDialog(_("Why do you refuse this handover?"), label=_("Reason")).save_with(work),
            lambda refused: self.answered(refused) if refused else None,
        )

    def answered(self, _handover) -> None:
        self.records_changed("handover", "logbook")
        self.app.pop_screen()
        self.app.go_on_duty()
