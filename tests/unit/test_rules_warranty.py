"""Table tests for the D-35 repair warranty in deskterm.rules.warranty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskterm.rules.warranty import find_warranty_match, in_warranty, warranty_until

SH = ZoneInfo("Asia/Shanghai")


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# (case, repaired_at, months, expected end); the end is the same local wall time.
UNTIL_TABLE = [
    ("Nov 30 clamps to Feb 28", sh(2026, 11, 30, 10, 0), 3, sh(2027, 2, 28, 10, 0)),
    ("Nov 30 23:30 local", sh(2026, 11, 30, 23, 30), 3, sh(2027, 2, 28, 23, 30)),
    # 00:30 on Nov 30 in Shanghai is still Nov 29 in UTC: counted in UTC it would end on
    # Feb 28 16:30 UTC, a day too late; in local terms it ends Feb 28 00:30 local.
    ("Nov 30 00:30 local is Nov 29 UTC", sh(2026, 11, 30, 0, 30), 3, sh(2027, 2, 28, 0, 30)),
    ("given in UTC, matched locally", utc(2026, 11, 29, 16, 30), 3, utc(2027, 2, 27, 16, 30)),
    ("leap year Feb 29", sh(2027, 11, 30, 9, 0), 3, sh(2028, 2, 29, 9, 0)),
    ("from leap day", sh(2028, 2, 29, 9, 0), 3, sh(2028, 5, 29, 9, 0)),
    ("leap day plus a year", sh(2028, 2, 29, 9, 0), 12, sh(2029, 2, 28, 9, 0)),
    ("Dec 31 to Mar 31", sh(2026, 12, 31, 23, 59), 3, sh(2027, 3, 31, 23, 59)),
    ("Oct 31 over year end", sh(2026, 10, 31, 8, 0), 3, sh(2027, 1, 31, 8, 0)),
    ("May 31 to Aug 31", sh(2026, 5, 31, 8, 0), 3, sh(2026, 8, 31, 8, 0)),
    ("Mar 31 to Jun 30", sh(2026, 3, 31, 8, 0), 3, sh(2026, 6, 30, 8, 0)),
    ("zero months", sh(2026, 3, 31, 8, 0), 0, sh(2026, 3, 31, 8, 0)),
    ("25 months", sh(2026, 1, 31, 8, 0), 25, sh(2028, 2, 29, 8, 0)),
]


@pytest.mark.parametrize(
    ("repaired_at", "months", "expected"),
    [row[1:] for row in UNTIL_TABLE],
    ids=[row[0] for row in UNTIL_TABLE],
)
def test_warranty_until_table(repaired_at, months, expected):
    got = warranty_until(repaired_at, months, tz="Asia/Shanghai")
    assert got == expected
    assert got.tzinfo is UTC


def test_warranty_depends_on_the_desk_timezone_not_utc():
    repaired = utc(2026, 11, 29, 16, 30)  # Nov 30 00:30 in Shanghai, Nov 29 in UTC
    assert warranty_until(repaired, tz="Asia/Shanghai") == utc(2027, 2, 27, 16, 30)
    assert warranty_until(repaired, tz="UTC") == utc(2027, 2, 28, 16, 30)


def test_default_is_three_months_in_shanghai():
    assert warranty_until(sh(2026, 11, 30, 10, 0)) == sh(2027, 2, 28, 10, 0)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (sh(2026, 11, 30, 10, 0), True),
        (sh(2027, 1, 15, 0, 0), True),
        (sh(2027, 2, 28, 10, 0), True),  # the last instant is included
        (sh(2027, 2, 28, 10, 0, 1), False),
        (sh(2027, 3, 1, 0, 0), False),
    ],
)
def test_in_warranty_table(now, expected):
    assert in_warranty(sh(2026, 11, 30, 10, 0), now, 3, tz="Asia/Shanghai") is expected


@pytest.mark.parametrize(
    ("candidates", "now", "expected"),
    [
        ([], sh(2027, 1, 1), None),
        ([(1, sh(2026, 1, 1))], sh(2027, 1, 1), None),
        ([(1, sh(2026, 11, 1)), (2, sh(2026, 12, 1)), (3, sh(2026, 6, 1))], sh(2027, 1, 1), 2),
        ([(7, sh(2026, 12, 1)), (3, sh(2026, 12, 1))], sh(2027, 1, 1), 7),
        ([(4, None), (5, sh(2026, 12, 1))], sh(2027, 1, 1), 5),
        ([(1, sh(2026, 11, 30, 0, 30)), (2, sh(2026, 8, 1))], sh(2027, 2, 28, 0, 30), 1),
        ([(1, sh(2026, 11, 30, 0, 30))], sh(2027, 2, 28, 0, 31), None),
    ],
)
def test_find_warranty_match_table(candidates, now, expected):
    assert find_warranty_match(candidates, now, 3, "Asia/Shanghai") == expected


def test_find_warranty_match_accepts_a_generator():
    rows = ((i, sh(2026, 12, 1) + timedelta(days=i)) for i in range(5))
    assert find_warranty_match(rows, sh(2027, 1, 1), 3, "Asia/Shanghai") == 4


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: warranty_until(datetime(2026, 11, 30, 10, 0)), "timezone-aware"),
        (lambda: in_warranty(sh(2026, 11, 30), datetime(2026, 12, 1)), "timezone-aware"),
        (lambda: warranty_until(sh(2026, 11, 30), -1), "cannot be negative"),
    ],
)
def test_warranty_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
