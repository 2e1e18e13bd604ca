"""The fee schedule in versions and the fee lines of an order (D-34, D-35, D-36): prices in
force when added, exact to the fen, off-schedule items reviewed, acceptance recorded."""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, PermissionDenied, StaleEdit
from deskterm.models.repair import FeeReview, FeeScheduleItem, RepairFeeLine, RepairStatus
from deskterm.rules.money import format_yuan, line_amount
from deskterm.services import audit
from deskterm.services.repairs import fee_schedule as fees
from deskterm.services.repairs import fees as repair_fees
from deskterm.services.repairs import queries, status, warranty
from tests.services.test_repairs_support import (
    create,
    make_repair_estate,
    order_in,
    reload,
    repair_fully,
    sh,
)

TODAY = date(2026, 11, 28)


@pytest.fixture
def estate(engine):
    return make_repair_estate(engine)


def _add(engine, clock, settings, actor, order_id, code, quantity=1, version=None):
    return run_write(
        engine,
        lambda s: repair_fees.add_fee_line(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            order_id=order_id,
            version=version,
            code=code,
            quantity=quantity,
        ),
    )


def _on_site(engine, clock, settings, actor, order_id):
    run_write(
        engine,
        lambda s: status.dispatch(
            session=s, actor=actor, clock=clock, order_id=order_id, version=None, assignee="王师傅"
        ),
    )
    run_write(
        engine,
        lambda s: status.record_arrival(
            session=s, actor=actor, clock=clock, order_id=order_id, version=None
        ),
    )


def _repair(engine, clock, settings, actor, order_id):
    return run_write(
        engine,
        lambda s: status.mark_repaired(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            order_id=order_id,
            version=None,
            work_done="换阀门",
            materials="暖气阀门 1 个",
        ),
    )


# -- the schedule ------------------------------------------------------------------------------
def test_the_shipped_schedule_is_in_force(engine):
    item = run_read(engine, lambda s: fees.price_in_force(session=s, code="F016", on=TODAY))
    assert (item.name, item.unit, item.labour_fen, item.materials_fen) == (
        "暖气片排气/调试",
        "组",
        2000,
        0,
    )
    assert (
        run_read(
            engine, lambda s: fees.price_in_force(session=s, code="F016", on=date(2025, 12, 31))
        )
        is None
    )
    listed = run_read(engine, lambda s: fees.list_schedule(session=s, on=TODAY, text="暖气"))
    assert [i.code for i in listed] == ["F016", "F017"]


def test_a_new_version_keeps_old_prices_on_old_orders(engine, clock, settings, staff, estate):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    before = _add(engine, clock, settings, staff.operator, order.id, "F017")
    run_write(
        engine,
        lambda s: fees.add_schedule_version(
            session=s,
            actor=staff.admin,
            clock=clock,
            valid_from=date(2026, 12, 1),
            items=[fees.FeeItemIn("F017", "更换暖气阀门", "个", 3000, 5200)],
        ),
    )
    # Still November on the desk: the old price is in force.
    same_day = _add(engine, clock, settings, staff.operator, order.id, "F017")
    assert (before.unit_price_fen, same_day.unit_price_fen) == (7300, 7300)
    clock.set(sh(2026, 12, 1, 0, 0))  # local midnight: the new version starts
    later = _add(engine, clock, settings, staff.operator, order.id, "F017")
    assert (later.unit_labour_fen, later.unit_materials_fen, later.unit_price_fen) == (
        3000,
        5200,
        8200,
    )
    lines = run_read(engine, lambda s: repair_fees.order_lines(s, order.id))
    assert [line.unit_price_fen for line in lines] == [7300, 7300, 8200]
    versions = run_read(
        engine,
        lambda s: s.exec(
            select(FeeScheduleItem)
            .where(FeeScheduleItem.code == "F017")
            .order_by(FeeScheduleItem.valid_from)
        ).all(),
    )
    assert [(v.valid_from, v.valid_to) for v in versions] == [
        (date(2026, 1, 1), date(2026, 12, 1)),
        (date(2026, 12, 1), None),
    ]


