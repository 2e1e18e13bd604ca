"""A whole shift driven by keys only at 80×24: sign in, self-check, the previous handover
(accept, or refuse with a reason), logbook entries, the handover; with the rows checked in
the database at each step."""

from __future__ import annotations

import threading

from sqlmodel import select

from deskterm.db import read_session, run_read, run_write
from deskterm.models.audit import AuditEvent
from deskterm.models.shift import Handover, HandoverStatus, LogbookEntry, Shift, ShiftStatus
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.shift import duty as shifts
from deskterm.services.shift import handover
from deskterm.tui.app import make_app
from deskterm.tui.widgets.field import FormField
from tests.tui.conftest import SIZE, count_keys, screen_text, settle, start_shift_for, type_text

PASSWORD = "secret-pass"


def previous_shift_hands_over(engine, clock, settings, staff, notices="5栋电梯明早9点维保"):
    """sup1 worked the previous shift and signed its handover; the clock moves on 5 minutes."""
    outgoing = start_shift_for(engine, clock, settings, staff.supervisor)
    signed = run_write(
        engine,
        lambda s: handover.sign(
            session=s,
            actor=outgoing,
            clock=clock,
            settings=settings,
            notices=notices,
            physical_items={"keys": 12, "blank_slips": 40},
        ),
    )
    clock.advance(minutes=5)
    return signed


def gate_app(engine, clock, settings, lang="en"):
    return make_app(settings=settings, engine=engine, clock=clock, lang=lang, cursor_blink=False)


async def sign_in(pilot, code="op1", password=PASSWORD):
    await type_text(pilot, code)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await settle(pilot)


async def self_check_all(pilot):
    await pilot.press("space", "down", "space", "down", "space", "ctrl+s")
    await settle(pilot)


def one(engine, model, *where):
    with read_session(engine) as s:
        return s.exec(select(model).where(*where)).one()


def audit_ok(engine):
    with read_session(engine) as s:
        result = audit.verify(s)
    assert result.ok, result.problem


