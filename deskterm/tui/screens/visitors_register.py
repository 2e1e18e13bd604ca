"""The registration side of the visitors screen (D-5, D-7): the form, the call to the host,
a deny-list match decided by a supervisor, the slip issued (its number shown large), a
visitor turned away, and expected visitors announced and checked in on arrival.

A part of VisitorsScreen (it subclasses the area's base, and names under TYPE_CHECKING what it
uses of the visitors screen: its scan field, result line and lists; mypy checks both sides).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.widgets import Digits, Input, Static

from deskterm.errors import DeskError, InvalidInput
from deskterm.i18n import _
from deskterm.ids import known_id
from deskterm.models.forms import validated
from deskterm.models.visitor import DocType, HostCallResult, VisitorSlip, VisitorSlipCreate
from deskterm.rules.numbering import local_day
from deskterm.services.visitors import checks
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.expected import add_expected
from deskterm.tui.base import AreaScreen
from deskterm.tui.dialogs.confirm import ConfirmDialog
from deskterm.tui.dialogs.visitor_call import HostCallDialog
from deskterm.tui.dialogs.visitor_expected import ArrivalDialog, ExpectedDialog
from deskterm.tui.dialogs.visitor_form import RegisterSlipDialog, SlipDraft
from deskterm.tui.dialogs.visitor_supervisor import SupervisorDialog
from deskterm.tui.widgets.text import plain


class RegisterFlow(AreaScreen):
    if TYPE_CHECKING:  # what VisitorsScreen (and its SlipActions) provide
        last_issued: VisitorSlip | None

        @property
        def scan_input(self) -> Input: ...
        def show_result(self, message: str, *, ok: bool) -> None: ...
        def refresh_lists(self) -> None: ...
        def print_slip(self, slip: VisitorSlip) -> None: ...

    # -- registering a visitor -------------------------------------------------------------
    def action_new_slip(
        self, draft: SlipDraft | None = None, error: DeskError | None = None
    ) -> None:
        self.app.push_screen(RegisterSlipDialog(draft, error), self._form_done)

    def _form_done(self, draft: SlipDraft | None) -> None:
        if draft is None:
            self.scan_input.focus()
            return
        if not checks.host_call_needed(draft.slip_in):
            self._save_slip(draft)
            return
        slip_in = draft.slip_in
        self.app.push_screen(
            HostCallDialog(
                visitor=slip_in.visitor_name,
                headcount=slip_in.headcount,
                host_text=slip_in.host_text,
                host=draft.host,
            ),
            lambda call: self._call_done(draft, call),
        )

    def _call_done(self, draft: SlipDraft, call) -> None:
        if call is None:  # back to the form, as typed
            self.action_new_slip(draft)
            return
        try:
            slip_in = validated(  # the form as validated, with what the host said
                VisitorSlipCreate,
                {
                    **draft.slip_in.model_dump(exclude={"doc_masked"}),
                    "host_call_method": call.method.value,
                    "host_call_result": call.result.value,
                },
                today=checks.desk_today(self.app.clock, self.app.settings),
            )
        except InvalidInput as exc:  # the desk's day turned meanwhile: back to the form
            self.action_new_slip(draft, exc)
            return
        answered = SlipDraft(slip_in, draft.host)
        if call.result == HostCallResult.refused:
            self._turn_away(slip_in, visitors.TurnAwayCause.host_refused)
        elif call.result == HostCallResult.no_answer:
            if DocType(slip_in.doc_type) == DocType.none:
                self.app.notify(
                    _("No document and no answer from the host: the visitor cannot go up."),
                    severity="warning",
                    markup=False,
                )
                self._turn_away(slip_in, visitors.TurnAwayCause.no_answer)
                return
            self.app.push_screen(
                ConfirmDialog(
                    _("The host did not answer. Let the visitor in anyway?"),
                    _(
                        "Yes: the slip records that the host was not reached. "
                        "No: the visitor is turned away and the logbook says so."
                    ),
                ),
                lambda yes: (
                    self._save_slip(answered)
                    if yes
                    else self._turn_away(slip_in, visitors.TurnAwayCause.no_answer)
                ),
            )
        else:
            self._save_slip(answered)

    def _save_slip(self, draft: SlipDraft, override: visitors.DenyOverride | None = None) -> None:
        app = self.app
        self._save(
            lambda s, o: visitors.register_slip(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                settings=app.settings,
                slip_in=draft.slip_in,
                deny_override=o,
            ),
            override,
            refuse=lambda supervisor, entry_id: self._turn_away(
                draft.slip_in, visitors.TurnAwayCause.deny_list, supervisor, entry_id
            ),
            back=lambda error=None: self.action_new_slip(draft, error),
        )

    def _save(self, work: Callable, override, *, refuse: Callable, back: Callable) -> None:
        """Issue a slip; a deny-list match asks a supervisor, a refused field goes back."""

        def failed(exc: BaseException) -> None:
            if isinstance(exc, visitors.DenyListMatch):

                def decided(decision) -> None:
                    if decision is None:
                        back()
                    elif decision.allow:
                        self._save(
                            work,
                            visitors.DenyOverride(decision.supervisor, known_id(exc.entry_id)),
                            refuse=refuse,
                            back=back,
                        )
                    else:
                        refuse(decision.supervisor, exc.entry_id)

                self.app.push_screen(
                    SupervisorDialog(name=exc.name, reason=exc.reason, typed=exc.typed), decided
                )
            elif isinstance(exc, InvalidInput):
                back(exc)
            else:
                self.show_error(exc)
                back()

        self.run_db(
            lambda s: work(s, override), on_done=self.slip_issued, on_error=failed, group="save"
        )

    def slip_issued(self, slip: VisitorSlip) -> None:
        self.show_issued(slip)
        self.show_result(
            _("✓ Slip {number} issued to {name}.").format(
                number=slip.number, name=slip.visitor_name
            ),
            ok=True,
        )
        self.scan_input.focus()
        self.refresh_bindings()
        self.records_changed("visitor")
        self.refresh_lists()
        if self.app.settings.print_command:  # the paper slip, with its number to scan out
            self.print_slip(slip)

    def show_issued(self, slip: VisitorSlip) -> None:
        """The big banner of the slip just issued (its number to write or read out), and the
        slip that Print last prints: shown again as corrected after a correction."""
        self.last_issued = slip
        banner = self.query_one("#issued-banner")
        self.query_one("#issued-prefix", Static).update(slip.number[:1])
        self.query_one("#issued-digits", Digits).update(slip.number[1:])
        self.query_one("#issued-text", Static).update(
            plain(
                _("Slip issued")
                + "\n"
                + f"{slip.visitor_name} ×{slip.headcount}\n"
                + f"→ {slip.host_text}",
                one_line=False,
            )
        )
        banner.display = True

    def hide_banner(self) -> None:
        self.query_one("#issued-banner").display = False
        self.last_issued = None
        self.refresh_bindings()

    def _turn_away(self, slip_in, cause: str, supervisor=None, entry_id: int | None = None) -> None:
        app = self.app

        def done(_entry) -> None:
            self.show_result(
                _("{name} was not let in: no slip; the duty logbook has a line.").format(
                    name=slip_in.visitor_name
                ),
                ok=False,
            )
            self.scan_input.focus()
            self.records_changed("visitor", "logbook")

        self.run_db(
            lambda s: visitors.turn_away(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                settings=app.settings,
                slip_in=slip_in,
                cause=cause,
                supervisor=supervisor,
                deny_entry_id=entry_id,
            ),
            on_done=done,
            group="save",
        )

    # -- expected visitors -----------------------------------------------------------------
    def _today(self):
        return local_day(self.app.clock.now(), self.app.settings.timezone)

    def action_new_expected(self, draft=None, error: BaseException | None = None) -> None:
        self.app.push_screen(ExpectedDialog(self._today(), draft, error), self._expected_done)

    def _expected_done(self, draft) -> None:
        if draft is None:
            return
        app = self.app

        def saved(expected) -> None:
            self.app.notify(
                _("{name} is expected on {day}.").format(
                    name=expected.visitor_name, day=expected.expected_on.isoformat()
                ),
                markup=False,
            )
            self.records_changed("visitor")
            self.refresh_lists()

        self.run_db(
            lambda s: add_expected(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                settings=app.settings,
                expected_in=draft.expected_in,
            ),
            on_done=saved,
            on_error=lambda exc: self.action_new_expected(draft, exc),
            group="save",
        )

    def _arrived(self, expected, arrival) -> None:
        if arrival is None:
            return
        app = self.app
        self._save(
            lambda s, o: visitors.check_in_expected(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                settings=app.settings,
                expected_id=expected.id,
                doc_type=arrival.doc_type,
                doc_number=arrival.doc_number,
                deny_override=o,
            ),
            None,
            refuse=lambda supervisor, entry_id: self._turn_away(
                validated(  # the announcement, validated when it was written down
                    VisitorSlipCreate,
                    {
                        "visitor_name": expected.visitor_name,
                        "headcount": expected.headcount,
                        "doc_type": DocType.sighted,
                        "host_resident_id": expected.host_resident_id,
                        "host_company_id": expected.host_company_id,
                        "host_unit_id": expected.host_unit_id,
                        "host_text": expected.host_text,
                    },
                ),
                visitors.TurnAwayCause.deny_list,
                supervisor,
                entry_id,
            ),
            back=lambda error=None: self.app.push_screen(  # again, as typed
                ArrivalDialog(expected, arrival, error),
                lambda again: self._arrived(expected, again),
            ),
        )
