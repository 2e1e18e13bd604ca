"""D-26: several inquirers in turn. Each inquirer's promise is its own record and dialog; a
dialog half typed stays as typed while the desk goes to another area and back, and the next
inquirer's record is a new one."""

from __future__ import annotations

from deskterm.db import run_read
from deskterm.services.inquiries import promises
from deskterm.tui.dialogs.promise_make import MakePromiseDialog
from tests.tui.conftest import SIZE, screen_text, settle


async def test_a_half_typed_promise_waits_while_the_desk_serves_someone_else(
    make_desk_app, engine, clock
):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g", *"停水几点恢复", "enter", *"3-502业主")
        await settle(pilot)
        first = app.screen
        assert isinstance(first, MakePromiseDialog)
        await pilot.press("f3")  # a visitor at the counter
        await settle(pilot)
        assert type(app.screen).__name__ == "VisitorsScreen"
        await pilot.press("f4")  # back: the dialog as typed
        await settle(pilot)
        assert app.screen is first
        assert first.query_one("#question-input").value == "停水几点恢复"
        assert first.query_one("#asked-by-input").value == "3-502业主"
        await pilot.press("enter", *"家里座机", "ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+g", *"快递放哪", "enter", *"王先生", "enter", *"来电", "ctrl+s")
        await settle(pilot)
    kept = run_read(
        engine, lambda s: promises.list_open_promises(session=s, clock=clock, tz="Asia/Shanghai")
    )
    assert sorted((p.question, p.asked_by, p.contact) for p in kept) == [
        ("停水几点恢复", "3-502业主", "家里座机"),
        ("快递放哪", "王先生", "来电"),
    ]


async def test_a_refused_due_time_is_said_once(make_desk_app, engine):
    """The read-back under "Answer by" and the field's own refusal said the same sentence
    twice (found by the outside tester); on a refused save it is said on the field alone."""
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g", *"停水几点恢复", "enter", *"王先生", "enter", *"来电")
        await pilot.press("enter", "end", "backspace", "backspace", "backspace", *"08:00")
        await settle(pilot)
        await pilot.press("ctrl+s")  # 08:00 has passed at 10:00 in Shanghai
        await settle(pilot)
        assert isinstance(app.screen, MakePromiseDialog)
        assert screen_text(app).count("That time has passed") == 1
        assert app.screen.query_one("#question-input").value == "停水几点恢复"
