"""The repairs area driven with keys only (D-30 to D-38, case 1): intake within 15 keys, the
seed's case 1 end to end, an off-schedule fee waiting for review, a warranty repeat, a
dissatisfied callback reopening the order, a stale concurrent edit refused."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.models.complaint import Callback
from deskterm.models.repair import FeeReview, RepairFeeLine, RepairOrder, RepairStatus
from deskterm.models.shift import Shift
from deskterm.services.repairs import fees, status
from tests.services.test_repairs_support import (
    create,
    make_repair_estate,
    order_in,
    reload,
    repair_fully,
)
from tests.tui.conftest import SIZE, settle
from tests.tui.notices import shown_notices


class Keys:
    """Press keys; a string of more than one character is typed (and not counted)."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def __call__(self, *items: str) -> None:
        for item in items:
            if item.startswith("="):  # typed text, e.g. "=3-1203"
                await self.pilot.press(*item[1:])
            else:
                self.count += 1
                await self.pilot.press(item)
            await settle(self.pilot)


def orders(engine) -> list[RepairOrder]:
    return run_read(engine, lambda s: s.exec(select(RepairOrder).order_by(RepairOrder.id)).all())


def board(app):
    return app.screen.query_one("#list-board")


async def test_household_intake_takes_at_most_15_keys(make_desk_app, engine, clock):
    estate = make_repair_estate(engine)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys(
            "ctrl+n", "=3-1203", "tab", "tab", "tab", "=nqbr", "tab", "=卧室暖气片不热", "ctrl+s"
        )
        assert keys.count <= 15, keys.count
        [order] = orders(engine)
        assert order.number == "R20261128-0001" and order.unit_id == estate.unit_1203
        assert order.category_code == "heating_not_warm" and order.repair_class == "general"
        assert order.reporter_name == "张伟" and order.reporter_contact == "13812345678"
        assert order.fix_due_at == clock.now() + timedelta(hours=72)
        # The deadlines are shown at once, with the work order to print or save.
        summary = str(app.screen.query_one("#print-summary").render())
        assert "R20261128-0001" in summary and "2026-12-01 10:00" in summary
        await keys("escape")
        assert board(app).current.key == order.id
        assert "3d 00:00" in str(board(app).current.cells[-1])


async def test_a_refused_intake_keeps_what_was_typed(make_desk_app, engine):
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
            "=暖气",
            "tab",
            "=不热",
            "tab",
            "=10:00",
            "ctrl+s",
        )  # an appointment that is already past
        field = app.screen.query_one("#field-appointment-at")
        assert "future" in field.error
        assert app.screen.query_one("#unit-input").value == "3-1203"
        assert app.screen.query_one("#description-input").text == "不热"  # a text area (issue 15)
        assert orders(engine) == []


async def test_case_1_heating_not_warm_end_to_end(make_desk_app, engine, clock, settings):
    """Case 1: reported by phone, engineer radioed, on site, repaired about an hour later,
    and the operator calls back before the shift ends."""
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
            "=暖气不热",
            "tab",
            "=客厅暖气片不热，业主很生气",
            "ctrl+s",
            "escape",
        )
        [order] = orders(engine)
        clock.advance(minutes=10)
        await keys("enter", "=王师傅", "ctrl+s")  # dispatch (the engineer finishes a job first)
        assert reload(engine, order.id).status == RepairStatus.dispatched
        clock.advance(minutes=30)
        await keys("enter", "ctrl+s")  # on site now
        clock.advance(minutes=20)
        await keys("enter", "=放气阀排气，恢复供暖", "tab", "=无", "ctrl+s")  # work done
        order = reload(engine, order.id)
        assert order.status == RepairStatus.repaired and order.assignee == "王师傅"
        assert order.repaired_at - order.reported_at == timedelta(hours=1)
        assert board(app).total == 0  # repaired: off the deadline board
        clock.advance(minutes=30)
        await keys("ctrl+t")  # the repair callbacks
        queue = app.screen.query_one("#list-callbacks")
        assert queue.total == 1 and queue.current.cells[1] == order.number
        await keys("enter", "enter", "down", "down", "enter", "ctrl+s")  # phone; satisfied chosen
        callback = run_read(engine, lambda s: s.exec(select(Callback)).one())
        shift = run_read(engine, lambda s: s.get(Shift, app.actor.shift_id))
        assert callback.result == "satisfied" and callback.done_at is not None
        assert callback.done_at < shift.started_at + timedelta(hours=12)  # before shift end
        assert reload(engine, order.id).status == RepairStatus.called_back


