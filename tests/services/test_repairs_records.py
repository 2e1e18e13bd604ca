"""The five records of D-38 as row generators, the `repairs` report, and one order on paper."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput
from deskterm.models.audit import AuditEvent
from deskterm.models.repair import RepairScope
from deskterm.reports import repair_records as records
from deskterm.reports.period import Period
from deskterm.services.callbacks import outcomes as callback_outcomes
from deskterm.services.repairs import fees, settlement
from deskterm.services.repairs import order_print as repair_print
from tests.services.test_repairs_support import (
    create,
    make_repair_estate,
    order_in,
    repair_fully,
    sh,
)

NOV = (sh(2026, 11, 1, 0, 0), sh(2026, 12, 1, 0, 0))
PHONE = "13812345678"


@pytest.fixture
def book(engine, clock, settings, staff):
    """A paid household order, a warranty repeat, two public orders (one charged) in November."""
    estate = make_repair_estate(engine)
    op = staff.operator
    clock.set(sh(2026, 11, 2, 9, 0))
    paid = create(engine, clock, settings, op, order_in(estate.unit_1203, "heating_not_warm"))
    run_write(
        engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=paid.id,
            version=None,
            code="F017",
            quantity=2,
        ),
    )
    run_write(
        engine,
        lambda s: fees.accept_fee(
            session=s,
            actor=op,
            clock=clock,
            order_id=paid.id,
            version=None,
            accepted_by="张伟",
            form_no="No.88",
        ),
    )
    repair_fully(engine, clock, settings, op, paid.id)
    run_write(
        engine,
        lambda s: callback_outcomes.record_repair_callback(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=paid.id,
            method="phone",
            result="satisfied",
        ),
    )
    clock.set(sh(2026, 11, 20, 9, 0))
    repeat = create(
        engine,
        clock,
        settings,
        op,
        order_in(estate.unit_1203, "heating_not_warm", warranty_of_id=paid.id),
    )
    run_write(
        engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=repeat.id,
            version=None,
            code="F016",
        ),
    )
    lift = create(
        engine,
        clock,
        settings,
        op,
        order_in(
            None,
            "lift_failure",
            scope=RepairScope.public,
            location="3栋2号电梯",
            reporter_name="保安刘",
            reporter_contact="",
        ),
    )
    repair_fully(engine, clock, settings, op, lift.id)
    clock.set(sh(2026, 11, 30, 20, 0))
    light = create(
        engine,
        clock,
        settings,
        op,
        order_in(
            None,
            "light_bulb",
            scope=RepairScope.public,
            location="3栋大堂",
            reporter_name="保洁王",
            reporter_contact="",
        ),
    )
    run_write(
        engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=light.id,
            version=None,
            code="F009",
            quantity=3,
        ),
    )
    repair_fully(engine, clock, settings, op, light.id)  # repaired 2026-11-30 21:00 desk time
    return {"paid": paid, "repeat": repeat, "lift": lift, "light": light}


def _all(engine, generator, **kw):
    return run_read(engine, lambda s: list(generator(session=s, since=NOV[0], until=NOV[1], **kw)))


def test_resident_repair_log(engine, book):
    rows = _all(engine, records.iter_resident_repair_log)
    assert [tuple(r) for r in rows] == [tuple(k for k, _kind in records.RESIDENT_LOG_COLUMNS)] * 2
    first, second = rows
    assert (first["no"], first["number"], first["unit"], first["charge"]) == (
        1,
        book["paid"].number,
        "3-1203",
        "paid",
    )
    assert first["contact"] == "138****5678"
    assert first["callback_result"] == "satisfied" and first["status"] == "called_back"
    assert first["clerk"] == "李静" and first["assignee"] == "王师傅"
    assert first["reported_at"] == sh(2026, 11, 2, 9, 0)
    assert (second["number"], second["charge"], second["status"]) == (
        book["repeat"].number,
        "free",
        "reported",
    )
    with_pii = _all(engine, records.iter_resident_repair_log, include_pii=True)
    assert with_pii[0]["contact"] == PHONE


def test_household_orders_carry_the_fee_and_its_acceptance(engine, book):
    rows = {r["number"]: r for r in _all(engine, records.iter_household_orders)}
    paid = rows[book["paid"].number]
    assert (paid["labour_fen"], paid["materials_fen"], paid["total_fen"]) == (5000, 9600, 14600)
    assert (paid["fee_form_no"], paid["fee_accepted_by"]) == ("No.88", "张伟")
    repeat = rows[book["repeat"].number]
    assert (repeat["total_fen"], repeat["warranty_of"], repeat["charge"]) == (
        0,
        book["paid"].number,
        "free",
    )
    assert list(paid) == [k for k, _kind in records.HOUSEHOLD_ORDER_COLUMNS]


def test_public_log_costs_and_notices(engine, clock, settings, staff, book):
    log = _all(engine, records.iter_public_repair_log)
    assert [(r["no"], r["notice_no"], r["location"]) for r in log] == [
        (1, book["lift"].number, "3栋2号电梯"),
        (2, book["light"].number, "3栋大堂"),
    ]
    costs = _all(engine, records.iter_public_cost_statistics)
    # D-37: a charge is not a settlement; the order stays unpaid until it is settled.
    assert [(r["number"], r["cost_fen"], r["settlement"]) for r in costs] == [
        (book["lift"].number, 0, "free"),
        (book["light"].number, 4500, "unpaid"),
    ]
    run_write(
        engine,
        lambda s: settlement.set_cost_bearer(
            session=s,
            actor=staff.operator,
            clock=clock,
            order_id=book["light"].id,
            version=None,
            bearer="public_fund",
        ),
    )
    run_write(
        engine,
        lambda s: settlement.settle_order(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            order_id=book["light"].id,
            version=None,
            state="finance",
            receipt_no="CW-1130",
        ),
    )
    costs = _all(engine, records.iter_public_cost_statistics)
    assert [(r["settlement"], r["cost_bearer"]) for r in costs] == [
        ("free", ""),
        ("finance", "public_fund"),
    ]
    notices = _all(engine, records.iter_engineering_notices)
    assert notices[0]["required_by"] == book["lift"].fix_due_at
    assert notices[1]["cost_fen"] == 4500 and notices[1]["finished_at"] is not None


def test_cost_summary_by_month_free_vs_paid(engine, book):
    rows = run_read(
        engine, lambda s: list(records.iter_public_cost_summary(session=s, tz="Asia/Shanghai"))
    )
    assert rows == [
        {
            "period": "2026-11",
            "free_orders": 1,
            "free_cost_fen": 0,
            "paid_orders": 1,
            "paid_cost_fen": 4500,
            "charged_fen": 4500,
            "orders": 2,
            "cost_fen": 4500,
        }
    ]


def test_the_period_bounds_are_half_open(engine, book):
    rows = run_read(
        engine,
        lambda s: list(
            records.iter_public_repair_log(
                session=s, since=sh(2026, 11, 30, 20, 0), until=sh(2026, 11, 30, 20, 1)
            )
        ),
    )
    assert [r["notice_no"] for r in rows] == [book["light"].number]
    rows = run_read(
        engine,
        lambda s: list(
            records.iter_public_repair_log(
                session=s, since=sh(2026, 11, 20, 9, 1), until=sh(2026, 11, 30, 20, 0)
            )
        ),
    )
    assert rows == []


def test_empty_period_yields_nothing(engine, staff):
    for _title, generator, _cols in records.RECORDS.values():
        assert run_read(engine, lambda s, g=generator: list(g(session=s))) == []


def test_the_repairs_report(engine, book, settings, clock):
    from deskterm.reports.model import Money

    report = run_read(
        engine,
        lambda s: records.build(session=s, period=Period(*NOV), settings=settings, clock=clock),
    )
    assert [s.key for s in report.sections] == [
        "resident_log",
        "household_orders",
        "public_log",
        "public_costs",
        "public_cost_summary",
        "engineering_notices",
    ]
    summary = report.sections[4].tables[0]
    assert summary.rows == [["2026-11", 1, Money(0), 1, Money(4500), Money(4500), 2, Money(4500)]]
    cells = [str(c) for sec in report.sections for t in sec.tables for row in t.rows for c in row]
    assert PHONE not in " ".join(cells) and "138****5678" not in " ".join(cells)
    assert all(c.key != "contact" for sec in report.sections for t in sec.tables for c in t.columns)


def test_an_order_on_paper_masks_the_phone_unless_asked_and_audited(
    engine, book, settings, clock, staff
):
    name, text = run_write(
        engine,
        lambda s: repair_print.render_order(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            order_id=book["paid"].id,
        ),
    )
    assert name == f"{book['paid'].number}.txt"
    assert book["paid"].number in text and "138****5678" in text and PHONE not in text
    assert "F017 更换暖气阀门  2 个 x 73.00 = 146.00" in text
    assert "Total 146.00 yuan" in text
    _name, page = run_write(
        engine,
        lambda s: repair_print.render_order(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            order_id=book["lift"].id,
            fmt="html",
            include_phone=True,
            reason="工程部要约时间",
        ),
    )
    assert page.startswith("<!DOCTYPE html>") and "engineering notice" in page
    assert "3栋2号电梯" in page and "http" not in page
    printed = run_read(
        engine,
        lambda s: [
            e.detail
            for e in s.exec(select(AuditEvent).where(AuditEvent.action == "repair.phone_printed"))
        ],
    )
    assert printed == [{"number": book["lift"].number, "reason": "工程部要约时间"}]
    with pytest.raises(InvalidInput, match="Say why"):  # a full number asks why, like a reveal
        run_write(
            engine,
            lambda s: repair_print.render_order(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                order_id=book["lift"].id,
                include_phone=True,
                reason="  ",
            ),
        )


def test_typed_text_is_escaped_in_html(engine, clock, settings, staff):
    estate = make_repair_estate(engine)
    order = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(estate.unit_1203, description="<script>alert(1)</script>"),
    )
    _name, page = run_write(
        engine,
        lambda s: repair_print.render_order(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            order_id=order.id,
            fmt="html",
        ),
    )
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_save_document_writes_under_the_data_folder(tmp_path):
    path = repair_print.save_document("R20261128-0001.txt", "单\n")
    assert path.read_text(encoding="utf-8") == "单\n"
    assert path.parent == repair_print.orders_folder()