async def test_a_whole_shift_accepting_the_handover(engine, clock, settings, staff):
    signed = previous_shift_hands_over(engine, clock, settings, staff)
    app = gate_app(engine, clock, settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "SignInScreen"
        await sign_in(pilot)
        assert type(app.screen).__name__ == "SelfCheckScreen"
        assert app.actor.code == "op1" and app.actor.shift_id is None
        await pilot.press("f2")  # no area before the check-in is done
        assert app.current_mode == "gate"

        await self_check_all(pilot)
        assert type(app.screen).__name__ == "HandoverReviewScreen"
        shift = one(engine, Shift, Shift.operator_id == staff.operator.user_id)
        assert shift.status == ShiftStatus.open
        assert shift.self_check == {"appearance": True, "desk_tidy": True, "equipment": True}
        assert app.actor.shift_id == shift.id
        assert "5栋电梯明早9点维保" in screen_text(app)

        await pilot.press("ctrl+s")  # accept (sign)
        await settle(pilot)
        assert app.current_mode == "dashboard"
        row = one(engine, Handover, Handover.id == signed.id)
        assert row.status == HandoverStatus.accepted
        assert row.incoming_user_id == staff.operator.user_id
        assert one(engine, Shift, Shift.id == shift.id).accepted_handover_id == signed.id

        # the logbook: an entry in a few keys (the time is now)
        await pilot.press("f7")
        await settle(pilot)
        assert app.current_mode == "logbook"
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("tab")  # category stays "other"; on to the location
        await type_text(pilot, "3栋地下室")
        await pilot.press("tab")
        await type_text(pilot, "水泵房报警,水箱低水位")
        await pilot.press("tab")
        await type_text(pilot, "通知工程部值班")
        await pilot.press("tab")
        await type_text(pilot, "工程部")
        await pilot.press("enter")
        await settle(pilot)
        entry = one(engine, LogbookEntry, LogbookEntry.what == "水泵房报警,水箱低水位")
        assert entry.location == "3栋地下室"
        assert entry.action_taken == "通知工程部值班"
        assert entry.notified == "工程部"
        assert entry.shift_id == shift.id
        assert entry.occurred_at == clock.now()
        assert "水泵房报警" in screen_text(app)

        # the handover: F8, the notice, Ctrl+S, Enter
        clock.advance(hours=11)
        app.last_activity = clock.now()  # (the operator kept working; no idle lock)
        await pilot.press("f8")
        await settle(pilot)
        await type_text(pilot, "水泵房待工程部复查")
        await pilot.press(*count_keys(app.settings, "12"))  # counted (the boxes open empty)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")  # yes, sign (Enter never confirms)
        await settle(pilot)
        assert type(app.screen).__name__ == "SignedSheetScreen"
        mine = one(engine, Handover, Handover.shift_id == shift.id)
        assert mine.status == HandoverStatus.signed
        assert mine.notices == "水泵房待工程部复查"
        assert mine.physical_items["keys"] == 12  # as counted, never carried over unseen
        assert any(i["kind"] == "logbook" for i in mine.open_items)
        sheet = app.screen.query_one("#sheet-content").render()
        assert mine.audit_head_hash in str(sheet)
        assert one(engine, Shift, Shift.id == shift.id).status == ShiftStatus.closed
        audit_ok(engine)

        await pilot.press("f7")  # the shift is over: no more areas
        assert type(app.screen).__name__ == "SignedSheetScreen"
        await pilot.press("enter")  # done: sign out
        await settle(pilot)
        assert type(app.screen).__name__ == "SignInScreen"
        assert app.actor is None


async def test_refusing_the_handover_with_a_reason(engine, clock, settings, staff):
    signed = previous_shift_hands_over(engine, clock, settings, staff)
    app = gate_app(engine, clock, settings, lang="zh_CN")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await self_check_all(pilot)
        assert type(app.screen).__name__ == "HandoverReviewScreen"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReasonDialog"
        await pilot.press("enter")  # an empty reason is not accepted
        assert type(app.screen).__name__ == "ReasonDialog"
        await type_text(pilot, "钥匙少一把,交班人未说明")
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "dashboard"
    row = one(engine, Handover, Handover.id == signed.id)
    assert row.status == HandoverStatus.refused
    assert row.refusal_reason == "钥匙少一把,交班人未说明"
    assert row.incoming_user_id == staff.operator.user_id
    with read_session(engine) as s:
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.seq))]
        logged = s.exec(select(LogbookEntry)).all()
    assert "handover.refuse" in actions
    assert any("钥匙少一把" in e.what for e in logged)
    audit_ok(engine)


