"""History search: date range, name, unit, host, slip number; keyset pages from the database."""

from __future__ import annotations

from datetime import date

import pytest

from deskterm.clock import FixedClock
from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput
from deskterm.models.user import Role
from deskterm.services.actor import Actor
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.history import SlipQuery, parse_day, search_slips
from tests.factories import make_estate, walk_in

ACTOR = Actor(user_id=None, code="op", name="op", role=Role.operator)
CLOCK = FixedClock()


@pytest.fixture
def slips(engine, staff, clock, settings):
    """30 slips over 3 days (10 a day, every 30 minutes, the same instant twice a day)."""
    estate = make_estate(engine)
    hosts = [
        {"host_resident_id": estate.zhang_san},
        {"host_resident_id": estate.zhang_shan},
        {"host_resident_id": None, "host_company_id": estate.company},
    ]
    made = []
    for day in range(3):
        for n in range(10):
            slip_in = walk_in(estate, visitor_name=f"访客{day}{n}", **hosts[n % 3])
            made.append(
                run_write(
                    engine,
                    lambda s, i=slip_in: visitors.register_slip(
                        session=s, actor=staff.operator, clock=clock, settings=settings, slip_in=i
                    ),
                )
            )
            if n != 4:  # slips 4 and 5 of a day share an instant: the id breaks the tie
                clock.advance(minutes=30)
        clock.advance(hours=24 - 4.5)
    return made


def page_all(engine, settings, query, limit=7):
    seen, cursor, pages = [], None, 0
    while True:
        page = run_read(
            engine,
            lambda s, c=cursor: search_slips(
                session=s,
                actor=ACTOR,
                clock=CLOCK,
                settings=settings,
                query=query,
                after=c,
                limit=limit,
            ),
        )
        pages += 1
        seen += [r.number for r in page.rows]
        if page.next_cursor is None:
            return seen, pages
        cursor = page.next_cursor


def test_pages_cover_everything_once_newest_first(engine, settings, slips):
    seen, pages = page_all(engine, settings, SlipQuery())
    expected = [
        s.number for s in sorted(slips, key=lambda s: (s.checked_in_at, s.id), reverse=True)
    ]
    assert seen == expected and pages == 5


def test_filters(engine, settings, slips):
    def numbers(**kw):
        return page_all(engine, settings, SlipQuery(**kw))[0]

    assert numbers(date_from=date(2026, 11, 29), date_to=date(2026, 11, 29)) == [
        s.number for s in reversed(slips[10:20])
    ]
    assert numbers(name="访客2") == [s.number for s in reversed(slips[20:30])]
    assert numbers(name="客13") == [slips[13].number]
    assert numbers(number=" v20261129-0004 ") == ["V20261129-0004"]
    by_unit = numbers(unit="12-1204")
    assert by_unit == [s.number for s in reversed(slips) if s.host_text == "12-1204 张珊"]
    assert numbers(unit="1203") == [
        s.number for s in reversed(slips) if s.host_text != "12-1204 张珊"
    ]
    assert numbers(host="hwjs") == [
        s.number for s in reversed(slips) if s.host_text == "A-1203 华为技术"
    ]
    assert numbers(host="张珊") == by_unit
    assert numbers(unit="99-9999") == []
    assert numbers(name="%") == []


def test_bad_dates_are_one_sentence(engine, settings, slips):
    assert parse_day("2026/11/28", field="date_from") == date(2026, 11, 28)
    assert parse_day("20261128", field="date_from") == date(2026, 11, 28)
    assert parse_day(" ", field="date_from") is None
    with pytest.raises(InvalidInput, match="2026-11-28"):
        parse_day("28.13.2026", field="date_to")
    with pytest.raises(InvalidInput) as err:
        run_read(
            engine,
            lambda s: search_slips(
                session=s,
                actor=ACTOR,
                clock=CLOCK,
                settings=settings,
                query=SlipQuery(date_from=date(2026, 11, 30), date_to=date(2026, 11, 28)),
            ),
        )
    assert err.value.field == "date_from"
