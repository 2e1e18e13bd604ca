"""A year-less date typed at the desk (outside tester, fix 6): "12-09 08:00" typed on 2026-12-08
was saved as 2025-12-09 (the logbook) or read as next year (the promise's "Answer by"), so the
field's own rule was never asked. Every reader of a typed time reads through the one grammar
(deskterm.rules.typed_time): a month-day without its year is the date nearest to today, then
the field's own rule (past only, ahead only, within N days) refuses with its own sentence.

`CALL_SITES` enumerates every place in the code that reads a typed time or day; a new one fails
`test_every_typed_time_is_read_through_the_one_grammar` until it is listed here (with the
reader it uses), and every reader is tried on yesterday and tomorrow around a year boundary.
"""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskterm.config import Settings
from deskterm.errors import InvalidInput
from deskterm.rules.typed_time import nearest_day, read_typed
from deskterm.services.inquiries import promises
from deskterm.services.repairs.intake import reported_time
from deskterm.services.visitors import history as visitor_history
from deskterm.tui import timeparse
from deskterm.tui.dialogs import complaint_common
from deskterm.tui.screens import repairs_money

TZ = "Asia/Shanghai"
ROOT = Path(__file__).resolve().parents[2] / "deskterm"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(TZ))


# Yesterday and tomorrow without their year, around the year's end and in the report's days.
DEC_08 = local(2026, 12, 8, 9, 0)  # the tester's today
NEW_YEARS_EVE = local(2026, 12, 31, 23, 30)
NEW_YEAR = local(2027, 1, 1, 0, 30)
INSTANTS = [
    # now, typed, the instant meant
    (DEC_08, "12-09 08:00", local(2026, 12, 9, 8, 0)),  # tomorrow
    (DEC_08, "12-07 08:00", local(2026, 12, 7, 8, 0)),  # yesterday
    (NEW_YEARS_EVE, "01-01 08:00", local(2027, 1, 1, 8, 0)),  # tomorrow, next year
    (NEW_YEARS_EVE, "12-30 22:00", local(2026, 12, 30, 22, 0)),  # yesterday
    (NEW_YEAR, "12-31 23:00", local(2026, 12, 31, 23, 0)),  # yesterday, last year
    (NEW_YEAR, "01-02 08:00", local(2027, 1, 2, 8, 0)),  # tomorrow
    (NEW_YEAR, "１２／３１　２３：００", local(2026, 12, 31, 23, 0)),  # as an IME types it
    (NEW_YEAR, "2027-12-31 23:00", local(2027, 12, 31, 23, 0)),  # its year: kept
]
DAYS = [(now, typed.split()[0], when.date()) for now, typed, when in INSTANTS]


@pytest.mark.parametrize(
    ("today", "month", "day", "meant"),
    [
        (date(2026, 12, 8), 12, 9, date(2026, 12, 9)),
        (date(2026, 12, 8), 12, 7, date(2026, 12, 7)),
        (date(2026, 12, 31), 1, 1, date(2027, 1, 1)),
        (date(2027, 1, 1), 12, 31, date(2026, 12, 31)),
        (date(2026, 12, 8), 6, 1, date(2027, 6, 1)),  # 175 days ahead, 190 back
        (date(2026, 12, 8), 6, 20, date(2026, 6, 20)),  # 171 days back, 194 ahead
        (date(2027, 12, 20), 2, 29, date(2028, 2, 29)),  # the nearest leap day is ahead
    ],
)
def test_a_year_less_day_is_the_nearest_one(today, month, day, meant):
    assert nearest_day(month, day, today) == meant


def test_no_such_day_near_is_no_date():
    with pytest.raises(ValueError):
        nearest_day(2, 29, date(2025, 3, 1))  # 2024-02-29 is a year back: not that near
    with pytest.raises(ValueError):
        nearest_day(2, 30, date(2026, 12, 8))
    assert read_typed("02-30 10:00", date(2026, 12, 8)) is None


