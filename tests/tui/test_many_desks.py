"""Issue 14 at the desk: accounts checked at every action (item 5)."""

from __future__ import annotations

from deskterm.db import run_read, run_write
from deskterm.models.shift import LogbookEntry, LogbookEntryCreate
from deskterm.services.admin import users
from deskterm.services.shift import logbook
from tests.tui.conftest import screen_text, settle

BOTH_ENGINES = True  # what these screens show depends on the engine (tests/tui/conftest.py)


def _count_log(engine) -> int:
    return len(run_read(engine, lambda s: list(s.exec(LogbookEntry.__table__.select()))))


async def test_a_disabled_account_is_signed_out_at_its_next_action(
    make_desk_app, engine, clock, staff
):
    """`users disable op1` at another desk: op1's next save is refused and the desk signs
    out with a sentence; the refused entry is not written."""
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        run_write(
            engine,
            lambda s: users.set_active(
                session=s, actor=staff.admin, clock=clock, code="op1", active=False
            ),
        )
        before = _count_log(engine)
        app.screen.run_db(
            lambda s: logbook.add_entry(
                session=s,
                actor=app.actor,
                clock=clock,
                entry_in=LogbookEntryCreate(category="other", what="电梯异响"),
            )
        )
        await settle(pilot)
        assert app.actor is None and not app.on_duty
        shown = " ".join(screen_text(app).split())
        assert "Your account (op1) has been disabled" in shown, shown
        assert "Your last action was not saved." in shown, shown
        assert _count_log(engine) == before


def _add_entry(app, clock, what: str):
    return lambda s: logbook.add_entry(
        session=s,
        actor=app.actor,
        clock=clock,
        entry_in=LogbookEntryCreate(category="other", what=what),
    )


async def test_a_save_before_the_disable_is_said_to_be_saved(make_desk_app, engine, clock, staff):
    """The tester's case: the answer committed, then `users disable`; the desk learns it at
    its next read (a refresh): it signs out saying the last action WAS saved."""
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = _count_log(engine)
        app.screen.run_db(_add_entry(app, clock, "电梯异响"))
        await settle(pilot)
        assert _count_log(engine) == before + 1 and app.actor is not None
        run_write(
            engine,
            lambda s: users.set_active(
                session=s, actor=staff.admin, clock=clock, code="op1", active=False
            ),
        )
        await pilot.press("f3")  # a read: the visitors' lists
        await settle(pilot)
        assert app.actor is None
        shown = " ".join(screen_text(app).split())
        assert "Your account (op1) has been disabled" in shown, shown
        assert "Your last action was saved." in shown, shown
        assert "not saved" not in shown, shown


async def test_a_sign_out_waits_for_the_save_still_running(make_desk_app, engine, clock, staff):
    """A read is refused while a save of the desk still runs: the desk waits for the save
    and then says how it ended, here saved (its own check passed before the change)."""
    import asyncio
    import threading

    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = _count_log(engine)
        go = threading.Event()
        entry = _add_entry(app, clock, "门禁故障")

        def slow(s):
            go.wait(5)
            return entry(s)

        app.screen.run_db(slow)
        await pilot.pause(0.1)
        await app.account_changed("Your account (op1) has been disabled: you are signed out.")
        assert app.actor is not None  # waits for the save
        go.set()
        for _ in range(50):
            await pilot.pause(0.05)
            if app.actor is None:
                break
        await settle(pilot)
        await asyncio.sleep(0)
        assert app.actor is None and _count_log(engine) == before + 1
        shown = " ".join(screen_text(app).split())
        assert "Your last action was saved." in shown, shown


async def test_a_changed_role_signs_the_desk_out_at_its_next_read(
    make_desk_app, engine, clock, staff
):
    from deskterm.db import lock_row
    from deskterm.models.user import User

    app = make_desk_app(role="supervisor")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def demote(s):
            lock_row(s, User, staff.supervisor.user_id).role = "operator"

        run_write(engine, demote)
        await pilot.press("f3")  # open the visitors: its lists are read
        await settle(pilot)
        assert app.actor is None
        assert "Your role has changed (supervisor → operator)" in " ".join(screen_text(app).split())


# == one operator on duty per post (item 4) ========================================================
async def test_a_second_operator_is_told_who_is_on_duty(engine, clock, settings, staff):
    from deskterm.models.user import Role
    from tests.factories import make_user
    from tests.tui.conftest import start_shift_for
    from tests.tui.test_shift_flow import gate_app, sign_in

    start_shift_for(engine, clock, settings, staff.operator)  # op1 holds the post
    make_user(engine, clock, settings, "op2", Role.operator, "王芳")
    app = gate_app(engine, clock, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "op2")
        shown = " ".join(screen_text(app).split())
        assert "李静 (op1) is on duty at 前台" in shown, shown
        assert app.actor is None and not app.on_duty


