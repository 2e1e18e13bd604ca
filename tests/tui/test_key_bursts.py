"""Keys typed in a burst (a barcode scanner, a fast typist) land in the fields they were
typed into, and Ctrl+S acts only after the text before it is in."""

import pytest
from textual import events

from tests.factories import PASSWORD
from tests.tui.conftest import SIZE, settle


def _burst(app, keys: list[str]) -> None:
    """Post every key at once, as a terminal delivers a burst (Pilot waits between presses)."""
    for key in keys:
        char = key if len(key) == 1 else {"enter": "\r", "tab": "\t"}.get(key)
        app.post_message(events.Key(key, char))


async def test_sign_in_typed_in_one_burst(make_desk_app):
    app = make_desk_app(on_duty=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _burst(app, [*"op1", "enter", *PASSWORD, "enter"])
        await settle(pilot)
        await settle(pilot)
        assert app.actor is not None and app.actor.code == "op1"


async def test_tab_and_text_in_one_burst(make_desk_app):
    from textual.widgets import Input

    app = make_desk_app(on_duty=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _burst(app, [*"abc", "tab", *"defg"])
        await settle(pilot)
        values = [w.value for w in app.screen.query(Input)]
        assert values[:2] == ["abc", "defg"]


@pytest.mark.parametrize(
    ("area", "dialog", "field", "text"),
    [
        ("complaints", "ComplaintDialog", "#who-name-input", "Zhang"),
        ("repairs", "RepairIntakeDialog", "#unit-input", "12-1203"),
    ],
)
async def test_text_typed_with_the_key_that_opens_a_dialog_after_a_read(
    make_desk_app, area, dialog, field, text
):
    """Ctrl+N on complaints (or repairs) reads the categories before its form opens; the text
    typed in the same burst goes into the form, not into the list behind it."""
    app = make_desk_app(area=area)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _burst(app, ["ctrl+n", *text])
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == dialog
        assert app.screen.query_one(field).value == text


async def test_enter_in_a_burst_moves_on_before_the_next_key(make_desk_app):
    """An expected visitor typed fast: name, Enter, people. The Enter's move to the next field
    runs after the key has bubbled up; the 3 must wait for it, not join the name."""
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        _burst(app, [*"Li", "enter", "3"])
        await settle(pilot)
        await settle(pilot)
        assert app.screen.query_one("#visitor-name-input").value == "Li"
        assert app.screen.query_one("#headcount-input").value == "3"


async def test_ticks_typed_in_a_burst_are_in_before_ctrl_s(make_desk_app):
    """Space, Down, Space, Down, Space, Ctrl+S at the self-check, as a fast operator types
    them: every box is ticked before the save reads them. (A single pass of callbacks up the
    focused widgets missed the message a tick posts, and the check-in said "Not in order".)"""
    app = make_desk_app(on_duty=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _burst(app, [*"op1", "enter", *PASSWORD, "enter"])
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "SelfCheckScreen", type(app.screen).__name__
        _burst(app, ["space", "down", "space", "down", "space", "ctrl+s"])
        await settle(pilot)
        await settle(pilot)
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Not in order" not in text and "Say what is not in order" not in text
        assert app.actor.shift_id is not None
