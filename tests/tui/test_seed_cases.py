"""The two cases of the source text, re-run end to end with keys only and with the links
between records (issue 21): case 1, the heating complaint linked to its repair order, each
showing the other, answered and called back; case 2, the lion dance as a public-area request
refused on the user handbook with help offered, the tenant's letter referring to it, the
manager's meeting, the outcome, the callback, the sign-off, and a later request that finds
the precedent."""

from __future__ import annotations

from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.models import Company, Resident
from deskterm.models.complaint import Complaint, ComplaintStatus
from deskterm.models.public_area import PublicAreaRequest
from deskterm.models.repair import RepairOrder
from deskterm.services.complaints import communications, links
from deskterm.services.complaints import queries as complaint_queries
from tests.services.test_complaints import add_unit
from tests.services.test_dashboard import add_repair
from tests.tui.conftest import SIZE, screen_text, settle


async def keys(pilot, *items: str) -> None:
    """Press keys; a non-ASCII string is typed character by character."""
    for item in items:
        if len(item) > 1 and not item.isascii():
            await pilot.press(*item)
        else:
            await pilot.press(item)
    await settle(pilot)


async def type_ascii(pilot, text: str) -> None:
    await pilot.press(*text)
    await settle(pilot)


def rows(engine, model):
    return run_read(engine, lambda s: list(s.exec(select(model).order_by(model.id))))


async def test_case_1_heating_complaint_and_its_repair(make_desk_app, engine, clock, staff):
    unit = add_unit(engine, "A-1203")
    owner = run_write(engine, lambda s: _add(s, Resident(name="王建国", unit_id=unit)))
    order_id = add_repair(engine, clock, staff.operator, "general", description="暖气不热")
    order = run_read(engine, lambda s: s.get(RepairOrder, order_id))
    app = make_desk_app(area="complaints")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # the angry call: who, which flat, what was said; kept open
        await keys(pilot, "ctrl+n", "王建国", "tab")
        await type_ascii(pilot, "A-1203")
        await keys(pilot, "tab", "暖气不热你们管不管", "ctrl+s")
        (c,) = rows(engine, Complaint)
        assert c.status == ComplaintStatus.open and c.unit_id is not None
        assert c.resident_id == owner  # issue 21: the resident on record, linked at the desk
        # L: link the repair order it concerns, typed in lower case as people do
        await keys(pilot, "enter", "l")
        await type_ascii(pilot, order.number.lower())
        await keys(pilot, "enter")
        assert [r.id for r in run_read(engine, lambda s: links.repairs_of(s, c.id))] == [order_id]
        assert f"Repair {order.number}" in screen_text(app)
        assert "On record: resident 王建国 (A-1203)" in screen_text(app)
        # the repairs area shows the complaint on the order
        await keys(pilot, "f5")
        await keys(pilot, "ctrl+f")
        await type_ascii(pilot, order.number)
        await keys(pilot, "enter")
        assert f"Complaints: {c.number}" in screen_text(app)
        # back: the answer after the repair, then the callback before the shift ends
        await keys(pilot, "f6")
        await keys(pilot, "enter", "a", "维修员已修好暖气", "tab", "enter", "enter", "ctrl+s")
        c = rows(engine, Complaint)[0]
        assert c.status == ComplaintStatus.closed
        clock.advance(hours=3)
        await keys(
            pilot, "ctrl+t", "enter", "enter", "down", "down", "enter", "ctrl+s"
        )  # satisfied, chosen
        detail = run_read(engine, lambda s: complaint_queries.complaint_detail(s, c.id))
        assert [cb.result for cb in detail.callbacks] == ["satisfied"]
        assert [r.number for r in detail.repairs] == [order.number]


async def test_a_repair_of_another_unit_is_linked_after_the_desk_confirms(
    make_desk_app, engine, clock, staff
):
    """Issue 21, finding 9: the link dialog warns, naming both units, and keeps the number;
    Enter again links it, and the complaint shows the repair as of another unit."""
    add_unit(engine, "10-1404")
    order_id = add_repair(engine, clock, staff.operator, "general", description="楼上漏水")
    order = run_read(engine, lambda s: s.get(RepairOrder, order_id))
    add_unit(engine, "9-102")
    app = make_desk_app(area="complaints")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+n", "丁萍", "tab")
        await type_ascii(pilot, "9-102")
        await keys(pilot, "tab", "天花板渗水", "ctrl+s")
        (c,) = rows(engine, Complaint)
        await keys(pilot, "enter", "l")
        await type_ascii(pilot, order.number)
        await keys(pilot, "enter")
        assert run_read(engine, lambda s: links.repairs_of(s, c.id)) == []
        assert type(app.screen).__name__ == "ReasonDialog"
        error = app.screen.query_one("FormField").error
        assert "10-1404" in error and "9-102" in error, error
        assert app.screen.query_one("FormField").value == order.number  # kept as typed
        await keys(pilot, "enter")  # the same number again: confirmed
        [linked] = run_read(engine, lambda s: links.repairs_of(s, c.id))
        assert linked.cross_unit and linked.id == order_id
        assert "(another unit)" in screen_text(app)