async def test_a_supervisor_reviews_without_a_shift_and_closes_an_abandoned_one(
    engine, clock, settings, staff
):
    from deskterm.models.shift import Shift, ShiftStatus
    from deskterm.services.shift import duty
    from tests.tui.conftest import start_shift_for
    from tests.tui.test_shift_flow import gate_app, sign_in, type_text

    left = start_shift_for(engine, clock, settings, staff.operator)
    app = gate_app(engine, clock, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "sup1")
        assert app.on_duty and app.actor.code == "sup1" and app.actor.shift_id is None
        await pilot.press("ctrl+e")  # close the shift op1 left open
        await settle(pilot)
        await type_text(pilot, "李静已下班")
        await pilot.press("enter")
        await settle(pilot)
    assert run_read(engine, lambda s: s.get(Shift, left.shift_id).status) == ShiftStatus.closed
    assert run_read(engine, lambda s: duty.on_duty(s, post=settings.post)) is None


async def test_a_supervisor_at_a_free_post_may_skip_the_shift(engine, clock, settings, staff):
    from tests.tui.test_shift_flow import gate_app, sign_in

    app = gate_app(engine, clock, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "sup1")
        assert not app.on_duty  # the self-check is offered
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.on_duty and app.actor.shift_id is None


# == live desks (item 3) ===========================================================================
async def test_a_save_at_another_desk_shows_on_the_dashboard_within_two_seconds(
    engine, clock, settings, staff
):
    """Desk 2 takes a message through its own connections; desk 1's dashboard counts it
    without a key (SQLite: PRAGMA data_version; PostgreSQL: LISTEN/NOTIFY)."""
    import asyncio
    import time

    from deskterm.db import make_engine
    from deskterm.models.inquiry import MessageCreate
    from deskterm.services.inquiries import messages
    from deskterm.tui.app import make_app
    from tests.tui.conftest import start_shift_for

    actor = start_shift_for(engine, clock, settings, staff.operator)
    app = make_app(
        settings=settings,
        engine=engine,
        clock=clock,
        lang="en",
        cursor_blink=False,
        actor=actor,
        live=True,
    )
    desk2 = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.pause(0.5)  # the watcher has its baseline
            screen = app.screen
            before = screen.counts["messages"].total
            for n in range(3):
                await asyncio.to_thread(
                    run_write,
                    desk2,
                    lambda s, n=n: messages.take_message(
                        session=s,
                        actor=staff.supervisor,
                        clock=clock,
                        message_in=MessageCreate(
                            for_kind="other", for_name="张三", from_name="快递", text=f"到了{n}"
                        ),
                    ),
                )
                started = time.monotonic()
                while (
                    screen.counts["messages"].total != before + n + 1
                    and time.monotonic() - started < 2.0
                ):
                    await pilot.pause(0.05)
                assert screen.counts["messages"].total == before + n + 1
                assert time.monotonic() - started < 2.0
    finally:
        desk2.dispose()


# == the cursor stays on its record when another desk changes the list (item 3) =================
async def _another_desk(engine, work):
    """`work` through a second engine (its own connections), as another desk saves it; then
    what the watcher posts when it sees the save: RecordsChanged with no kind."""
    import asyncio

    from deskterm.db import make_engine

    desk2 = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        await asyncio.to_thread(run_write, desk2, work)
    finally:
        desk2.dispose()


async def test_a_check_out_at_another_desk_keeps_the_cursor_on_its_visitor(
    make_desk_app, engine, clock, settings, staff
):
    from deskterm.services.visitors import slips as visitor_slips
    from deskterm.tui.messages import RecordsChanged
    from deskterm.tui.widgets.record_list import RecordList
    from tests.factories import make_estate
    from tests.tui.test_desk_safety import on_site_slips

    slips = on_site_slips(
        engine, staff, clock, settings, make_estate(engine), ["张一", "张二", "张三", "张四"]
    )
    app = make_desk_app(area="visitors")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#view-on-site", RecordList)
        listing.focus()
        keys = [listing.row_at(i).key for i in range(listing.total)]
        await pilot.press("down", "down")
        held = listing.current.key
        assert held == keys[2]
        gone = keys[0]
        await _another_desk(
            engine,
            lambda s: visitor_slips.check_out(
                session=s, actor=staff.supervisor, clock=clock, settings=settings, slip_id=gone
            ),
        )
        app.post_message(RecordsChanged())
        await settle(pilot)
        assert listing.total == len(slips) - 1
        assert listing.current.key == held  # not the next visitor at row 3


