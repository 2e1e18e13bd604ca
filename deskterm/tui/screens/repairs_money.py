"""The money and warranty steps of an order in the repairs area (D-34, D-35, D-37): link or
unlink a warranty repeat, the settlement (unpaid, paid, sent to finance; day; receipt), who
bears the cost, the labour estimate and the quotation of a long job.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.rules.money import format_quantity, format_yuan, parse_yuan
from deskterm.services.repairs import fee_schedule as fees
from deskterm.services.repairs import settlement, warranty
from deskterm.services.repairs.labels import COST_BEARER, SETTLEMENT
from deskterm.tui.base import AreaScreen
from deskterm.tui.dialogs.reason import ReasonDialog
from deskterm.tui.dialogs.repair_step import StepField


def settled_day(text: str) -> date | None:
    """A settlement day typed as 2026-11-28 (empty: today)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("Type the day like 2026-11-28."), field="settled_on") from None


class RepairMoneyFlows(AreaScreen):
    """A part of RepairsScreen, under RepairFlows: `run_step` hands these steps here with its
    `form` and `call`; what it uses of RepairFlows is named under TYPE_CHECKING."""

    if TYPE_CHECKING:

        def _saved(self, *_result: object) -> None: ...

    def _money_step(self, step: str, detail, form, call) -> None:
        """Warranty link, settlement, cost bearer, estimate and quotation (D-34, D-35, D-37)."""
        settings = self.app.settings
        o = detail.order
        if step == "warranty":
            self._warranty_step(detail, call)
        elif step == "settle":
            day = fees.desk_day(self.app.clock, settings)
            form(
                _("Settlement · {number} · {amount} yuan").format(
                    number=o.number, amount=format_yuan(detail.fee.total_fen)
                ),
                # An unpaid order is most often being paid now: that is offered first.
                [
                    StepField(
                        "settlement",
                        _("Settlement"),
                        "paid" if str(o.settlement) == "unpaid" else str(o.settlement),
                        choices=tuple(SETTLEMENT.items()),
                    ),
                    StepField("receipt_no", _("Receipt no."), o.receipt_no or "", max_length=32),
                    StepField("settled_on", _("Day"), day.isoformat(), max_length=10),
                ],
                lambda v: (
                    lambda s: call(
                        settlement.settle_order,
                        settings=settings,
                        state=v["settlement"],
                        receipt_no=v["receipt_no"],
                        on=settled_day(v["settled_on"]),
                    )(s)
                ),
            )
        elif step == "bearer":
            form(
                _("Who bears the cost · {number}").format(number=o.number),
                [
                    StepField(
                        "cost_bearer",
                        _("Cost borne by"),
                        str(o.cost_bearer or ""),
                        choices=tuple(COST_BEARER.items()),
                    )
                ],
                lambda v: call(settlement.set_cost_bearer, bearer=v["cost_bearer"]),
            )
        elif step == "estimate":
            form(
                _("Labour estimate · {number}").format(number=o.number),
                [
                    StepField(
                        "estimate_days",
                        _("Work-days"),
                        format_quantity(o.estimate_days) if o.estimate_days else "",
                        placeholder=_("e.g. 0.5 or 2"),
                        max_length=8,
                    ),
                    StepField(
                        "estimate_reason",
                        _("Reason"),
                        max_length=500,
                        placeholder=_("only when a quoted job is lowered"),
                    ),
                ],
                lambda v: call(
                    settlement.set_estimate,
                    settings=settings,
                    days=v["estimate_days"],
                    reason=v["estimate_reason"],
                ),
            )
        elif step == "quote":

            def quoted(v):
                def run(s):  # a refusal reaches the form through the worker, like the service's
                    try:
                        amount = parse_yuan(v["quote_fen"])
                    except ValueError:
                        raise InvalidInput(
                            _("Type an amount like 1200 or 1200.50."), field="quote_fen"
                        ) from None
                    return call(
                        settlement.record_quotation,
                        settings=settings,
                        amount_fen=amount,
                        quote_no=v["quote_no"],
                    )(s)

                return run

            form(
                _("Quotation · {number}").format(number=o.number),
                [
                    StepField(
                        "quote_fen",
                        _("Amount (yuan)"),
                        format_yuan(o.quote_fen) if o.quote_fen else "",
                        max_length=12,
                    ),
                    StepField("quote_no", _("Quotation no."), o.quote_no or "", max_length=32),
                ],
                quoted,
            )
        elif step == "quote_accept":
            form(
                _("The resident accepts the quotation · {number}").format(number=o.number),
                [
                    StepField(
                        "quote_accepted_by_name", _("Accepted by"), o.reporter_name, max_length=64
                    )
                ],
                lambda v: call(
                    settlement.accept_quotation, accepted_by=v["quote_accepted_by_name"]
                ),
            )

    def _warranty_step(self, detail, call) -> None:
        """Unlink (with a reason) or link to the repair found under warranty (D-35)."""
        settings = self.app.settings
        o = detail.order
        if o.warranty_of_id:

            def answered(saved) -> None:
                if saved is not None:
                    self._saved(saved)

            self.app.push_screen(
                ReasonDialog(
                    _("Why is {number} not warranty work?").format(number=o.number)
                ).save_with(
                    lambda reason: call(
                        warranty.set_warranty_link,
                        settings=settings,
                        warranty_of_id=None,
                        reason=reason,
                    )
                ),
                answered,
            )
            return

        def found(previous) -> None:
            if previous is None:
                self.app.notify(
                    _("No repair of this place and category is under warranty."),
                    markup=False,
                    severity="warning",
                )
                return
            self.run_db(
                call(warranty.set_warranty_link, settings=settings, warranty_of_id=previous.id),
                on_done=self._saved,
            )
            self.app.notify(
                _("{number} linked to {previous}: warranty work, charged nothing.").format(
                    number=o.number, previous=previous.number
                ),
                markup=False,
            )

        self.run_db(
            lambda s: warranty.find_warranty_candidate(
                session=s,
                settings=settings,
                now=o.reported_at,
                category_code=o.category_code,
                scope=o.scope,
                unit_id=o.unit_id,
                location=o.location,
            ),
            write=False,
            on_done=found,
            group="repairs-open",
            hold_keys=True,
        )
