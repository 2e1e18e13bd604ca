"""What the visitors screen does to one slip: open it (from a list or the dashboard), check
it out or record a lost slip, correct it (refused if another desk changed it), print it;
and the evacuation roll call, printed at once.

A mixin of VisitorsScreen: it uses the screen's result line, banner and lists.
"""

from __future__ import annotations

from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.models.visitor import VisitorSlip
from deskterm.services.printing import send as print_text
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.onsite import list_on_site
from deskterm.services.visitors.slip_print import print_slip, roll_call_text
from deskterm.tui.dialogs.visitor_edit import EditSlipDialog
from deskterm.tui.dialogs.visitor_rollcall import RollCallDialog
from deskterm.tui.dialogs.visitor_slip import SlipDialog


class SlipActions:
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
        """The correction saves from the dialog: refused (another desk saved the slip, the
        disk is full, the database is locked or gone), the dialog stays as typed (issue 14)."""
        app = self.app
        seen = visitors.slip_snapshot(slip)

        def work(changes):
            return lambda s: visitors.update_slip(session=s, actor=app.actor, clock=app.clock,
                                                  slip_id=slip.id, version=slip.version,
                                                  changes=changes, seen=seen)

        def done(corrected) -> None:
            if corrected is not None:
                self._slip_corrected(corrected)

        self.app.push_screen(EditSlipDialog(slip, update, error).save_with(work), done)

    def _slip_corrected(self, slip: VisitorSlip) -> None:
        self.app.notify(_("Slip {number} corrected.").format(number=slip.number), markup=False)
        self.records_changed("visitor")
        self.refresh_lists()

    # -- paper -----------------------------------------------------------------------------
    def action_print_last(self) -> None:
        if self.last_issued is not None:
            self.print_slip(self.last_issued)

    def print_slip(self, slip: VisitorSlip) -> None:
        settings = self.app.settings
        self.run_db(lambda _engine: print_slip(slip, settings), write=None, group="print",
                    on_done=lambda _r: self.app.notify(
                        _("Slip {number} sent to the printer.").format(number=slip.number),
                        markup=False))

    def _print(self, text: str, done_message: str) -> None:
        settings = self.app.settings
        self.run_db(lambda _engine: print_text(text, settings), write=None, group="print",
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
