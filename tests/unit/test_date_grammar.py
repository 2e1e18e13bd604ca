"""One date grammar for every date option (issue 17 item 4): 2026-11-28, 20261128, today,
yesterday, -7d; --until always includes its day; reports print the inclusive end."""

from datetime import UTC, datetime

import pytest

from deskterm.reports.model import Report
from deskterm.reports.period import PeriodError, between, parse_day, parse_moment
from deskterm.reports.values import period_text

TZ = "Asia/Shanghai"
NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # 11:00 on 2026-11-28 at the desk


@pytest.mark.parametrize(
    "text,day",
    [
        ("2026-11-28", "2026-11-28"),
        ("20261128", "2026-11-28"),
        ("today", "2026-11-28"),
        (" Today ", "2026-11-28"),
        ("yesterday", "2026-11-27"),
        ("-7d", "2026-11-21"),
        ("-0d", "2026-11-28"),
    ],
)
def test_every_spelling_of_a_day(text, day):
    assert parse_day(text, tz=TZ, now=NOW).isoformat() == day
    start = parse_moment(text, TZ, now=NOW)
    assert (
        start.astimezone(UTC).isoformat()
        == datetime.fromisoformat(day + "T00:00+08:00").astimezone(UTC).isoformat()
    )


@pytest.mark.parametrize("until", ["2026-11-28", "20261128", "today"])
def test_until_includes_its_day_whatever_the_spelling(until):
    start, end = between("20261128", until, TZ, now=NOW, default_days=None)
    assert start == datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 28, 16, 0, tzinfo=UTC)


def test_a_time_is_still_a_moment():
    assert parse_moment("2026-11-28T08:00", TZ) == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    assert parse_moment("2026-11-28T08:00", TZ, end=True) == datetime(
        2026, 11, 28, 0, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "text", ["2026-13-01", "2026113", "tomorrow", "-d", "7d", "0001-01-01", ""]
)
def test_bad_dates_are_one_sentence(text):
    with pytest.raises(PeriodError) as err:
        parse_moment(text or " ", TZ, now=NOW)
    assert "20261128, today, yesterday, -7d" in str(err.value)


def _report(start, end):
    return Report(kind="visitors", title="t", start=start, end=end, timezone=TZ, generated_at=NOW)


def test_reports_print_the_inclusive_end():
    start, end = between("2020-01-01", "2020-01-31", TZ, now=NOW, default_days=None)
    assert period_text(_report(start, end)) == "2020-01-01 – 2020-01-31 (Asia/Shanghai)"
    start, end = between("2020-01-31", "2020-01-31", TZ, now=NOW, default_days=None)
    assert period_text(_report(start, end)) == "2020-01-31 (Asia/Shanghai)"
    start, end = between("2020-01-31T08:00", "2020-02-01", TZ, now=NOW, default_days=None)
    assert period_text(_report(start, end)) == "2020-01-31 08:00 – 2020-02-01 24:00 (Asia/Shanghai)"
