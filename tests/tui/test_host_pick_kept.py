"""A host taken from the matches stays taken when its form is shown again (a refused save
reopened, Back from the host call): found by the outside test, the reopened form's own
filling-in of the host field counted as typing and dropped the pick, so the record was saved
without its link to the resident."""

from __future__ import annotations

from textual.app import App, ComposeResult

from deskterm.services.visitors.hosts import HostChoice
from deskterm.tui.dialogs.visitor_host import HostPicker

CHOSEN = HostChoice("resident", 7, "钟雪佳", 3, "6-901", "133****1265")


class _Form(App[None]):
    def compose(self) -> ComposeResult:
        yield HostPicker("Visiting", choice=CHOSEN, id="picker")


async def test_a_form_shown_again_keeps_its_host_pick():
    app = _Form()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        picker = app.query_one(HostPicker)
        assert picker.choice == CHOSEN and picker.text == "6-901 钟雪佳"
        picker.focus_input()
        await pilot.press("backspace")  # the operator changes it: the pick goes
        await pilot.pause()
        assert picker.choice is None
