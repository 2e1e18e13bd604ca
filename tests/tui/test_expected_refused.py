"""An expected visitor refused by the desk's rules (a day already past) is said at its field,
with the form as typed (found by the outside test: the reopened form's own filling-in hid the
sentence at once, so nothing appeared and nothing was saved)."""

from __future__ import annotations

from sqlmodel import select

from deskterm.db import run_read
from deskterm.models.visitor import ExpectedVisitor
from tests.factories import make_estate
from tests.tui.conftest import SIZE, screen_text, settle, type_text


async def test_a_past_day_is_refused_at_its_field_and_the_form_stays(make_desk_app, engine):
    make_estate(engine)
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", "ctrl+n")
        await settle(pilot)
        await type_text(pilot, "周过期")
        await pilot.press("enter", "enter")  # on past People to the day (selected: typed over)
        await settle(pilot)
        await type_text(pilot, "2020-01-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        shown = screen_text(app)
        assert type(app.screen).__name__ == "ExpectedDialog"
        assert "✗ Day: The expected day is today or later." in shown
        assert "周过期" in shown and "2020-01-01" in shown
        await type_text(pilot, "x")  # correcting it: the sentence goes
        await settle(pilot)
        assert "today or later" not in screen_text(app)
    assert run_read(engine, lambda s: list(s.exec(select(ExpectedVisitor)))) == []
