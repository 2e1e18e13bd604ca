"""Fee lines of an order (D-34, D-35, D-36): schedule items at the price in force, off-schedule
items that wait for the engineering supervisor's review, warranty work charged nothing, and the
reporter's acceptance of the fee (who, when, the paper form number).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_row, lock_rows, stored_id
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import _
from deskterm.models.repair import (
    OPEN_REPAIR_STATUSES,
    FeeReview,
    RepairFeeLine,
    RepairOrder,
    RepairScope,
    Settlement,
)
from deskterm.rules.money import format_quantity, format_yuan, line_amount, parse_quantity
from deskterm.services.actor import Actor
from deskterm.services.permissions import require
from deskterm.services.repairs.base import (
    apply_change,
    check_version,
    load_order,
    require_status,
)
from deskterm.services.repairs.fee_schedule import FeeTotals, desk_day, price_in_force, totals

MAX_QUANTITY = 10_000
MAX_UNIT_FEN = 100_000_00  # 100,000 yuan: anything above is a typing slip


def order_lines(
    session: Session, order_id: int, *, for_update: bool = False
) -> list[RepairFeeLine]:
    """The fee lines of an order; `for_update`: loaded with the lock, to change them."""
    stmt = (
        select(RepairFeeLine)
        .where(RepairFeeLine.order_id == order_id)
        .order_by(col(RepairFeeLine.id))
    )
    return lock_rows(session, stmt) if for_update else list(session.exec(stmt))


def order_totals(session: Session, order_id: int) -> FeeTotals:
    return totals(order_lines(session, order_id))


def _quantity(quantity: int | Decimal | str) -> Decimal:
    """1, 1.5 (hours), 2.35 (metres): above 0, at most 10000, at most two decimals."""
    try:
        value = parse_quantity(quantity)
    except (ValueError, TypeError):
        value = None
    if value is None or not Decimal("0.01") <= value <= MAX_QUANTITY:
        raise InvalidInput(
            _("The quantity is a number from 0.01 to 10000, like 1 or 1.5."), field="quantity"
        )
    return value


class LineAmounts(TypedDict):
    labour_amount_fen: int
    materials_amount_fen: int
    amount_fen: int


def priced(labour_fen: int, materials_fen: int, quantity: Decimal) -> LineAmounts:
    """The amounts of a line, each rounded to the fen: labour, materials and their sum."""
    labour = line_amount(labour_fen, quantity)
    materials = line_amount(materials_fen, quantity)
    return {
        "labour_amount_fen": labour,
        "materials_amount_fen": materials,
        "amount_fen": labour + materials,
    }


def _price(fen: int, field: str) -> int:
    if not isinstance(fen, int) or isinstance(fen, bool) or not 0 <= fen <= MAX_UNIT_FEN:
        raise InvalidInput(_("A price is between 0 and 100000 yuan."), field=field)
    return fen


def _open_for_fees(
    session: Session, actor: Actor, order_id: int, version: int | None
) -> RepairOrder:
    require(actor, "repairs.add_fee")
    order = load_order(session, order_id, for_update=True)
    check_version(session, order, version)
    require_status(order, OPEN_REPAIR_STATUSES, _("add fees to it"))
    return order


def fee_changed(order: RepairOrder) -> dict[str, Any]:
    """What a change of an order's fee undoes (D-34, D-37, issue 21 #2), for `apply_change`:
    the reporter's acceptance was of another total, and a settlement recorded for another
    total no longer says what was received: the order is unpaid again (its history keeps the
    earlier receipt and state as changes). Every fee change goes through here: a line added,
    a line reviewed, warranty work waived or charged again."""
    values: dict[str, Any] = {}
    if order.fee_accepted_at is not None:
        values |= {
            "fee_accepted_at": None,
            "fee_accepted_by_name": None,
            "fee_accepted_fen": None,
            "fee_form_no": None,
        }
    if order.settlement != Settlement.unpaid:
        values |= {"settlement": Settlement.unpaid, "settled_at": None, "receipt_no": None}
    return values


def _add_line(
    session: Session, actor: Actor, clock: Clock, order: RepairOrder, line: RepairFeeLine
) -> RepairFeeLine:
    line.waived = order.warranty_of_id is not None  # D-35: warranty work is charged nothing
    session.add(line)
    session.flush()
    values = fee_changed(order)  # the total changed: acceptance and settlement no longer hold
    amount = format_yuan(line.amount_fen)
    note = f"{line.code or '-'} {line.description} x{format_quantity(line.quantity)} = {amount}"
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="fee_add",
        values=values,
        note=note,
        detail={
            "line_id": line.id,
            "review": str(line.review),
            "waived": line.waived,
            "amount_fen": line.amount_fen,
        },
    )
    return line


def add_fee_line(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order_id: int,
    version: int | None,
    code: str,
    quantity: int | Decimal | str = 1,
) -> RepairFeeLine:
    """A schedule item at the price in force today (the desk's day); no review needed."""
    order = _open_for_fees(session, actor, order_id, version)
    quantity = _quantity(quantity)
    item = price_in_force(session=session, code=code, on=desk_day(clock, settings))
    if item is None:
        raise InvalidInput(
            _(
                "{code} is not on the fee schedule; add it as an item off the schedule "
                "for the supervisor to review."
            ).format(code=code.strip() or "?"),
            field="code",
        )
    unit_price = item.labour_fen + item.materials_fen
    line = RepairFeeLine(
        order_id=stored_id(order),
        schedule_item_id=item.id,
        code=item.code,
        description=item.name,
        unit=item.unit,
        quantity=quantity,
        unit_labour_fen=item.labour_fen,
        unit_materials_fen=item.materials_fen,
        unit_price_fen=unit_price,
        **priced(item.labour_fen, item.materials_fen, quantity),
        review=FeeReview.not_needed,
        added_at=as_utc(clock.now()),
        added_by=actor.user_id,
    )
    return _add_line(session, actor, clock, order, line)


def add_offschedule_line(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
    description: str,
    quantity: int | Decimal | str = 1,
    labour_fen: int = 0,
    materials_fen: int = 0,
    unit: str = "",
) -> RepairFeeLine:
    """An item not on the schedule, at a proposed price: it waits for review (D-36)."""
    order = _open_for_fees(session, actor, order_id, version)
    what = (description or "").strip()
    if not what:
        raise InvalidInput(_("Describe the item that is not on the schedule."), field="description")
    quantity = _quantity(quantity)
    labour = _price(labour_fen, "labour")
    materials = _price(materials_fen, "materials")
    unit = (unit or "").strip()
    for text, limit, field in ((what, 128, "description"), (unit, 16, "unit")):
        if len(text) > limit:  # refused, never cut short (issue 9)
            raise InvalidInput(
                _("This field takes at most {n} characters.").format(n=limit), field=field
            )
    line = RepairFeeLine(
        order_id=stored_id(order),
        code="",
        description=what,
        unit=unit,
        quantity=quantity,
        unit_labour_fen=labour,
        unit_materials_fen=materials,
        unit_price_fen=labour + materials,
        **priced(labour, materials, quantity),
        review=FeeReview.pending,
        added_at=as_utc(clock.now()),
        added_by=actor.user_id,
    )
    return _add_line(session, actor, clock, order, line)


def review_fee_line(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    line_id: int,
    approve: bool,
    labour_fen: int | None = None,
    materials_fen: int | None = None,
    note: str = "",
) -> RepairFeeLine:
    """The engineering supervisor approves (at the proposed or a corrected price) or rejects."""
    require(actor, "repairs.review_fee")
    line = session.get(RepairFeeLine, line_id)
    if line is None:
        raise NotFound(_("There is no such fee line."))
    order = load_order(session, line.order_id, for_update=True)
    line = lock_row(session, RepairFeeLine, line_id)
    if line is None:  # removed since it was read above
        raise NotFound(_("There is no such fee line."))
    if line.review != FeeReview.pending:
        raise InvalidInput(_("This fee line is not waiting for review."), field="review")
    if not approve and not note.strip():
        raise InvalidInput(_("Say why the fee is rejected."), field="review_note")
    if approve:
        if labour_fen is not None:
            line.unit_labour_fen = _price(labour_fen, "labour")
        if materials_fen is not None:
            line.unit_materials_fen = _price(materials_fen, "materials")
        line.unit_price_fen = line.unit_labour_fen + line.unit_materials_fen
        for field, value in priced(
            line.unit_labour_fen, line.unit_materials_fen, line.quantity
        ).items():
            setattr(line, field, value)
    line.review = FeeReview.approved if approve else FeeReview.rejected
    line.review_note = note.strip() or None
    line.reviewed_by = actor.user_id
    line.reviewed_at = as_utc(clock.now())
    session.add(line)
    session.flush()
    values = fee_changed(order)
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="fee_approve" if approve else "fee_reject",
        values=values,
        note=f"{line.description} = {format_yuan(line.amount_fen)} {note.strip()}".strip(),
        detail={"line_id": line.id, "amount_fen": line.amount_fen},
    )
    return line