async def _order_on_site(engine, clock, settings, actor, estate, category="minor_other"):
    order = create(
        engine,
        clock,
        settings,
        actor,
        order_in(estate.unit_1203, category, description="橱柜铰链断裂"),
    )
    run_write(
        engine,
        lambda s: status.dispatch(
            session=s, actor=actor, clock=clock, order_id=order.id, version=None, assignee="王师傅"
        ),
    )
    run_write(
        engine,
        lambda s: status.record_arrival(
            session=s, actor=actor, clock=clock, order_id=order.id, version=None
        ),
    )
    return reload(engine, order.id)


async def test_an_off_schedule_fee_waits_for_the_supervisors_review(
    make_desk_app, engine, clock, settings, staff
):
    estate = make_repair_estate(engine)
    order = await _order_on_site(engine, clock, settings, staff.operator, estate)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys(
            "ctrl+g",
            "f",
            "ctrl+t",
            "=更换橱柜拉篮",
            "tab",
            "=套",
            "tab",
            "tab",
            "=80",
            "tab",
            "=120.50",
            "ctrl+s",
        )
        [line] = run_read(engine, lambda s: s.exec(select(RepairFeeLine)).all())
        assert line.review == FeeReview.pending and line.amount_fen == 20050
        assert "¥?" in str(board(app).current.cells[4])
        await keys("enter")  # the next step is refused while the fee waits
        assert reload(engine, order.id).status == RepairStatus.on_site
        assert any("review" in m for m in shown_notices(app))
    sup = make_desk_app(area="repairs", role="supervisor")
    async with sup.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys("ctrl+t", "ctrl+t")  # fee reviews
        assert sup.screen.query_one("#list-reviews").total == 1
        await keys("enter", "tab", "ctrl+u", "=100", "ctrl+s")  # materials corrected, approved
        line = run_read(engine, lambda s: s.get(RepairFeeLine, line.id))
        assert line.review == FeeReview.approved and line.amount_fen == 18000
        assert sup.screen.query_one("#list-reviews").total == 0


async def test_the_fee_is_accepted_before_the_work_is_done(
    make_desk_app, engine, clock, settings, staff
):
    estate = make_repair_estate(engine)
    order = await _order_on_site(
        engine, clock, settings, staff.operator, estate, "heating_not_warm"
    )
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys("ctrl+g", "f", "=F017", "ctrl+s")  # a schedule item at today's price
        await keys("enter", "tab", "=No.0031", "ctrl+s")  # next step: the fee acceptance
        order = reload(engine, order.id)
        assert (order.fee_accepted_by_name, order.fee_form_no, order.fee_accepted_fen) == (
            "张伟",
            "No.0031",
            7300,
        )
        await keys("enter", "=换阀门", "ctrl+s")
        assert reload(engine, order.id).status == RepairStatus.repaired


async def test_a_warranty_repeat_is_linked_by_default(
    make_desk_app, engine, clock, settings, staff
):
    estate = make_repair_estate(engine)
    clock.advance(days=-20)
    first = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    repair_fully(engine, clock, settings, staff.operator, first.id)
    clock.advance(days=20)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys("ctrl+n", "=3-1203", "tab", "tab", "tab", "=暖气不热", "tab", "=又不热了")
        line = str(app.screen.query_one("#warranty-line").render())
        assert first.number in line and "Ctrl+L unlinks" in line  # D-35: linked by default
        await keys("ctrl+s")
        repeat = orders(engine)[-1]
        assert repeat.warranty_of_id == first.id
        assert "charged nothing" in str(app.screen.query_one("#print-summary").render())
        await keys("escape", "ctrl+g", "f", "=F016", "ctrl+s")
        total = run_read(engine, lambda s: fees.order_totals(s, repeat.id))
        assert (total.total_fen, total.waived_fen) == (0, 2000)
        assert "W" in str(board(app).current.cells[4])


async def test_a_dissatisfied_callback_reopens_the_order(
    make_desk_app, engine, clock, settings, staff
):
    estate = make_repair_estate(engine)
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    repair_fully(engine, clock, settings, staff.operator, order.id)
    clock.advance(hours=2)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        assert board(app).total == 0
        await keys("ctrl+t", "enter")
        # result: none chosen yet -> dissatisfied (past "no answer", satisfied, fairly), then the
        # person, then the comment
        await keys(
            "enter", "down", "down", "down", "down", "enter", "tab", "tab", "=还是不热", "ctrl+s"
        )
        order = reload(engine, order.id)
        assert order.status == RepairStatus.reported and order.reopen_count == 1
        await keys("ctrl+t", "ctrl+t", "ctrl+t")  # back to the deadline board
        assert board(app).total == 1 and "↻1" in str(board(app).current.cells[4])