async def test_case_2_lion_dance_end_to_end(make_desk_app, engine, clock):
    unit = add_unit(engine, "A-1501")
    company = run_write(engine, lambda s: _add(s, Company(name="华信科技有限公司", unit_id=unit)))
    app = make_desk_app(area="complaints")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        # 1. the request to use the lobby, a record of its own (the fourth list)
        await keys(pilot, "ctrl+t", "ctrl+t", "ctrl+t", "ctrl+n", "华信科技有限公司", "tab")
        await type_ascii(pilot, "a-1501")
        await keys(pilot, "tab", "大堂", "tab")
        await type_ascii(pilot, "11-30 10:00")
        await keys(pilot, "tab", "开业典礼在大堂舞狮表演放气球", "ctrl+s")
        (request,) = rows(engine, PublicAreaRequest)
        assert (request.area, request.decision) == ("大堂", "pending")
        # issue 21: the company on record for the unit and name is linked, and shown
        assert (request.company_id, request.unit_id) == (company, unit)
        assert "On record: company 华信科技有限公司" in screen_text(app)
        # refused on the user handbook, with every other help offered
        await keys(
            pilot,
            "enter",
            "tab",
            "《大厦用户手册》办公时间公共场所不得喧哗",
            "tab",
            "欢迎标志引导标志保安保洁同意使用大堂讲话",
            "ctrl+s",
        )
        request = rows(engine, PublicAreaRequest)[0]
        assert request.decision == "refused" and "用户手册" in request.rule_cited
        assert "保安" in request.help_offered
        clock.advance(days=1)
        # 2. the complaint letter: a company, by letter, important, referred to the manager
        await keys(pilot, "ctrl+t", "ctrl+n", "华信科技有限公司", "tab")
        await type_ascii(pilot, "A-1501")
        await keys(
            pilot,
            "tab",
            "来函投诉管理处拒绝开业舞狮",
            "tab",
            "tab",
            "enter",
            "down",
            "enter",
            "tab",
            "tab",
            "管理处张经理",
            "tab",
            "tab",
            "enter",
            "down",
            "enter",
            "tab",
            "enter",
            "down",
            "down",
            "enter",
            "ctrl+s",
        )
        (letter,) = rows(engine, Complaint)
        assert (letter.who_kind, letter.channel) == ("company", "letter")
        assert letter.company_id == company  # issue 21: the same company, on record
        # P: the letter refers to the request
        await keys(pilot, "enter", "p")
        await type_ascii(pilot, request.number)
        await keys(pilot, "enter")
        assert rows(engine, Complaint)[0].public_request_id == request.id
        assert f"Public-area request {request.number}" in screen_text(app)
        # 3. the manager's meeting (M) and the step taken (S)
        clock.advance(hours=4)
        await keys(
            pilot,
            "enter",
            "m",
            "张经理约见租户解释规定",
            "tab",
            "尽力配合开业典礼舞狮不予批准",
            "ctrl+s",
        )
        await keys(pilot, "enter", "s", "张经理有理有据说服租户放弃舞狮", "ctrl+s")
        # 4. the outcome, in person, closed; 5. the callback, satisfied
        await keys(
            pilot,
            "enter",
            "a",
            "租户放弃舞狮其余协助照常",
            "tab",
            "enter",
            "down",
            "enter",
            "ctrl+s",
        )
        letter = rows(engine, Complaint)[0]
        assert letter.status == ComplaintStatus.closed and letter.answer_how == "in_person"
        clock.advance(days=2)
        await keys(
            pilot, "ctrl+t", "enter", "enter", "down", "down", "enter", "ctrl+s"
        )  # satisfied, chosen
        # 6. a month later another tenant asks for a lion dance: the precedent is found
        clock.advance(days=30)
        await keys(
            pilot,
            "ctrl+t",
            "ctrl+t",
            "ctrl+n",
            "另一家公司",
            "tab",
            "tab",
            "广场",
            "tab",
            "tab",
            "周年庆舞狮",
            "ctrl+s",
        )
        later = rows(engine, PublicAreaRequest)[-1]
        assert later.precedent_id == request.id
        await keys(pilot, "ctrl+l")  # all requests, not only undecided ones
        await keys(pilot, "ctrl+f", "舞狮", "enter")
        found = app.screen.query_one("#list-areas")
        assert found.total == 2
        text = screen_text(app)
        assert "Precedent" in text and request.number in text
    linked = run_read(
        engine, lambda s: communications.list_communications(s, complaint_id=letter.id)
    )
    assert len(linked) == 1
    # the supervisor signs the letter off
    sup = make_desk_app(area="complaints", role="supervisor")
    async with sup.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+l", "ctrl+l", "enter", "o", "y")
    letter = rows(engine, Complaint)[0]
    assert letter.status == ComplaintStatus.signed_off
    steps = [
        st.step for st in run_read(engine, lambda s: complaint_queries.list_steps(s, letter.id))
    ]
    assert steps == ["listened", "referred", "action", "closed", "signed_off"]


def _add(s, row):
    s.add(row)
    s.flush()
    return row.id
