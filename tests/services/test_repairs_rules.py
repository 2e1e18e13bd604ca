"""Issue 21, repair rules: deadlines that cannot vanish (D-31), warranty links and repeats
(D-35), dispatch and engineers (D-36), money settled (D-34, D-37)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput
from deskterm.exports import repairs as repair_export
from deskterm.models.audit import AuditEvent
from deskterm.models.complaint import ComplaintCreate
from deskterm.models.inquiry import PromisedReplyCreate
from deskterm.models.repair import (
    COUNTED_REVIEWS,
    RepairFeeLine,
    RepairOrderUpdate,
    RepairStatus,
)
from deskterm.reports import sla
from deskterm.reports.complaint_report import build as build_complaints
from deskterm.reports.period import Period
from deskterm.services.callbacks import outcomes as callback_outcomes
from deskterm.services.complaints import handling as complaint_handling
from deskterm.services.repairs import engineers, fees, queries, settlement, status, warranty
from tests.services.test_repairs_support import (
    create,
    make_repair_estate,
    order_in,
    reload,
    repair_fully,
    sh,
)


@pytest.fixture
def estate(engine):
    return make_repair_estate(engine)


def _facts(report, key):
    section = next(s for s in report.sections if s.key == key)
    return {f.key: f.value for f in section.facts}, section


def _sla(engine, settings, clock, start, end):
    return run_read(
        engine,
        lambda s: sla.build(session=s, period=Period(start, end), settings=settings, clock=clock),
    )


# -- D-31: the reported time --------------------------------------------------------------------
def test_a_call_before_the_visit_starts_the_clocks_and_is_audited(
    engine, clock, settings, staff, estate
):
    clock.set(sh(2026, 11, 30, 15, 0))
    called = sh(2026, 11, 30, 13, 40)  # case 1: the resident phoned, the desk went up first
    order = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(estate.unit_1203, "heating_not_warm", reported_at=called),
    )
    assert order.reported_at == called and order.entered_at == clock.now()
    assert order.fix_due_at == called + timedelta(minutes=settings.sla.general_fix_minutes)
    detail = run_read(
        engine,
        lambda s: (
            s.exec(select(AuditEvent).where(AuditEvent.action == "repair.create")).one().detail
        ),
    )
    assert detail["reported_at"] == "2026-11-30T05:40:00+00:00"
    assert detail["entered_at"] == "2026-11-30T07:00:00+00:00"
    urgent = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(estate.unit_1204, "power_cut_wiring", reported_at=called),
    )
    assert urgent.onsite_due_at == called + timedelta(hours=2)  # already late when typed


@pytest.mark.parametrize(
    ("offset", "message"), [(timedelta(minutes=10), "future"), (timedelta(hours=-73), "backdated")]
)
def test_a_reported_time_is_never_future_and_bounded_in_the_past(
    engine, clock, settings, staff, estate, offset, message
):
    with pytest.raises(InvalidInput) as err:
        create(
            engine,
            clock,
            settings,
            staff.operator,
            order_in(estate.unit_1203, reported_at=clock.now() + offset),
        )
    assert err.value.field == "reported_at" and message in str(err.value)


# -- D-31: a reopened order keeps its first attempt -----------------------------------------------
def test_reopening_keeps_the_first_miss_and_the_sla_report_counts_both(
    engine, clock, settings, staff, estate
):
    op = staff.operator
    clock.set(sh(2026, 11, 2, 9, 0))
    order = create(engine, clock, settings, op, order_in(estate.unit_1203, "power_cut_wiring"))
    clock.advance(hours=3)  # on site after 3 h: the 2 h deadline is missed
    repair_fully(engine, clock, settings, op, order.id)
    first = reload(engine, order.id)
    clock.advance(hours=2)
    run_write(
        engine,
        lambda s: callback_outcomes.record_repair_callback(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=order.id,
            method="phone",
            result="dissatisfied",
            comment="又坏了",
        ),
    )
    reopened = reload(engine, order.id)
    assert reopened.status == RepairStatus.reported and reopened.reopen_count == 1
    (attempt,) = run_read(engine, lambda s: queries.list_attempts(session=s, order_id=order.id))
    assert (attempt.attempt, attempt.arrived_at, attempt.onsite_due_at, attempt.repaired_at) == (
        1,
        first.arrived_at,
        first.onsite_due_at,
        first.repaired_at,
    )
    assert attempt.note == "又坏了" and attempt.outcome == "reopened"
    clock.advance(minutes=30)
    repair_fully(engine, clock, settings, op, order.id)  # the second attempt is on time
    report = _sla(engine, settings, clock, sh(2026, 11, 1, 0, 0), sh(2026, 12, 1, 0, 0))
    facts, _section = _facts(report, "repairs")
    assert (facts["orders"], facts["reopened"]) == (1, 1)
    assert (facts["onsite"].part, facts["onsite"].whole) == (1, 2)  # missed once, met once
    breaches, section = _facts(report, "breaches")
    assert breaches["count"] == 1 and breaches["first_attempts_reopened"] == 1
    (row,) = section.tables[0].rows
    assert (row[0], row[1], row[6]) == (order.number, 1, "arrival on site")


# -- D-31: an appointment after the fix deadline ----------------------------------------------------
def test_an_appointment_after_the_deadline_is_warned_recorded_and_reported_apart(
    engine, clock, settings, staff, estate
):
    op = staff.operator
    clock.set(sh(2026, 11, 2, 9, 0))
    late = sh(2026, 11, 6, 10, 0)  # general: fixed within 72 h, due 11-05 09:00
    with pytest.raises(InvalidInput) as err:
        create(
            engine,
            clock,
            settings,
            op,
            order_in(estate.unit_1203, "door_window", appointment_at=late),
        )
    assert err.value.field == "appointment_at" and "resident chose" in str(err.value)
    order = create(
        engine,
        clock,
        settings,
        op,
        order_in(estate.unit_1203, "door_window", appointment_at=late, resident_chose_later=True),
    )
    assert order.appointment_after_deadline
    board = run_read(
        engine, lambda s: queries.list_board(session=s, now=clock.now(), settings=settings)
    )
    assert board[0].appointment_after_deadline
    clock.set(sh(2026, 11, 6, 9, 0))
    repair_fully(engine, clock, settings, op, order.id)
    report = _sla(engine, settings, clock, sh(2026, 11, 1, 0, 0), sh(2026, 12, 1, 0, 0))
    facts, _s = _facts(report, "repairs")
    assert facts["resident_chose_later"] == 1
    assert facts["repaired"].whole == 0  # not counted as the desk's miss ...
    _b, section = _facts(report, "breaches")
    (row,) = section.tables[0].rows  # ... but listed, with its cause
    assert row[0] == order.number and row[11] == "resident chose a later time"
    # A correction to a later appointment is held to the same rule.
    other = create(engine, clock, settings, op, order_in(estate.unit_1204, "door_window"))
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: status.update_order(
                session=s,
                actor=op,
                clock=clock,
                order_id=other.id,
                version=None,
                settings=settings,
                changes=RepairOrderUpdate(appointment_at=other.fix_due_at + timedelta(hours=1)),
            ),
        )


# -- D-25, D-42: every missed promise by number; late replies counted right ------------------------
def test_the_sla_report_lists_every_missed_promise_by_number(
    engine, clock, settings, staff, estate
):
    from deskterm.services.inquiries import promises

    op = staff.operator
    clock.set(sh(2026, 11, 2, 9, 0))
    complaint = run_write(
        engine,
        lambda s: complaint_handling.intake_complaint(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            complaint_in=ComplaintCreate(
                who_kind="resident",
                who_name="张伟",
                channel="phone",
                category="other",
                content="暖气不热",
            ),
        ),
    )
    assert complaint.reply_due_at == clock.now() + timedelta(hours=24)  # owed a reply
    run_write(
        engine,
        lambda s: promises.make_promise(
            session=s,
            actor=op,
            clock=clock,
            promise_in=PromisedReplyCreate(
                question="停车费标准?",
                asked_by="赵六",
                contact="13900001111",
                due_at=clock.now() + timedelta(hours=2),
            ),
        ),
    )
    clock.set(sh(2026, 11, 5, 9, 0))
    report = _sla(engine, settings, clock, sh(2026, 11, 1, 0, 0), sh(2026, 12, 1, 0, 0))
    facts, section = _facts(report, "other")
    assert facts["missed"] == 2
    rows = {row[1]: row for row in section.tables[1].rows}
    assert complaint.number in rows and rows[complaint.number][2] == "张伟"
    assert any(number.startswith("#") for number in rows)
    complaints = run_read(
        engine,
        lambda s: build_complaints(
            session=s,
            period=Period(sh(2026, 11, 1, 0, 0), sh(2026, 12, 1, 0, 0)),
            settings=settings,
            clock=clock,
        ),
    )
    summary, _s = _facts(complaints, "summary")
    assert (summary["replied_late"], summary["late_replies"]) == (0, 1)


# -- the export: fee lines awaiting review are not charged ----------------------------------------
def test_the_repairs_export_counts_only_lines_on_schedule_or_approved(
    engine, clock, settings, staff, estate
):
    assert repair_export.COUNTED_REVIEWS == COUNTED_REVIEWS
    op = staff.operator
    order = create(engine, clock, settings, op, order_in(estate.unit_1203))
    run_write(
        engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=order.id,
            version=None,
            code="F017",
        ),
    )
    run_write(
        engine,
        lambda s: fees.add_offschedule_line(
            session=s,
            actor=op,
            clock=clock,
            order_id=order.id,
            version=None,
            description="非标阀门",
            labour_fen=5000,
            materials_fen=10000,
        ),
    )
    (row,) = run_read(engine, lambda s: s.execute(repair_export.query()).mappings().all())
    assert row["fee_yuan"] == 7300  # the pending 150.00 is not charged


# -- D-35: warranty linked by default, link / unlink, other categories shown ------------------------
def _repaired(engine, clock, settings, op, unit, category="heating_not_warm"):
    order = create(engine, clock, settings, op, order_in(unit, category))
    return repair_fully(engine, clock, settings, op, order.id)


def test_a_repeat_in_warranty_is_linked_by_default_and_opting_out_needs_a_reason(
    engine, clock, settings, staff, estate
):
    op = staff.operator
    clock.set(sh(2026, 10, 1, 9, 0))
    first = _repaired(engine, clock, settings, op, estate.unit_1203)
    clock.set(sh(2026, 11, 20, 9, 0))
    repeat = create(engine, clock, settings, op, order_in(estate.unit_1203))
    assert repeat.warranty_of_id == first.id and repeat.warranty_opt_out_reason is None
    own = create(
        engine,
        clock,
        settings,
        op,
        order_in(estate.unit_1203, warranty_opt_out_reason="住户自行更换的散热器,不属保修"),
    )
    assert own.warranty_of_id is None and own.warranty_opt_out_reason.startswith("住户")


def test_link_and_unlink_on_an_open_order_before_the_fee_is_accepted(
    engine, clock, settings, staff, estate
):
    op = staff.operator
    clock.set(sh(2026, 10, 1, 9, 0))
    first = _repaired(engine, clock, settings, op, estate.unit_1203)
    clock.set(sh(2026, 11, 20, 9, 0))
    repeat = create(engine, clock, settings, op, order_in(estate.unit_1203))
    run_write(
        engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=repeat.id,
            version=None,
            code="F017",
        ),
    )
    with pytest.raises(InvalidInput) as err:  # unlinking needs a reason
        run_write(
            engine,
            lambda s: warranty.set_warranty_link(
                session=s,
                actor=op,
                clock=clock,
                settings=settings,
                order_id=repeat.id,
                version=None,
                warranty_of_id=None,
            ),
        )
    assert err.value.field == "warranty_opt_out_reason"
    run_write(
        engine,
        lambda s: warranty.set_warranty_link(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=repeat.id,
            version=None,
            warranty_of_id=None,
            reason="人为损坏",
        ),
    )
    assert run_read(engine, lambda s: fees.order_totals(s, repeat.id)).total_fen == 7300
    run_write(
        engine,
        lambda s: warranty.set_warranty_link(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=repeat.id,
            version=None,
            warranty_of_id=first.id,
        ),
    )
    assert run_read(engine, lambda s: fees.order_totals(s, repeat.id)).total_fen == 0
    run_write(
        engine,
        lambda s: warranty.set_warranty_link(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=repeat.id,
            version=None,
            warranty_of_id=None,
            reason="人为损坏",
        ),
    )
    run_write(
        engine,
        lambda s: fees.accept_fee(
            session=s,
            actor=op,
            clock=clock,
            order_id=repeat.id,
            version=None,
            accepted_by="张伟",
            form_no="A-2",
        ),
    )
    with pytest.raises(InvalidInput) as err:
        run_write(
            engine,
            lambda s: warranty.set_warranty_link(
                session=s,
                actor=op,
                clock=clock,
                settings=settings,
                order_id=repeat.id,
                version=None,
                warranty_of_id=first.id,
            ),
        )
    assert "already accepted" in str(err.value)


def test_same_unit_repeats_of_another_category_are_shown_not_linked(
    engine, clock, settings, staff, estate
):
    op = staff.operator
    clock.set(sh(2026, 10, 1, 9, 0))
    leak = _repaired(engine, clock, settings, op, estate.unit_1203, "burst_pipe")
    clock.set(sh(2026, 11, 20, 9, 0))
    found = run_read(
        engine,
        lambda s: warranty.list_other_repeats(
            session=s,
            settings=settings,
            now=clock.now(),
            unit_id=estate.unit_1203,
            category_code="heating_not_warm",
        ),
    )
    assert [o.id for o in found] == [leak.id]
    order = create(engine, clock, settings, op, order_in(estate.unit_1203))
    assert order.warranty_of_id is None  # another category: the desk decides, no default


# -- D-36: dispatch deadline, engineers as a list ---------------------------------------------------
def test_dispatch_is_to_an_engineer_of_the_list_and_late_dispatch_is_flagged(
    engine, clock, settings, staff, estate
):
    op = staff.operator
    order = create(engine, clock, settings, op, order_in(estate.unit_1203))
    with pytest.raises(InvalidInput) as err:
        run_write(
            engine,
            lambda s: status.dispatch(
                session=s,
                actor=op,
                clock=clock,
                order_id=order.id,
                version=None,
                assignee="隔壁老王",
            ),
        )
    assert err.value.field == "assignee"
    clock.advance(minutes=settings.dispatch_minutes + 1)
    (row,) = run_read(
        engine, lambda s: queries.list_board(session=s, now=clock.now(), settings=settings)
    )
    assert row.dispatch_late
    on_duty = run_read(engine, lambda s: engineers.list_engineers(session=s, on_duty_only=True))
    assert [e.name for e in on_duty] and all(e.on_duty for e in on_duty)
    run_write(
        engine,
        lambda s: status.dispatch(
            session=s,
            actor=op,
            clock=clock,
            order_id=order.id,
            version=None,
            engineer_id=on_duty[0].id,
        ),
    )
    order = reload(engine, order.id)
    assert (order.engineer_id, order.assignee) == (on_duty[0].id, on_duty[0].name)
    (row,) = run_read(
        engine, lambda s: queries.list_board(session=s, now=clock.now(), settings=settings)
    )
    assert not row.dispatch_late


def test_engineers_are_kept_by_supervisors_and_put_on_duty_by_the_desk(engine, clock, staff):
    from deskterm.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_write(
            engine,
            lambda s: engineers.add_engineer(
                session=s, actor=staff.operator, clock=clock, name="赵师傅"
            ),
        )
    new = run_write(
        engine,
        lambda s: engineers.add_engineer(
            session=s,
            actor=staff.supervisor,
            clock=clock,
            name="赵师傅",
            trade="电工",
            on_duty=False,
        ),
    )
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: engineers.add_engineer(
                session=s, actor=staff.supervisor, clock=clock, name="赵师傅"
            ),
        )
    run_write(
        engine,
        lambda s: engineers.set_on_duty(
            session=s, actor=staff.operator, clock=clock, engineer_id=new.id, on_duty=True
        ),
    )
    names = [
        e.name
        for e in run_read(engine, lambda s: engineers.list_engineers(session=s, on_duty_only=True))
    ]
    assert "赵师傅" in names


@pytest.mark.parametrize(
    "first, again",
    [
        ("刘师傅", "刘师傅\u200b"),  # a zero-width space after it
        ("刘师傅", "刘\u200d师傅"),  # a zero-width joiner inside
        ("刘师傅", " 刘师傅 "),
        ("LIU", "liu"),
        ("LIU", "ＬＩＵ"),  # full-width letters
        ("Liu Wei", "liu  wei"),  # spaces collapsed
    ],
)
def test_an_engineer_name_written_differently_is_the_same_engineer(
    engine, clock, staff, first, again
):
    """Issue 21, finding 6: names are compared as read (rules.text.name_key); a look-alike
    is refused with one sentence and the list keeps one engineer."""
    from deskterm.models.repair import Engineer

    def add(name):
        return run_write(
            engine,
            lambda s: engineers.add_engineer(
                session=s, actor=staff.supervisor, clock=clock, name=name
            ),
        )

    add(first)
    with pytest.raises(InvalidInput) as refused:
        add(again)
    sentence = str(refused.value)
    assert refused.value.field == "name" and sentence.endswith(".")
    assert "already on the list" in sentence or "invisible characters" in sentence
    names = run_read(engine, lambda s: [e.name for e in s.exec(select(Engineer))])
    assert sum(n.casefold() == first.casefold() for n in names) == 1 and again not in names


def test_format_characters_are_refused_in_an_engineers_name(engine, clock, staff):
    with pytest.raises(InvalidInput) as refused:
        run_write(
            engine,
            lambda s: engineers.add_engineer(
                session=s, actor=staff.supervisor, clock=clock, name="王\u200b五"
            ),
        )
    assert "U+200B" in str(refused.value)


# -- D-34, D-37: money settled ---------------------------------------------------------------------
def test_settlement_state_date_and_receipt(engine, clock, settings, staff, estate):
    op = staff.operator
    order = create(engine, clock, settings, op, order_in(estate.unit_1203))
    run_write(
        engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=order.id,
            version=None,
            code="F017",
        ),
    )
    accept(engine, clock, op, order.id)
    with pytest.raises(InvalidInput) as err:
        run_write(
            engine,
            lambda s: settlement.settle_order(
                session=s,
                actor=op,
                clock=clock,
                settings=settings,
                order_id=order.id,
                version=None,
                state="paid",
            ),
        )
    assert err.value.field == "receipt_no"
    run_write(
        engine,
        lambda s: settlement.settle_order(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=order.id,
            version=None,
            state="paid",
            receipt_no="SJ-0001",
        ),
    )
    run_write(
        engine,
        lambda s: settlement.set_cost_bearer(
            session=s, actor=op, clock=clock, order_id=order.id, version=None, bearer="owner"
        ),
    )
    order = reload(engine, order.id)
    assert (order.settlement, order.receipt_no, order.settled_at, order.cost_bearer) == (
        "paid",
        "SJ-0001",
        clock.now(),
        "owner",
    )
    with pytest.raises(InvalidInput):  # the public fund pays for common parts only
        run_write(
            engine,
            lambda s: settlement.set_cost_bearer(
                session=s,
                actor=op,
                clock=clock,
                order_id=order.id,
                version=None,
                bearer="public_fund",
            ),
        )
    free = create(engine, clock, settings, op, order_in(estate.unit_1204))
    with pytest.raises(InvalidInput):  # nothing charged: nothing to settle
        run_write(
            engine,
            lambda s: settlement.settle_order(
                session=s,
                actor=op,
                clock=clock,
                settings=settings,
                order_id=free.id,
                version=None,
                state="finance",
                receipt_no="CW-1",
            ),
        )


def accept(engine, clock, actor, order_id, by="张三", form="FY-0001"):
    return run_write(
        engine,
        lambda s: fees.accept_fee(
            session=s,
            actor=actor,
            clock=clock,
            order_id=order_id,
            version=None,
            accepted_by=by,
            form_no=form,
        ),
    )


def settle(engine, clock, settings, actor, order_id, state="paid", receipt="RC001"):
    return run_write(
        engine,
        lambda s: settlement.settle_order(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            order_id=order_id,
            version=None,
            state=state,
            receipt_no=receipt,
        ),
    )


@pytest.mark.parametrize("state", ["paid", "finance"])
def test_money_is_settled_only_for_the_fee_the_reporter_accepted(
    engine, clock, settings, staff, estate, state
):
    """Issue 21 #2 (outside test): on site, fee 60.00 not accepted, "paid RC001" was taken.
    D-34: the reporter accepts the fee first; nothing is recorded before."""
    op = staff.operator
    order = create(engine, clock, settings, op, order_in(estate.unit_1203))
    run_write(
        engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=order.id,
            version=None,
            code="F017",
        ),
    )
    with pytest.raises(InvalidInput, match="not accepted the fee") as err:
        settle(engine, clock, settings, op, order.id, state)
    assert err.value.field == "settlement"
    assert reload(engine, order.id).settlement == "unpaid"
    accept(engine, clock, op, order.id)
    assert settle(engine, clock, settings, op, order.id, state).settlement == state


@pytest.mark.parametrize("change", ["schedule line", "off-schedule line approved"])
def test_a_fee_changed_after_settlement_is_unpaid_again(
    engine, clock, settings, staff, estate, change
):
    """Issue 21 #2: a fee line added after "paid RC001" showed "fee 115.00 · paid RC001", and
    the export said paid for money not received. Every fee change goes through one rule: the
    acceptance and the settlement of the old total no longer hold; the history keeps them."""
    from deskterm.models.repair import RepairEvent

    op = staff.operator
    order = create(engine, clock, settings, op, order_in(estate.unit_1203))
    run_write(
        engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=order.id,
            version=None,
            code="F017",
        ),
    )
    accept(engine, clock, op, order.id)
    settle(engine, clock, settings, op, order.id)
    if change == "schedule line":
        run_write(
            engine,
            lambda s: fees.add_fee_line(
                session=s,
                actor=op,
                clock=clock,
                settings=settings,
                order_id=order.id,
                version=None,
                code="F001",
            ),
        )
    else:
        line = run_write(
            engine,
            lambda s: fees.add_offschedule_line(
                session=s,
                actor=op,
                clock=clock,
                order_id=order.id,
                version=None,
                description="加长软管",
                labour_fen=2000,
            ),
        )
        assert reload(engine, order.id).settlement == "unpaid"  # not final: not paid either
        run_write(
            engine,
            lambda s: fees.review_fee_line(
                session=s, actor=staff.supervisor, clock=clock, line_id=line.id, approve=True
            ),
        )
    order = reload(engine, order.id)
    assert (order.settlement, order.receipt_no, order.settled_at) == ("unpaid", None, None)
    assert order.fee_accepted_at is None
    events = run_read(
        engine,
        lambda s: list(
            s.exec(
                select(RepairEvent).where(RepairEvent.order_id == order.id).order_by(RepairEvent.id)
            )
        ),
    )
    reopened = [e for e in events if "settlement" in e.changes]
    assert reopened[-1].changes["settlement"] == ["paid", "unpaid"]
    assert reopened[-1].changes["receipt_no"] == ["RC001", None]
    (row,) = run_read(engine, lambda s: s.execute(repair_export.query()).mappings().all())
    assert (row["settlement"], row["receipt_no"]) == ("unpaid", None)  # `export repairs`
    with pytest.raises(InvalidInput, match="not accepted the fee"):  # the new total first
        settle(engine, clock, settings, op, order.id, receipt="RC002")


def test_a_job_of_two_work_days_goes_through_a_quotation(engine, clock, settings, staff, estate):
    op = staff.operator
    order = create(engine, clock, settings, op, order_in(estate.unit_1203, "roof_leak"))
    run_write(
        engine,
        lambda s: status.dispatch(
            session=s, actor=op, clock=clock, order_id=order.id, version=None, assignee="王师傅"
        ),
    )
    run_write(
        engine,
        lambda s: status.record_arrival(
            session=s, actor=op, clock=clock, order_id=order.id, version=None
        ),
    )
    run_write(
        engine,
        lambda s: settlement.set_estimate(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=order.id,
            version=None,
            days="2.5",
        ),
    )
    assert run_read(
        engine, lambda s: settlement.needs_quotation(s.get(type(order), order.id), settings)
    )

    def done(s):
        return status.mark_repaired(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=order.id,
            version=None,
            work_done="屋面防水",
        )

    with pytest.raises(InvalidInput) as err:
        run_write(engine, done)
    assert "quotation" in str(err.value)
    run_write(
        engine,
        lambda s: settlement.record_quotation(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=order.id,
            version=None,
            amount_fen=120000,
            quote_no="BJ-7",
        ),
    )
    run_write(
        engine,
        lambda s: settlement.accept_quotation(
            session=s, actor=op, clock=clock, order_id=order.id, version=None, accepted_by="张伟"
        ),
    )
    run_write(engine, done)
    assert reload(engine, order.id).status == RepairStatus.repaired
    short = create(engine, clock, settings, op, order_in(estate.unit_1204, "roof_leak"))
    with pytest.raises(InvalidInput):  # under two work-days: no quotation, the fee form
        run_write(
            engine,
            lambda s: settlement.record_quotation(
                session=s,
                actor=op,
                clock=clock,
                settings=settings,
                order_id=short.id,
                version=None,
                amount_fen=100,
                quote_no="X",
            ),
        )


def test_lowering_a_quoted_estimate_needs_a_reason_audited_and_marked(
    engine, clock, settings, staff, estate
):
    """Issue 21 #5 (outside test): 3 work-days; work refused for want of a quotation; then
    estimate 1 and the work was marked done, no reason asked, nothing flagged (D-34)."""
    from deskterm.models.repair import RepairEvent

    op = staff.operator
    order = create(engine, clock, settings, op, order_in(estate.unit_1203, "roof_leak"))

    def estimate(days, reason=""):
        return run_write(
            engine,
            lambda s: settlement.set_estimate(
                session=s,
                actor=op,
                clock=clock,
                settings=settings,
                order_id=order.id,
                version=None,
                days=days,
                reason=reason,
            ),
        )

    estimate("0.5")
    estimate("1")  # never needed a quotation: no reason asked
    estimate("3")
    for step in (status.dispatch, status.record_arrival):
        extra = {"assignee": "王师傅"} if step is status.dispatch else {}
        run_write(
            engine,
            lambda s, step=step, extra=extra: step(
                session=s, actor=op, clock=clock, order_id=order.id, version=None, **extra
            ),
        )
    with pytest.raises(InvalidInput, match="quotation"):
        run_write(
            engine,
            lambda s: status.mark_repaired(
                session=s,
                actor=op,
                clock=clock,
                settings=settings,
                order_id=order.id,
                version=None,
                work_done="屋面防水",
            ),
        )
    estimate("2")  # still a quoted job: no reason needed
    for silent in ("", "   "):
        with pytest.raises(InvalidInput, match="say why") as err:
            estimate("1", silent)
        assert err.value.field == "estimate_reason"
    assert reload(engine, order.id).estimate_days == Decimal(2)
    estimate("1", "现场查看只需局部修补")
    events = run_read(
        engine,
        lambda s: list(
            s.exec(
                select(RepairEvent).where(RepairEvent.order_id == order.id).order_by(RepairEvent.id)
            )
        ),
    )
    assert events[-1].action == "estimate_lower" and events[-1].note == "现场查看只需局部修补"
    assert settlement.quotation_skipped(events) == "现场查看只需局部修补"
    (audited,) = run_read(
        engine,
        lambda s: list(
            s.exec(select(AuditEvent).where(AuditEvent.action == "repair.estimate_lower"))
        ),
    )
    assert audited.detail["quotation_skipped"] is True
    assert audited.detail["note"] == "现场查看只需局部修补"
    assert settlement.quotation_skipped(events[:-1]) is None


@pytest.mark.parametrize(
    ("code", "quantity", "expected"),
    [
        ("F011", "1.5", 6000),  # 40.00 per hour x 1.5 h
        ("F019", "2.35", 5875 + 3525),  # 25.00 + 15.00 per metre x 2.35 m
        ("F020", "0.33", 1155 + 660),  # 35.00 + 20.00 per m² x 0.33 m² (11.55 + 6.60)
    ],
)
def test_fractional_quantities_are_exact_to_the_fen(
    engine, clock, settings, staff, estate, code, quantity, expected
):
    op = staff.operator
    order = create(engine, clock, settings, op, order_in(estate.unit_1203))
    line = run_write(
        engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=order.id,
            version=None,
            code=code,
            quantity=quantity,
        ),
    )
    assert line.amount_fen == expected
    stored = run_read(engine, lambda s: s.get(RepairFeeLine, line.id))
    assert stored.quantity == Decimal(quantity)  # no float on the way in or out
    for bad in ("0", "1.555", "-1", "abc", "10001"):
        with pytest.raises(InvalidInput) as err:
            run_write(
                engine,
                lambda s, b=bad: fees.add_fee_line(
                    session=s,
                    actor=op,
                    clock=clock,
                    settings=settings,
                    order_id=order.id,
                    version=None,
                    code=code,
                    quantity=b,
                ),
            )
        assert err.value.field == "quantity"
