"""What the visitors screen does to one slip: open it (from a list or the dashboard), check
it out or record a lost slip, correct it (refused if another desk changed it), print it;
and the evacuation roll call, printed at once.

A part of VisitorsScreen (it subclasses the area's base, and names under TYPE_CHECKING what it
uses of the visitors screen: its result line, banner and lists; mypy checks both sides).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskterm.i18n import _
from deskterm.ids import known_id
from deskterm.models.visitor import VisitorSlip
from deskterm.services.printing import send as print_text
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.onsite import list_on_site
from deskterm.services.visitors.slip_print import print_slip, roll_call_text
from deskterm.tui.base import AreaScreen
from deskterm.tui.dialogs.visitor_edit import EditSlipDialog
from deskterm.tui.dialogs.visitor_rollcall import RollCallDialog
from deskterm.tui.dialogs.visitor_slip import SlipDialog
from deskterm.tui.dialogs.visitor_supervisor import SupervisorDialog


class SlipActions(AreaScreen):
    if TYPE_CHECKING:  # what VisitorsScreen (and its RegisterFlow) provide
        last_issued: VisitorSlip | None

        def show_issued(self, slip: VisitorSlip) -> None: ...

        def switch_view(self, view: str) -> None: ...
        def show_result(self, message: str, *, ok: bool) -> None: ...
        def refresh_lists(self) -> None: ...
        def checked_out(self, slip: VisitorSlip) -> None: ...
        def scan_failed(self, exc: BaseException) -> None: ...

    def open_record(self, kind: str, record_id: int) -> None:
        """The dashboard opens a visitor line here."""
        if kind == "visitor":
            self.switch_view("on-site")
            self.open_slip(record_id)

    def open_slip(self, slip_id: int) -> None:
        self.run_db(
            lambda s: visitors.get_slip(session=s, slip_id=slip_id),
            write=False,
            on_done=self._show_slip,
            group="open-slip",
            exclusive=True,
        )

    def _show_slip(self, slip: VisitorSlip) -> None:
        self.app.push_screen(SlipDialog(slip), lambda what: self._slip_action(slip, what))

    def _slip_action(self, slip: VisitorSlip, what: str | None) -> None:
        app = self.app
        if what in ("checkout", "lost"):
            self.run_db(
                lambda s: visitors.check_out(
                    session=s,
                    actor=app.signed_in_actor,
                    clock=app.clock,
                    settings=app.settings,
                    slip_id=known_id(slip.id),
                    slip_returned=what == "checkout",
                ),
                on_done=self.checked_out,
                on_error=self.scan_failed,
                group="checkout",
            )
        elif what == "undo":
            self.undo_check_out(slip)
        elif what == "edit":
            self.edit_slip(slip)
        elif what == "print":
            self.print_slip(slip)

    def undo_check_out(self, slip: VisitorSlip) -> None:
        app = self.app

        def undone(again: VisitorSlip) -> None:
            self.show_result(
                _("↺ {number} {name} is on site again: the check-out was undone.").format(
                    number=again.number, name=again.visitor_name
                ),
                ok=True,
            )
            self.records_changed("visitor")
            self.refresh_lists()

        self.run_db(
            lambda s: visitors.undo_check_out(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                slip_id=known_id(slip.id),
                version=slip.version,
            ),
            on_done=undone,
            on_error=self.scan_failed,
            group="checkout",
        )

    def edit_slip(self, slip: VisitorSlip, update=None, error: BaseException | None = None) -> None:
        def done(changes) -> None:
            if changes is not None:
                self._save_correction(slip, changes)

        self.app.push_screen(EditSlipDialog(slip, update, error), done)

    def _save_correction(
        self, slip: VisitorSlip, changes, override: visitors.DenyOverride | None = None
    ) -> None:
        app = self.app
        seen = visitors.slip_snapshot(slip)
        self.run_db(
            lambda s: visitors.update_slip(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                slip_id=known_id(slip.id),
                version=slip.version,
                changes=changes,
                seen=seen,
                deny_override=override,
            ),
            on_done=self._slip_corrected,
            on_error=lambda exc: self._correction_failed(slip, changes, exc),
        )

    def _deny_decision(self, slip: VisitorSlip, changes, exc: visitors.DenyListMatch) -> None:
        """A new name on (or close to) the deny list: the supervisor decides, as at check-in
        (D-6). Refused: the correction is not saved and the form comes back."""

        def decided(decision) -> None:
            if decision is not None and decision.allow:
                self._save_correction(
                    slip,
                    changes,
                    visitors.DenyOverride(decision.supervisor, known_id(exc.entry_id)),
                )
            else:
                self.edit_slip(slip, changes, exc)

        self.app.push_screen(
            SupervisorDialog(name=exc.name, reason=exc.reason, typed=exc.typed), decided
        )

    def _slip_corrected(self, slip: VisitorSlip) -> None:
        self.app.notify(_("Slip {number} corrected.").format(number=slip.number), markup=False)
        if self.last_issued is not None and self.last_issued.id == slip.id:
            # the banner and Print last show the slip as it now is, not the name mistyped
            self.show_issued(slip)
            self.show_result(
                _("✓ Slip {number} corrected: {name}.").format(
                    number=slip.number, name=slip.visitor_name
                ),
                ok=True,
            )
        self.records_changed("visitor")
        self.refresh_lists()

    def _correction_failed(self, slip, changes, exc: BaseException) -> None:
        """A refused correction comes back as typed, with the sentence (issue 14, item 7); a
        name on or close to the deny list goes to the supervisor first (issue 16)."""
        if isinstance(exc, visitors.DenyListMatch):
            self._deny_decision(slip, changes, exc)
        else:  # a locked or lost database too: the typing is never the price of a refusal
            self.edit_slip(slip, changes, exc)
            self.refresh_lists()

    # -- paper -----------------------------------------------------------------------------
    def action_print_last(self) -> None:
        if self.last_issued is not None:
            self.print_slip(self.last_issued)

    def print_slip(self, slip: VisitorSlip) -> None:
        settings = self.app.settings
        self.run_db(
            lambda _engine: print_slip(slip, settings),
            write=None,
            group="print",
            on_done=lambda _r: self.app.notify(
                _("Slip {number} sent to the printer.").format(number=slip.number), markup=False
            ),
        )

    def _print(self, text: str, done_message: str) -> None:
        settings = self.app.settings
        self.run_db(
            lambda _engine: print_text(text, settings),
            write=None,
            group="print",
            on_done=lambda _r: self.app.notify(done_message, markup=False),
        )

    def action_roll_call(self) -> None:
        app = self.app
        self.run_db(
            lambda s: list_on_site(session=s, clock=app.clock, settings=app.settings),
            on_done=self._show_roll_call,
            write=False,
            group="roll-call",
        )

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