def test_a_version_cannot_rewrite_history(engine, clock, staff):
    with pytest.raises(InvalidInput) as err:
        run_write(
            engine,
            lambda s: fees.add_schedule_version(
                session=s,
                actor=staff.admin,
                clock=clock,
                valid_from=date(2026, 1, 1),
                items=[fees.FeeItemIn("F001", "更换水龙头", "个", 1, 1)],
            ),
        )
    assert err.value.field == "valid_from"
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: fees.add_schedule_version(
                session=s,
                actor=staff.admin,
                clock=clock,
                valid_from=date(2027, 1, 1),
                items=[
                    fees.FeeItemIn("F001", "a", "个", 1, 1),
                    fees.FeeItemIn("F001", "b", "个", 1, 1),
                ],
            ),
        )


def test_retiring_items_not_in_the_new_version(engine, clock, staff):
    run_write(
        engine,
        lambda s: fees.add_schedule_version(
            session=s,
            actor=staff.admin,
            clock=clock,
            valid_from=date(2027, 1, 1),
            retire_missing=True,
            items=[fees.FeeItemIn("F001", "更换水龙头", "个", 2500, 3500)],
        ),
    )
    in_2027 = run_read(engine, lambda s: fees.list_schedule(session=s, on=date(2027, 1, 1)))
    assert [i.code for i in in_2027] == ["F001"]
    assert len(run_read(engine, lambda s: fees.list_schedule(session=s, on=TODAY))) == 20


def test_an_unknown_code_points_to_the_off_schedule_way(engine, clock, settings, staff, estate):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    with pytest.raises(InvalidInput, match="not on the fee schedule") as err:
        _add(engine, clock, settings, staff.operator, order.id, "F999")
    assert err.value.field == "code"
    with pytest.raises(InvalidInput) as err:
        _add(engine, clock, settings, staff.operator, order.id, "F001", quantity=0)
    assert err.value.field == "quantity"


# -- review, acceptance, the work blocked until both -------------------------------------------
def test_an_off_schedule_fee_waits_for_the_supervisor_before_work(
    engine, clock, settings, staff, estate
):
    op, sup = staff.operator, staff.supervisor
    order = create(engine, clock, settings, op, order_in(estate.unit_1203))
    _on_site(engine, clock, settings, op, order.id)
    line = run_write(
        engine,
        lambda s: repair_fees.add_offschedule_line(
            session=s,
            actor=op,
            clock=clock,
            order_id=order.id,
            version=None,
            description="更换暖气片(非标)",
            quantity=1,
            labour_fen=8000,
            materials_fen=42050,
            unit="组",
        ),
    )
    assert line.review == FeeReview.pending and line.amount_fen == 50050
    board = run_read(
        engine, lambda s: queries.list_board(session=s, now=clock.now(), settings=settings)
    )
    assert board[0].fee_review_pending
    with pytest.raises(InvalidInput, match="waiting for a supervisor's review"):
        _repair(engine, clock, settings, op, order.id)
    with pytest.raises(PermissionDenied):
        run_write(
            engine,
            lambda s: repair_fees.review_fee_line(
                session=s, actor=op, clock=clock, line_id=line.id, approve=True
            ),
        )
    pending = run_read(engine, lambda s: repair_fees.list_pending_reviews(session=s))
    assert [(ln.id, o.number) for ln, o in pending] == [(line.id, order.number)]
    run_write(
        engine,
        lambda s: repair_fees.review_fee_line(
            session=s,
            actor=sup,
            clock=clock,
            line_id=line.id,
            approve=True,
            materials_fen=40000,
            note="材料按市场价",
        ),
    )
    line = run_read(engine, lambda s: s.get(RepairFeeLine, line.id))
    assert (line.review, line.amount_fen, line.reviewed_by) == ("approved", 48000, sup.user_id)
    with pytest.raises(InvalidInput, match="not accepted the fee of 480.00 yuan"):
        _repair(engine, clock, settings, op, order.id)
    with pytest.raises(InvalidInput) as err:
        run_write(
            engine,
            lambda s: repair_fees.accept_fee(
                session=s,
                actor=op,
                clock=clock,
                order_id=order.id,
                version=None,
                accepted_by="张伟",
                form_no="",
            ),
        )
    assert err.value.field == "fee_form_no"
    run_write(
        engine,
        lambda s: repair_fees.accept_fee(
            session=s,
            actor=op,
            clock=clock,
            order_id=order.id,
            version=None,
            accepted_by="张伟",
            form_no="No.0012345",
        ),
    )
    order = reload(engine, order.id)
    assert (order.fee_accepted_by_name, order.fee_form_no, order.fee_accepted_fen) == (
        "张伟",
        "No.0012345",
        48000,
    )
    assert order.fee_accepted_at == clock.now()
    _repair(engine, clock, settings, op, order.id)
    assert reload(engine, order.id).status == RepairStatus.repaired
    assert run_read(engine, audit.verify).ok


