"""What the complaints area does when asked: open the forms and call the services. Each form
saves itself (SaveDialog), so a refused value shows on its field and nothing typed is lost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskterm.i18n import _
from deskterm.ids import known_id
from deskterm.models.complaint import (
    CommunicationCreate,
    ComplaintCreate,
    ComplaintStatus,
    Severity,
)
from deskterm.models.forms import validated
from deskterm.models.public_area import PublicAreaRequestCreate
from deskterm.services.callbacks import queue as callbacks
from deskterm.services.complaints import categories as complaint_categories
from deskterm.services.complaints import communications, public_areas
from deskterm.services.complaints import handling as complaints
from deskterm.services.complaints import links as complaint_links
from deskterm.services.complaints import queries as complaint_queries
from deskterm.tui.base import AreaScreen
from deskterm.tui.dialogs.callback_form import CallbackDialog, record_work
from deskterm.tui.dialogs.communication_form import CommunicationDialog, CommunicationInput
from deskterm.tui.dialogs.complaint_form import ComplaintDialog, ComplaintIntake
from deskterm.tui.dialogs.complaint_handle import (
    AnswerDialog,
    AnswerInput,
    ComplaintMenu,
    EditDialog,
    ReferDialog,
    ReferInput,
    StepDialog,
    StepInput,
)
from deskterm.tui.dialogs.confirm import ConfirmDialog
from deskterm.tui.dialogs.public_area import (
    AreaDecisionDialog,
    AreaRequestDialog,
    AreaRequestInput,
    DecisionInput,
)
from deskterm.tui.dialogs.reason import ReasonDialog


class ComplaintFlows(AreaScreen):
    """A part of ComplaintsScreen: `saved(*kinds)` refreshes it after each save (named under
    TYPE_CHECKING, with the rest of what it uses of the screen)."""

    if TYPE_CHECKING:  # what ComplaintsScreen provides

        def saved(self, *kinds: str) -> None: ...

    def _ctx(self):
        app = self.app
        return app.signed_in_actor, app.clock, app.settings

    # -- complaints ----------------------------------------------------------------------------
    def new_complaint(self) -> None:
        self.run_db(
            lambda s: [(c.code, c.label) for c in complaint_categories.list_categories(s)],
            write=False,
            on_done=self._open_intake,
            group="complaint-open",
            hold_keys=True,
        )

    def _open_intake(self, categories) -> None:
        actor, clock, settings = self._ctx()

        def work(v: ComplaintIntake):
            values = {
                "who_kind": v.who_kind,
                "who_name": v.who_name,
                "contact": v.contact,
                "channel": v.channel,
                "passed_down_by": v.passed_down_by,
                "category": v.category,
                "content": v.content,
                "severity": v.severity,
                "valid": v.valid,
                "department": v.department,
            }
            # validated in the worker: a refusal comes back to its field, as typed
            return lambda s: complaints.intake_complaint(
                session=s,
                actor=actor,
                clock=clock,
                settings=settings,
                complaint_in=validated(ComplaintCreate, values),
                unit=v.unit,
                steps=v.steps,
                close_answer=v.answer or None,
                refer_to=v.refer_to or None,
                reply_due_at=v.reply_due_at,
            )

        self.app.push_screen(
            ComplaintDialog(work, categories=categories, now=clock.now(), tz=settings.timezone),
            self._complaint_saved,
        )

    def _complaint_saved(self, row) -> None:
        if row is None:
            return
        self.saved("complaint", "callback")
        if row.severity == Severity.severe:
            self.app.notify(
                _("{number} is severe: the supervisors are alerted.").format(number=row.number),
                severity="warning",
                timeout=8,
                markup=False,
            )
        else:
            self.app.notify(_("{number} saved.").format(number=row.number), markup=False)

    def menu_choices(self, c) -> tuple[str, ...]:
        may_sign = self.app.may("complaints.sign_off")
        if c.status == ComplaintStatus.signed_off:
            return ("meeting",)
        items = ["step", "meeting", "edit", "link", "area"]
        if c.status != ComplaintStatus.closed:
            items[1:1] = ["refer", "answer"]
        if may_sign and c.severity == Severity.severe and c.severe_ack_at is None:
            items.append("ack")
        if may_sign and c.status == ComplaintStatus.closed:
            items.append("sign_off")
        return tuple(items)

    def handle_complaint(self, complaint_id: int) -> None:
        self.run_db(
            lambda s: (
                complaint_queries.get_complaint(s, complaint_id),
                [(c.code, c.label) for c in complaint_categories.list_categories(s)],
            ),
            write=False,
            on_done=self._open_menu,
            group="complaint-open",
            hold_keys=True,
        )

    def _open_menu(self, loaded) -> None:
        complaint, categories = loaded
        self.app.push_screen(
            ComplaintMenu(complaint, choices=self.menu_choices(complaint)),
            lambda item: self._menu_picked(item, complaint, categories),
        )

    def _menu_picked(self, item: str | None, c, categories) -> None:
        actor, clock, settings = self._ctx()

        def done(row) -> None:
            if row is not None:
                self.saved("complaint", "callback")

        if item == "step":

            def step(v: StepInput):
                return lambda s: complaints.add_step(
                    session=s, actor=actor, clock=clock, complaint_id=c.id, step=v.step, note=v.note
                )

            self.app.push_screen(StepDialog(step, complaint=c), done)
        elif item == "refer":

            def refer(v: ReferInput):
                return lambda s: complaints.refer_complaint(
                    session=s,
                    actor=actor,
                    clock=clock,
                    settings=settings,
                    complaint_id=c.id,
                    version=c.version,
                    to=v.to,
                    due_at=v.due_at,
                    note=v.note,
                )

            self.app.push_screen(
                ReferDialog(
                    refer,
                    complaint=c,
                    now=clock.now(),
                    tz=settings.timezone,
                    default_hours=settings.complaint_reply_hours,
                ),
                done,
            )
        elif item == "answer":

            def answer(v: AnswerInput):
                return lambda s: complaints.close_complaint(
                    session=s,
                    actor=actor,
                    clock=clock,
                    settings=settings,
                    complaint_id=c.id,
                    version=c.version,
                    answer=v.answer,
                    how=v.how,
                    close=v.close,
                )

            self.app.push_screen(AnswerDialog(answer, complaint=c), done)
        elif item == "edit":

            def edit(v):
                return lambda s: complaints.update_complaint(
                    session=s,
                    actor=actor,
                    clock=clock,
                    complaint_id=c.id,
                    version=c.version,
                    changes=v,
                )

            self.app.push_screen(EditDialog(edit, complaint=c, categories=categories), done)
        elif item == "link":
            # A repair of another unit is refused once with a sentence naming both units;
            # saving the same number again confirms it (the link records it crosses units).
            warned: dict[str, str] = {}

            def link(number: str):
                typed = "".join(number.split()).upper()

                def run(s):
                    try:
                        return complaint_links.link_repair(
                            session=s,
                            actor=actor,
                            clock=clock,
                            complaint_id=c.id,
                            repair=number,
                            other_unit=warned.get("number") == typed,
                        )
                    except complaint_links.OtherUnitLink:
                        warned["number"] = typed
                        raise

                return run

            self.app.push_screen(
                ReasonDialog(
                    _("Which repair order does {number} concern? Type its number.").format(
                        number=c.number
                    ),
                    label=_("Repair No."),
                    max_length=24,
                ).save_with(link),
                lambda row: self.saved("complaint", "repair") if row is not None else None,
            )
        elif item == "area":
            self.app.push_screen(
                ReasonDialog(
                    _("Which public-area request is {number} about? Type its number.").format(
                        number=c.number
                    ),
                    label=_("Request No."),
                    max_length=24,
                ).save_with(
                    lambda number: (
                        lambda s: public_areas.refer_complaint(
                            session=s,
                            actor=actor,
                            clock=clock,
                            complaint_id=c.id,
                            version=c.version,
                            request=number,
                        )
                    )
                ),
                lambda row: self.saved("complaint") if row is not None else None,
            )
        elif item == "meeting":
            self.new_communication(
                complaint_number=c.number,
                party_name=c.who_name,
                party_kind="tenant" if c.who_kind == "company" else "owner",
            )
        elif item == "ack":
            self.run_db(
                lambda s: complaints.acknowledge_severe(
                    session=s, actor=actor, clock=clock, complaint_id=c.id
                ),
                on_done=done,
            )
        elif item == "sign_off":

            def confirmed(yes: bool) -> None:
                if yes:
                    self.run_db(
                        lambda s: complaints.sign_off_complaint(
                            session=s,
                            actor=actor,
                            clock=clock,
                            complaint_id=c.id,
                            version=c.version,
                        ),
                        on_done=done,
                    )

            self.app.push_screen(
                ConfirmDialog(
                    _("Sign off complaint {number}?").format(number=c.number),
                    _("It is closed and its callback is done; signing it off ends it."),
                ),
                confirmed,
            )

    # -- callbacks -----------------------------------------------------------------------------
    def record_callback(self, callback_id: int) -> None:
        now = self.app.clock.now()
        self.run_db(
            lambda s: callbacks.describe(s, callback_id, now=now),
            write=False,
            on_done=self._open_callback,
            group="complaint-open",
            hold_keys=True,
        )

    def _open_callback(self, row: callbacks.CallbackRow) -> None:
        actor, clock, settings = self._ctx()
        cb = row.callback
        if cb.done_at is not None:
            self.app.notify(_("This callback is done already."), markup=False)
            return

        def saved(result) -> None:
            if result is not None:
                self.saved("callback", "complaint", "repair")

        self.app.push_screen(
            CallbackDialog(record_work(cb, actor=actor, clock=clock, settings=settings), row=row),
            saved,
        )

    # -- communications ------------------------------------------------------------------------
    def new_communication(
        self, *, complaint_number: str = "", party_name: str = "", party_kind: str | None = None
    ) -> None:
        actor, clock, settings = self._ctx()

        def work(v: CommunicationInput):
            values = {
                "at": v.at or clock.now(),
                "party_kind": v.party_kind,
                "party_name": v.party_name,
                "how": v.how,
                "subject": v.subject,
                "agreed": v.agreed,
                "follow_up": v.follow_up,
                "follow_up_due": v.follow_up_due,
            }
            # validated in the worker: a refusal comes back to its field, as typed
            return lambda s: communications.record_communication(
                session=s,
                actor=actor,
                clock=clock,
                settings=settings,
                communication_in=validated(CommunicationCreate, values),
                complaint_number=v.complaint_number,
            )

        def saved(row) -> None:
            if row is not None:
                self.saved("communication", "complaint")

        self.app.push_screen(
            CommunicationDialog(
                work,
                now=clock.now(),
                tz=settings.timezone,
                complaint_number=complaint_number,
                party_kind=party_kind,
                party_name=party_name,
            ),
            saved,
        )

    def finish_follow_up(self, communication_id: int) -> None:
        self.run_db(
            lambda s: communications.get_communication(s, communication_id),
            write=False,
            on_done=self._ask_follow_up,
            group="complaint-open",
            hold_keys=True,
        )

    def _ask_follow_up(self, comm) -> None:
        actor, clock, _settings = self._ctx()
        if not comm.follow_up or comm.follow_up_done_at is not None:
            self._ask_link(comm)
            return

        def work(note: str):
            return lambda s: communications.complete_follow_up(
                session=s,
                actor=actor,
                clock=clock,
                communication_id=comm.id,
                version=comm.version,
                note=note,
            )

        def answered(row) -> None:
            if row is not None:
                self.saved("communication")

        self.app.push_screen(
            ReasonDialog(
                _("Follow-up done: {what}").format(what=comm.follow_up), label=_("What was done")
            ).save_with(work),
            answered,
        )

    def _ask_link(self, comm) -> None:
        """File a communication with the complaint that came of it (case 2)."""
        actor, clock, _settings = self._ctx()

        def work(number: str):
            return lambda s: communications.link_complaint(
                session=s,
                actor=actor,
                clock=clock,
                communication_id=comm.id,
                complaint_id=known_id(complaint_queries.get_by_number(s, number).id),
            )

        def answered(row) -> None:
            if row is not None:
                self.saved("communication", "complaint")

        self.app.push_screen(
            ReasonDialog(
                _("File this communication with a complaint: {subject}").format(
                    subject=comm.subject
                ),
                label=_("Complaint no."),
                max_length=20,
            ).save_with(work),
            answered,
        )

    # -- dispatch ------------------------------------------------------------------------------
    # -- public-area requests (case 2) -----------------------------------------------------------
    def new_area_request(self) -> None:
        actor, clock, settings = self._ctx()

        def work(v: AreaRequestInput):
            values = {
                "applicant_kind": v.applicant_kind,
                "applicant_name": v.applicant_name,
                "area": v.area,
                "wanted_at": v.wanted_at,
                "request": v.request,
            }
            # validated in the worker: a refusal comes back to its field, as typed
            return lambda s: public_areas.record_request(
                session=s,
                actor=actor,
                clock=clock,
                settings=settings,
                request_in=validated(PublicAreaRequestCreate, values),
                unit=v.unit or None,
            )

        def saved(row) -> None:
            if row is None:
                return
            self.saved("public_area")
            if row.precedent_id is not None:
                self.app.notify(
                    _("{number} saved. It has a precedent: see the details.").format(
                        number=row.number
                    ),
                    severity="warning",
                    timeout=8,
                    markup=False,
                )
            else:
                self.app.notify(_("{number} saved.").format(number=row.number), markup=False)

        self.app.push_screen(AreaRequestDialog(work, now=clock.now(), tz=settings.timezone), saved)

    def decide_area_request(self, request_id: int) -> None:
        def load(s):
            row = public_areas.get_request(s, request_id)
            before = (
                public_areas.get_request(s, row.precedent_id)
                if row.precedent_id is not None
                else None
            )
            line = (
                public_areas.request_line(before)
                + (f" — {before.rule_cited}" if before.rule_cited else "")
                if before
                else ""
            )
            return row, line

        self.run_db(
            load, write=False, on_done=self._open_decision, group="complaint-open", hold_keys=True
        )

    def _open_decision(self, loaded) -> None:
        row, precedent = loaded
        actor, clock, _settings = self._ctx()

        def work(v: DecisionInput):
            return lambda s: public_areas.decide(
                session=s,
                actor=actor,
                clock=clock,
                request_id=row.id,
                version=row.version,
                decision=v.decision,
                rule_cited=v.rule_cited,
                help_offered=v.help_offered,
                note=v.note,
            )

        self.app.push_screen(
            AreaDecisionDialog(work, request=row, precedent=precedent),
            lambda done: self.saved("public_area") if done is not None else None,
        )

    def act_on(self, kind: str, record_id: int) -> None:
        if kind == "public_area":
            self.decide_area_request(record_id)
        elif kind == "complaint":
            self.handle_complaint(record_id)
        elif kind == "callback":
            self.record_callback(record_id)
        elif kind == "communication":
            self.finish_follow_up(record_id)
