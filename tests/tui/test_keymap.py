"""Issue 20 item 7: settings' [keymap] is applied through Textual's App.set_keymap: the new
key runs the action and the shipped key no longer does."""

from __future__ import annotations

import re

from deskterm.tui.commands import desk_commands
from tests.tui.conftest import SIZE, screen_text, settle


async def test_a_keymap_moves_an_action_to_another_key(make_desk_app, settings):
    app = make_desk_app(
        area="visitors", app_settings=settings.replace(keymap={"area.repairs": "ctrl+y"})
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_mode == "visitors"
        shown = screen_text(app)  # the area bar names the key that works
        assert re.search(r"CTRL\+Y ?Repairs", shown) and not re.search(r"F5 ?Repairs", shown)
        palette = {c.title: c.help for c in desk_commands(app, app.screen)}
        assert palette["Go to: Repairs"] == "Key CTRL+Y"
        await pilot.press("f5")  # the shipped key of Repairs: moved away
        await settle(pilot)
        assert app.current_mode == "visitors"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.current_mode == "repairs"


async def test_without_a_keymap_the_shipped_keys_work(make_desk_app):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.current_mode == "visitors"
        await pilot.press("f5")
        await settle(pilot)
        assert app.current_mode == "repairs"
