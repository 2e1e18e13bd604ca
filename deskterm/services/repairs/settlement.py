"""Money settled (D-34, D-37): the settlement of an order (unpaid, paid at the desk, sent to
finance; when; the receipt number), who bears the cost (按规定列支), and the labour estimate
with its quotation step for jobs of two work-days or more.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import stored_id
from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.repair import (
    DONE_REPAIR_STATUSES,
    OPEN_REPAIR_STATUSES,
    CostBearer,
    RepairEvent,
    RepairOrder,
    RepairScope,
    Settlement,
)
from deskterm.rules.money import format_quantity, format_yuan, parse_quantity
from deskterm.services.actor import Actor
from deskterm.services.permissions import require
from deskterm.services.repairs.base import (
    apply_change,
    check_version,
    load_order,
    require_status,
)
from deskterm.services.repairs.fee_schedule import FeeTotals, totals
from deskterm.services.repairs.fees import order_lines

MAX_ESTIMATE_DAYS = Decimal(365)


def _start(session: Session, actor: Actor, order_id: int, version: int | None) -> RepairOrder:
    require(actor, "repairs.settle")
    order = load_order(session, order_id, for_update=True)
    check_version(session, order, version)
    return order


def _fits(text: str | None, limit: int, field: str) -> str:
    value = (text or "").strip()
    if len(value) > limit:
        raise InvalidInput(
            _("This field takes at most {n} characters.").format(n=limit), field=field
        )
    return value


def needs_quotation(order: RepairOrder, settings: Settings) -> bool:
    """D-34: the schedule's fee after sign-off is for urgent work and jobs of under two
    work-days; a longer job is quoted and the quotation accepted first."""
    return order.estimate_days is not None and order.estimate_days >= settings.quotation_days


def quotation_blocker(order: RepairOrder, settings: Settings, total_fen: int) -> str | None:
    """Why work may not be marked done for want of an accepted quotation, or None."""
    if not needs_quotation(order, settings):
        return None
    if order.quote_accepted_at is None:
        return _(
            "Order {number} is a job of {days} work-days: record the quotation and the "
            "resident's acceptance of it first."
        ).format(number=order.number, days=order.estimate_days)
    if order.quote_fen is not None and total_fen > order.quote_fen:
        return _(
            "The fee of {amount} yuan is more than the accepted quotation of {quote} yuan; "
            "record a new quotation and have it accepted."
        ).format(amount=format_yuan(total_fen), quote=format_yuan(order.quote_fen))
    return None


def fee_acceptance_blocker(order: RepairOrder, settings: Settings, fee: FeeTotals) -> str | None:
    """Why the fee of an order is not yet the reporter's accepted fee (D-34), or None: a long
    job needs its quotation accepted (and the fee within it); a charged household repair
    needs the reporter's acceptance of this very total. The one rule both the work being
    marked done and the money being settled go through (issue 21 #2)."""
    if needs_quotation(order, settings):  # a long job: the accepted quotation stands for it
        return quotation_blocker(order, settings, fee.total_fen)
    if (
        order.scope == RepairScope.household
        and fee.total_fen > 0
        and (order.fee_accepted_at is None or order.fee_accepted_fen != fee.total_fen)
    ):
        return _(
            "The reporter has not accepted the fee of {amount} yuan yet; record their "
            "acceptance and the form number first."
        ).format(amount=format_yuan(fee.total_fen))
    return None


def set_estimate(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order_id: int,
    version: int | None,
    days: Decimal | str | int,
    reason: str = "",
) -> RepairOrder:
    """The engineer's labour estimate in work-days (0.5, 2, 3.5); from quotation_days on,
    the job needs a quotation (D-34).

    Lowering the estimate of a job that needed a quotation below quotation_days would skip
    the quotation (issue 21 #5: 3 work-days, refused "record the quotation first", then 1
    and done). It stays possible, since the engineer on site may find a smaller job and the
    resident is not kept waiting for a supervisor, but only with the reason: recorded as its
    own step ("estimate_lower"), audited, and marked on the order (`quotation_skipped`)."""
    order = _start(session, actor, order_id, version)
    require_status(order, OPEN_REPAIR_STATUSES, _("estimate it"))
    try:
        value = parse_quantity(days)
    except (TypeError, ValueError):
        value = None
    if value is None or not Decimal("0.01") <= value <= MAX_ESTIMATE_DAYS:
        raise InvalidInput(
            _("The estimate is a number of work-days, like 0.5 or 2."), field="estimate_days"
        )
    why = _fits(reason, 500, "estimate_reason")
    before = order.estimate_days  # never None when a quotation is needed (needs_quotation)
    lowered = needs_quotation(order, settings) and value < settings.quotation_days
    if lowered and not why and before is not None:
        raise InvalidInput(
            _(
                "Order {number} was a job of {days} work-days that needs a quotation: say why "
                "the estimate is now under {limit}."
            ).format(
                number=order.number,
                days=format_quantity(before),
                limit=settings.quotation_days,
            ),
            field="estimate_reason",
        )
    values: dict[str, Any] = {"estimate_days": value}
    if value < settings.quotation_days:  # no quotation needed any more
        values |= {
            "quote_fen": None,
            "quote_no": None,
            "quote_accepted_at": None,
            "quote_accepted_by_name": None,
        }
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="estimate_lower" if lowered else "estimate",
        values=values,
        note=why if lowered else "",
        force_event=lowered,
        detail={"quotation_skipped": True} if lowered else None,
    )
    return order