def accept_fee(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order_id: int,
    version: int | None,
    accepted_by: str,
    form_no: str,
) -> RepairOrder:
    """D-34: the reporter signs the paper form accepting the fee; record who, when, which form."""
    require(actor, "repairs.add_fee")
    order = load_order(session, order_id, for_update=True)
    check_version(session, order, version)
    require_status(order, OPEN_REPAIR_STATUSES, _("record a fee acceptance for it"))
    if order.scope != RepairScope.household:
        raise InvalidInput(
            _("A public-facility repair is not charged to a reporter."), field="fees"
        )
    fee = order_totals(session, stored_id(order))
    if fee.pending_lines:
        raise InvalidInput(
            _("The fee is not final while an item waits for the supervisor's review."),
            field="fees",
        )
    if fee.total_fen <= 0:
        raise InvalidInput(_("There is no fee to accept on this order."), field="fees")
    who = (accepted_by or "").strip()
    form = (form_no or "").strip()
    if not who:
        raise InvalidInput(_("Who accepted the fee? Enter the name."), field="fee_accepted_by_name")
    if not form:
        raise InvalidInput(_("Enter the number of the signed paper form."), field="fee_form_no")
    for text, limit, field in ((who, 64, "fee_accepted_by_name"), (form, 32, "fee_form_no")):
        if len(text) > limit:  # refused, never cut short (issue 9)
            raise InvalidInput(
                _("This field takes at most {n} characters.").format(n=limit), field=field
            )
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="fee_accept",
        values={
            "fee_accepted_by_name": who,
            "fee_form_no": form,
            "fee_accepted_at": as_utc(clock.now()),
            "fee_accepted_fen": fee.total_fen,
        },
        note=format_yuan(fee.total_fen),
    )
    return order


def list_pending_reviews(*, session: Session) -> list[tuple[RepairFeeLine, RepairOrder]]:
    """Off-schedule lines waiting for a supervisor, oldest first."""
    stmt = (
        select(RepairFeeLine, RepairOrder)
        .join(RepairOrder, col(RepairOrder.id) == col(RepairFeeLine.order_id))
        .where(RepairFeeLine.review == FeeReview.pending.value)
        .order_by(col(RepairFeeLine.added_at), col(RepairFeeLine.id))
    )
    return [(line, order) for line, order in session.exec(stmt)]
