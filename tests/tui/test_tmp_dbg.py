import threading
from tests.tui.conftest import SIZE, screen_text, settle, type_text

async def test_x(make_desk_app, monkeypatch):
    from deskterm.services import logbook
    gate = threading.Event()
    real = logbook.add_entry
    def slow(**kw):
        gate.wait(5)
        return real(**kw)
    monkeypatch.setattr(logbook, "add_entry", slow)
    app = make_desk_app(area="logbook")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "tab", "tab")
        await type_text(pilot, "x")
        await pilot.press("ctrl+s")
        for i in range(10):
            await pilot.pause(0.1)
        print("busy", app.busy, app._busy_timer, app._busy_notice, list(app._notifications))
        app.save_screenshot("/tmp/busy.svg")
        gate.set()
        await settle(pilot)
