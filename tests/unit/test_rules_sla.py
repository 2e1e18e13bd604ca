"""Table tests for the D-31 repair deadlines in deskterm.rules.sla."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskterm.config import SlaPolicy
from deskterm.rules.sla import (
    Deadlines,
    SlaState,
    deadline_state,
    deadlines_for,
    format_countdown,
    time_left,
)

SH = ZoneInfo("Asia/Shanghai")


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


# (case, repair_class, reported_at, onsite_due, fix_due); expectations in Shanghai wall time.
# fmt: off
DEADLINE_TABLE = [
    ("urgent 23:59 local", "urgent", sh(2026, 11, 28, 23, 59), sh(2026, 11, 29, 1, 59), sh(2026, 11, 29, 23, 59)),
    ("general 23:59 local", "general", sh(2026, 11, 28, 23, 59), None, sh(2026, 12, 1, 23, 59)),
    ("urgent month end", "urgent", sh(2026, 11, 30, 23, 59), sh(2026, 12, 1, 1, 59), sh(2026, 12, 1, 23, 59)),
    ("general month end", "general", sh(2026, 11, 30, 23, 59), None, sh(2026, 12, 3, 23, 59)),
    ("urgent 22:30 onsite crosses midnight", "urgent", sh(2026, 11, 30, 22, 30), sh(2026, 12, 1, 0, 30), sh(2026, 12, 1, 22, 30)),
    ("urgent year end", "urgent", sh(2026, 12, 31, 23, 59), sh(2027, 1, 1, 1, 59), sh(2027, 1, 1, 23, 59)),
    ("general year end", "general", sh(2026, 12, 31, 23, 59), None, sh(2027, 1, 3, 23, 59)),
    ("urgent before leap day", "urgent", sh(2028, 2, 28, 23, 59), sh(2028, 2, 29, 1, 59), sh(2028, 2, 29, 23, 59)),
    ("general over leap day", "general", sh(2028, 2, 28, 12, 0), None, sh(2028, 3, 2, 12, 0)),
    ("general on leap day", "general", sh(2028, 2, 29, 12, 0), None, sh(2028, 3, 3, 12, 0)),
    ("general Feb 28 no leap", "general", sh(2027, 2, 28, 12, 0), None, sh(2027, 3, 3, 12, 0)),
    ("urgent reported in UTC", "urgent", datetime(2026, 11, 30, 15, 59, tzinfo=UTC), sh(2026, 12, 1, 1, 59), sh(2026, 12, 1, 23, 59)),
    ("urgent 00:00 local", "urgent", sh(2026, 12, 1, 0, 0), sh(2026, 12, 1, 2, 0), sh(2026, 12, 2, 0, 0)),
]
# fmt: on


@pytest.mark.parametrize(
    ("repair_class", "reported_at", "onsite", "fix"),
    [row[1:] for row in DEADLINE_TABLE],
    ids=[row[0] for row in DEADLINE_TABLE],
)
def test_deadline_table(repair_class, reported_at, onsite, fix):
    got = deadlines_for(repair_class, reported_at)
    assert got == Deadlines(onsite_due=onsite, fix_due=fix)
    assert got.fix_due.tzinfo is UTC
    assert got.fix_due.astimezone(SH).replace(tzinfo=None) == fix.replace(tzinfo=None)
    if onsite is not None:
        assert got.onsite_due.tzinfo is UTC


def test_deadlines_follow_the_policy():
    policy = SlaPolicy(urgent_onsite_minutes=30, urgent_fix_minutes=600, general_fix_minutes=60)
    start = sh(2026, 11, 30, 23, 59)
    assert deadlines_for("urgent", start, policy) == Deadlines(
        sh(2026, 12, 1, 0, 29), sh(2026, 12, 1, 9, 59)
    )
    assert deadlines_for("general", start, policy) == Deadlines(None, sh(2026, 12, 1, 0, 59))


@pytest.mark.parametrize(
    ("repair_class", "reported_at", "message"),
    [
        ("emergency", sh(2026, 11, 28, 9, 0), "Unknown repair class 'emergency'"),
        ("", sh(2026, 11, 28, 9, 0), "Unknown repair class ''"),
        ("urgent", datetime(2026, 11, 28, 9, 0), "timezone-aware"),
    ],
)
def test_deadlines_reject_bad_input(repair_class, reported_at, message):
    with pytest.raises(ValueError, match=message):
        deadlines_for(repair_class, reported_at)


START = sh(2026, 11, 28, 10, 0)
DUE = sh(2026, 11, 28, 12, 0)  # a 2-hour window: "near" in the last 30 minutes

STATE_TABLE = [
    ("just reported", sh(2026, 11, 28, 10, 0), None, SlaState.OK),
    ("31 min left", sh(2026, 11, 28, 11, 29), None, SlaState.OK),
    ("exactly 30 min left", sh(2026, 11, 28, 11, 30), None, SlaState.OK),
    ("29 min left", sh(2026, 11, 28, 11, 31), None, SlaState.NEAR),
    ("at the deadline", sh(2026, 11, 28, 12, 0), None, SlaState.NEAR),
    ("one second late", sh(2026, 11, 28, 12, 0, 1), None, SlaState.OVERDUE),
    ("done on the deadline", sh(2026, 11, 28, 13, 0), sh(2026, 11, 28, 12, 0), SlaState.MET),
    ("done early, asked late", sh(2026, 12, 5, 0, 0), sh(2026, 11, 28, 10, 5), SlaState.MET),
    ("done late", sh(2026, 11, 28, 13, 0), sh(2026, 11, 28, 12, 0, 1), SlaState.MISSED),
    (
        "done, given in UTC",
        sh(2026, 11, 28, 13, 0),
        datetime(2026, 11, 28, 3, 59, tzinfo=UTC),
        SlaState.MET,
    ),
]


@pytest.mark.parametrize(
    ("now", "done_at", "expected"),
    [row[1:] for row in STATE_TABLE],
    ids=[row[0] for row in STATE_TABLE],
)
def test_deadline_state_table(now, done_at, expected):
    assert deadline_state(DUE, now, started=START, done_at=done_at, policy=SlaPolicy()) == expected


def test_deadline_state_uses_the_policy_fraction():
    now = sh(2026, 11, 28, 11, 0)  # half the window left
    assert deadline_state(DUE, now, started=START, done_at=None, policy=SlaPolicy()) == SlaState.OK
    wide = SlaPolicy(near_breach_fraction=0.75)
    assert deadline_state(DUE, now, started=START, done_at=None, policy=wide) == SlaState.NEAR


def test_state_values_are_stable_strings():
    assert [s.value for s in SlaState] == ["ok", "near", "overdue", "met", "missed"]


@pytest.mark.parametrize(
    ("due", "now", "expected"),
    [
        (
            sh(2026, 11, 28, 12, 0),
            sh(2026, 11, 28, 10, 54, 51),
            timedelta(hours=1, minutes=5, seconds=9),
        ),
        (sh(2026, 11, 28, 12, 0), sh(2026, 11, 28, 12, 12), timedelta(minutes=-12)),
        (sh(2026, 12, 1, 0, 0), datetime(2026, 11, 30, 15, 0, tzinfo=UTC), timedelta(hours=1)),
    ],
)
def test_time_left_table(due, now, expected):
    assert time_left(due, now) == expected


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(hours=1, minutes=5, seconds=9), "1:05:09"),
        (timedelta(minutes=-12), "-0:12:00"),
        (timedelta(0), "0:00:00"),
        (timedelta(seconds=59, microseconds=999999), "0:00:59"),
        (timedelta(seconds=-0.5), "-0:00:00"),
        (timedelta(hours=23, minutes=59, seconds=59), "23:59:59"),
        (timedelta(hours=24), "1d 00:00"),
        (timedelta(days=3, hours=2), "3d 02:00"),
        (timedelta(days=3, hours=2, minutes=7, seconds=30), "3d 02:07"),
        (-timedelta(days=2, hours=5), "-2d 05:00"),
        (timedelta(days=12, minutes=1), "12d 00:01"),
    ],
)
def test_format_countdown_table(delta, expected):
    assert format_countdown(delta) == expected
