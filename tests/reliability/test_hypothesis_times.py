"""Issue 9, promise 10 (typed dates and times): every parser of a time or day a person types
(the desk's forms, the due-time box, searches, imports, --since/--until) gives a value or one
clear sentence for any text, the edges of the calendar included (0001-01-01, 9999-12-31):
nothing raises anything else. No database is needed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.errors import DeskError
from deskterm.reports.period import PeriodError, between, parse_day, parse_moment
from deskterm.services.inquiries import directory, promises
from deskterm.services.visitors import history as visitor_history
from deskterm.tui import timeparse
from tests.conftest import FIXED_NOW
from tests.reliability.bad_input import TRIALS, one_sentence, texts

TZ = "Asia/Shanghai"
NOW = FIXED_NOW


def typed_times():
    """Text shaped like the dates and times people type, at every year, and anything else."""
    ymd = st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
    )
    hm = st.builds(lambda h, m: f"{h}:{m:02d}", st.integers(0, 25), st.integers(0, 61))
    return st.one_of(
        st.sampled_from(
            [
                "0001-01-01 00:00",
                "0001-01-01",
                "9999-12-31 23:59",
                "9999-12-31",
                "00010101",
                "99991231",
                "0001-01-01T00:00",
                "2026-02-29 10:00",
                "明天10点",
                "+999d",
                "+0m",
                "today",
                "今天",
                "12-01 10:00",
            ]
        ),
        st.builds(lambda d, t, sep: f"{d}{sep}{t}", ymd, hm, st.sampled_from([" ", "T", "  "])),
        ymd,
        hm,
        texts(30),
    )


@TRIALS
@given(text=typed_times())
def test_the_desk_forms_read_a_time_or_nothing(text):
    instant = timeparse.parse_instant(text, NOW, TZ)
    assert instant is None or instant.tzinfo is not None
    day = timeparse.parse_day(text, NOW, TZ)
    assert day is None or isinstance(day, date)


@TRIALS
@given(text=typed_times(), date_only=st.booleans())
def test_the_complaint_forms_read_a_time_or_say_why_not(text, date_only):
    from deskterm.tui.dialogs.complaint_common import parse_when

    try:
        when = parse_when(text, now=NOW, tz=TZ, field="due")
    except DeskError as exc:
        one_sentence(exc, (text,))
        return
    assert when is None or when.tzinfo is not None


@TRIALS
@given(text=typed_times())
def test_the_due_time_box_reads_a_time_ahead_or_says_why_not(text):
    try:
        due = promises.parse_due(text, now=NOW, tz=TZ)
    except DeskError as exc:
        one_sentence(exc, (text,))
        return
    assert due > NOW


@TRIALS
@given(text=typed_times())
def test_the_history_search_reads_a_day_or_says_why_not(text):
    try:
        day = visitor_history.parse_day(text, field="date_from")
    except DeskError as exc:
        one_sentence(exc, (text,))
        return
    if day is not None:  # the search turns the day into instants: they must exist
        visitor_history.local_midnight(day, TZ)


@TRIALS
@given(
    since=st.one_of(st.none(), typed_times()),
    until=st.one_of(st.none(), typed_times()),
    days=st.one_of(st.none(), st.integers(1, 400)),
)
def test_since_and_until_give_a_period_or_a_usage_sentence(since, until, days):
    try:
        start, end = between(since, until, TZ, now=NOW, default_days=days)
    except PeriodError as exc:
        one_sentence(exc, (since, until))
        return
    assert start is None or end is None or start < end
    for text in (since, until):
        if text:
            try:
                parse_day(text)
            except PeriodError as exc:
                one_sentence(exc, (text,))


@TRIALS
@given(starts=typed_times(), ends=st.one_of(st.just(""), typed_times()))
def test_an_imported_event_time_is_read_or_its_row_is_refused(starts, ends):
    try:
        checked = directory.check_row(
            {
                "kind": "event",
                "name": "晚会",
                "location": "大堂",
                "starts_at": starts,
                "ends_at": ends,
            },
            TZ,
        )
    except DeskError as exc:
        one_sentence(exc, (starts, ends))
        return
    assert checked.values["starts_at"].tzinfo is not None


@pytest.mark.parametrize("text", ["0001-01-01 00:00", "9999-12-31 23:59"])
def test_the_edges_of_the_calendar(text):
    """The examples that crashed before issue 9's fixes (OverflowError), kept as examples."""
    timeparse.parse_instant(text, NOW, TZ)
    with pytest.raises(DeskError):
        promises.parse_due(text.replace("9999", "0001"), now=NOW, tz=TZ)
    with pytest.raises(PeriodError):
        parse_moment("0001-01-01", TZ)
    assert datetime(2026, 1, 1, tzinfo=UTC) < NOW
