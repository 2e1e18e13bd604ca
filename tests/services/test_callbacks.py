"""The one callback queue (回访) for repairs and complaints: due dates, attempts, results,
overdue, and what "dissatisfied" does (back to the order, a new complaint, or the complaint
back for a new reply)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, StaleEdit
from deskterm.models import RepairOrderCreate
from deskterm.models.complaint import Complaint, ComplaintCreate, ComplaintStatus
from deskterm.models.repair import RepairOrder, RepairStatus
from deskterm.services import audit, callback_schedule
from deskterm.services.callbacks import outcomes as callback_outcomes
from deskterm.services.callbacks import queue as callbacks
from deskterm.services.complaints import handling as complaints
from deskterm.services.complaints import queries as complaint_queries
from deskterm.services.repairs import intake as repair_intake
from deskterm.services.repairs import status as repair_status
from tests.services.test_complaints import add_unit


def repaired_order(engine, clock, settings, actor):
    unit_id = add_unit(engine, "3-0502")
    order = run_write(
        engine,
        lambda s: repair_intake.create_repair_order(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            order_in=RepairOrderCreate(
                unit_id=unit_id,
                reporter_name="陈阿姨",
                category_code="door_window",
                description="卧室窗户关不上",
            ),
        ),
    )
    oid = order.id
    run_write(
        engine,
        lambda s: repair_status.dispatch(
            session=s, actor=actor, clock=clock, order_id=oid, version=None, assignee="老周"
        ),
    )
    run_write(
        engine,
        lambda s: repair_status.record_arrival(
            session=s, actor=actor, clock=clock, order_id=oid, version=None
        ),
    )
    run_write(
        engine,
        lambda s: repair_status.mark_repaired(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            order_id=oid,
            version=None,
            work_done="换合页",
        ),
    )
    return oid


def closed_complaint(engine, clock, settings, actor):
    return run_write(
        engine,
        lambda s: complaints.intake_complaint(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            complaint_in=ComplaintCreate(
                who_name="张先生", content="垃圾没有及时清运", category="cleaning"
            ),
            close_answer="已安排清运",
        ),
    )


def queue(engine, clock, **kw):
    return run_read(engine, lambda s: callbacks.list_callbacks(s, now=clock.now(), **kw))


def test_one_queue_for_repairs_and_complaints(engine, clock, settings, staff):
    oid = repaired_order(engine, clock, settings, staff.operator)
    c = closed_complaint(engine, clock, settings, staff.operator)
    rows = queue(engine, clock)
    assert {(r.callback.subject_kind, r.number) for r in rows} == {
        ("repair", run_read(engine, lambda s: s.get(RepairOrder, oid).number)),
        ("complaint", c.number),
    }
    repair_row = next(r for r in rows if r.callback.subject_kind == "repair")
    assert repair_row.unit == "3-0502" and repair_row.who == "陈阿姨"
    assert rows == sorted(rows, key=lambda r: r.callback.due_at)
    assert queue(engine, clock, kind="complaint")[0].number == c.number
    assert not any(r.overdue for r in rows)
    clock.advance(days=4)
    overdue = run_read(engine, lambda s: callbacks.list_overdue_callbacks(s, now=clock.now()))
    assert len(overdue) == 2 and all(r.overdue for r in overdue)


def test_attempts_then_not_reached(engine, clock, settings, staff):
    c = closed_complaint(engine, clock, settings, staff.operator)
    cb = run_read(
        engine, lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=c.id)
    )
    with pytest.raises(InvalidInput) as err:
        run_write(
            engine,
            lambda s: callback_outcomes.record_callback(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                callback_id=cb.id,
                version=cb.version,
                method="phone",
                result="not_reached",
            ),
        )
    assert err.value.field == "result"
    cb = run_write(
        engine,
        lambda s: callbacks.record_attempt(
            session=s, actor=staff.operator, clock=clock, callback_id=cb.id, version=cb.version
        ),
    )
    assert cb.attempts == 1 and cb.done_at is None
    done = run_write(
        engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            callback_id=cb.id,
            version=cb.version,
            method="phone",
            result="not_reached",
            comment="两次无人接听",
        ),
    )
    assert done.attempts == 2 and done.done_at == clock.now()
    assert queue(engine, clock) == []


def test_stale_callback_refused(engine, clock, settings, staff):
    c = closed_complaint(engine, clock, settings, staff.operator)
    cb = run_read(
        engine, lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=c.id)
    )
    run_write(
        engine,
        lambda s: callbacks.record_attempt(
            session=s, actor=staff.operator, clock=clock, callback_id=cb.id, version=cb.version
        ),
    )
    with pytest.raises(StaleEdit) as err:
        run_write(
            engine,
            lambda s: callback_outcomes.record_callback(
                session=s,
                actor=staff.supervisor,
                clock=clock,
                settings=settings,
                callback_id=cb.id,
                version=cb.version,
                method="visit",
                result="satisfied",
            ),
        )
    assert "attempts" in err.value.changes


def test_dissatisfied_complaint_goes_back_for_a_new_reply(engine, clock, settings, staff):
    c = closed_complaint(engine, clock, settings, staff.operator)
    clock.advance(days=2)
    cb = run_read(
        engine, lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=c.id)
    )
    with pytest.raises(InvalidInput) as err:
        run_write(
            engine,
            lambda s: callback_outcomes.record_callback(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                callback_id=cb.id,
                version=cb.version,
                method="phone",
                result="dissatisfied",
            ),
        )
    assert err.value.field == "comment"
    run_write(
        engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            callback_id=cb.id,
            version=cb.version,
            method="phone",
            result="dissatisfied",
            comment="还是没清运",
        ),
    )
    back = run_read(engine, lambda s: complaint_queries.get_complaint(s, c.id))
    assert back.status == ComplaintStatus.open and back.replied_at is None
    assert back.reopen_count == 1
    assert back.reply_due_at == clock.now() + timedelta(hours=settings.complaint_reply_hours)
    assert [x.id for x in run_read(engine, complaint_queries.list_awaiting_reply)] == [c.id]


def test_dissatisfied_repair_goes_back_to_the_order(engine, clock, settings, staff):
    oid = repaired_order(engine, clock, settings, staff.operator)
    cb = run_read(engine, lambda s: callback_schedule.pending_for(s, kind="repair", subject_id=oid))
    run_write(
        engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            callback_id=cb.id,
            version=cb.version,
            method="visit",
            result="dissatisfied",
            comment="窗户还是漏风",
        ),
    )
    order = run_read(engine, lambda s: s.get(RepairOrder, oid))
    assert order.status == RepairStatus.reported and order.reopen_count == 1
    assert run_read(engine, audit.verify).ok


def test_dissatisfied_repair_becomes_a_complaint(engine, clock, settings, staff):
    oid = repaired_order(engine, clock, settings, staff.operator)
    cb = run_read(engine, lambda s: callback_schedule.pending_for(s, kind="repair", subject_id=oid))
    done = run_write(
        engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            callback_id=cb.id,
            version=cb.version,
            method="phone",
            result="dissatisfied",
            comment="维修工态度差",
            person="陈阿姨",
            dissatisfied_action="complaint",
        ),
    )
    made = run_read(engine, lambda s: s.exec(select(Complaint)).one())
    assert done.complaint_id == made.id and made.repair_id == oid
    assert made.category == "repair_quality" and "维修工态度差" in made.content
    assert run_read(engine, lambda s: s.get(RepairOrder, oid)).reopen_count == 0


def test_satisfied_repair_callback_moves_the_order_on(engine, clock, settings, staff):
    oid = repaired_order(engine, clock, settings, staff.operator)
    cb = run_read(engine, lambda s: callback_schedule.pending_for(s, kind="repair", subject_id=oid))
    run_write(
        engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            callback_id=cb.id,
            version=cb.version,
            method="phone",
            result="fairly_satisfied",
        ),
    )
    assert run_read(engine, lambda s: s.get(RepairOrder, oid)).status == RepairStatus.called_back
    assert queue(engine, clock) == []
    assert len(queue(engine, clock, include_done=True)) == 1


def test_schedule_is_idempotent_per_record(engine, clock, staff):
    due = clock.now() + timedelta(days=3)
    a = run_write(
        engine,
        lambda s: callback_schedule.schedule_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            subject_kind="complaint",
            subject_id=7,
            due_at=due,
        ),
    )
    b = run_write(
        engine,
        lambda s: callback_schedule.schedule_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            subject_kind="complaint",
            subject_id=7,
            due_at=due - timedelta(days=1),
        ),
    )
    assert a.id == b.id and b.due_at == due - timedelta(days=1)


def test_the_number_of_a_callback_is_revealed_with_a_reason(engine, clock, settings, staff):
    """D-21, issue 21: the desk's own call; the contact typed on the complaint, else the phone
    of the resident on record; audited without the number."""
    from deskterm.errors import InvalidInput, NotFound
    from deskterm.models import Resident
    from deskterm.models.audit import AuditEvent
    from deskterm.models.complaint import ComplaintCreate
    from deskterm.services.complaints import handling as complaints_svc

    def closed(**values):
        row = run_write(
            engine,
            lambda s: complaints_svc.intake_complaint(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                complaint_in=ComplaintCreate(who_name="A座业主", content="暖气不热", **values),
                close_answer="已修好",
            ),
        )
        return run_read(
            engine, lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=row.id)
        )

    def reveal(cb, reason="回访"):
        return run_write(
            engine,
            lambda s: callbacks.reveal_contact(
                session=s, actor=staff.operator, clock=clock, callback_id=cb.id, reason=reason
            ),
        )

    assert reveal(closed(contact="139 0000 2222")) == "13900002222"

    def add_resident(s):
        row = Resident(name="王建国", phone="13711112222")
        s.add(row)
        s.flush()
        return row.id

    rid = run_write(engine, add_resident)
    assert reveal(closed(resident_id=rid)) == "13711112222"
    with pytest.raises(NotFound):
        reveal(closed())
    with pytest.raises(InvalidInput):
        reveal(closed(contact="13900003333"), reason="  ")
    events = run_read(
        engine,
        lambda s: list(
            s.exec(select(AuditEvent).where(AuditEvent.action == "callback.reveal_phone"))
        ),
    )
    assert len(events) == 2 and all("2222" not in str(e.detail) for e in events)


def test_a_repair_callback_finds_the_reporters_number_on_record(engine, clock, settings, staff):
    """Issue 21 (outside test): the order has no contact of its own but its reporter is a
    resident of the unit with a phone on record (added after intake): Ctrl+O reveals that
    phone, with the reason, audited; a reporter not on record still has no number."""
    from deskterm.errors import NotFound
    from deskterm.models import Resident
    from deskterm.models.audit import AuditEvent

    oid = repaired_order(engine, clock, settings, staff.operator)
    order = run_read(engine, lambda s: s.get(RepairOrder, oid))
    assert order.reporter_contact == ""
    cb = run_read(engine, lambda s: callback_schedule.pending_for(s, kind="repair", subject_id=oid))

    def reveal():
        return run_write(
            engine,
            lambda s: callbacks.reveal_contact(
                session=s, actor=staff.operator, clock=clock, callback_id=cb.id, reason="回访"
            ),
        )

    with pytest.raises(NotFound):
        reveal()

    def add_resident(s):
        s.add(Resident(name="陈阿姨", unit_id=order.unit_id, phone="13722223333"))
        s.add(Resident(name="陈先生", unit_id=order.unit_id, phone="13799990000"))

    run_write(engine, add_resident)
    assert reveal() == "13722223333"
    events = run_read(
        engine,
        lambda s: list(
            s.exec(select(AuditEvent).where(AuditEvent.action == "callback.reveal_phone"))
        ),
    )
    assert len(events) == 1 and events[0].detail["reason"] == "回访"
    assert "3333" not in str(events[0].detail)