async def test_supervisor_sees_the_refusal_on_the_dashboard(
    make_desk_app, engine, clock, settings, staff
):
    signed = previous_shift_hands_over(engine, clock, settings, staff)
    incoming = start_shift_for(engine, clock, settings, staff.operator)
    run_write(
        engine,
        lambda s: handover.refuse(
            session=s,
            actor=incoming,
            clock=clock,
            settings=settings,
            handover_id=signed.id,
            reason="钥匙少一把",
        ),
    )
    app = make_app(
        settings=settings,
        engine=engine,
        clock=clock,
        lang="en",
        cursor_blink=False,
        actor=Actor(staff.admin.user_id, "admin1", "赵敏", staff.admin.role, 999),
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert "Refused handover" in screen_text(app)
        await pilot.press("end")  # the last category: refused handovers
        await settle(pilot)
        assert "refused: 钥匙少一把" in screen_text(app)
        await pilot.press("enter", "enter")  # to the records, then open the sheet
        await settle(pilot)
        assert app.current_mode == "handover"
        assert type(app.screen).__name__ == "HandoverSheetScreen"
        assert "钥匙少一把" in screen_text(app)


async def test_no_pending_handover_goes_straight_to_the_desk(engine, clock, settings, staff):
    app = gate_app(engine, clock, settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await self_check_all(pilot)
        assert app.current_mode == "dashboard"


async def test_an_item_not_in_order_needs_a_note(engine, clock, settings, staff):
    app = gate_app(engine, clock, settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("space", "down", "space", "ctrl+s")  # equipment not ticked
        await settle(pilot)
        assert type(app.screen).__name__ == "SelfCheckScreen"
        assert "Say what is not in order." in screen_text(app)
        assert app.screen.focused.id == "note-input"  # the error takes you to the field
        await type_text(pilot, "对讲机电池没电")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.current_mode == "dashboard"
    shift = one(engine, Shift, Shift.operator_id == staff.operator.user_id)
    assert shift.self_check["equipment"] is False
    assert shift.self_check["note"] == "对讲机电池没电"


async def test_signing_back_in_resumes_the_shift(engine, clock, settings, staff):
    start_shift_for(engine, clock, settings, staff.operator)
    app = gate_app(engine, clock, settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        assert app.current_mode == "dashboard"


async def test_a_wrong_password_never_reveals_whether_the_code_exists(
    engine, clock, settings, staff
):
    app = gate_app(engine, clock, settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await sign_in(pilot, "op1", "wrong-password")
        known = screen_text(app)
        assert type(app.screen).__name__ == "SignInScreen"
        await pilot.press("shift+tab", "ctrl+u")
        await sign_in(pilot, "nobody", "wrong-password")
        unknown = screen_text(app)
        assert type(app.screen).__name__ == "SignInScreen"
    # the sentence names the field it put the cursor in ("✗ Password: ..."), wrapped in the box
    assert "Wrongstaffcodeorpassword." in "".join(known.replace("│", "").split())
    assert known.replace("op1", "x") == unknown.replace("nobody", "x")
    assert app.actor is None


async def test_idle_lock_hides_everything_until_the_password(desk_app, engine, clock, settings):
    run_write(engine, lambda s: None)
    app = desk_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert "Needs attention" in screen_text(app)
        clock.advance(minutes=settings.idle_lock_minutes - 1)
        app.check_idle_lock()
        assert not app.locked
        clock.advance(minutes=1)
        app.check_idle_lock()
        await settle(pilot)
        assert app.locked and type(app.screen).__name__ == "LockScreen"
        shown = screen_text(app)
        assert "Needs attention" not in shown and "Repairs open" not in shown
        await pilot.press("f7", "ctrl+p")  # no area, no palette while locked
        await settle(pilot)
        assert type(app.screen).__name__ == "LockScreen"
        await type_text(pilot, "wrong-password")
        await pilot.press("enter")
        await settle(pilot)
        assert app.locked and "Wrong password." in screen_text(app)
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert not app.locked
        assert type(app.screen).__name__ == "DashboardScreen"


async def test_hostile_text_is_shown_literally_and_runs_nothing(make_desk_app, engine, clock):
    from textual import events

    app = make_desk_app(area="logbook")
    hostile = "[red]x[/red] \x1b[2J [@click=app.quit]"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("tab", "tab")  # to "What happened"
        app.post_message(
            events.Paste(hostile)
        )  # as a terminal paste: the driver gives it to the app
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running
        shown = screen_text(app)
        assert "[red]x[/red]" in shown
        assert "␛[2J" in shown
        assert "[@click=app.quit]" in shown
    saved = one(engine, LogbookEntry, LogbookEntry.what.contains("[red]x[/red]"))
    # saved as the field showed it: the bracket text literal, the escape made visible (␛)
    assert saved.what == "[red]x[/red] \u241b[2J [@click=app.quit]"


async def test_a_half_filled_form_survives_a_visit_to_another_area(make_desk_app):
    app = make_desk_app(area="logbook")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "tab")
        await type_text(pilot, "南门")
        await pilot.press("f2")
        await settle(pilot)
        assert app.current_mode == "dashboard"
        await pilot.press("f7")
        await settle(pilot)
        assert type(app.screen).__name__ == "LogbookEntryDialog"
        assert app.screen.field("location").value == "南门"


async def test_a_slow_database_shows_waiting_and_keeps_the_form(make_desk_app, engine, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from deskterm import db as db_module
    from deskterm.db import WRITE_RETRIES
    from deskterm.services.shift import logbook

    gate = threading.Event()
    real = logbook.add_entry
    calls = {"n": 0}

    def slow(**kwargs):
        """Another desk holds the lock through every retry of the first save."""
        calls["n"] += 1
        if calls["n"] == 1:
            gate.wait(10)
        if calls["n"] <= 1 + WRITE_RETRIES:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real(**kwargs)

    monkeypatch.setattr(logbook, "add_entry", slow)
    monkeypatch.setattr(db_module.time, "sleep", lambda _s: None)  # retry at once
    app = make_desk_app(area="logbook")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "tab", "tab")
        await type_text(pilot, "电梯困人")
        await pilot.press("ctrl+s")
        for _ in range(20):
            await pilot.pause(0.05)
            if app.busy:
                break
        assert app.busy
        for _ in range(20):
            await pilot.pause(0.1)
            if "Waiting for the database" in screen_text(app):
                break
        assert "Waiting for the database" in screen_text(app)
        gate.set()
        await settle(pilot)
        assert type(app.screen).__name__ == "LogbookEntryDialog"
        assert app.screen.field("what").value == "电梯困人"
        assert "database stayed busy" in screen_text(app)
        await pilot.press("ctrl+s")  # try again: saved
        await settle(pilot)
        assert type(app.screen).__name__ == "LogbookScreen"
    assert one(engine, LogbookEntry, LogbookEntry.what == "电梯困人")


async def test_signing_a_handover_takes_at_most_five_keys_beyond_the_text(make_desk_app, engine):
    app = make_desk_app(area="dashboard")
    notice = "明早9点电梯维保"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        counting = count_keys(app.settings)  # one Tab and one digit a count
        keys = ["f8", *notice, *counting, "ctrl+s", "y"]
        await pilot.press(*keys)
        await settle(pilot)
        assert type(app.screen).__name__ == "SignedSheetScreen"
    assert len(keys) - len(notice) - len(counting) <= 5
    row = run_read(engine, lambda s: s.exec(select(Handover)).one())
    assert row.notices == notice and row.status == HandoverStatus.signed


async def test_f1_help_and_the_palette_reach_areas_and_actions(make_desk_app):
    app = make_desk_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpDialog"
        shown = screen_text(app)
        assert "Refresh" in shown and "Lock" in shown
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "Duty logbook: New entry")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "logbook"
        assert type(app.screen).__name__ == "LogbookEntryDialog"


async def test_every_area_is_reachable_by_its_key(make_desk_app):
    from deskterm.tui.areas import AREAS

    app = make_desk_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for area in AREAS:
            await pilot.press(area.key.split(",")[0])
            await settle(pilot)
            assert app.current_mode == area.id
        await pilot.press("alt+1")
        await settle(pilot)
        assert app.current_mode == "dashboard"


async def test_a_logbook_correction_from_the_list(make_desk_app, engine, clock, staff):
    app = make_desk_app(area="logbook")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "tab", "tab")
        await type_text(pilot, "外卖车闯入")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+r")  # correct the highlighted (newest) entry
        await settle(pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, "外卖电动车闯入南门")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "corrected by" in screen_text(app)
    with read_session(engine) as s:
        entries = s.exec(select(LogbookEntry).order_by(LogbookEntry.id)).all()
    assert [e.what for e in entries] == ["外卖车闯入", "外卖电动车闯入南门"]
    assert entries[1].corrects_id == entries[0].id
    audit_ok(engine)
    _ = shifts


async def test_a_logbook_line_on_the_dashboard_opens_that_entry(make_desk_app, engine, clock):
    """D-10: Enter on one of this shift's logbook lines shows that entry, not just the list."""
    from deskterm.models.shift import LogbookEntryCreate
    from deskterm.services.shift import logbook

    app = make_desk_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = []
        for what in ("南门道闸抬杆故障", "3栋电梯困人已解救", "快递柜断电"):
            clock.advance(minutes=5)
            entry = run_write(
                engine,
                lambda s, w=what: logbook.add_entry(
                    session=s,
                    actor=app.actor,
                    clock=clock,
                    entry_in=LogbookEntryCreate(
                        occurred_at=clock.now(), category="equipment", location="", what=w
                    ),
                ),
            )
            ids.append(entry.id)
        await app.open_record("logbook", ids[1])  # what Enter on the dashboard line does
        await settle(pilot)
        assert app.current_mode == "logbook"
        entries = app.screen.query_one("#entries")
        assert entries.current.key == ids[1]
        assert "3栋电梯困人已解救" in str(app.screen.query_one("#entry-detail").render())
        # a search typed earlier does not hide the entry asked for
        app.screen.query_one("#search-text").value = "道闸"
        await settle(pilot)
        await app.open_record("logbook", ids[2])
        await settle(pilot)
        assert app.screen.query_one("#search-text").value == ""
        assert entries.total == 3 and entries.current.key == ids[2]
        assert "快递柜断电" in str(app.screen.query_one("#entry-detail").render())


async def test_an_account_an_admin_made_chooses_its_password_at_first_sign_in(
    engine, clock, settings, staff
):
    """Issue 19: the first sign-in of an admin-made account asks for a new password (a common
    one refused, the two copies compared); Escape signs out; then the shift starts as usual."""
    from deskterm.services.admin import users

    run_write(
        engine,
        lambda s: users.add_user(
            session=s,
            actor=staff.admin,
            clock=clock,
            settings=settings,
            code="op5",
            name="新人",
            role="operator",
            password="given-by-admin-1",
        ),
    )
    app = gate_app(engine, clock, settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await sign_in(pilot, "op5", "given-by-admin-1")
        assert type(app.screen).__name__ == "PasswordDialog"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "SignInScreen" and app.actor is None
        await sign_in(pilot, "op5", "given-by-admin-1")
        await type_text(pilot, "given-by-admin-1")
        await pilot.press("enter")
        await type_text(pilot, "12345678")
        await pilot.press("enter")
        await type_text(pilot, "12345678")
        await pilot.press("enter")
        await settle(pilot)
        assert "too common" in screen_text(app)
        assert type(app.screen).__name__ == "PasswordDialog"
        for field in ("#field-password", "#field-repeat"):
            app.screen.query_one(field).value = "mine-own-77x"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "SelfCheckScreen"
    user = users.sign_in(
        engine=engine, clock=clock, settings=settings, code="op5", password="mine-own-77x"
    )
    assert not user.must_change_password


async def test_check_in_says_the_previous_shift_never_signed(engine, clock, settings, staff):
    """D-2 (issue 21): sup1 worked and left without a handover; op1's check-in shows it,
    logs it once for supervisors, and the sheet of op1's own handover says what op1 did."""
    left = start_shift_for(engine, clock, settings, staff.supervisor)  # never signs
    clock.advance(hours=12)
    run_write(
        engine,
        lambda s: shifts.close_abandoned(  # the post is freed (issue 14, item 4)
            session=s,
            actor=staff.admin,
            clock=clock,
            settings=settings,
            shift_id=left.shift_id,
            reason="未交班",
        ),
    )
    app = gate_app(engine, clock, settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        assert type(app.screen).__name__ == "SelfCheckScreen"
        text = screen_text(app)
        assert "Gaps in the handover book" in text and "without a signed" in text
        await self_check_all(pilot)
        assert app.current_mode == "dashboard"  # no handover waiting: to the desk
        entry = one(engine, LogbookEntry, LogbookEntry.notified == "Supervisor")
        assert "without a signed handover" in entry.what
        assert entry.shift_id == app.actor.shift_id
    audit_ok(engine)


async def test_a_count_is_kept_as_typed_and_refused_on_its_field(make_desk_app, engine):
    """The outside tester's counts (zh_CN): "1.5" showed as 15, twenty nines were cut to six,
    "abc" vanished, with no word. Each stays as typed and the sign is refused on its field with
    the sentence; nothing is signed until every count is a whole number."""
    app = make_desk_app(area="handover", lang="zh_CN")
    typed = {
        "keys": "-1",
        "temporary_passes": "abc",
        "parcels": "99999999999999999999",
        "borrowed_tools": "1.5",
        "blank_slips": "1_0",  # int() would have read 10
    }
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for item in app.settings.physical_items:
            app.screen.query_one(f"#count-{item}").focus()
            await pilot.press(*typed.get(item, "0"))
        for item in app.settings.physical_items:
            assert app.screen.query_one(f"#count-{item}").value == typed.get(item, "0")
        for item in [i for i in app.settings.physical_items if i in typed]:
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert type(app.screen).__name__ == "HandoverScreen"  # no question asked
            field = app.screen.query_one(f"#field-count-{item.replace('_', '-')}", FormField)
            assert "整数" in field.error and "100000" in field.error, (item, field.error)
            assert field.control.value == typed[item]  # kept as typed
            field.control.focus()
            await pilot.press("ctrl+u", "0")  # corrected
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
    assert run_read(engine, lambda s: s.exec(select(Handover)).all()) == []
