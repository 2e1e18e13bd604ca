"""A time that has happened (a repair's reported time, issue 21): a time alone later than now
is yesterday's; a typed date is never moved, so a future date stays in the future and the
service refuses it instead of the form saving another day silently."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from deskterm.tui.dialogs.complaint_common import parse_when

TZ = "Asia/Shanghai"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(TZ))


@pytest.mark.parametrize(("now", "typed", "expected"), [
    (local(2026, 12, 7, 17, 46), "12-08 10:00", local(2026, 12, 8, 10, 0)),    # the report
    (local(2026, 12, 7, 17, 46), "2026-12-08 10:00", local(2026, 12, 8, 10, 0)),
    (local(2026, 12, 7, 17, 46), "12-07 10:00", local(2026, 12, 7, 10, 0)),
    (local(2026, 12, 7, 17, 46), "10:00", local(2026, 12, 7, 10, 0)),
    (local(2026, 12, 7, 0, 10), "23:40", local(2026, 12, 6, 23, 40)),          # after midnight
    (local(2026, 12, 7, 17, 46), "17:46", local(2026, 12, 7, 17, 46)),
])
def test_a_past_time_moves_only_a_time_alone(now, typed, expected):
    got = parse_when(typed, now=now, tz=TZ, field="reported_at", past=True)
    assert got == expected


def test_without_past_a_time_alone_is_today():
    now = local(2026, 12, 7, 0, 10)
    assert parse_when("23:40", now=now, tz=TZ, field="due") == local(2026, 12, 7, 23, 40)
