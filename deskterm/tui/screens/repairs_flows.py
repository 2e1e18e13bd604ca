"""What the repairs area does with an order: intake, the next step, the menu of every step,
fees and their review, the callback, printing. Each step opens a form that saves itself
(through the services, in a worker) and passes the version the desk saw, so a change made
meanwhile at another desk is refused with what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from deskterm.i18n import _
from deskterm.ids import known_id
from deskterm.models.forms import validated
from deskterm.models.repair import RepairOrder, RepairOrderCreate, RepairOrderUpdate
from deskterm.services import permissions, printing
from deskterm.services.callbacks import queue as callbacks
from deskterm.services.repairs import engineers as repair_engineers
from deskterm.services.repairs import fee_schedule as fees
from deskterm.services.repairs import fees as repair_fees
from deskterm.services.repairs import intake, queries, settlement
from deskterm.services.repairs import order_print as repair_print
from deskterm.services.repairs import status as repair_status
from deskterm.services.repairs.labels import class_label, status_label
from deskterm.tui import fmt
from deskterm.tui.dialogs.callback_form import CallbackDialog, record_work
from deskterm.tui.dialogs.confirm import ConfirmDialog
from deskterm.tui.dialogs.reason import ReasonDialog
from deskterm.tui.dialogs.repair_actions import RepairActionsDialog, RepairPrintDialog
from deskterm.tui.dialogs.repair_fee import FeeReviewDialog, RepairFeeDialog
from deskterm.tui.dialogs.repair_intake import IntakeContext, RepairIntakeDialog
from deskterm.tui.dialogs.repair_step import RepairStepDialog, StepField, engineer_table
from deskterm.tui.screens.repairs_money import RepairMoneyFlows
from deskterm.tui.widgets.record_list import RecordList

OPEN = ("reported", "dispatched", "on_site", "on_hold")


class RepairFlows(RepairMoneyFlows):
    """A part of RepairsScreen: what it uses of the screen is named under TYPE_CHECKING."""

    if TYPE_CHECKING:  # what RepairsScreen provides
        view: str
        focus_id: int | None

        def load(self) -> None: ...
        def reload_detail(self) -> None: ...
        def _current_order_id(self) -> int | None: ...
        def _list(self, name: str | None = None) -> RecordList: ...

    def _ctx(self):
        return self.app.signed_in_actor, self.app.clock, self.app.settings

    def _saved(self, *_result: object) -> None:
        self.records_changed("repair", "callback")
        self.load()
        self.reload_detail()

    def _form_closed(self, result: object) -> None:
        """A form closed: saved (a result), or cancelled (None: nothing to read again)."""
        if result is not None:
            self._saved()

    def _with_order(self, then) -> None:
        """Read the highlighted order fresh, then call `then(detail)` on the UI thread."""
        order_id = self._current_order_id()
        if order_id is None:
            self.app.bell()
            return
        self.run_db(
            lambda s: queries.get_order_detail(session=s, order_id=order_id),
            write=False,
            on_done=lambda d: then(d) if d is not None else None,
            group="repairs-open",
            hold_keys=True,
            exclusive=True,
        )

    def _about(self, detail) -> str:
        o = detail.order
        return (
            f"{o.number} · {detail.place} · {o.reporter_name} · "
            f"{status_label(o.status)} · {o.description}"
        )

    def _seen_version(self, detail) -> int:
        """The version this desk saw when it highlighted the order (board row or detail)."""
        row = self._list().current
        data = getattr(row, "data", None)
        version = getattr(data, "version", None)
        if isinstance(data, RepairOrder | queries.BoardRow) and version is not None:
            return version
        return detail.order.version

    # -- intake ------------------------------------------------------------------------------
    def action_new(self) -> None:
        self.run_db(
            lambda s: IntakeContext(intake.list_categories(session=s)),
            write=False,
            on_done=self._open_intake,
            group="repairs-open",
            hold_keys=True,
            exclusive=True,
        )

    def _open_intake(self, context: IntakeContext) -> None:
        actor, clock, settings = self._ctx()

        def work(values: dict):
            # validated in the worker: a refusal comes back to its field, as typed
            return lambda s: intake.create_repair_order(
                session=s,
                actor=actor,
                clock=clock,
                settings=settings,
                order_in=validated(RepairOrderCreate, values),
            )

        def saved(order: RepairOrder | None) -> None:
            if order is None:
                return
            self.focus_id = order.id
            self._saved()
            self._offer_print(order, just_saved=True)

        self.app.push_screen(RepairIntakeDialog(work, context=context), saved)

    # -- printing: passed to engineering at once (D-36) ---------------------------------------
    def action_print_order(self) -> None:
        self._with_order(lambda d: self._offer_print(d.order, just_saved=False))

    def _offer_print(self, order: RepairOrder, *, just_saved: bool) -> None:
        tz = self.app.settings.timezone
        summary = Text()
        if just_saved:
            summary.append(_("Saved as {number}.").format(number=order.number) + "\n", style="bold")
        summary.append(
            _("Class: {cls}").format(cls=class_label(order.repair_class)) + "\n",
            style="bold red" if order.repair_class == "urgent" else "",
        )
        if order.onsite_due_at is not None:
            summary.append(
                _("On site by {t}").format(t=fmt.full(order.onsite_due_at, tz)) + "\n", style="bold"
            )
        summary.append(
            _("Repaired by {t}").format(t=fmt.full(order.fix_due_at, tz)) + "\n", style="bold"
        )
        if order.warranty_of_id:
            summary.append(_("Warranty work: charged nothing.") + "\n")
        summary.append(_("Pass it to engineering now: P print, H or T save."))
        title = order.number

        def chosen(answer) -> None:
            if answer is not None:
                self._print(known_id(order.id), *answer)

        self.app.push_screen(
            RepairPrintDialog(
                title, summary, may_show_phone=self.app.may("residents.reveal_phone")
            ),
            chosen,
        )

    def _print(self, order_id: int, how: str, phone_reason: str | None) -> None:
        from deskterm.db import run_write

        actor, clock, settings = self._ctx()
        fmt_ = "html" if how == "html" else "text"

        def work(engine):
            name, text = run_write(
                engine,
                lambda s: repair_print.render_order(
                    session=s,
                    actor=actor,
                    clock=clock,
                    settings=settings,
                    order_id=order_id,
                    fmt=fmt_,
                    include_phone=phone_reason is not None,
                    reason=phone_reason,
                ),
            )
            if how == "print":  # outside the transaction: no retry may print twice
                printing.send(text, settings)
                return _("Sent to the printer.")
            path = repair_print.save_document(name, text)
            return _("Saved to {path}").format(path=path)

        self.run_db(
            work,
            write=None,
            group="repairs-print",
            on_done=lambda msg: self.app.notify(msg, markup=False),
        )

    # -- the next step and the menu ------------------------------------------------------------
    def action_next_step(self) -> None:
        if self.view == "callbacks":
            row = self._list().current
            if row is not None:
                self._record_callback(row.data)
            return
        if self.view == "reviews":
            row = self._list().current
            if row is not None:
                self._review_fee(*row.data)
            return
        self._with_order(self._next_for)

    def _next_for(self, detail) -> None:
        o = detail.order
        step = {
            "reported": "dispatch",
            "dispatched": "arrive",
            "on_site": "repair",
            "on_hold": "resume",
            "repaired": "callback",
            "accepted": "callback",
            "called_back": "close",
        }.get(str(o.status))
        if (
            step == "repair"
            and settlement.needs_quotation(o, self.app.settings)
            and o.quote_accepted_at is None
        ):  # D-34: a long job is quoted first
            step = "quote" if o.quote_fen is None else "quote_accept"
        elif step == "repair":
            if detail.fee.pending_lines:
                self.app.notify(
                    _(
                        "A fee off the schedule waits for the supervisor's review; "
                        "work goes on once it is reviewed."
                    ),
                    markup=False,
                    severity="warning",
                )
                return
            if (
                o.scope == "household"
                and detail.fee.total_fen > 0
                and o.fee_accepted_fen != detail.fee.total_fen
            ):
                step = "fee_accept"
        if step == "callback" and not any(cb.done_at is None for cb in detail.callbacks):
            step = "accept" if o.status == "repaired" else "close"
        if step is None:
            self.app.notify(
                _("Order {number} is {status}: nothing more to do.").format(
                    number=o.number, status=status_label(o.status)
                ),
                markup=False,
            )
            return
        self.run_step(step, detail)

    def action_actions(self) -> None:
        self._with_order(self._menu_for)

    def _menu_for(self, detail) -> None:
        o = detail.order
        status = str(o.status)
        choices = []
        if status in ("reported", "dispatched", "on_site"):
            choices.append(
                (
                    "dispatch",
                    "d",
                    _("Dispatch to an engineer")
                    if status == "reported"
                    else _("Dispatch again (another engineer)"),
                )
            )
        if status == "dispatched":
            choices.append(("arrive", "a", _("Engineer on site")))
        if status == "on_site":
            choices.append(("repair", "w", _("Work done")))
        if status in OPEN and status != "on_hold":
            choices.append(("fee", "f", _("Add a fee")))
            if o.scope == "household" and detail.fee.total_fen > 0:
                choices.append(("fee_accept", "g", _("Reporter accepts the fee")))
        if any(cb.done_at is None for cb in detail.callbacks):
            choices.append(("callback", "b", _("Callback")))
        if status in ("repaired", "called_back") and not o.accepted_by_name:
            choices.append(
                (
                    "accept",
                    "v",
                    _("Accepted by the resident")
                    if o.scope == "household"
                    else _("Verified (accepted)"),
                )
            )
        if status in ("accepted", "called_back", "repaired"):
            choices.append(("close", "k", _("Close")))
        if status in ("reported", "dispatched", "on_site"):
            choices.append(("hold", "h", _("Put on hold")))
        if status == "on_hold":
            choices.append(("resume", "h", _("Resume")))
        if status in OPEN:
            choices.append(("estimate", "t", _("Labour estimate (work-days)")))
            if settlement.needs_quotation(o, self.app.settings):
                choices.append(("quote", "q", _("Quotation")))
                if o.quote_fen is not None and o.quote_accepted_at is None:
                    choices.append(("quote_accept", "o", _("Resident accepts the quotation")))
            if o.fee_accepted_at is None and o.quote_accepted_at is None:
                choices.append(
                    (
                        "warranty",
                        "l",
                        _("Unlink from the warranty repair")
                        if o.warranty_of_id
                        else _("Link to a repair under warranty"),
                    )
                )
        if status != "cancelled" and detail.fee.total_fen > 0:
            choices.append(("settle", "s", _("Settlement (paid, sent to finance)")))
        if status != "cancelled":
            choices.append(("bearer", "c", _("Who bears the cost")))
        if status in OPEN:
            choices.append(("edit", "e", _("Correct the details")))
            choices.append(("cancel", "x", _("Cancel the order")))
        if detail.fee.pending_lines and self.app.may("repairs.review_fee"):
            choices.append(("review", "r", _("Review the fee")))
        choices.append(("print", "p", _("Print or save the work order")))

        def chosen(step: str | None) -> None:
            if step is not None:
                self.run_step(step, detail)

        self.app.push_screen(RepairActionsDialog(o.number, self._about(detail), choices), chosen)

    # -- the steps -----------------------------------------------------------------------------
    def run_step(self, step: str, detail) -> None:
        actor, clock, settings = self._ctx()
        o = detail.order
        version = self._seen_version(detail)
        about = self._about(detail)
        common = dict(session=None, actor=actor, clock=clock, order_id=o.id, version=version)

        def call(fn, **kw):
            return lambda s: fn(**{**common, "session": s, **kw})

        def form(title: str, fields: list[StepField], work) -> None:
            self.app.push_screen(
                RepairStepDialog(work, title=title, about=about, fields=fields),
                self._form_closed,
            )

        if step == "dispatch":

            def dispatch_to(engineers) -> None:
                on_duty = [e for e in engineers if e.on_duty]
                default = o.assignee or (on_duty[0].name if on_duty else "")
                self.app.push_screen(
                    RepairStepDialog(
                        lambda v: call(repair_status.dispatch, assignee=v["assignee"]),
                        title=_("Dispatch {number}").format(number=o.number),
                        about=about,
                        fields=[StepField("assignee", _("Engineer"), default, max_length=64)],
                        hint=engineer_table(engineers),
                    ),
                    self._form_closed,
                )

            self.run_db(
                lambda s: repair_engineers.list_engineers(session=s),
                write=False,
                on_done=dispatch_to,
                group="repairs-open",
                hold_keys=True,
            )
        elif step == "arrive":
            form(
                _("Engineer on site · {number}").format(number=o.number),
                [StepField("arrived_at", _("Arrived at"), placeholder=_("empty = now"), when=True)],
                lambda v: call(repair_status.record_arrival, arrived_at=v["arrived_at"]),
            )
        elif step == "repair":
            form(
                _("Work done · {number}").format(number=o.number),
                [
                    StepField("work_done", _("Work done"), max_length=4000),
                    StepField("materials", _("Materials"), max_length=2000),
                    StepField(
                        "repaired_at", _("Finished at"), placeholder=_("empty = now"), when=True
                    ),
                ],
                lambda v: call(
                    repair_status.mark_repaired,
                    settings=settings,
                    work_done=v["work_done"],
                    materials=v["materials"],
                    repaired_at=v["repaired_at"],
                ),
            )
        elif step == "fee_accept":
            form(
                _("The reporter accepts the fee · {number}").format(number=o.number),
                [
                    StepField(
                        "fee_accepted_by_name", _("Fee accepted by"), o.reporter_name, max_length=64
                    ),
                    StepField("fee_form_no", _("Form number"), max_length=32),
                ],
                lambda v: call(
                    repair_fees.accept_fee,
                    accepted_by=v["fee_accepted_by_name"],
                    form_no=v["fee_form_no"],
                ),
            )
        elif step == "accept":
            form(
                _("Work accepted · {number}").format(number=o.number),
                [StepField("accepted_by_name", _("Accepted by"), o.reporter_name, max_length=64)],
                lambda v: call(repair_status.record_acceptance, accepted_by=v["accepted_by_name"]),
            )
        elif step == "edit":
            form(
                _("Correct · {number}").format(number=o.number),
                [
                    StepField("reporter_name", _("Reporter"), o.reporter_name, max_length=64),
                    StepField(
                        "reporter_contact",
                        _("Contact"),
                        placeholder=_("empty = keep the number on file"),
                        max_length=64,
                    ),
                    StepField("location", _("Location"), o.location, max_length=128),
                    StepField("description", _("Fault"), o.description, max_length=4000),
                ],
                # validated in the worker: a refusal comes back to its field, as typed
                lambda v: (
                    lambda s: repair_status.update_order(
                        **{
                            **common,
                            "session": s,
                            "changes": validated(
                                RepairOrderUpdate,
                                {
                                    "reporter_name": v["reporter_name"],
                                    "description": v["description"],
                                    "location": v["location"],
                                    "reporter_contact": v["reporter_contact"] or None,
                                },
                            ),
                        }
                    )
                ),
            )
        elif step in ("hold", "cancel"):
            question = (
                _("Why is {number} put on hold? It stays on the deadline board.")
                if step == "hold"
                else _("Why is {number} cancelled?")
            )
            fn = repair_status.hold_order if step == "hold" else repair_status.cancel_order

            def answered(saved) -> None:
                if saved is not None:
                    self._saved(saved)

            self.app.push_screen(
                ReasonDialog(question.format(number=o.number)).save_with(
                    lambda reason: call(fn, reason=reason)
                ),
                answered,
            )
        elif step == "resume":
            self.run_db(call(repair_status.resume_order), on_done=self._saved)
        elif step == "close":  # for good: it says which order, and takes y (never Enter)

            def confirmed(yes: bool) -> None:
                if yes:
                    self.run_db(call(repair_status.close_order), on_done=self._saved)

            self.app.push_screen(
                ConfirmDialog(_("Close order {number} for good?").format(number=o.number), about),
                confirmed,
            )
        elif step == "fee":
            self._add_fee(detail, version)
        elif step == "callback":
            pending = next((cb for cb in detail.callbacks if cb.done_at is None), None)
            if pending is not None:
                now = clock.now()
                self.run_db(
                    lambda s: callbacks.describe(s, pending.id, now=now),
                    write=False,
                    on_done=self._record_callback,
                    group="repairs-open",
                    hold_keys=True,
                )
        elif step == "review":
            line = next((ln for ln in detail.lines if ln.review == "pending"), None)
            if line is not None:
                self._review_fee(line, o)
        elif step == "print":
            self._offer_print(o, just_saved=False)
        else:
            self._money_step(step, detail, form, call)

    def _add_fee(self, detail, version: int) -> None:
        actor, clock, settings = self._ctx()
        o = detail.order
        day = fees.desk_day(clock, settings)

        def opened(schedule) -> None:
            def work(v: dict):
                if v["mode"] == "schedule":
                    return lambda s: repair_fees.add_fee_line(
                        session=s,
                        actor=actor,
                        clock=clock,
                        settings=settings,
                        order_id=o.id,
                        version=version,
                        code=v["code"],
                        quantity=v["quantity"],
                    )
                return lambda s: repair_fees.add_offschedule_line(
                    session=s,
                    actor=actor,
                    clock=clock,
                    order_id=o.id,
                    version=version,
                    description=v["description"],
                    quantity=v["quantity"],
                    labour_fen=v["labour_fen"],
                    materials_fen=v["materials_fen"],
                    unit=v["unit"],
                )

            self.app.push_screen(
                RepairFeeDialog(work, about=self._about(detail), schedule=schedule),
                self._form_closed,
            )

        self.run_db(
            lambda s: fees.list_schedule(session=s, on=day),
            write=False,
            on_done=opened,
            group="repairs-open",
            hold_keys=True,
        )

    def _review_fee(self, line, order) -> None:
        actor, clock, _settings = self._ctx()
        if not self.app.may("repairs.review_fee"):

            def refused(_exc: BaseException) -> None:
                self.app.notify(
                    _("Only a supervisor reviews a fee that is not on the schedule."),
                    markup=False,
                    severity="warning",
                )

            self.run_db(  # the one door check: the denial audited (issue 9), then said
                lambda engine: permissions.authorize(
                    engine=engine, clock=clock, actor=actor, action="repairs.review_fee"
                ),
                on_error=refused,
                write=None,
                group="repairs-denied",
            )
            return

        def work(v: dict):
            return lambda s: repair_fees.review_fee_line(
                session=s,
                actor=actor,
                clock=clock,
                line_id=line.id,
                approve=v["approve"],
                labour_fen=v["labour_fen"],
                materials_fen=v["materials_fen"],
                note=v["note"],
            )

        about = f"{order.number} · {order.description}"
        self.app.push_screen(
            FeeReviewDialog(work, about=about, line=line),
            self._form_closed,
        )

    def _record_callback(self, row: callbacks.CallbackRow) -> None:
        actor, clock, settings = self._ctx()
        cb = row.callback

        self.app.push_screen(
            CallbackDialog(record_work(cb, actor=actor, clock=clock, settings=settings), row=row),
            self._form_closed,
        )
