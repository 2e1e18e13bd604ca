"""The visitors desk, driven by keys only (Pilot): register, host refusal, check-out by slip
number, lost slip, expected visitor, deny-list match; the database rows are checked, and the
keys of the frequent tasks are counted."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.models.audit import AuditEvent
from deskterm.models.shift import LogbookEntry
from deskterm.models.visitor import ExpectedVisitorCreate, SlipStatus, VisitorSlip
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.deny import add_deny_entry
from deskterm.services.visitors.expected import add_expected
from deskterm.tui.widgets.field import FormField
from tests.factories import make_estate, valid_resident_id, walk_in
from tests.tui.conftest import SIZE, screen_text, settle
from tests.tui.notices import shown_notices

ID_NUMBER = valid_resident_id(7)


@pytest.fixture
def estate(engine):
    return make_estate(engine)


def slips(engine):
    return run_read(engine, lambda s: list(s.exec(select(VisitorSlip).order_by(VisitorSlip.id))))


class Keys:
    """Presses keys and counts those that are not text typed into a field."""

    def __init__(self, pilot):
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)
        await settle(self.pilot)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)
        await settle(self.pilot)


async def test_walk_in_found_by_pinyin_in_few_keys(make_desk_app, engine, estate):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("ctrl+n")
        await keys.type("王五")
        await keys.press("enter")  # -> people (1)
        await keys.press("enter")  # -> document type (resident ID card)
        await keys.press("tab")  # -> number
        await keys.type(ID_NUMBER)
        await keys.press("enter")  # -> visiting
        await keys.type("zs")
        await keys.press("enter")  # take 12-1203 张三
        await keys.press("ctrl+s")  # check the form -> host call
        await keys.press("a")  # the host agreed
        assert keys.count <= 12, keys.count
        (slip,) = slips(engine)
        assert slip.number == "V20261128-0001" and slip.visitor_name == "王五"
        assert slip.host_resident_id == estate.zhang_san and slip.host_text == "12-1203 张三"
        assert slip.doc_masked == f"resident_id ****{ID_NUMBER[-4:]}"
        assert (slip.host_call_method, slip.host_call_result) == ("phone", "agreed")
        # the number is shown large and the slip-number field is ready for the next scan
        assert app.screen.query_one("#issued-banner").display
        assert app.focused.id == "number-input"


async def test_bad_id_number_keeps_the_form(make_desk_app, engine, estate):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"王五", "enter", "enter", "tab", *(ID_NUMBER[:-1] + "0"))
        await pilot.press("enter", *"zs", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "RegisterSlipDialog"
        assert "check character" in str(form.query_one("#field-doc-number").error)
        assert form.query_one("#visitor-name-input").value == "王五"
        assert form.query_one("#host-input").value == "12-1203 张三"
        assert slips(engine) == []


async def test_host_refuses_no_slip_and_a_logbook_line(make_desk_app, engine, estate):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"陌生人", "enter", "enter")
        await pilot.press("enter", "down", "down", "down", "down", "down", "down", "enter")
        await settle(pilot)  # document type: No document
        await pilot.press("tab", *"1203")
        await settle(pilot)
        await pilot.press("down", "enter")  # 12-1203 李四 (second match)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "HostCallDialog"
        await pilot.press("2", "r")  # reached by intercom; refused
        await settle(pilot)
        assert slips(engine) == []
        (line,) = run_read(engine, lambda s: list(s.exec(select(LogbookEntry))))
        assert line.category == "security" and "陌生人" in line.what and "李四" in line.what
        assert "Intercom" in line.what
        assert "not let in" in str(app.screen.query_one("#scan-result").render())


@pytest.mark.parametrize("typed", ["V20261128-0001", "v20261128-0001"])
async def test_check_out_by_scanning_the_slip(
    make_desk_app, engine, estate, staff, clock, settings, typed
):
    run_write(
        engine,
        lambda s: visitors.register_slip(
            session=s, actor=staff.operator, clock=clock, settings=settings, slip_in=walk_in(estate)
        ),
    )
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.type(typed)  # the scanner types the number ...
        await keys.press("enter")  # ... and Enter
        assert keys.count == 1
        (slip,) = slips(engine)
        assert slip.status == SlipStatus.left and slip.slip_returned is True
        assert "checked out" in str(app.screen.query_one("#scan-result").render())
        assert app.focused.id == "number-input" and app.focused.value == ""
        await keys.type("V20261128-0001")  # scanned twice: one sentence, text kept
        await keys.press("enter")
        assert "already checked out" in str(app.screen.query_one("#scan-result").render())
        assert app.focused.value == "V20261128-0001"


async def test_lost_slip_from_the_on_site_list(
    make_desk_app, engine, estate, staff, clock, settings
):
    run_write(
        engine,
        lambda s: visitors.register_slip(
            session=s, actor=staff.operator, clock=clock, settings=settings, slip_in=walk_in(estate)
        ),
    )
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # from the empty slip field: to the on-site list
        await settle(pilot)
        await pilot.press("enter")  # open the highlighted slip
        await settle(pilot)
        assert type(app.screen).__name__ == "SlipDialog"
        await pilot.press("l")  # the visitor leaves without the slip
        await settle(pilot)
        (slip,) = slips(engine)
        assert slip.status == SlipStatus.left and slip.slip_returned is False
        assert "LOST" in str(app.screen.query_one("#scan-result").render())


async def test_expected_visitor_checks_in_with_three_keys(
    make_desk_app, engine, estate, staff, clock, settings
):
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
            ),
        ),
    )
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("ctrl+t")  # Expected today
        await keys.press("enter")  # the highlighted visitor has arrived
        await keys.press("enter")  # document sighted: issue the slip
        assert keys.count <= 3
        (slip,) = slips(engine)
        assert (slip.visitor_name, slip.headcount, slip.host_text) == ("孙八", 2, "A-1203 华为技术")
        assert slip.doc_masked == "sighted" and slip.expected_id is not None


async def test_deny_list_match_needs_the_supervisor(
    make_desk_app, engine, estate, staff, clock, settings
):
    run_write(
        engine,
        lambda s: add_deny_entry(
            session=s, actor=staff.supervisor, clock=clock, name="王五", reason="多次强行推销"
        ),
    )
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"王五", "enter")
        await settle(pilot)
        assert "deny list" in str(app.screen.query_one("#deny-warning").render())
        await pilot.press("enter", "tab", *ID_NUMBER, "enter", *"zs", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("a")  # the host agreed ... but the name is on the deny list
        await settle(pilot)
        assert type(app.screen).__name__ == "SupervisorDialog"
        await pilot.press(*"op1", "enter", *"secret-pass", "ctrl+s")  # an operator cannot
        await settle(pilot)
        assert type(app.screen).__name__ == "SupervisorDialog"
        assert "may not" in app.screen.query_one("#field-code").error
        assert app.focused.id == "code-input"  # the code was refused: type another
        await pilot.press(*["backspace"] * 3, *"sup1", "enter", *"secret-pass")
        await pilot.press("ctrl+s")  # the supervisor lets the visitor in
        await settle(pilot)
        (slip,) = slips(engine)
        assert slip.deny_decided_by == staff.supervisor.user_id
        decision = run_read(
            engine,
            lambda s: s.exec(
                select(AuditEvent).where(AuditEvent.action == "visitor.deny_override")
            ).one(),
        )
        assert decision.user_id == staff.supervisor.user_id and decision.detail["allowed"]


async def test_roll_call_is_printed_at_once(
    make_desk_app, engine, estate, staff, clock, settings, tmp_path
):

    for name in ("王五", "赵六"):
        run_write(
            engine,
            lambda s, n=name: visitors.register_slip(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                slip_in=walk_in(estate, visitor_name=n),
            ),
        )
    printed = tmp_path / "printer.txt"
    app = make_desk_app(
        area="visitors", app_settings=settings.replace(print_command=f"tee {printed}")
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g")  # one key: on screen, and sent to the printer
        await settle(pilot)
        assert type(app.screen).__name__ == "RollCallDialog"
        text = printed.read_text(encoding="utf-8")
        assert "2 people on 2 slips" in text and "王五" in text and "赵六" in text
        assert ID_NUMBER not in text and ID_NUMBER[:-4] not in text


async def test_stale_correction_is_refused(make_desk_app, engine, estate, staff, clock, settings):
    from deskterm.models.visitor import VisitorSlipUpdate

    slip = run_write(
        engine,
        lambda s: visitors.register_slip(
            session=s, actor=staff.operator, clock=clock, settings=settings, slip_in=walk_in(estate)
        ),
    )
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")  # to the list, open the slip
        await settle(pilot)
        await pilot.press("e")  # correct it ...
        await settle(pilot)
        assert type(app.screen).__name__ == "EditSlipDialog"
        # ... while another desk corrects the name
        run_write(
            engine,
            lambda s: visitors.update_slip(
                session=s,
                actor=staff.supervisor,
                clock=clock,
                slip_id=slip.id,
                version=1,
                changes=VisitorSlipUpdate(visitor_name="王武"),
            ),
        )
        await pilot.press("tab", "tab", "tab", "tab", "tab", *"粤B12345", "ctrl+s")
        await settle(pilot)
        # issue 14, item 7: refused, the form stays open with the correction as typed
        assert type(app.screen).__name__ == "EditSlipDialog"
        assert "粤B12345" in [f.value for f in app.screen.query(FormField)]
        (stored,) = slips(engine)
        assert (stored.visitor_name, stored.plate, stored.version) == ("王武", None, 2)
        assert any(
            "Another desk changed slip" in m and "Save again" in m for m in shown_notices(app)
        )
        # seen: saving again puts what was typed over that change (not a dead end)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ != "EditSlipDialog"
        (stored,) = slips(engine)
        assert (stored.visitor_name, stored.plate, stored.version) == ("王武", "粤B12345", 3)


async def test_a_supervisor_adds_a_name_to_the_deny_list_with_two_enters(make_desk_app, engine):
    """The name, Enter, the reason, Enter: saved. A refused save reopens the form as typed."""
    from deskterm.models.visitor import DenyEntry

    app = make_desk_app(area="visitors", role="supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.action_deny_add()
        await settle(pilot)
        await pilot.press(*"王某某", "enter", *"多次滋扰业主", "enter")
        await settle(pilot)
        rows = run_read(engine, lambda s: s.exec(select(DenyEntry)).all())
        assert [(r.name, r.reason) for r in rows] == [("王某某", "多次滋扰业主")]
        app.screen.action_deny_add()
        await settle(pilot)
        await pilot.press(*"李某", "enter", "enter")  # no reason
        await settle(pilot)
        assert type(app.screen).__name__ == "DenyEntryDialog"
        assert app.screen.query_one("#name-input").value == "李某"
        assert len(run_read(engine, lambda s: s.exec(select(DenyEntry)).all())) == 1


async def test_ctrl_o_prints_the_last_slip_with_its_barcode(
    make_desk_app, engine, estate, staff, clock, settings, tmp_path
):
    """On a receipt printer (printer = "escpos") the slip's number is a barcode to scan."""
    from tests.services.test_printing import scanned

    slip = run_write(
        engine,
        lambda s: visitors.register_slip(
            session=s, actor=staff.operator, clock=clock, settings=settings, slip_in=walk_in(estate)
        ),
    )
    printed = tmp_path / "printer.bin"
    app = make_desk_app(
        area="visitors",
        app_settings=settings.replace(printer="escpos", print_command=f"tee {printed}"),
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.last_issued = slip  # as after issuing it on this screen
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert scanned(printed.read_bytes()) == [slip.number]


async def test_unknown_region_warns_but_the_slip_is_issued(make_desk_app, engine, estate):
    """D-5 (issue 21): region code 999999 never existed; the operator holds the card, so the
    form warns and the slip is still issued."""
    number = valid_resident_id(8, area="999999")
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("ctrl+n")
        await keys.type("王五")
        await keys.press("enter", "enter", "tab")
        await keys.type(number)
        await keys.press("enter")  # leaves the number: the warning shows
        assert "region code" in screen_text(app).replace("\n", "")
        await keys.type("zs")
        await keys.press("enter", "ctrl+s", "a")
        (slip,) = slips(engine)
        assert slip.doc_masked == f"resident_id ****{number[-4:]}"
