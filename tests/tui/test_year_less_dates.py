"""A date typed without its year (outside tester, fix 6), at the desk: on 2026-11-28 (the test
clock), "11-29 08:00" is tomorrow and "11-27 08:00" yesterday, the nearest dates
(rules.typed_time). The logbook (F7, Ctrl+N) saved tomorrow silently as last year's; the
promise's "Answer by" (F4, Ctrl+G) read yesterday as next year and spoke of the 90-day limit.
Now each field's own rule refuses on its field, with everything typed kept."""

from __future__ import annotations

from sqlmodel import select

from deskterm.db import run_read
from deskterm.models.inquiry import PromisedReply
from deskterm.models.shift import LogbookEntry
from deskterm.tui.dialogs.logbook_entry import LogbookEntryDialog
from deskterm.tui.dialogs.promise_make import MakePromiseDialog
from deskterm.tui.widgets.field import FormField
from tests.tui.conftest import SIZE, screen_text, settle


async def test_a_year_less_tomorrow_in_the_logbook_is_in_the_future(make_desk_app, engine):
    app = make_desk_app(area="logbook")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, LogbookEntryDialog)
        await pilot.press("shift+tab", "end", *["backspace"] * 20, *"11-29 08:00")
        await pilot.press("tab", "tab", "tab", *"电梯困人", "ctrl+s")  # to "What happened"
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogbookEntryDialog)  # the form stays as typed
        field = dialog.query_one("#field-occurred-at", FormField)
        assert field.error == "The time is in the future."
        assert field.value == "11-29 08:00"
        assert "The time is in the future." in screen_text(app)
    saved = run_read(engine, lambda s: list(s.exec(select(LogbookEntry.what))))
    assert "电梯困人" not in saved  # nothing saved as 2025-11-29


async def test_a_year_less_yesterday_as_answer_by_has_passed(make_desk_app, engine):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g", *"停水几点恢复", "enter", *"王先生", "enter", *"来电")
        await pilot.press("enter", "end", *["backspace"] * 20, *"11-27 08:00")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MakePromiseDialog)
        text = screen_text(app)
        assert "That time has passed" in text
        assert "90 days" not in text
        assert dialog.query_one("#due-input").value == "11-27 08:00"
        assert dialog.query_one("#question-input").value == "停水几点恢复"
    assert run_read(engine, lambda s: list(s.exec(select(PromisedReply.id)))) == []