def quotation_skipped(events: Iterable[RepairEvent]) -> str | None:
    """The reason the estimate of a job that needed a quotation was lowered below it (the
    mark the order view shows, issue 21 #5), from the order's history; None if never."""
    reasons = [e.note for e in events if e.action == "estimate_lower"]
    return reasons[-1] if reasons else None


def record_quotation(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order_id: int,
    version: int | None,
    amount_fen: int,
    quote_no: str,
) -> RepairOrder:
    """The quotation of a long job (amount, its number); a new one replaces an accepted one."""
    order = _start(session, actor, order_id, version)
    require_status(order, OPEN_REPAIR_STATUSES, _("quote it"))
    if not needs_quotation(order, settings):
        raise InvalidInput(
            _(
                "A quotation is for jobs of {days} work-days or more; record the estimate first."
            ).format(days=settings.quotation_days),
            field="estimate_days",
        )
    if (
        isinstance(amount_fen, bool)
        or not isinstance(amount_fen, int)
        or not 0 < amount_fen <= 100_000_000
    ):
        raise InvalidInput(_("A quotation is between 0.01 and 1000000 yuan."), field="quote_fen")
    number = _fits(quote_no, 32, "quote_no")
    if not number:
        raise InvalidInput(_("Enter the number of the quotation."), field="quote_no")
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="quote",
        values={
            "quote_fen": amount_fen,
            "quote_no": number,
            "quote_accepted_at": None,
            "quote_accepted_by_name": None,
        },
        note=format_yuan(amount_fen),
    )
    return order


def accept_quotation(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
    accepted_by: str,
) -> RepairOrder:
    order = _start(session, actor, order_id, version)
    require_status(order, OPEN_REPAIR_STATUSES, _("record the quotation's acceptance"))
    if order.quote_fen is None:
        raise InvalidInput(_("There is no quotation to accept on this order."), field="quote_fen")
    who = _fits(accepted_by, 64, "quote_accepted_by_name")
    if not who:
        raise InvalidInput(
            _("Who accepted the quotation? Enter the name."), field="quote_accepted_by_name"
        )
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="quote_accept",
        values={"quote_accepted_by_name": who, "quote_accepted_at": as_utc(clock.now())},
        note=format_yuan(order.quote_fen),
    )
    return order


def set_cost_bearer(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
    bearer: CostBearer | str,
) -> RepairOrder:
    """Who bears the cost: the owner, the public maintenance fund, the property service fee
    or the developer's warranty (按规定列支)."""
    order = _start(session, actor, order_id, version)
    try:
        value = CostBearer(bearer)
    except ValueError:
        raise InvalidInput(_("Choose from the list."), field="cost_bearer") from None
    if order.scope == RepairScope.household and value == CostBearer.public_fund:
        raise InvalidInput(
            _("The public maintenance fund pays for common parts, not for a household repair."),
            field="cost_bearer",
        )
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="cost_bearer",
        values={"cost_bearer": value},
        force_event=False,
    )
    return order


def settle_order(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order_id: int,
    version: int | None,
    state: Settlement | str,
    receipt_no: str = "",
    on: date | None = None,
) -> RepairOrder:
    """Record where the money stands: paid at the desk or sent to finance (with the receipt or
    voucher number and the day), or back to unpaid (a correction)."""
    order = _start(session, actor, order_id, version)
    try:
        value = Settlement(state)
    except ValueError:
        raise InvalidInput(_("Choose from the list."), field="settlement") from None
    fee = totals(order_lines(session, stored_id(order)))
    receipt = _fits(receipt_no, 32, "receipt_no")
    if value == Settlement.unpaid:
        values: dict[str, Any] = {"settlement": value, "settled_at": None, "receipt_no": None}
    else:
        require_status(order, (*OPEN_REPAIR_STATUSES, *DONE_REPAIR_STATUSES), _("settle it"))
        if fee.pending_lines:
            raise InvalidInput(
                _("The fee is not final while an item waits for the supervisor's review."),
                field="fees",
            )
        if fee.total_fen <= 0:
            raise InvalidInput(
                _("Nothing is charged on this order: there is nothing to settle."),
                field="settlement",
            )
        # D-34: money is taken for the fee the reporter accepted, never before (issue 21 #2).
        if (blocker := fee_acceptance_blocker(order, settings, fee)) is not None:
            raise InvalidInput(blocker, field="settlement")
        if not receipt:
            raise InvalidInput(_("Enter the receipt or voucher number."), field="receipt_no")
        now = as_utc(clock.now())
        at = now
        if on is not None:
            zone = ZoneInfo(settings.timezone)
            at = datetime.combine(on, time(12), tzinfo=zone)
            if on > now.astimezone(zone).date():
                raise InvalidInput(_("That day is in the future."), field="settled_at")
            at = as_utc(at)
            if at > now:
                at = now
        values = {"settlement": value, "settled_at": at, "receipt_no": receipt}
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="settle",
        values=values,
        note=format_yuan(fee.total_fen),
    )
    return order
