"""How the desk's own screens look at 80×24, in Chinese and English (pytest-textual-snapshot).

Deterministic: the fixed clock, no cursor blink, SQLite only (appearance does not depend on
the engine), and a fixed audit head hash (the real one depends on random password salts).
Look at the report before `--snapshot-update`.
"""

from __future__ import annotations

import pytest

from deskterm.db import run_write
from deskterm.models.shift import LogbookEntryCreate, LogCategory
from deskterm.services import audit
from deskterm.services.shift import handover, logbook
from deskterm.tui.app import make_app
from tests.services import test_dashboard as dashboard_factories
from tests.services.test_dashboard import add_message, add_repair, add_visitor
from tests.tui.conftest import count_keys, settle, start_shift_for, type_text

LANGS = ["en", "zh_CN"]
FIXED_HASH = "0123456789abcdef" * 4


@pytest.fixture
def engine(sqlite_engine):
    """Snapshots run on SQLite only."""
    return sqlite_engine


@pytest.fixture(autouse=True)
def fixed_head_hash(monkeypatch):
    monkeypatch.setattr(audit, "head_hash", lambda session: FIXED_HASH)
    monkeypatch.setitem(dashboard_factories.record_seq, "n", 0)  # record numbers from 0001


def shoot(snap_compare, app, *keys, text: str = ""):
    async def run_before(pilot):
        await settle(pilot)
        for key in keys:
            if key == "TEXT":
                await type_text(pilot, text)
            else:
                await pilot.press(key)
            await settle(pilot)

    return snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def some_work(engine, clock, settings, actor):
    """What a morning leaves: repairs (one late), visitors, a message, logbook entries."""
    add_repair(engine, clock, actor, "urgent", hours_ago=3, description="电梯停在17层,门打不开")
    add_repair(engine, clock, actor, "general", description="阳台推拉门脱轨")
    add_visitor(engine, clock, actor, minutes_ago=300)
    add_visitor(engine, clock, actor, minutes_ago=20)
    add_message(engine, clock, actor)
    for category, place, what, done, told in [
        (
            LogCategory.water_power,
            "3栋地下室",
            "生活水泵房报警,水箱低水位",
            "通知工程部值班",
            "工程部",
        ),
        (LogCategory.security, "南门", "[red]x[/red] 外卖电动车闯入小区", "保安劝离", "秩序维护部"),
    ]:
        run_write(
            engine,
            lambda s, c=category, p=place, w=what, d=done, t=told: logbook.add_entry(
                session=s,
                actor=actor,
                clock=clock,
                entry_in=LogbookEntryCreate(
                    occurred_at=clock.now(),
                    category=c,
                    location=p,
                    what=w,
                    action_taken=d,
                    notified=t,
                ),
            ),
        )


def pending_handover(engine, clock, settings, staff):
    outgoing = start_shift_for(engine, clock, settings, staff.supervisor)
    add_repair(engine, clock, outgoing, "general", description="阳台推拉门脱轨")
    run_write(
        engine,
        lambda s: handover.sign(
            session=s,
            actor=outgoing,
            clock=clock,
            settings=settings,
            notices="5栋电梯明早9点维保\n快递柜故障已报修",
            physical_items={"keys": 12, "blank_slips": 40, "temporary_passes": 10},
        ),
    )
    clock.advance(minutes=5)


def gate(engine, clock, settings, lang):
    return make_app(settings=settings, engine=engine, clock=clock, lang=lang, cursor_blink=False)


@pytest.mark.parametrize("lang", LANGS)
def test_sign_in(snap_compare, engine, clock, settings, staff, lang):
    assert shoot(snap_compare, gate(engine, clock, settings, lang))


@pytest.mark.parametrize("lang", LANGS)
def test_sign_in_wrong_password(snap_compare, engine, clock, settings, staff, lang):
    app = gate(engine, clock, settings, lang)
    assert shoot(snap_compare, app, "TEXT", "enter", "w", "r", "o", "n", "g", "enter", text="op1")