async def test_a_stale_concurrent_edit_is_refused_with_what_changed(
    make_desk_app, engine, clock, settings, staff
):
    estate = make_repair_estate(engine)
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        assert board(app).current.data.version == 1  # this desk saw version 1
        # Meanwhile the other desk dispatches it.
        run_write(
            engine,
            lambda s: status.dispatch(
                session=s,
                actor=staff.supervisor,
                clock=clock,
                order_id=order.id,
                version=1,
                assignee="李师傅",
            ),
        )
        await keys("ctrl+g", "x", "=住户说不用修了", "enter")
        order = reload(engine, order.id)
        assert order.status == RepairStatus.dispatched and order.assignee == "李师傅"
        messages = shown_notices(app)
        assert any("Another desk changed" in m and "李师傅" in m for m in messages), messages


async def test_unlinking_a_warranty_repeat_at_intake_needs_a_reason(
    make_desk_app, engine, clock, settings, staff
):
    estate = make_repair_estate(engine)
    clock.advance(days=-20)
    first = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    repair_fully(engine, clock, settings, staff.operator, first.id)
    clock.advance(days=20)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys(
            "ctrl+n", "=3-1203", "tab", "tab", "tab", "=暖气不热", "tab", "=又不热了", "ctrl+l"
        )
        assert app.focused.id == "warranty-opt-out-reason-input"
        await keys("ctrl+s")  # no reason: refused, nothing saved
        assert "why" in app.screen.query_one("#field-warranty-opt-out-reason").error
        assert len(orders(engine)) == 1
        await keys("=住户自己换了阀门", "ctrl+s")
        repeat = orders(engine)[-1]
        assert (
            repeat.warranty_of_id is None and repeat.warranty_opt_out_reason == "住户自己换了阀门"
        )


async def test_a_full_phone_on_a_work_order_asks_why_and_is_audited(make_desk_app, engine, clock):
    """Issue 19: Ctrl+L on the print dialog asks for a reason, like a reveal; the save is audited
    with it. Escape on the question leaves the phone masked."""
    from deskterm.models.audit import AuditEvent
    from deskterm.services.repairs.order_print import orders_folder

    make_repair_estate(engine)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys(
            "ctrl+n", "=3-1203", "tab", "tab", "tab", "=nqbr", "tab", "=卧室暖气片不热", "ctrl+s"
        )
        await keys("ctrl+l")
        assert "Why print" in str(app.screen.query_one("#reason-question").render())
        await keys("escape")
        assert "masked" in str(app.screen.query_one("#print-phone").render())
        await keys("ctrl+l", "=工程部要约上门时间", "enter")
        assert "in full" in str(app.screen.query_one("#print-phone").render())
        await keys("t")
        await pilot.pause(0.3)
        await settle(pilot)
    [order] = orders(engine)
    printed = run_read(
        engine,
        lambda s: [
            e.detail
            for e in s.exec(select(AuditEvent).where(AuditEvent.action == "repair.phone_printed"))
        ],
    )
    assert printed == [{"number": order.number, "reason": "工程部要约上门时间"}]
    saved = (orders_folder() / f"{order.number}.txt").read_text(encoding="utf-8")
    assert "13812345678" in saved


async def test_a_long_description_cut_at_the_edge_says_so_and_f12_reads_it(
    make_desk_app, engine, clock, settings, staff
):
    """Issue 15 (text2, item 8): the repairs detail pane keeps each line to one row and cut
    the description with "…" without a word: it says so and names F12, which reads it all."""
    from deskterm.tui.dialogs.text_view import TextViewDialog
    from deskterm.tui.widgets.detail import DetailPane

    estate = make_repair_estate(engine)
    description = "厨房水龙头" + "一直滴水" * 40 + "末尾"
    create(
        engine,
        clock,
        settings,
        staff.operator,
        order_in(estate.unit_1203, "minor_other", description=description),
    )
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one("#repairs-detail", DetailPane)
        assert pane.cut and "F12: read all" in str(pane.render())
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, TextViewDialog)
        assert "末尾" in str(app.screen.query_one("#text-view Static").render())