def test_a_rejected_fee_needs_a_reason_and_is_not_charged(engine, clock, settings, staff, estate):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    line = run_write(
        engine,
        lambda s: repair_fees.add_offschedule_line(
            session=s,
            actor=staff.operator,
            clock=clock,
            order_id=order.id,
            version=None,
            description="上门费",
            labour_fen=5000,
        ),
    )
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: repair_fees.review_fee_line(
                session=s, actor=staff.supervisor, clock=clock, line_id=line.id, approve=False
            ),
        )
    run_write(
        engine,
        lambda s: repair_fees.review_fee_line(
            session=s,
            actor=staff.supervisor,
            clock=clock,
            line_id=line.id,
            approve=False,
            note="不收上门费",
        ),
    )
    total = run_read(engine, lambda s: repair_fees.order_totals(s, order.id))
    assert (total.total_fen, total.rejected_lines, total.pending_lines) == (0, 1, 0)
    with pytest.raises(InvalidInput, match="not waiting"):
        run_write(
            engine,
            lambda s: repair_fees.review_fee_line(
                session=s, actor=staff.supervisor, clock=clock, line_id=line.id, approve=True
            ),
        )


def test_a_new_fee_line_voids_an_earlier_acceptance(engine, clock, settings, staff, estate):
    op = staff.operator
    order = create(engine, clock, settings, op, order_in(estate.unit_1203))
    _add(engine, clock, settings, op, order.id, "F016")
    run_write(
        engine,
        lambda s: repair_fees.accept_fee(
            session=s,
            actor=op,
            clock=clock,
            order_id=order.id,
            version=None,
            accepted_by="张伟",
            form_no="7",
        ),
    )
    _add(engine, clock, settings, op, order.id, "F017")
    order = reload(engine, order.id)
    assert order.fee_accepted_at is None and order.fee_form_no is None


def test_fee_lines_honour_the_version_the_desk_saw(engine, clock, settings, staff, estate):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    _add(engine, clock, settings, staff.operator, order.id, "F016", version=1)
    with pytest.raises(StaleEdit):
        _add(engine, clock, settings, staff.supervisor, order.id, "F017", version=1)


def test_no_fees_once_the_work_is_done(engine, clock, settings, staff, estate):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    repair_fully(engine, clock, settings, staff.operator, order.id)
    with pytest.raises(InvalidInput, match="cannot add fees to it"):
        _add(engine, clock, settings, staff.operator, order.id, "F016")


# -- warranty (D-35) ----------------------------------------------------------------------------
def test_warranty_repeat_is_found_linked_and_charged_nothing(
    engine, clock, settings, staff, estate
):
    op = staff.operator
    clock.set(sh(2026, 9, 10, 14, 0))
    first = create(engine, clock, settings, op, order_in(estate.unit_1203))
    _on_site(engine, clock, settings, op, first.id)
    _add(engine, clock, settings, op, first.id, "F017")
    run_write(
        engine,
        lambda s: repair_fees.accept_fee(
            session=s,
            actor=op,
            clock=clock,
            order_id=first.id,
            version=None,
            accepted_by="张伟",
            form_no="A-1",
        ),
    )
    _repair(engine, clock, settings, op, first.id)
    clock.set(sh(2026, 11, 28, 10, 0))
    found = run_read(
        engine,
        lambda s: warranty.find_warranty_candidate(
            session=s,
            settings=settings,
            now=clock.now(),
            category_code="heating_not_warm",
            unit_id=estate.unit_1203,
        ),
    )
    assert found.id == first.id
    for other in (
        dict(category_code="roof_leak", unit_id=estate.unit_1203),
        dict(category_code="heating_not_warm", unit_id=estate.unit_1204),
    ):
        assert (
            run_read(
                engine,
                lambda s, o=other: warranty.find_warranty_candidate(
                    session=s, settings=settings, now=clock.now(), **o
                ),
            )
            is None
        )
    repeat = create(
        engine, clock, settings, op, order_in(estate.unit_1203, warranty_of_id=first.id)
    )
    assert repeat.warranty_of_id == first.id
    line = _add(engine, clock, settings, op, repeat.id, "F017")
    assert line.waived and line.amount_fen == 7300
    total = run_read(engine, lambda s: repair_fees.order_totals(s, repeat.id))
    assert (total.total_fen, total.waived_fen) == (0, 7300)
    _on_site(engine, clock, settings, op, repeat.id)
    _repair(engine, clock, settings, op, repeat.id)  # no acceptance needed: nothing to charge
    with pytest.raises(InvalidInput) as err:  # a different unit cannot claim that warranty
        create(engine, clock, settings, op, order_in(estate.unit_1204, warranty_of_id=first.id))
    assert err.value.field == "warranty_of_id"


