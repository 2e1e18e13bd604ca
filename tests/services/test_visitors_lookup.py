"""Finding the host (name, unit, pinyin initials), expected visitors and the deny list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from deskterm.clock import FixedClock
from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, PermissionDenied
from deskterm.models.audit import AuditEvent
from deskterm.models.shift import LogbookEntry
from deskterm.models.user import Role
from deskterm.models.visitor import ExpectedVisitorCreate, VisitorSlip
from deskterm.services.actor import Actor
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.deny import add_deny_entry, list_deny_entries, remove_deny_entry
from deskterm.services.visitors.expected import add_expected, cancel_expected, list_expected
from deskterm.services.visitors.hosts import find_hosts
from tests.factories import make_estate, walk_in

TODAY = date(2026, 11, 28)
ACTOR = Actor(user_id=None, code="op", name="op", role=Role.operator)


@pytest.fixture
def estate(engine):
    return make_estate(engine)


def hosts(engine, text):
    return [
        h.text
        for h in run_read(
            engine, lambda s: find_hosts(session=s, actor=ACTOR, clock=FixedClock(), text=text)
        )
    ]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("zs", ["12-1203 张三", "12-1204 张珊"]),
        ("ZS", ["12-1203 张三", "12-1204 张珊"]),
        ("zhangsh", ["12-1204 张珊"]),
        ("ls", ["12-1203 李四"]),
        ("12-1203", ["12-1203 张三", "12-1203 李四"]),
        ("12 1203", ["12-1203 张三", "12-1203 李四"]),
        ("1203", ["12-1203 张三", "12-1203 李四", "A-1203 华为技术"]),
        ("a-1203", ["A-1203 华为技术"]),
        ("张", ["12-1203 张三", "12-1204 张珊"]),
        ("华为", ["A-1203 华为技术"]),
        ("hwjs", ["A-1203 华为技术"]),
        ("12栋1203", ["12-1203 张三", "12-1203 李四"]),
        ("%", []),
        ("", []),
    ],
)
def test_find_hosts(engine, estate, typed, expected):
    assert hosts(engine, typed) == expected


def test_host_choice_shows_only_a_masked_phone(engine, estate):
    (choice,) = run_read(
        engine, lambda s: find_hosts(session=s, actor=ACTOR, clock=FixedClock(), text="ls")
    )
    assert choice.phone_masked == "138****5678" and choice.kind == "resident"


def test_expected_visitor_arrives_in_one_call(engine, staff, clock, settings, estate):
    expected = run_write(
        engine,
        lambda s: add_expected(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            expected_in=ExpectedVisitorCreate(
                visitor_name="孙八",
                headcount=2,
                expected_on=TODAY,
                host_company_id=estate.company,
                purpose="business",
            ),
        ),
    )
    later = run_write(
        engine,
        lambda s: add_expected(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            expected_in=ExpectedVisitorCreate(
                visitor_name="周九",
                expected_on=TODAY + timedelta(days=1),
                host_resident_id=estate.li_si,
            ),
        ),
    )
    listed = run_read(engine, lambda s: list_expected(session=s, clock=clock, settings=settings))
    assert [e.id for e in listed] == [expected.id]
    slip = run_write(
        engine,
        lambda s: visitors.check_in_expected(
            session=s, actor=staff.operator, clock=clock, settings=settings, expected_id=expected.id
        ),
    )
    assert (slip.visitor_name, slip.headcount, slip.host_text, slip.host_unit_id) == (
        "孙八",
        2,
        "A-1203 华为技术",
        estate.unit_a1203,
    )
    assert slip.doc_masked == "sighted" and slip.expected_id == expected.id
    assert slip.host_call_result is None  # announced: no call needed
    assert (
        run_read(engine, lambda s: list_expected(session=s, clock=clock, settings=settings)) == []
    )
    with pytest.raises(InvalidInput, match="already arrived"):
        run_write(
            engine,
            lambda s: visitors.check_in_expected(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                expected_id=expected.id,
            ),
        )
    run_write(
        engine,
        lambda s: cancel_expected(
            session=s, actor=staff.operator, clock=clock, expected_id=later.id
        ),
    )
    tomorrow = run_read(
        engine,
        lambda s: list_expected(
            session=s, clock=clock, settings=settings, day=TODAY + timedelta(days=1)
        ),
    )
    assert tomorrow == []


def test_expected_visitor_in_the_past_is_refused(engine, staff, clock, settings, estate):
    with pytest.raises(InvalidInput) as err:
        run_write(
            engine,
            lambda s: add_expected(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                expected_in=ExpectedVisitorCreate(
                    visitor_name="孙八",
                    expected_on=TODAY - timedelta(days=1),
                    host_resident_id=estate.li_si,
                ),
            ),
        )
    assert err.value.field == "expected_on"


def test_deny_list_is_kept_by_supervisors(engine, staff, clock, settings):
    with pytest.raises(PermissionDenied):
        run_write(
            engine,
            lambda s: add_deny_entry(
                session=s, actor=staff.operator, clock=clock, name="王五", reason="x"
            ),
        )
    entry = run_write(
        engine,
        lambda s: add_deny_entry(
            session=s, actor=staff.supervisor, clock=clock, name="王五", reason="多次推销"
        ),
    )
    with pytest.raises(InvalidInput, match="already"):
        run_write(
            engine,
            lambda s: add_deny_entry(
                session=s, actor=staff.supervisor, clock=clock, name=" 王 五", reason="again"
            ),
        )
    assert [e.name for e in run_read(engine, lambda s: list_deny_entries(session=s))] == ["王五"]
    run_write(
        engine,
        lambda s: remove_deny_entry(
            session=s, actor=staff.supervisor, clock=clock, entry_id=entry.id
        ),
    )
    assert run_read(engine, lambda s: list_deny_entries(session=s)) == []


def test_deny_list_match_needs_a_supervisor_decision(engine, staff, clock, settings, estate):
    entry = run_write(
        engine,
        lambda s: add_deny_entry(
            session=s, actor=staff.supervisor, clock=clock, name="Wang Wu", reason="多次推销"
        ),
    )
    slip_in = walk_in(estate, visitor_name="ＷＡＮＧ  wu")  # width, case and spaces differ

    def register(override=None):
        return run_write(
            engine,
            lambda s: visitors.register_slip(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                slip_in=slip_in,
                deny_override=override,
            ),
        )

    with pytest.raises(visitors.DenyListMatch) as err:
        register()
    assert err.value.entry_id == entry.id and "多次推销" in str(err.value)
    with pytest.raises(PermissionDenied):  # an operator cannot decide for a supervisor
        register(visitors.DenyOverride(supervisor=staff.operator, entry_id=entry.id))
    slip = register(visitors.DenyOverride(supervisor=staff.supervisor, entry_id=entry.id))
    assert slip.deny_entry_id == entry.id and slip.deny_decided_by == staff.supervisor.user_id
    decision = run_read(
        engine,
        lambda s: s.exec(
            select(AuditEvent).where(AuditEvent.action == "visitor.deny_override")
        ).one(),
    )
    assert decision.user_id == staff.supervisor.user_id
    assert decision.detail == {"allowed": True, "slip": slip.number, "operator": "op1"}


def test_supervisor_refusal_turns_the_visitor_away(engine, staff, clock, settings, estate):
    entry = run_write(
        engine,
        lambda s: add_deny_entry(
            session=s, actor=staff.supervisor, clock=clock, name="王五", reason="多次推销"
        ),
    )
    run_write(
        engine,
        lambda s: visitors.turn_away(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            slip_in=walk_in(estate),
            cause=visitors.TurnAwayCause.deny_list,
            supervisor=staff.supervisor,
            deny_entry_id=entry.id,
        ),
    )
    assert run_read(engine, lambda s: s.exec(select(VisitorSlip)).all()) == []
    (line,) = run_read(engine, lambda s: s.exec(select(LogbookEntry)).all())
    assert "deny list" in line.what and "王强" in line.what
    decision = run_read(
        engine,
        lambda s: s.exec(
            select(AuditEvent).where(AuditEvent.action == "visitor.deny_override")
        ).one(),
    )
    assert decision.detail["allowed"] is False and decision.user_id == staff.supervisor.user_id
