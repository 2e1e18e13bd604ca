"""What needs attention now: counts and pages, most urgent first (read-only)."""

from datetime import timedelta

from sqlmodel import select

from deskterm.db import read_session, run_read, run_write
from deskterm.models.complaint import Callback, Communication, Complaint
from deskterm.models.estate import Building, Unit
from deskterm.models.inquiry import Message, PromisedReply
from deskterm.models.repair import RepairOrder, RepairStatus
from deskterm.models.shift import LogbookEntryCreate
from deskterm.models.visitor import SlipStatus, VisitorSlip
from deskterm.rules.sla import deadlines_for
from deskterm.services.shift import dashboard, logbook

record_seq = {"n": 0}


def _n(prefix):
    record_seq["n"] += 1
    return f"{prefix}20261128-{record_seq['n']:04d}"


def _unit(session):
    unit = session.exec(select(Unit)).first()
    if unit is None:
        building = Building(code="3", name="3栋")
        session.add(building)
        session.flush()
        unit = Unit(building_id=building.id, number="1203", label="3-1203")
        session.add(unit)
        session.flush()
    return unit


def add_visitor(engine, clock, actor, *, minutes_ago=0, status=SlipStatus.on_site):
    def work(s):
        slip = VisitorSlip(
            visitor_name="张三",
            host_text="3-1203 王五",
            number=_n("V"),
            checked_in_at=clock.now() - timedelta(minutes=minutes_ago),
            checked_in_by=actor.user_id,
            status=status,
        )
        s.add(slip)
        s.flush()
        return slip.id

    return run_write(engine, work)


def add_repair(
    engine,
    clock,
    actor,
    repair_class,
    *,
    hours_ago=0,
    description="漏水",
    status=RepairStatus.reported,
):
    def work(s):
        reported = clock.now() - timedelta(hours=hours_ago)
        due = deadlines_for(repair_class, reported)
        order = RepairOrder(
            number=_n("R"),
            unit_id=_unit(s).id,
            reporter_name="王五",
            category_code=_category(s),
            description=description,
            repair_class=repair_class,
            reported_at=reported,
            reported_by=actor.user_id,
            onsite_due_at=due.onsite_due,
            fix_due_at=due.fix_due,
            status=status,
        )
        s.add(order)
        s.flush()
        return order.id

    return run_write(engine, work)


def _category(s):
    from deskterm.models.repair import RepairCategory

    return s.exec(select(RepairCategory.code)).first()


def add_message(engine, clock, actor, delivered=False):
    def work(s):
        m = Message(
            for_name="3-1203 王五",
            from_name="快递员",
            text="包裹放在前台",
            taken_at=clock.now(),
            taken_by=actor.user_id,
            delivered_at=clock.now() if delivered else None,
        )
        s.add(m)
        s.flush()
        return m.id

    return run_write(engine, work)


def add_log(engine, clock, actor, what):
    return run_write(
        engine,
        lambda s: logbook.add_entry(
            session=s,
            actor=actor,
            clock=clock,
            entry_in=LogbookEntryCreate(occurred_at=clock.now(), what=what),
        ),
    )


def scope(clock, settings, actor):
    return dashboard.Scope(now=clock.now(), settings=settings, actor=actor)


def test_empty_desk(engine, clock, settings, staff):
    with read_session(engine) as s:
        counts = dashboard.counts(s, scope(clock, settings, staff.operator))
    assert all(c.total == 0 and c.late == 0 for c in counts.values())
    assert "refused" not in counts


