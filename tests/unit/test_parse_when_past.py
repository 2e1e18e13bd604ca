"""A time that has happened (a repair's reported time, issue 21, D-31): nothing typed is moved
to another day. A time alone is today's, so one later than now stays in the future and the
service refuses it (like a future date) instead of the form saving yesterday silently."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from deskterm.tui.dialogs.complaint_common import parse_when

TZ = "Asia/Shanghai"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(TZ))


@pytest.mark.parametrize(
    ("now", "typed", "expected"),
    [
        (local(2026, 12, 7, 17, 46), "12-08 10:00", local(2026, 12, 8, 10, 0)),  # the report
        (local(2026, 12, 7, 17, 46), "2026-12-08 10:00", local(2026, 12, 8, 10, 0)),
        (local(2026, 12, 7, 17, 46), "12-07 10:00", local(2026, 12, 7, 10, 0)),
        (local(2026, 12, 7, 17, 46), "10:00", local(2026, 12, 7, 10, 0)),
        (local(2026, 12, 7, 20, 1), "21:00", local(2026, 12, 7, 21, 0)),  # the report
        (local(2026, 12, 7, 0, 10), "23:40", local(2026, 12, 7, 23, 40)),  # not yesterday
        (local(2026, 12, 7, 0, 10), "12-06 23:40", local(2026, 12, 6, 23, 40)),  # with its date
        (local(2026, 12, 7, 17, 46), "17:46", local(2026, 12, 7, 17, 46)),
    ],
)
def test_nothing_typed_is_moved_to_another_day(now, typed, expected):
    assert parse_when(typed, now=now, tz=TZ, field="reported_at") == expected
