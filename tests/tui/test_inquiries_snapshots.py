"""How the inquiry desk looks at 80×24, in Chinese and English (look at the report before
updating: `pytest tests/tui/test_inquiries_snapshots.py --snapshot-update`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskterm.db import run_write
from deskterm.models.inquiry import MessageCreate, PromisedReplyCreate
from deskterm.services.inquiries import messages, promises
from tests.factories import seed_estate
from tests.tui.conftest import SIZE, settle


@pytest.fixture(autouse=True)
def _sqlite_only(engine):
    """Appearance is checked once, on SQLite (the snapshots are named after the engine)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("snapshots are taken on SQLite")


@pytest.fixture
def desk(engine, clock, staff):
    estate = seed_estate(engine, clock, staff.admin)
    op = staff.operator
    run_write(
        engine,
        lambda s: messages.take_message(
            session=s,
            actor=op,
            clock=clock,
            message_in=MessageCreate(
                for_kind="resident",
                for_id=estate.residents["李四"],
                for_name="x",
                from_name="王先生",
                from_contact="13500001111",
                text="快递放在前台,请下班来取",
            ),
        ),
    )
    run_write(
        engine,
        lambda s: messages.take_message(
            session=s,
            actor=op,
            clock=clock,
            message_in=MessageCreate(
                for_name="工程部 刘师傅", from_name="5-802业主", text="明早九点来看卫生间漏水"
            ),
        ),
    )
    run_write(
        engine,
        lambda s: promises.make_promise(
            session=s,
            actor=op,
            clock=clock,
            promise_in=PromisedReplyCreate(
                question="下周二停水几点恢复?",
                asked_by="3-502 欧阳女士",
                contact="13600002222",
                due_at=clock.now() + timedelta(hours=1),
            ),
        ),
    )
    clock.advance(hours=2)  # the promise is now overdue
    return estate


def keys(*items: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for item in items:
            if item.startswith("type:"):
                await pilot.press(*item[5:])
            else:
                await pilot.press(item)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_search_by_pinyin(snap_compare, make_desk_app, desk, lang):
    app = make_desk_app(area="inquiries", lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("type:zs", "down"))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_search_by_unit(snap_compare, make_desk_app, desk, lang):
    app = make_desk_app(area="inquiries", lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("type:1203"))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_phone_number_refused(snap_compare, make_desk_app, desk, lang):
    app = make_desk_app(area="inquiries", lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("type:13912340001"))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_contact_after_three_tries(snap_compare, make_desk_app, desk, lang):
    app = make_desk_app(area="inquiries", lang=lang)
    assert snap_compare(
        app,
        terminal_size=SIZE,
        run_before=keys(
            "type:李四",
            "enter",
            "shift+tab",
            "shift+tab",
            "type:王先生",
            "enter",
            "enter",
            "4",
            "ctrl+s",
            "ctrl+s",
            "ctrl+s",
        ),
    )


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_messages_list(snap_compare, make_desk_app, desk, lang):
    app = make_desk_app(area="inquiries", lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+t"))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_promises_list(snap_compare, make_desk_app, desk, lang):
    app = make_desk_app(area="inquiries", lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+t", "ctrl+t"))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_promise_form(snap_compare, make_desk_app, desk, lang):
    app = make_desk_app(area="inquiries", lang=lang)
    assert snap_compare(
        app,
        terminal_size=SIZE,
        run_before=keys(
            "ctrl+g",
            "type:物业费发票何时能开",
            "enter",
            "type:李四",
            "enter",
            "type:13700003333",
            "enter",
        ),
    )


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_message_form(snap_compare, make_desk_app, desk, lang):
    app = make_desk_app(area="inquiries", lang=lang)
    assert snap_compare(
        app,
        terminal_size=SIZE,
        run_before=keys(
            "type:zhangsan",
            "ctrl+n",
            "type:Wang",
            "enter",
            "type:13500001111",
            "enter",
            "type:请回电",
        ),
    )