async def test_a_cancel_at_another_desk_keeps_the_board_cursor_on_its_order(
    make_desk_app, engine, clock, settings, staff
):
    from deskterm.services.repairs import status
    from deskterm.tui.messages import RecordsChanged
    from tests.services.test_repairs_support import create, make_repair_estate, order_in

    estate = make_repair_estate(engine)
    for _ in range(4):
        create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
        clock.advance(minutes=5)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen.query_one("#list-board")
        board.focus()
        keys = [board.row_at(i).key for i in range(board.total)]
        assert len(keys) == 4
        await pilot.press("down", "down")
        held = board.current.key
        assert held == keys[2]
        await _another_desk(
            engine,
            lambda s: status.cancel_order(
                session=s,
                actor=staff.supervisor,
                clock=clock,
                order_id=keys[0],
                version=None,
                reason="住户已自行修好",
            ),
        )
        app.post_message(RecordsChanged())
        await settle(pilot)
        assert board.total == 3
        assert board.current.key == held


async def test_a_check_out_at_another_desk_keeps_the_dashboard_cursor_on_its_visitor(
    make_desk_app, engine, clock, settings, staff
):
    from deskterm.services.visitors import slips as visitor_slips
    from deskterm.tui.messages import RecordsChanged
    from deskterm.tui.widgets.record_list import RecordList
    from tests.factories import make_estate
    from tests.tui.test_desk_safety import on_site_slips

    on_site_slips(
        engine, staff, clock, settings, make_estate(engine), ["张一", "张二", "张三", "张四"]
    )
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.category_id == "repairs"
        await pilot.press("down")  # Visitors on site
        await settle(pilot)
        assert app.screen.category_id == "visitors"
        await pilot.press("enter")  # into the list
        listing = app.screen.query_one("#items", RecordList)
        keys = [listing.row_at(i).key for i in range(listing.total)]
        assert len(keys) == 4
        await pilot.press("down", "down")
        held = listing.current.key
        assert held == keys[2]
        kind, gone = keys[0]  # rows are keyed (kind, id)
        assert kind == "visitor"
        await _another_desk(
            engine,
            lambda s: visitor_slips.check_out(
                session=s, actor=staff.supervisor, clock=clock, settings=settings, slip_id=gone
            ),
        )
        app.post_message(RecordsChanged())
        await settle(pilot)
        assert listing.total == 3
        assert listing.current.key == held


# == a closed shift, one's own handover, two posts (issue 14 as tried from outside) ==============
async def test_a_shift_closed_by_a_supervisor_signs_its_desk_out_at_its_next_save(
    make_desk_app, engine, clock, staff
):
    from deskterm.services.shift import duty

    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shift_id = app.actor.shift_id
        run_write(
            engine,
            lambda s: duty.close_abandoned(
                session=s,
                actor=staff.supervisor,
                clock=clock,
                settings=app.settings,
                shift_id=shift_id,
                reason="以为已下班",
            ),
        )
        before = _count_log(engine)
        app.screen.run_db(_add_entry(app, clock, "还在岗"))
        await settle(pilot)
        assert app.actor is None and not app.on_duty
        shown = " ".join(screen_text(app).split())
        assert "Your shift at 前台 was closed by a supervisor" in shown, shown
        assert "Your last action was not saved." in shown, shown
        assert _count_log(engine) == before


async def test_the_writer_of_a_waiting_handover_is_told_at_sign_in(engine, clock, settings, staff):
    from deskterm.services.shift import handover
    from tests.tui.conftest import start_shift_for
    from tests.tui.test_shift_flow import gate_app, sign_in

    outgoing = start_shift_for(engine, clock, settings, staff.operator)
    run_write(
        engine,
        lambda s: handover.sign(
            session=s,
            actor=outgoing,
            clock=clock,
            settings=settings,
            notices="",
            physical_items={"keys": 12, "blank_slips": 40},
        ),
    )
    app = gate_app(engine, clock, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "op1")
        shown = " ".join(screen_text(app).split())
        assert "Your handover of 11-28 10:00 waits for the" in shown, shown
        assert "its writer cannot take" in shown, shown
        assert app.actor is None and not app.on_duty
        assert run_read(engine, lambda s: duty_open(s, staff.operator.user_id)) == []


async def test_an_operator_on_duty_at_another_post_is_told_at_sign_in(
    engine, clock, settings, staff
):

    from tests.tui.conftest import start_shift_for
    from tests.tui.test_shift_flow import gate_app, sign_in

    start_shift_for(engine, clock, settings.replace(post="车库"), staff.operator)
    app = gate_app(engine, clock, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "op1")
        shown = " ".join(screen_text(app).split())
        assert "You are on duty at 车库 since 11-28 10:00" in shown, shown
        assert app.actor is None
        assert [
            s.post for s in run_read(engine, lambda s: duty_open(s, staff.operator.user_id))
        ] == ["车库"]


def duty_open(session, user_id: int):
    from sqlmodel import select

    from deskterm.models.shift import Shift, ShiftStatus

    return list(
        session.exec(
            select(Shift).where(Shift.operator_id == user_id, Shift.status == ShiftStatus.open)
        )
    )