@pytest.mark.parametrize("lang", LANGS)
def test_self_check(snap_compare, engine, clock, settings, staff, lang):
    pending_handover(engine, clock, settings, staff)
    app = gate(engine, clock, settings, lang)
    assert shoot(snap_compare, app, "TEXT", "enter", *"secret-pass", "enter", "space", text="op1")


@pytest.mark.parametrize("lang", LANGS)
def test_handover_to_accept(snap_compare, engine, clock, settings, staff, lang):
    pending_handover(engine, clock, settings, staff)
    app = gate(engine, clock, settings, lang)
    assert shoot(
        snap_compare,
        app,
        "TEXT",
        "enter",
        *"secret-pass",
        "enter",
        "space",
        "down",
        "space",
        "down",
        "space",
        "ctrl+s",
        text="op1",
    )


@pytest.mark.parametrize("lang", LANGS)
def test_refuse_dialog(snap_compare, engine, clock, settings, staff, lang):
    pending_handover(engine, clock, settings, staff)
    app = gate(engine, clock, settings, lang)
    assert shoot(
        snap_compare,
        app,
        "TEXT",
        "enter",
        *"secret-pass",
        "enter",
        "space",
        "down",
        "space",
        "down",
        "space",
        "ctrl+s",
        "ctrl+r",
        *"钥匙少一把",
        text="op1",
    )


@pytest.mark.parametrize("lang", LANGS)
def test_dashboard(snap_compare, make_desk_app, engine, clock, settings, staff, lang):
    app = make_desk_app(lang=lang)
    some_work(engine, clock, settings, app.actor)
    assert shoot(snap_compare, app)


@pytest.mark.parametrize("lang", LANGS)
def test_dashboard_visitors(snap_compare, make_desk_app, engine, clock, settings, lang):
    app = make_desk_app(lang=lang)
    some_work(engine, clock, settings, app.actor)
    assert shoot(snap_compare, app, "down", "enter")


@pytest.mark.parametrize("lang", LANGS)
def test_logbook(snap_compare, make_desk_app, engine, clock, settings, lang):
    app = make_desk_app(lang=lang, area="logbook")
    some_work(engine, clock, settings, app.actor)
    assert shoot(snap_compare, app)


@pytest.mark.parametrize("lang", LANGS)
def test_logbook_entry_dialog(snap_compare, make_desk_app, engine, clock, settings, lang):
    app = make_desk_app(lang=lang, area="logbook")
    assert shoot(snap_compare, app, "ctrl+n", "tab", *"3栋地下室", "tab", "ctrl+s")


@pytest.mark.parametrize("lang", LANGS)
def test_handover(snap_compare, make_desk_app, engine, clock, settings, lang):
    app = make_desk_app(lang=lang, area="handover")
    some_work(engine, clock, settings, app.actor)
    assert shoot(snap_compare, app, *"5栋电梯明早9点维保")


@pytest.mark.parametrize("lang", LANGS)
def test_handover_confirm(snap_compare, make_desk_app, engine, clock, settings, lang):
    app = make_desk_app(lang=lang, area="handover")
    assert shoot(snap_compare, app, *count_keys(settings), "ctrl+s")


@pytest.mark.parametrize("lang", LANGS)
def test_signed_sheet(snap_compare, make_desk_app, engine, clock, settings, lang):
    app = make_desk_app(lang=lang, area="handover")
    some_work(engine, clock, settings, app.actor)
    assert shoot(
        snap_compare, app, *"5栋电梯明早9点维保", *count_keys(settings), "ctrl+s", "y"
    )  # y signs; Enter never confirms


@pytest.mark.parametrize("lang", LANGS)
def test_lock(snap_compare, make_desk_app, lang):
    app = make_desk_app(lang=lang)
    assert shoot(snap_compare, app, "f9")


@pytest.mark.parametrize("lang", LANGS)
def test_help(snap_compare, make_desk_app, lang):
    app = make_desk_app(lang=lang)
    assert shoot(snap_compare, app, "f1")
