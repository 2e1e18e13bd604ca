"""Issue 21 at the keyboard: a call before the visit (reported time), an appointment after the
deadline confirmed by saving twice, repeats of another category shown, link and unlink after
intake, dispatch from the engineer list with a late dispatch flagged, the settlement and who
bears the cost, the quotation of a long job, a fractional quantity (D-31, D-34 to D-37)."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.models.repair import RepairFeeLine, RepairStatus
from deskterm.services.repairs import engineers, fees, settlement, status
from tests.services.test_repairs_support import (
    create,
    make_repair_estate,
    order_in,
    reload,
    repair_fully,
    sh,
)
from tests.tui.conftest import SIZE, settle
from tests.tui.test_repairs import Keys, board, orders


async def test_a_call_before_the_visit_is_taken_with_its_time(make_desk_app, engine, clock):
    make_repair_estate(engine)  # clock: 11-28 10:00 desk time
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys(
            "ctrl+n",
            "=3-1203",
            "tab",
            "tab",
            "tab",
            "=nqbr",
            "tab",
            "=暖气不热",
            "tab",
            "tab",
            "=09:20",
            "ctrl+s",
        )
        assert keys.count <= 15, keys.count
        [order] = orders(engine)
        assert order.reported_at == sh(2026, 11, 28, 9, 20)
        assert order.fix_due_at == sh(2026, 12, 1, 9, 20)  # the clock ran from the call


async def test_a_reported_time_in_the_future_is_refused_not_moved(make_desk_app, engine, clock):
    """Issue 21 (outside test): "11-29 09:00" typed at 11-28 10:00 (less than a day ahead) was
    saved as 11-28 09:00. A typed date is never moved: the future is refused, nothing lost."""
    make_repair_estate(engine)  # clock: 11-28 10:00 desk time
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys(
            "ctrl+n",
            "=3-1203",
            "tab",
            "tab",
            "tab",
            "=nqbr",
            "tab",
            "=暖气不热",
            "tab",
            "tab",
            "=11-29 09:00",
            "ctrl+s",
        )
        assert orders(engine) == []
        assert "cannot be in the future" in app.screen.query_one("#field-reported-at").error
        assert app.screen.query_one("#field-reported-at").value == "11-29 09:00"


async def test_a_reported_time_of_day_later_than_now_is_refused_not_moved(
    make_desk_app, engine, clock
):
    """Issue 21 #3 (outside test): "21:00" typed at 20:01 was saved as yesterday's 21:00, 23 h
    off the clock (D-31). A time alone is today's: later than now, it is refused with the
    sentence of a future date; nothing typed is lost."""
    make_repair_estate(engine)  # clock: 11-28 10:00 desk time
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys(
            "ctrl+n",
            "=3-1203",
            "tab",
            "tab",
            "tab",
            "=nqbr",
            "tab",
            "=暖气不热",
            "tab",
            "tab",
            "=11:00",
            "ctrl+s",
        )
        assert orders(engine) == []
        assert "cannot be in the future" in app.screen.query_one("#field-reported-at").error
        assert app.screen.query_one("#field-reported-at").value == "11:00"


async def test_an_appointment_after_the_deadline_is_saved_only_when_confirmed(
    make_desk_app, engine, clock
):
    make_repair_estate(engine)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys(
            "ctrl+n",
            "=3-1203",
            "tab",
            "tab",
            "tab",
            "=nqbr",
            "tab",
            "=暖气不热",
            "tab",
            "=12-02 09:00",
        )
        warning = str(app.screen.query_one("#appointment-warning").render())
        assert "After the fix deadline" in warning  # warned as it is typed
        await keys("ctrl+s")
        assert orders(engine) == []
        assert "resident chose" in app.screen.query_one("#field-appointment-at").error
        await keys("ctrl+s")  # the resident chose it
        [order] = orders(engine)
        assert order.appointment_after_deadline
        assert order.appointment_at == sh(2026, 12, 2, 9, 0)


async def test_repeats_of_another_category_are_shown_at_intake(
    make_desk_app, engine, clock, settings, staff
):
    estate = make_repair_estate(engine)
    clock.advance(days=-10)
    leak = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(estate.unit_1203, "burst_pipe", description="水表处漏水"),
    )
    repair_fully(engine, clock, settings, staff.operator, leak.id)
    clock.advance(days=10)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys("ctrl+n", "=3-1203", "tab", "tab", "tab", "=nqbr")
        shown = str(app.screen.query_one("#other-repeats").render())
        assert leak.number in shown and "水表处漏水" in shown
        assert app.screen.query_one("#warranty-line").render().plain == ""  # not linked


async def test_link_and_unlink_a_warranty_repeat_after_intake(
    make_desk_app, engine, clock, settings, staff
):
    estate = make_repair_estate(engine)
    clock.advance(days=-20)
    first = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    repair_fully(engine, clock, settings, staff.operator, first.id)
    clock.advance(days=20)
    repeat = create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(estate.unit_1203, warranty_opt_out_reason="以为是新故障"),
    )
    assert repeat.warranty_of_id is None
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys("ctrl+g", "l")  # link to the repair under warranty
        assert reload(engine, repeat.id).warranty_of_id == first.id
        assert "W" in str(board(app).current.cells[4])
        await keys("ctrl+g", "l", "=人为损坏", "enter")  # unlink, with the reason
        order = reload(engine, repeat.id)
        assert order.warranty_of_id is None and order.warranty_opt_out_reason == "人为损坏"


async def test_dispatch_names_an_engineer_of_the_list_and_late_dispatch_is_flagged(
    make_desk_app, engine, clock, settings, staff
):
    estate = make_repair_estate(engine)
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    clock.advance(minutes=settings.dispatch_minutes + 5)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        assert "unsent" in str(board(app).current.cells[5])  # D-36: at once
        await keys("enter")
        hint = str(app.screen.query_one("#step-hint").render())
        assert "王师傅" in hint and "on duty" in hint and "off duty" in hint  # 老周 is off
        await keys("ctrl+u", "=隔壁老王", "ctrl+s")
        assert "not on the list" in app.screen.query_one("#field-assignee").error
        await keys("ctrl+u", "=王师傅", "ctrl+s")
        order = reload(engine, order.id)
        assert order.status == RepairStatus.dispatched and order.engineer_id is not None
        assert str(board(app).current.cells[5]) == "王师傅"


async def test_the_dispatch_list_of_engineers_fits_80x24_without_wrapping(
    make_desk_app, engine, clock, settings, staff
):
    """Issue 21, finding 6: with many engineers, long names and trades, the dispatch dialog's
    list is a table whose every line fits the dialog: nothing wraps, nothing is cut off, the
    field to type in stays on screen, and what does not fit is counted."""
    from rich.cells import cell_len

    from deskterm.tui.dialogs.repair_step import HINT_WIDTH

    estate = make_repair_estate(engine)
    for n in range(9):
        run_write(
            engine,
            lambda s, n=n: engineers.add_engineer(
                session=s,
                actor=staff.supervisor,
                clock=clock,
                name=f"欧阳师傅{n}号长名字",
                trade="水电暖通综合维修",
                on_duty=n % 2 == 0,
            ),
        )
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await Keys(pilot)("enter")
        hint = app.screen.query_one("#step-hint")
        lines = str(hint.render()).splitlines()
        assert all(cell_len(line) <= HINT_WIDTH for line in lines), lines
        assert hint.size.height == len(lines)  # not one line wrapped
        assert hint.size.width >= max(cell_len(line) for line in lines)
        assert "王师傅" in lines[1] and lines[-1].startswith("+4 more")  # 13 engineers, 9 shown
        field = app.screen.query_one("#field-assignee")
        assert field.region.bottom <= SIZE[1] and field.region.height > 0
        await Keys(pilot)("ctrl+u", "=欧阳师傅8号长名字", "ctrl+s")
        assert reload(engine, order.id).assignee == "欧阳师傅8号长名字"


async def test_settlement_and_cost_bearer_from_the_actions_menu(
    make_desk_app, engine, clock, settings, staff
):
    estate = make_repair_estate(engine)
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    run_write(
        engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            order_id=order.id,
            version=None,
            code="F011",
            quantity="1.5",
        ),
    )
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys("ctrl+g", "s", "tab", "=SJ-0009", "ctrl+s")  # not accepted yet: refused
        assert reload(engine, order.id).settlement == "unpaid"
        assert "not accepted the fee" in app.screen.query_one("#field-settlement").error
        await keys("escape", "y")  # throw the refused form away
        await keys("ctrl+g", "g", "tab", "=FY-0009", "ctrl+s")  # D-34: the fee accepted first
        assert reload(engine, order.id).fee_form_no == "FY-0009"
        await keys("ctrl+g", "s", "tab", "=SJ-0009", "ctrl+s")  # paid at the desk, today
        order = reload(engine, order.id)
        assert (order.settlement, order.receipt_no, order.settled_at) == (
            "paid",
            "SJ-0009",
            clock.now(),
        )
        await keys("ctrl+g", "c", "ctrl+s")  # the owner (first in the list)
        assert reload(engine, order.id).cost_bearer == "owner"
        detail = str(app.screen.query_one("#repairs-detail").render())
        assert "paid at the desk SJ-0009" in detail and "borne by owner" in detail
        # Issue 21 #2: a fee line after the payment: unpaid again, never "paid" for 115.00.
        await keys("ctrl+g", "f", "=F001", "ctrl+s")
        order = reload(engine, order.id)
        assert (order.settlement, order.receipt_no) == ("unpaid", None)
        detail = str(app.screen.query_one("#repairs-detail").render())
        assert "paid at the desk" not in detail and "unpaid" in detail


async def test_a_long_job_is_quoted_before_the_work_is_done(
    make_desk_app, engine, clock, settings, staff
):
    estate = make_repair_estate(engine)
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203, "roof_leak"))
    repair_on_site = [
        lambda s: status.dispatch(
            session=s,
            actor=staff.operator,
            clock=clock,
            order_id=order.id,
            version=None,
            assignee="王师傅",
        ),
        lambda s: status.record_arrival(
            session=s, actor=staff.operator, clock=clock, order_id=order.id, version=None
        ),
    ]
    for step in repair_on_site:
        run_write(engine, step)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys("ctrl+g", "t", "=3", "ctrl+s")  # three work-days
        assert reload(engine, order.id).estimate_days == Decimal(3)
        await keys("enter")  # the next step is the quotation, not the work
        await keys("=1500", "tab", "=BJ-1", "ctrl+s")
        await keys("enter", "ctrl+s")  # the resident (the reporter) accepts it
        order = reload(engine, order.id)
        assert (order.quote_fen, order.quote_no, order.quote_accepted_by_name) == (
            150000,
            "BJ-1",
            "张伟",
        )
        await keys("enter", "=屋面防水重做", "ctrl+s")
        assert reload(engine, order.id).status == RepairStatus.repaired


async def test_a_fee_of_one_and_a_half_hours(make_desk_app, engine, clock, settings, staff):
    estate = make_repair_estate(engine)
    create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys("ctrl+g", "f", "=F011", "tab", "ctrl+u", "=1.5", "ctrl+s")
        [line] = run_read(engine, lambda s: s.exec(select(RepairFeeLine)).all())
        assert (line.quantity, line.amount_fen) == (Decimal("1.5"), 6000)
        await keys("ctrl+g", "f", "=F011", "tab", "ctrl+u", "=1.555", "ctrl+s")
        assert "0.01 to 10000" in app.screen.query_one("#field-quantity").error
        assert len(run_read(engine, lambda s: s.exec(select(RepairFeeLine)).all())) == 1


async def test_lowering_a_quoted_estimate_asks_why_and_the_order_shows_it(
    make_desk_app, engine, clock, settings, staff
):
    """Issue 21 #5 (outside test): `t` 3 work-days, on site, `w` refused for the quotation,
    then `t` 1 and `w` went through with no reason and nothing flagged (D-34)."""
    estate = make_repair_estate(engine)
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203, "roof_leak"))
    for step in (
        lambda s: settlement.set_estimate(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            order_id=order.id,
            version=None,
            days="3",
        ),
        lambda s: status.dispatch(
            session=s,
            actor=staff.operator,
            clock=clock,
            order_id=order.id,
            version=None,
            assignee="王师傅",
        ),
        lambda s: status.record_arrival(
            session=s, actor=staff.operator, clock=clock, order_id=order.id, version=None
        ),
    ):
        run_write(engine, step)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys("ctrl+g", "t", "ctrl+u", "=1", "ctrl+s")
        assert reload(engine, order.id).estimate_days == Decimal(3)
        assert "say why" in app.screen.query_one("#field-estimate-reason").error
        assert app.screen.query_one("#field-estimate-days").value == "1"  # nothing lost
        await keys("=现场只需局部修补", "ctrl+s")  # the refused field has the focus
        order = reload(engine, order.id)
        assert order.estimate_days == Decimal(1) and order.quote_fen is None
        detail = str(app.screen.query_one("#repairs-detail").render())
        assert "no quotation: estimate lowered (现场只需局部修补)" in detail


async def test_a_fee_with_no_item_chosen_is_refused_not_the_first_of_the_schedule(
    make_desk_app, engine, clock, settings, staff
):
    """Outside test: Ctrl+G, `f`, Ctrl+S with the item left empty added "F001 更换水龙头×1
    55.00", the schedule's first line. Nothing typed is nothing chosen: refused on the item;
    ↓ chooses (the first item shown), typing chooses by code or name."""
    estate = make_repair_estate(engine)
    create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    app = make_desk_app(area="repairs", lang="zh_CN")
    lines = lambda: run_read(engine, lambda s: s.exec(select(RepairFeeLine)).all())  # noqa: E731
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys("ctrl+g", "f", "ctrl+s")
        assert type(app.screen).__name__ == "RepairFeeDialog"  # still open, nothing added
        assert "选择" in app.screen.query_one("#field-code").error
        assert lines() == []
        await keys("down")  # browsing the schedule is a choice: its first item, shown
        shown = str(app.screen.query_one("#item-match").render())
        assert "F001" in shown, shown
        assert app.screen.query_one("#field-code").error == ""  # chosen: the refusal goes
        await keys("ctrl+s")
        [line] = lines()
        assert line.code == "F001"
        await keys("ctrl+g", "f", "=F011", "ctrl+s")  # a code typed is chosen as before
        assert sorted(x.code for x in lines()) == ["F001", "F011"]