def test_the_spellings_of_one_grammar():
    today = date(2026, 12, 8)
    assert read_typed("tomorrow 10:00", today).day == date(2026, 12, 9)
    assert read_typed("明天10点", today).clock == time(10, 0)
    assert read_typed("昨天 23:40", today).day == date(2026, 12, 7)
    assert read_typed("10点半", today).clock == time(10, 30)
    assert read_typed("+2h", today).after.total_seconds() == 7200
    assert read_typed("2026-12-09T08:00", today).day == date(2026, 12, 9)
    for nonsense in ("", "12-0908:00", "25:00", "10:60", "soon", "2026-13-01", "+2y"):
        assert read_typed(nonsense, today) is None, nonsense


# Every reader of a typed time or day, as a field uses it: (now, text) -> UTC instant or day.
def _instant(now, text):
    return timeparse.parse_instant(text, now, TZ)


def _when(now, text):
    return complaint_common.parse_when(text, now=now, tz=TZ, field="due")


def _logbook_day(now, text):
    return timeparse.parse_day(text, now, TZ)


READERS = {
    "timeparse.parse_instant": _instant,
    "timeparse.parse_day": _logbook_day,
    "complaint_common.parse_when": _when,
    "promises.parse_due": lambda now, text: promises.parse_due(text, now=now, tz=TZ),
}
# Readers of a full date only (a year is required): they never guess a year, so a year-less
# day is refused with their own sentence instead.
FULL_DATE_READERS = {
    "visitors.history.parse_day": lambda text: visitor_history.parse_day(text, field="day"),
    "repairs_money.settled_day": repairs_money.settled_day,  # the settlement's day
}

# Every call of a reader in the code: (module, function called) -> the reader it is.
CALL_SITES = {
    ("tui/dialogs/logbook_entry.py", "parse_instant"): "timeparse.parse_instant",
    ("tui/screens/logbook.py", "parse_day"): "timeparse.parse_day",
    ("tui/dialogs/communication_form.py", "parse_when"): "complaint_common.parse_when",
    ("tui/dialogs/repair_step.py", "parse_when"): "complaint_common.parse_when",
    ("tui/dialogs/public_area.py", "parse_when"): "complaint_common.parse_when",
    ("tui/dialogs/repair_intake.py", "parse_when"): "complaint_common.parse_when",
    ("tui/dialogs/complaint_form.py", "parse_when"): "complaint_common.parse_when",
    ("tui/dialogs/complaint_handle.py", "parse_when"): "complaint_common.parse_when",
    ("tui/dialogs/promise_make.py", "parse_due"): "promises.parse_due",
    ("tui/dialogs/visitor_expected.py", "parse_day"): "visitors.history.parse_day",
    ("tui/screens/visitors_history.py", "parse_day"): "visitors.history.parse_day",
    # the command line's --date/--since/--until: full dates, today, yesterday, -7d only
    ("cli/report.py", "parse_day"): "reports.period.parse_day",
    # the readers themselves, on the one grammar
    ("tui/timeparse.py", "read_typed"): "rules.typed_time",
    ("tui/dialogs/complaint_common.py", "read_typed"): "rules.typed_time",
    ("services/inquiries/promises.py", "read_typed"): "rules.typed_time",
}
READER_NAMES = {"parse_when", "parse_due", "parse_instant", "parse_day", "read_typed"}


def _calls() -> set[tuple[str, str]]:
    found = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in READER_NAMES:
                    found.add((path.relative_to(ROOT).as_posix(), name))
    return found


def test_every_typed_time_is_read_through_the_one_grammar():
    calls = _calls()
    assert calls - set(CALL_SITES) == set(), "a new reader of typed times: list it in CALL_SITES"
    assert set(CALL_SITES) - calls == set(), "CALL_SITES names a call that is gone"
    known = set(READERS) | set(FULL_DATE_READERS) | {"rules.typed_time", "reports.period.parse_day"}
    assert set(CALL_SITES.values()) <= known