# -- exact money ------------------------------------------------------------------------------
def _random_line(rng: random.Random, review: FeeReview, waived: bool = False) -> RepairFeeLine:
    labour = rng.randrange(0, 1_000_000)
    materials = rng.choice([0, rng.randrange(0, 500_000)])
    quantity = rng.choice([Decimal(rng.randrange(1, 50)), Decimal(rng.randrange(1, 5000)) / 100])
    price = labour + materials
    return RepairFeeLine(
        order_id=1,
        description="x",
        quantity=quantity,
        unit_labour_fen=labour,
        unit_materials_fen=materials,
        unit_price_fen=price,
        labour_amount_fen=line_amount(labour, quantity),
        materials_amount_fen=line_amount(materials, quantity),
        amount_fen=line_amount(labour, quantity) + line_amount(materials, quantity),
        review=review,
        waived=waived,
        added_at=sh(2026, 11, 28, 10, 0),
    )


def _fen(value: Decimal) -> Decimal:
    """Yuan rounded half up to the fen, as a desk's calculator would."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_fee_totals_equal_exact_decimal_arithmetic_on_a_thousand_random_fees():
    rng = random.Random(20261128)
    charged = [
        _random_line(rng, rng.choice([FeeReview.not_needed, FeeReview.approved]))
        for _ in range(1000)
    ]
    not_charged = (
        [_random_line(rng, FeeReview.pending) for _ in range(50)]
        + [_random_line(rng, FeeReview.rejected) for _ in range(50)]
        + [_random_line(rng, FeeReview.not_needed, waived=True) for _ in range(50)]
    )
    lines = charged + not_charged
    rng.shuffle(lines)
    # Each part of each line rounded to the fen, then added: what the desk's form shows.
    expected_labour = sum(
        (_fen(Decimal(ln.unit_labour_fen) / 100 * ln.quantity) for ln in charged), Decimal(0)
    )
    expected_materials = sum(
        (_fen(Decimal(ln.unit_materials_fen) / 100 * ln.quantity) for ln in charged), Decimal(0)
    )
    expected_total = expected_labour + expected_materials
    expected_waived = sum(
        (Decimal(ln.amount_fen) / 100 for ln in not_charged if ln.waived), Decimal(0)
    )
    got = fees.totals(lines)
    assert Decimal(format_yuan(got.total_fen)) == expected_total
    assert Decimal(format_yuan(got.labour_fen)) == expected_labour
    assert Decimal(format_yuan(got.materials_fen)) == expected_materials
    assert Decimal(format_yuan(got.waived_fen)) == expected_waived
    assert got.labour_fen + got.materials_fen == got.total_fen
    assert (got.pending_lines, got.rejected_lines) == (50, 50)


def test_fee_lines_round_trip_exactly_through_the_database(engine, clock, settings, staff, estate):
    rng = random.Random(7)
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    codes = [f"F{n:03d}" for n in range(1, 21)]
    expected = Decimal(0)
    for _ in range(60):
        code, quantity = rng.choice(codes), rng.randrange(1, 20)
        item = run_read(engine, lambda s, c=code: fees.price_in_force(session=s, code=c, on=TODAY))
        expected += (Decimal(item.labour_fen) + Decimal(item.materials_fen)) / 100 * quantity
        _add(engine, clock, settings, staff.operator, order.id, code, quantity)
    total = run_read(engine, lambda s: repair_fees.order_totals(s, order.id))
    assert Decimal(format_yuan(total.total_fen)) == expected
