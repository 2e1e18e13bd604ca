"""How the complaints area looks at 80×24, in Chinese and English (look at the report before
updating: `pytest tests/tui/test_complaints_snapshots.py --snapshot-update`)."""

from __future__ import annotations

import pytest

from deskterm.db import run_write
from deskterm.models.complaint import CommunicationCreate, ComplaintCreate
from deskterm.services.complaints import communications
from deskterm.services.complaints import handling as complaints
from tests.services.test_complaints import add_unit
from tests.tui.conftest import SIZE, settle


@pytest.fixture(autouse=True)
def _sqlite_only(engine):
    """Appearance is checked once, on SQLite (the snapshots are named after the engine)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("snapshots are taken on SQLite")


def steady(*keys: str):
    """Press `keys` one by one, letting the workers finish after each; then redraw the status
    line at its final width (it may first draw before its size is known: a race in the
    shared StatusLine, reported)."""

    async def run(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for screen in pilot.app.screen_stack:
            for line in screen.query("#status-line"):
                line.redraw()
        await pilot.pause()

    return run


def seed(engine, clock, settings, staff):
    add_unit(engine, "12-1203")
    op = staff.operator

    def intake(**kw):
        options = {k: kw.pop(k) for k in ("unit", "close_answer", "refer_to") if k in kw}
        data = ComplaintCreate(**kw)
        return run_write(
            engine,
            lambda s: complaints.intake_complaint(
                session=s,
                actor=op,
                clock=clock,
                settings=settings,
                complaint_in=data,
                steps=("listened", "sympathy"),
                **options,
            ),
        )

    intake(
        who_name="张先生",
        content="楼道灯坏了一周没人修",
        category="facilities",
        unit="12-1203",
        contact="13812345678",
        refer_to="工程部刘经理",
    )
    clock.advance(hours=3)
    intake(
        who_name="华信科技有限公司",
        who_kind="company",
        channel="letter",
        content="来函投诉管理处拒绝开业舞狮",
        category="service_attitude",
        severity="severe",
        refer_to="管理处张经理",
    )
    intake(
        who_name="李女士",
        content="垃圾没有及时清运",
        category="cleaning",
        close_answer="已安排清运",
    )
    run_write(
        engine,
        lambda s: communications.record_communication(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            communication_in=CommunicationCreate(
                at=clock.now(),
                party_kind="utility",
                party_name="自来水公司",
                subject="12栋停水检修",
                agreed="周二9点到12点停水",
                follow_up="张贴停水通知",
                follow_up_due=clock.now(),
            ),
        ),
    )
    clock.advance(hours=22)  # the first referral is now late


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_complaints_list(snap_compare, make_desk_app, engine, clock, settings, staff, lang):
    seed(engine, clock, settings, staff)
    app = make_desk_app(area="complaints", lang=lang, role="supervisor")
    assert snap_compare(app, terminal_size=SIZE, run_before=steady())


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_callback_queue(snap_compare, make_desk_app, engine, clock, settings, staff, lang):
    seed(engine, clock, settings, staff)
    app = make_desk_app(area="complaints", lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("ctrl+t"))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_new_complaint_form_with_an_error(snap_compare, make_desk_app, engine, lang):
    app = make_desk_app(area="complaints", lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("ctrl+n", "ctrl+s"))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_complaint_menu(snap_compare, make_desk_app, engine, clock, settings, staff, lang):
    seed(engine, clock, settings, staff)
    app = make_desk_app(area="complaints", lang=lang, role="supervisor")
    assert snap_compare(app, terminal_size=SIZE, run_before=steady("enter"))