def test_repairs_ordered_by_time_left_with_late_ones_counted(engine, clock, settings, staff):
    op = staff.operator
    general_new = add_repair(engine, clock, op, "general")
    urgent_late = add_repair(engine, clock, op, "urgent", hours_ago=3)  # on-site due 2 h
    add_repair(engine, clock, op, "general", status=RepairStatus.repaired)  # not open
    urgent_new = add_repair(engine, clock, op, "urgent")
    sc = scope(clock, settings, op)
    with read_session(engine) as s:
        items = dashboard.page_repairs(s, sc, 0, 10)
        counts = dashboard.counts(s, sc)
    assert [i.id for i in items] == [urgent_late, urgent_new, general_new]
    assert items[0].due_at < clock.now() < items[1].due_at
    assert counts["repairs"].total == 3 and counts["repairs"].late == 1
    # D-36: reported 3 h ago and still not dispatched: flagged for the board and the handover.
    assert items[0].text == "⚠ unsent: 3-1203 漏水"
    assert items[1].text == "3-1203 漏水"  # reported just now: not flagged yet


def test_visitors_messages_promises_complaints_callbacks_follow_ups(engine, clock, settings, staff):
    op = staff.operator
    add_visitor(engine, clock, op, minutes_ago=300)  # past the long stay
    add_visitor(engine, clock, op)
    add_visitor(engine, clock, op, status=SlipStatus.left)
    add_message(engine, clock, op)
    add_message(engine, clock, op, delivered=True)
    repair_id = add_repair(engine, clock, op, "general", status=RepairStatus.repaired)

    def work(s):
        now = clock.now()
        s.add(
            PromisedReply(
                question="停车费标准",
                asked_by="赵六",
                due_at=now - timedelta(hours=1),
                created_at=now - timedelta(hours=3),
                created_by=op.user_id,
            )
        )
        s.add(
            Complaint(
                number=_n("C"),
                who_name="钱七",
                content="噪音",
                received_at=now,
                received_by=op.user_id,
                reply_due_at=now + timedelta(hours=24),
            )
        )
        s.add(Callback(subject_kind="repair", subject_id=repair_id, due_at=now))
        s.add(
            Callback(subject_kind="repair", subject_id=repair_id, due_at=now + timedelta(days=3))
        )  # not due today
        s.add(
            Communication(
                at=now,
                party_kind="utility",
                party_name="自来水公司",
                subject="停水通知",
                follow_up="确认恢复时间",
                follow_up_due=now + timedelta(hours=2),
                user_id=op.user_id,
                recorded_at=now,
            )
        )

    run_write(engine, work)
    sc = scope(clock, settings, op)
    with read_session(engine) as s:
        counts = dashboard.counts(s, sc)
        callbacks = dashboard.page_callbacks(s, sc, 0, 10)
        visitors = dashboard.page_visitors(s, sc, 0, 10)
    assert counts["visitors"].total == 2 and counts["visitors"].late == 1
    assert counts["messages"].total == 1
    assert counts["promises"].total == 1 and counts["promises"].late == 1
    assert counts["complaints"].total == 1 and counts["complaints"].late == 0
    assert counts["callbacks"].total == 1
    assert counts["follow_ups"].total == 1
    assert callbacks[0].ref.startswith("R2026")
    assert visitors[0].at < visitors[1].at  # longest on site first


def test_logbook_of_this_shift_only(engine, clock, settings, staff):

    from tests.services.test_handover import on_shift

    mine = on_shift(engine, clock, settings, staff.operator)
    other = on_shift(
        engine,
        clock,
        settings.replace(post="车库"),  # one per post
        staff.supervisor,
    )
    add_log(engine, clock, mine, "水泵房报警")
    add_log(engine, clock, other, "别的班")
    with read_session(engine) as s:
        items = dashboard.page_logbook(s, scope(clock, settings, mine), 0, 10)
        assert dashboard.count_logbook(s, scope(clock, settings, staff.operator)) == 0
    assert [i.text for i in items] == ["水泵房报警"]


def test_paging(engine, clock, settings, staff):
    for i in range(7):
        add_visitor(engine, clock, staff.operator, minutes_ago=i)
    sc = scope(clock, settings, staff.operator)
    first = run_read(engine, lambda s: dashboard.page_visitors(s, sc, 0, 5))
    rest = run_read(engine, lambda s: dashboard.page_visitors(s, sc, 5, 5))
    assert len(first) == 5 and len(rest) == 2
    assert not {i.id for i in first} & {i.id for i in rest}
