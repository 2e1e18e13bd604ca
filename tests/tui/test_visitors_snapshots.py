"""How the visitors desk looks at 80×24, in Chinese and English: who is on site (a long stay
in colour), the registration form with the host matches, the host call, the slip just issued
(its number large) and the history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deskterm.db import run_write
from deskterm.models.visitor import ExpectedVisitorCreate
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.expected import add_expected
from tests.factories import make_estate, valid_resident_id, walk_in
from tests.tui.conftest import settle

LANGS = ["zh_CN", "en"]


@pytest.fixture(autouse=True)
def _sqlite_only(engine):
    """Appearance is checked once, on SQLite (the snapshots are named after the engine)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("snapshots are taken on SQLite")


def _desk(engine, clock, settings, staff) -> None:
    """Three visitors on site (one for five hours), one gone, one expected."""
    estate = make_estate(engine)
    now = clock.now()
    register = visitors.register_slip
    people = [
        ("王五", 1, {"host_resident_id": estate.zhang_san}, 5 * 60),
        ("Anna Müller", 2, {"host_resident_id": None, "host_company_id": estate.company}, 75),
        ("赵六[b]", 1, {"host_resident_id": estate.li_si}, 20),
        ("钱七", 3, {"host_resident_id": estate.zhang_shan}, 10),
    ]
    made = []
    for n, (name, count, host, minutes_ago) in enumerate(people):
        clock.set(now - timedelta(minutes=minutes_ago))
        slip_in = walk_in(
            estate, visitor_name=name, headcount=count, doc_number=valid_resident_id(n), **host
        )
        made.append(
            run_write(
                engine,
                lambda s, i=slip_in: register(
                    session=s, actor=staff.operator, clock=clock, settings=settings, slip_in=i
                ),
            )
        )
    clock.set(now - timedelta(minutes=5))
    run_write(
        engine,
        lambda s: visitors.check_out(
            session=s, actor=staff.operator, clock=clock, settings=settings, slip_id=made[3].id
        ),
    )
    clock.set(now)
    run_write(
        engine,
        lambda s: add_expected(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            expected_in=ExpectedVisitorCreate(
                visitor_name="孙八",
                headcount=2,
                expected_on=date(2026, 11, 28),
                host_company_id=estate.company,
                note="开车来",
            ),
        ),
    )


async def _settled(pilot) -> None:
    await settle(pilot)


@pytest.mark.parametrize("lang", LANGS)
def test_on_site(snap_compare, make_desk_app, engine, clock, settings, staff, lang):
    _desk(engine, clock, settings, staff)
    app = make_desk_app(area="visitors", lang=lang)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settled)


@pytest.mark.parametrize("lang", LANGS)
def test_register_form_with_matches(
    snap_compare, make_desk_app, engine, clock, settings, staff, lang
):
    _desk(engine, clock, settings, staff)
    app = make_desk_app(area="visitors", lang=lang)

    async def fill(pilot) -> None:
        await settle(pilot)
        await pilot.press(
            "ctrl+n", *"李雷", "enter", "enter", "tab", *valid_resident_id(9), "enter", *"zs"
        )
        await pilot.press("down")  # the matches now, the second highlighted
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=fill)


@pytest.mark.parametrize("lang", LANGS)
def test_host_call(snap_compare, make_desk_app, engine, clock, settings, staff, lang):
    _desk(engine, clock, settings, staff)
    app = make_desk_app(area="visitors", lang=lang)

    async def call(pilot) -> None:
        await settle(pilot)
        await pilot.press(
            "ctrl+n",
            *"李雷",
            "enter",
            "enter",
            "tab",
            *valid_resident_id(9),
            "enter",
            *"ls",
            "enter",
        )
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=call)


@pytest.mark.parametrize("lang", LANGS)
def test_slip_issued(snap_compare, make_desk_app, engine, clock, settings, staff, lang):
    _desk(engine, clock, settings, staff)
    app = make_desk_app(area="visitors", lang=lang)

    async def arrive(pilot) -> None:
        await settle(pilot)
        await pilot.press("ctrl+t", "enter", "enter")  # the expected visitor arrives
        await settle(pilot)
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t")  # back to the on-site view
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=arrive)


@pytest.mark.parametrize("lang", LANGS)
def test_history(snap_compare, make_desk_app, engine, clock, settings, staff, lang):
    _desk(engine, clock, settings, staff)
    app = make_desk_app(area="visitors", lang=lang)

    async def history(pilot) -> None:
        await settle(pilot)
        await pilot.press("ctrl+t", "ctrl+t")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=history)