def test_no_year_is_guessed_outside_the_one_grammar():
    """No other month-day reading: no year-less strptime format, no month-day pattern, no
    year moved by hand (the three ways the old readers picked a year)."""
    month_day = re.compile(r"\\d\{1,2\}\)?-\(?\\d\{1,2\}")
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "rules/typed_time.py" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "strptime":
                formats = [a.value for a in node.args if isinstance(a, ast.Constant)]
                if any("%m" in str(f) and "%Y" not in str(f) for f in formats):
                    offenders.append(f"{rel}:{node.lineno} strptime without a year")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if month_day.search(node.value):
                    offenders.append(f"{rel}:{node.lineno} a month-day pattern")
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "replace"
                and any(k.arg == "year" for k in node.keywords)
                and not rel.startswith("rules/")
            ):
                offenders.append(f"{rel}:{node.lineno} a year moved by hand")
    assert offenders == []


@pytest.mark.parametrize(("now", "typed", "meant"), INSTANTS)
@pytest.mark.parametrize("reader", ["timeparse.parse_instant", "complaint_common.parse_when"])
def test_every_time_reader_gives_the_nearest_date(reader, now, typed, meant):
    assert READERS[reader](now, typed) == meant.astimezone(UTC)


@pytest.mark.parametrize(("now", "typed", "meant"), DAYS)
def test_the_logbook_day_is_the_nearest_one(now, typed, meant):
    assert READERS["timeparse.parse_day"](now, typed) == meant


@pytest.mark.parametrize(("now", "typed", "meant"), INSTANTS)
def test_the_promise_refuses_yesterday_and_keeps_tomorrow(now, typed, meant):
    """The promise's own rule: ahead (within 90 days); a year-less yesterday has passed."""
    if meant <= now:
        with pytest.raises(InvalidInput, match="That time has passed") as err:
            READERS["promises.parse_due"](now, typed)
        assert err.value.field == "due"
    elif meant > now + timedelta(days=promises.MAX_DAYS_AHEAD):  # its year, a year ahead
        with pytest.raises(InvalidInput, match="within 90 days"):
            READERS["promises.parse_due"](now, typed)
    else:
        assert READERS["promises.parse_due"](now, typed) == meant.astimezone(UTC)


@pytest.mark.parametrize(("now", "typed", "meant"), INSTANTS)
def test_a_reported_time_refuses_tomorrow_and_keeps_yesterday(now, typed, meant):
    """A past-only field (a repair's reported time, D-31): a year-less tomorrow is in the
    future, said on its field, never saved as last year's."""
    when = READERS["complaint_common.parse_when"](now, typed)
    settings = Settings(repair_backdate_hours=72)
    if meant > now:
        with pytest.raises(InvalidInput, match="cannot be in the future") as err:
            reported_time(settings, when, now.astimezone(UTC))
        assert err.value.field == "reported_at"
    elif now - meant < timedelta(hours=settings.repair_backdate_hours):
        assert reported_time(settings, when, now.astimezone(UTC)) == meant.astimezone(UTC)


@pytest.mark.parametrize("reader", sorted(FULL_DATE_READERS))
def test_a_full_date_reader_refuses_a_year_less_day(reader):
    with pytest.raises(InvalidInput) as err:
        FULL_DATE_READERS[reader]("12-31")
    assert err.value.field in ("day", "settled_on")
    assert FULL_DATE_READERS[reader]("2026-12-31") == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("now", "typed", "meant"),
    [
        # the re-test's cases: a time a little ahead is today's (and refused as in the future
        # by the logbook), never moved back a day without a word
        ((2026, 12, 8, 2, 9), "02:30", (2026, 12, 8, 2, 30)),
        ((2026, 12, 8, 1, 56), "08:00", (2026, 12, 8, 8, 0)),
        # a night entry written after midnight: yesterday's is the nearer
        ((2026, 12, 8, 0, 30), "23:50", (2026, 12, 7, 23, 50)),
        ((2026, 12, 8, 10, 0), "09:00", (2026, 12, 8, 9, 0)),
        ((2026, 12, 8, 6, 0), "20:00", (2026, 12, 7, 20, 0)),  # 14 h ahead: last night's
    ],
)
def test_a_bare_logbook_time_is_the_nearest_instant(now, typed, meant):
    zone = ZoneInfo(TZ)
    local_now = datetime(*now, tzinfo=zone)
    assert READERS["timeparse.parse_instant"](local_now, typed) == datetime(
        *meant, tzinfo=zone
    ).astimezone(UTC)
