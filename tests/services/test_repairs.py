"""Repair intake and work orders (D-30, D-31, D-36, case 1): numbers, deadlines, the status
path, the callback, reopening, stale edits and the audit of every step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, PermissionDenied, StaleEdit
from deskterm.models.audit import AuditEvent
from deskterm.models.complaint import Callback
from deskterm.models.repair import RepairEvent, RepairOrderUpdate, RepairScope, RepairStatus
from deskterm.models.shift import Shift
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.callbacks import outcomes as callback_outcomes
from deskterm.services.repairs import intake, queries, status
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


def test_intake_numbers_the_order_and_sets_its_deadlines_at_once(
    engine, clock, settings, staff, estate
):
    urgent = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(estate.unit_1203, "burst_pipe", description="水表处爆管"),
    )
    general = create(engine, clock, settings, staff.operator, order_in(estate.unit_1204))
    assert urgent.number == "R20261128-0001"
    assert general.number == "R20261128-0002"
    assert urgent.repair_class == "urgent" and general.repair_class == "general"
    now = clock.now()
    assert urgent.onsite_due_at == now + timedelta(hours=2)
    assert urgent.fix_due_at == now + timedelta(hours=24)
    assert general.onsite_due_at is None
    assert general.fix_due_at == now + timedelta(hours=72)
    assert urgent.status == RepairStatus.reported and urgent.reported_by == staff.operator.user_id
    events = run_read(engine, lambda s: s.exec(select(RepairEvent)).all())
    assert [(e.order_id, e.action, e.to_status) for e in events] == [
        (urgent.id, "create", "reported"),
        (general.id, "create", "reported"),
    ]


def test_the_sla_policy_is_a_setting(engine, clock, settings, staff, estate):

    from deskterm.config import SlaPolicy

    fast = settings.replace(
        sla=SlaPolicy(urgent_onsite_minutes=30, urgent_fix_minutes=600, general_fix_minutes=48 * 60)
    )
    order = create(engine, clock, fast, staff.operator, order_in(estate.unit_1203, "burst_pipe"))
    assert order.onsite_due_at - order.reported_at == timedelta(minutes=30)
    assert order.fix_due_at - order.reported_at == timedelta(hours=10)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (dict(unit_id=None), "unit"),
        (dict(unit_id=999999), "unit"),
        (dict(reporter_name="  "), "reporter_name"),
        (dict(description=" "), "description"),
        (dict(category_code="no_such"), "category_code"),
        (dict(category_code="lift_failure"), "category_code"),  # a public facility category
        (dict(repair_class="urgent"), "override_reason"),  # override without a reason
        (dict(category_code="burst_pipe", appointment_at=sh(2026, 11, 29, 9, 0)), "appointment_at"),
        (dict(appointment_at=sh(2026, 11, 28, 9, 0)), "appointment_at"),  # in the past
        (
            dict(scope=RepairScope.public, unit_id=None, location="", category_code="roof_leak"),
            "location",
        ),
    ],
)
def test_intake_refuses_bad_input_naming_the_field(
    engine, clock, settings, staff, estate, data, field
):
    values = {"unit_id": estate.unit_1203, **data}
    unit_id = values.pop("unit_id")
    with pytest.raises(InvalidInput) as err:
        create(engine, clock, settings, staff.operator, order_in(unit_id, **values))
    assert err.value.field == field
    assert str(err.value).endswith(".")
    assert run_read(engine, lambda s: s.exec(select(RepairEvent)).all()) == []


def test_override_with_a_reason_and_an_appointment(engine, clock, settings, staff, estate):
    order = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(
            estate.unit_1203,
            repair_class="urgent",
            override_reason="老人独居，室温过低",
            appointment_at=None,
        ),
    )
    assert order.repair_class == "urgent" and order.override_reason == "老人独居，室温过低"
    assert order.onsite_due_at is not None
    booked = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(estate.unit_1204, appointment_at=sh(2026, 11, 29, 9, 30)),
    )
    assert booked.appointment_at == sh(2026, 11, 29, 9, 30)
    same = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(estate.unit_1204, repair_class="general", override_reason=""),
    )
    assert same.override_reason is None  # choosing the category's own class is no override


def test_public_facility_order(engine, clock, settings, staff):
    order = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(
            None,
            "lift_failure",
            scope=RepairScope.public,
            location="3栋2号电梯",
            reporter_name="保安 刘",
            reporter_contact="",
        ),
    )
    assert order.scope == "public" and order.unit_id is None and order.location == "3栋2号电梯"
    assert order.repair_class == "urgent"


def test_case_1_heating_not_warm_end_to_end(engine, clock, settings, staff, estate):
    """Case 1: report, dispatch, arrival, repair about an hour later, callback before shift end."""
    op = staff.operator
    shift = run_write(engine, lambda s: _open_shift(s, op, clock.now() - timedelta(hours=6)))
    op = Actor(op.user_id, op.code, op.name, op.role, shift_id=shift)
    order = create(engine, clock, settings, op, order_in(estate.unit_1203))
    done = repair_fully(engine, clock, settings, op, order.id)
    assert done.status == RepairStatus.repaired and done.arrived_at and done.repaired_at
    assert done.repaired_at - done.reported_at == timedelta(hours=1)
    callback = run_read(engine, lambda s: s.exec(select(Callback)).one())
    assert (callback.subject_kind, callback.subject_id) == ("repair", order.id)
    assert callback.due_at == done.repaired_at + timedelta(hours=settings.repair_callback_hours)
    clock.advance(minutes=30)
    run_write(
        engine,
        lambda s: callback_outcomes.record_repair_callback(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            order_id=order.id,
            method="phone",
            result="satisfied",
            comment="暖气热了",
        ),
    )
    callback = run_read(engine, lambda s: s.get(Callback, callback.id))
    shift_end = run_read(engine, lambda s: status.shift_end(s, op, clock.now(), settings))
    assert callback.done_at < shift_end  # before the shift ends
    assert callback.result == "satisfied" and callback.method == "phone"
    order = reload(engine, order.id)
    assert order.status == RepairStatus.called_back
    run_write(
        engine,
        lambda s: status.record_acceptance(
            session=s,
            actor=op,
            clock=clock,
            order_id=order.id,
            version=order.version,
            accepted_by="张伟",
        ),
    )
    order = reload(engine, order.id)
    assert order.status == RepairStatus.called_back and order.accepted_by_name == "张伟"
    run_write(
        engine,
        lambda s: status.close_order(
            session=s, actor=op, clock=clock, order_id=order.id, version=order.version
        ),
    )
    order = reload(engine, order.id)
    assert order.status == RepairStatus.closed
    actions = run_read(
        engine,
        lambda s: [
            e.action
            for e in s.exec(
                select(RepairEvent).where(RepairEvent.order_id == order.id).order_by(RepairEvent.id)
            )
        ],
    )
    assert actions == ["create", "dispatch", "arrive", "repair", "called_back", "accept", "close"]
    audited = run_read(engine, lambda s: [e.action for e in s.exec(select(AuditEvent))])
    for action in (
        "repair.create",
        "repair.dispatch",
        "repair.arrive",
        "repair.repair",
        "callback.schedule",
        "callback.done",
        "repair.called_back",
        "repair.accept",
        "repair.close",
    ):
        assert action in audited
    assert run_read(engine, audit.verify).ok


def _open_shift(session, actor, started_at):
    shift = Shift(post="前台", operator_id=actor.user_id, started_at=started_at)
    session.add(shift)
    session.flush()
    return shift.id


def test_urgent_callback_falls_due_by_the_end_of_the_shift(engine, clock, settings, staff, estate):
    op = staff.operator
    started = clock.now() - timedelta(hours=2)  # 08:00 desk time; the shift ends at 20:00
    shift = run_write(engine, lambda s: _open_shift(s, op, started))
    op = Actor(op.user_id, op.code, op.name, op.role, shift_id=shift)
    order = create(engine, clock, settings, op, order_in(estate.unit_1203, "burst_pipe"))
    repair_fully(engine, clock, settings, op, order.id)
    callback = run_read(engine, lambda s: s.exec(select(Callback)).one())
    assert callback.due_at == started + timedelta(hours=12)


@pytest.mark.parametrize(
    ("now", "end"),
    [
        (sh(2026, 11, 28, 10, 0), sh(2026, 11, 28, 20, 0)),
        (sh(2026, 11, 28, 19, 59), sh(2026, 11, 28, 20, 0)),
        (sh(2026, 11, 28, 20, 0), sh(2026, 11, 29, 8, 0)),
        (sh(2026, 11, 28, 23, 30), sh(2026, 11, 29, 8, 0)),
        (sh(2026, 11, 30, 3, 0), sh(2026, 11, 30, 8, 0)),
        (sh(2026, 11, 30, 8, 0), sh(2026, 11, 30, 20, 0)),
    ],
)
def test_shift_end_without_a_shift_follows_the_roster(engine, settings, staff, now, end):
    assert run_read(engine, lambda s: status.shift_end(s, staff.operator, now, settings)) == end


def test_steps_out_of_order_are_refused(engine, clock, settings, staff, estate):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    with pytest.raises(InvalidInput, match="cannot mark it on site"):
        run_write(
            engine,
            lambda s: status.record_arrival(
                session=s, actor=staff.operator, clock=clock, order_id=order.id, version=1
            ),
        )
    with pytest.raises(InvalidInput) as err:
        run_write(
            engine,
            lambda s: status.dispatch(
                session=s,
                actor=staff.operator,
                clock=clock,
                order_id=order.id,
                version=1,
                assignee=" ",
            ),
        )
    assert err.value.field == "assignee"
    assert reload(engine, order.id).version == 1


def test_arrival_time_may_be_typed_but_not_in_the_future(engine, clock, settings, staff, estate):
    order = create(
        engine, clock, settings, staff.operator, order_in(estate.unit_1203, "burst_pipe")
    )
    run_write(
        engine,
        lambda s: status.dispatch(
            session=s,
            actor=staff.operator,
            clock=clock,
            order_id=order.id,
            version=1,
            assignee="王师傅",
        ),
    )
    clock.advance(hours=3)
    with pytest.raises(InvalidInput, match="future"):
        run_write(
            engine,
            lambda s: status.record_arrival(
                session=s,
                actor=staff.operator,
                clock=clock,
                order_id=order.id,
                version=2,
                arrived_at=clock.now() + timedelta(hours=1),
            ),
        )
    arrived = order.reported_at + timedelta(minutes=90)
    run_write(
        engine,
        lambda s: status.record_arrival(
            session=s,
            actor=staff.operator,
            clock=clock,
            order_id=order.id,
            version=2,
            arrived_at=arrived,
        ),
    )
    order = reload(engine, order.id)
    assert order.arrived_at == arrived
    assert queries.order_state(order, clock.now()) == "ok"  # on site within 2 h: met


def test_hold_keeps_the_order_on_the_board_and_resume_returns_it(
    engine, clock, settings, staff, estate
):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    run_write(
        engine,
        lambda s: status.dispatch(
            session=s,
            actor=staff.operator,
            clock=clock,
            order_id=order.id,
            version=1,
            assignee="王师傅",
        ),
    )
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: status.hold_order(
                session=s,
                actor=staff.operator,
                clock=clock,
                order_id=order.id,
                version=2,
                reason="",
            ),
        )
    run_write(
        engine,
        lambda s: status.hold_order(
            session=s,
            actor=staff.operator,
            clock=clock,
            order_id=order.id,
            version=2,
            reason="住户不在家，约明天",
        ),
    )
    board = run_read(
        engine, lambda s: queries.list_board(session=s, now=clock.now(), settings=settings)
    )
    assert [(r.number, r.status, r.status_reason) for r in board] == [
        (order.number, "on_hold", "住户不在家，约明天")
    ]
    clock.advance(hours=73)
    assert run_read(engine, lambda s: queries.count_overdue(session=s, now=clock.now())) == 1
    run_write(
        engine,
        lambda s: status.resume_order(
            session=s, actor=staff.operator, clock=clock, order_id=order.id, version=3
        ),
    )
    order = reload(engine, order.id)
    assert order.status == RepairStatus.dispatched and order.status_reason is None


def test_cancel_needs_a_reason_and_takes_the_order_off_the_board(
    engine, clock, settings, staff, estate
):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    with pytest.raises(InvalidInput) as err:
        run_write(
            engine,
            lambda s: status.cancel_order(
                session=s,
                actor=staff.operator,
                clock=clock,
                order_id=order.id,
                version=1,
                reason="   ",
            ),
        )
    assert err.value.field == "status_reason"
    run_write(
        engine,
        lambda s: status.cancel_order(
            session=s,
            actor=staff.operator,
            clock=clock,
            order_id=order.id,
            version=1,
            reason="住户自行修好",
        ),
    )
    order = reload(engine, order.id)
    assert order.status == RepairStatus.cancelled and order.status_reason == "住户自行修好"
    assert (
        run_read(
            engine, lambda s: queries.list_board(session=s, now=clock.now(), settings=settings)
        )
        == []
    )


def test_a_stale_edit_is_refused_with_what_changed(engine, clock, settings, staff, estate):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    seen = order.version  # both desks opened version 1
    run_write(
        engine,
        lambda s: status.dispatch(
            session=s,
            actor=staff.supervisor,
            clock=clock,
            order_id=order.id,
            version=seen,
            assignee="王师傅",
        ),
    )
    with pytest.raises(StaleEdit) as err:
        run_write(
            engine,
            lambda s: status.dispatch(
                session=s,
                actor=staff.operator,
                clock=clock,
                order_id=order.id,
                version=seen,
                assignee="李师傅",
            ),
        )
    assert err.value.changes["assignee"] == (None, "王师傅")
    assert err.value.changes["status"] == ("reported", "dispatched")
    assert order.number in str(err.value) and "王师傅" in str(err.value)
    assert reload(engine, order.id).assignee == "王师傅"
    with pytest.raises(StaleEdit):
        run_write(
            engine,
            lambda s: status.update_order(
                session=s,
                actor=staff.operator,
                clock=clock,
                order_id=order.id,
                version=seen,
                changes=RepairOrderUpdate(description="改了"),
            ),
        )


def test_corrections_are_recorded_and_the_contact_stays_masked(
    engine, clock, settings, staff, estate
):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    run_write(
        engine,
        lambda s: status.update_order(
            session=s,
            actor=staff.operator,
            clock=clock,
            order_id=order.id,
            version=1,
            changes=RepairOrderUpdate(reporter_contact="13900001111", description="客厅暖气不热"),
        ),
    )
    order = reload(engine, order.id)
    assert order.version == 2 and order.reporter_contact == "13900001111"
    event = run_read(
        engine, lambda s: s.exec(select(RepairEvent).where(RepairEvent.action == "edit")).one()
    )
    assert event.changes["reporter_contact"] == ["138****5678", "139****1111"]
    details = run_read(engine, lambda s: [str(e.detail) for e in s.exec(select(AuditEvent))])
    assert not any("13900001111" in d or "13812345678" in d for d in details)


def test_dissatisfied_callback_reopens_the_order_with_fresh_deadlines(
    engine, clock, settings, staff, estate
):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    repair_fully(engine, clock, settings, staff.operator, order.id)
    clock.advance(hours=5)
    run_write(
        engine,
        lambda s: callback_outcomes.record_repair_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            order_id=order.id,
            method="phone",
            result="dissatisfied",
            comment="还是不热",
        ),
    )
    order = reload(engine, order.id)
    assert order.status == RepairStatus.reported and order.reopen_count == 1
    assert order.reopened_at == clock.now()
    assert order.fix_due_at == clock.now() + timedelta(hours=72)
    assert order.repaired_at is None and order.dispatched_at is None
    board = run_read(
        engine, lambda s: queries.list_board(session=s, now=clock.now(), settings=settings)
    )
    assert [(r.number, r.reopen_count) for r in board] == [(order.number, 1)]
    # Repaired again: a new callback falls due; the first one keeps its result.
    repair_fully(engine, clock, settings, staff.operator, order.id)
    callbacks = run_read(engine, lambda s: s.exec(select(Callback).order_by(Callback.id)).all())
    assert [(c.result, c.done_at is None) for c in callbacks] == [
        ("dissatisfied", False),
        (None, True),
    ]


def test_dissatisfied_without_reopen_becomes_a_complaint(engine, clock, settings, staff, estate):
    from deskterm.models.complaint import Complaint

    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    repair_fully(engine, clock, settings, staff.operator, order.id)
    run_write(
        engine,
        lambda s: callback_outcomes.record_repair_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            order_id=order.id,
            method="visit",
            result="dissatisfied",
            comment="态度差",
            reopen=False,
        ),
    )
    order = reload(engine, order.id)
    assert order.reopen_count == 0 and order.status == RepairStatus.repaired
    complaint = run_read(engine, lambda s: s.exec(select(Complaint)).one())
    assert complaint.repair_id == order.id
    run_write(
        engine,
        lambda s: status.close_order(
            session=s, actor=staff.operator, clock=clock, order_id=order.id, version=order.version
        ),
    )
    assert reload(engine, order.id).status == RepairStatus.closed


def test_an_unanswered_callback_counts_the_attempt_and_stays_due(
    engine, clock, settings, staff, estate
):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    repair_fully(engine, clock, settings, staff.operator, order.id)
    run_write(
        engine,
        lambda s: callback_outcomes.record_repair_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            order_id=order.id,
            method="phone",
            result=None,
        ),
    )
    callback = run_read(engine, lambda s: s.exec(select(Callback)).one())
    assert callback.attempts == 1 and callback.done_at is None
    assert reload(engine, order.id).status == RepairStatus.repaired


def test_reopen_after_callback_is_the_entry_for_the_callback_queue(
    engine, clock, settings, staff, estate
):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    repair_fully(engine, clock, settings, staff.operator, order.id)
    run_write(
        engine,
        lambda s: status.reopen_after_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            order_id=order.id,
            callback_id=None,
            comment="不满意",
        ),
    )
    assert reload(engine, order.id).reopen_count == 1
    with pytest.raises(InvalidInput):  # an open order cannot be reopened again
        run_write(
            engine,
            lambda s: status.reopen_after_callback(
                session=s, actor=staff.operator, clock=clock, settings=settings, order_id=order.id
            ),
        )


def test_public_orders_get_no_callback_and_close_once_verified(engine, clock, settings, staff):
    order = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(None, "lift_failure", scope=RepairScope.public, location="3栋2号电梯"),
    )
    order = repair_fully(engine, clock, settings, staff.operator, order.id)
    assert run_read(engine, lambda s: s.exec(select(Callback)).all()) == []
    run_write(
        engine,
        lambda s: status.record_acceptance(
            session=s,
            actor=staff.operator,
            clock=clock,
            order_id=order.id,
            version=order.version,
            accepted_by="工程主管 陈",
        ),
    )
    order = reload(engine, order.id)
    run_write(
        engine,
        lambda s: status.close_order(
            session=s, actor=staff.operator, clock=clock, order_id=order.id, version=order.version
        ),
    )
    assert reload(engine, order.id).status == RepairStatus.closed


def test_find_order_by_a_typed_or_scanned_number(engine, clock, settings, staff, estate):
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    found = run_read(engine, lambda s: queries.find_order(session=s, number=" r20261128-0001 "))
    assert found.id == order.id
    assert run_read(engine, lambda s: queries.find_order(session=s, number="nonsense")) is None
    listed = run_read(engine, lambda s: queries.list_orders(session=s, text="3-1203"))
    assert [(o.number, label) for o, label in listed] == [(order.number, "3-1203")]


def test_unit_and_reporter_lookup_for_the_form(engine, estate):
    unit = run_read(engine, lambda s: intake.resolve_unit(session=s, text=" ３-１２０３ "))
    assert unit.id == estate.unit_1203
    assert run_read(engine, lambda s: intake.resolve_unit(session=s, text="9-9999")) is None
    people = run_read(engine, lambda s: intake.residents_of_unit(session=s, unit_id=unit.id))
    assert [p.name for p in people] == ["张伟"]


def test_categories_match_code_names_and_pinyin_initials(engine):
    cats = run_read(engine, lambda s: intake.list_categories(session=s, scope="household"))
    assert "lift_failure" not in [c.code for c in cats]
    for text in ("heating", "暖气", "nqbr", "Heating not"):
        assert [c.code for c in intake.match_categories(cats, text)][:1] == ["heating_not_warm"], (
            text
        )


def test_an_operator_may_not_review_fees_or_change_the_schedule(engine, clock, staff):
    from datetime import date

    from deskterm.services.repairs import fee_schedule as fees

    with pytest.raises(PermissionDenied):
        run_write(
            engine,
            lambda s: fees.add_schedule_version(
                session=s, actor=staff.operator, clock=clock, items=[], valid_from=date(2027, 1, 1)
            ),
        )


def test_a_residents_phone_on_file_is_taken_when_no_contact_is_typed(
    engine, clock, settings, staff, estate
):
    order = create(
        engine, clock, settings, staff.operator, order_in(estate.unit_1203, reporter_contact="")
    )
    assert order.reporter_contact == "13812345678"
    other = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(estate.unit_1203, reporter_name="访客王", reporter_contact=""),
    )
    assert other.reporter_contact == ""
