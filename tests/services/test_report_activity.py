"""The shift and daily reports' SQL on SQLite and PostgreSQL: the figures asked side by side,
lists stacked, the shift's head in one statement, orders kept, and how many statements it takes
(issue 10: it took 38)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.dialects import postgresql, sqlite

from deskterm.db import read_session, run_read
from deskterm.errors import NotFound
from deskterm.models.repair import RepairOrder
from deskterm.models.shift import Handover, Shift
from deskterm.models.visitor import VisitorSlip
from deskterm.reports.activity import Window, add_activity
from deskterm.reports.model import Ratio, Report
from deskterm.reports.period import Period
from deskterm.reports.shift import build_shift
from deskterm.reports.sql import one_of, side_by_side, stacked
from tests.services.test_export_seed import add, slip

T0 = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
v = VisitorSlip.__table__.c


def _activity(engine, settings, start, end, now):
    report = Report("shift", "t", start, end, now, settings.timezone)
    with read_session(engine) as session:
        add_activity(report, session=session, window=Window(start, end, now), settings=settings)
    return {s.key: s for s in report.sections}


def test_side_by_side_asks_each_tally_with_its_own_where(engine, staff):
    op = staff.operator.user_id
    add(
        engine,
        slip("V20261128-0001", op, at=T0, headcount=3),
        slip(
            "V20261128-0002", op, at=T0 + timedelta(hours=1), checked_out_at=T0 + timedelta(hours=2)
        ),
        slip("V20261128-0003", op, at=T0 + timedelta(hours=5)),
    )
    table = VisitorSlip.__table__
    figures = side_by_side(
        select(func.count().label("early"), func.sum(v.headcount).label("people"))
        .select_from(table)
        .where(v.checked_in_at < T0 + timedelta(hours=2)),
        select(func.count().label("left")).select_from(table).where(v.checked_out_at.is_not(None)),
        select(func.count().label("none")).select_from(table).where(v.number == "nothing"),
    )
    with engine.connect() as conn:
        row = conn.execute(figures).one()
    assert (row.early, row.people, row.left, row.none) == (2, 4, 1, 0)


def test_side_by_side_refuses_two_columns_of_one_name():
    table = VisitorSlip.__table__
    with pytest.raises(ValueError, match="n"):
        side_by_side(
            select(func.count().label("n")).select_from(table),
            select(func.count().label("n")).select_from(table),
        )


def test_stacked_keeps_each_lists_order_and_limit(engine, staff):
    op = staff.operator.user_id
    add(engine, *(slip(f"V20261128-000{i}", op, at=T0 + timedelta(hours=i)) for i in range(1, 5)))
    lists = stacked(
        select(v.number)
        .where(v.checked_in_at < T0 + timedelta(hours=3))
        .order_by(v.checked_in_at.desc())
        .limit(1),
        select(v.number)
        .where(v.checked_in_at >= T0 + timedelta(hours=3))
        .order_by(v.checked_in_at)
        .limit(1),
    )
    with engine.connect() as conn:
        assert [n for (n,) in conn.execute(lists)] == ["V20261128-0002", "V20261128-0003"]


def test_one_of_binds_each_value_once_compiled(engine, staff):
    op = staff.operator.user_id
    add(
        engine,
        slip("V20261128-0001", op, purpose="visit"),
        slip("V20261128-0002", op, purpose="delivery"),
        slip("V20261128-0003", op, purpose="business"),
    )
    stmt = (
        select(func.count())
        .select_from(VisitorSlip.__table__)
        .where(one_of(v.purpose, ("visit", "delivery")))
    )
    for dialect in (sqlite.dialect(), postgresql.psycopg.dialect()):
        assert "POSTCOMPILE" not in str(stmt.compile(dialect=dialect))  # no re-splicing at each run
    with engine.connect() as conn:
        assert conn.execute(stmt).scalar_one() == 2


def test_shift_head_shows_the_last_handover_and_who_answered_it(engine, staff, clock, settings):
    op, sup = staff.operator, staff.supervisor
    (shift_id,) = add(
        engine,
        Shift(
            post="前台",
            operator_id=op.user_id,
            started_at=T0,
            ended_at=T0 + timedelta(hours=12),
            self_check={"radio": False},
        ),
    )
    add(
        engine,
        Handover(
            post="前台",
            shift_id=shift_id,
            outgoing_user_id=op.user_id,
            created_at=T0 + timedelta(hours=11),
            notices="first draft",
        ),
        Handover(
            post="前台",
            shift_id=shift_id,
            outgoing_user_id=op.user_id,
            created_at=T0 + timedelta(hours=11, minutes=30),
            notices="钥匙在抽屉",
            status="refused",
            incoming_user_id=sup.user_id,
            answered_at=T0 + timedelta(hours=12),
            refusal_reason="对讲机少一台",
            physical_items={"keys": 3},
            open_items=[
                {
                    "kind": "repair",
                    "ref": "R20261128-0001",
                    "text": "3-1203 漏水",
                    "due_at": "2026-11-28T04:00:00+00:00",
                }
            ],
        ),
    )
    report = run_read(
        engine,
        lambda s: build_shift(
            session=s, period=Period(T0, T0, shift_id=shift_id), settings=settings, clock=clock
        ),
    )
    sections = {s.key: s for s in report.sections}
    who = {f.key: f.value for f in sections["shift"].facts}
    assert who["operator"] == f"{op.name} ({op.code})"
    assert report.subtitle.endswith(f"· {op.name} ({op.code})")
    handover = {f.key: f.value for f in sections["handover"].facts}
    assert handover["notices"] == "钥匙在抽屉"  # the last one written, not the draft
    assert handover["incoming"] == f"{sup.name} ({sup.code})"
    assert handover["refusal_reason"] == "对讲机少一台"
    assert handover["open_items"] == 1
    assert handover["answered_at"] == T0 + timedelta(hours=12)
    assert sections["handover"].tables[0].rows[0][1] == 3
    # Issue 21 (D-11): the items handed over are listed, not only counted.
    (item,) = sections["handover"].tables[1].rows
    assert item == ["Repair", "R20261128-0001", "3-1203 漏水", T0.replace(hour=4)]


def test_shift_without_handover_or_shift(engine, staff, clock, settings):
    (shift_id,) = add(engine, Shift(post="前台", operator_id=staff.operator.user_id, started_at=T0))

    def build(period):
        return run_read(
            engine, lambda s: build_shift(session=s, period=period, settings=settings, clock=clock)
        )

    report = build(Period(T0 - timedelta(days=1), T0 + timedelta(hours=1)))  # the last one started
    assert report.subtitle.startswith(f"Shift {shift_id} ")
    handover = next(s for s in report.sections if s.key == "handover")
    assert handover.facts == [] and handover.notes == ["No handover written for this shift yet."]
    with pytest.raises(NotFound):
        build(Period(T0, T0, shift_id=shift_id + 1))
    with pytest.raises(NotFound):
        build(Period(T0 + timedelta(hours=1), T0 + timedelta(hours=2)))


def test_purposes_by_count_then_by_purpose(engine, staff, settings):
    from deskterm.i18n import _
    from deskterm.services.visitors.checks import PURPOSE_LABELS

    op = staff.operator.user_id
    purposes = ["visit", "delivery", "visit", "business", "delivery", "renovation", "visit"]
    add(
        engine,
        *(
            slip(f"V20261128-{i:04d}", op, at=T0 + timedelta(minutes=25 * i), purpose=purpose)
            for i, purpose in enumerate(purposes, 1)
        ),
    )
    sections = _activity(engine, settings, T0, T0 + timedelta(hours=12), T0 + timedelta(hours=12))
    by_purpose = next(t for t in sections["visitors"].tables if t.key == "by_purpose")
    assert by_purpose.rows == [
        [_(PURPOSE_LABELS[k]), n]
        for k, n in (("visit", 3), ("delivery", 2), ("business", 1), ("renovation", 1))
    ]
    bars = dict(sections["visitors"].charts[0].bars)  # 25 min apart from 08:25: 08:00 to 10:00
    assert (bars["08:00"], bars["09:00"], bars["10:00"]) == (2, 2, 3)


def test_missed_deadlines_of_both_kinds_in_order_of_their_deadline(engine, staff, settings):
    op = staff.operator.user_id

    def order(number, repair_class, onsite, fix, **done):
        return RepairOrder(
            number=number,
            reporter_name="刘洋",
            category_code="lift_failure",
            description="电梯停运",
            repair_class=repair_class,
            scope="public",
            reported_at=T0,
            reported_by=op,
            onsite_due_at=onsite,
            fix_due_at=fix,
            **done,
        )

    h = timedelta(hours=1)
    add(
        engine,
        order("R20261128-0001", "urgent", T0 + h, T0 + 6 * h),  # neither met
        order("R20261128-0002", "general", None, T0 + 3 * h),  # not met
        order(
            "R20261128-0003",
            "urgent",
            T0 + 2 * h,
            T0 + 4 * h,
            arrived_at=T0 + h,
            repaired_at=T0 + 3 * h,
        ),
    )
    sections = _activity(engine, settings, T0, T0 + 12 * h, T0 + 12 * h)
    missed = next(t for t in sections["repairs"].tables if t.key == "missed")
    assert [(row[0], row[2], row[3]) for row in missed.rows] == [
        ("R20261128-0001", "arrival on site", T0 + h),
        ("R20261128-0002", "repair done", T0 + 3 * h),
        ("R20261128-0001", "repair done", T0 + 6 * h),
    ]
    facts = {f.key: f.value for f in sections["repairs"].facts}
    assert facts["onsite_deadlines"] == Ratio(1, 2)
    assert facts["fix_deadlines"] == Ratio(1, 3)


def test_still_on_site_merges_both_halves_in_arrival_order(engine, staff, settings):
    op = staff.operator.user_id
    cut = T0 + timedelta(hours=10)
    add(
        engine,
        slip(
            "V20261128-0001",
            op,
            at=T0 + timedelta(hours=3),
            checked_out_at=cut + timedelta(hours=1),
        ),
        slip("V20261128-0002", op, at=T0 + timedelta(hours=1)),
        slip(
            "V20261128-0003",
            op,
            at=T0 + timedelta(hours=5),
            checked_out_at=cut + timedelta(minutes=5),
        ),
        slip("V20261128-0004", op, at=T0 + timedelta(hours=4)),
    )
    sections = _activity(engine, settings, T0, cut, cut + timedelta(hours=3))
    listed = next(t for t in sections["visitors"].tables if t.key == "still_on_site")
    assert [row[0] for row in listed.rows] == [
        "V20261128-0002",
        "V20261128-0001",
        "V20261128-0004",
        "V20261128-0003",
    ]


def test_shift_report_takes_a_few_statements(engine, staff, clock, settings):
    """Every figure goes into the one statement of figures: a new figure adds no statement."""
    add(engine, Shift(post="前台", operator_id=staff.operator.user_id, started_at=T0))
    sent = []

    def count(_conn, _cursor, statement, _params, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        run_read(
            engine,
            lambda s: build_shift(
                session=s,
                period=Period(T0, T0 + timedelta(hours=1)),
                settings=settings,
                clock=clock,
            ),
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(sent) == 9  # the shift with its handover, the figures, 3 groupings, 4 lists


def test_daily_lists_the_shifts_of_the_day_with_their_handovers(engine, staff, clock, settings):
    from deskterm.reports.period import day_period
    from deskterm.reports.shift import build_daily

    op, sup = staff.operator, staff.supervisor
    night = T0 - timedelta(hours=12)  # 20:00 the evening before, in Shanghai
    ids = add(
        engine,
        Shift(post="前台", operator_id=sup.user_id, started_at=night, ended_at=T0),
        Shift(post="前台", operator_id=op.user_id, started_at=T0),
        Shift(
            post="前台",
            operator_id=op.user_id,
            started_at=night - timedelta(hours=12),
            ended_at=night,
        ),
    )
    add(
        engine,
        Handover(
            post="前台",
            shift_id=ids[0],
            outgoing_user_id=sup.user_id,
            created_at=T0,
            status="accepted",
            incoming_user_id=op.user_id,
            answered_at=T0,
        ),
    )
    day = day_period(datetime(2026, 11, 28).date(), settings.timezone)
    report = run_read(
        engine, lambda s: build_daily(session=s, period=day, settings=settings, clock=clock)
    )
    shifts = report.sections[0].tables[0].rows
    assert [(row[0], row[2], row[5], row[6]) for row in shifts] == [
        (ids[0], f"{sup.name} ({sup.code})", "accepted", op.code),  # the night before, into the day
        (ids[1], f"{op.name} ({op.code})", "none", "—"),
    ]
