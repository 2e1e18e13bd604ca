"""The dashboard's two panes agree: the rows under a category's title are that category's,
however fast the operator moves through the categories (a slower, older read is dropped)."""

from __future__ import annotations

import threading
from dataclasses import replace

from deskterm.services.shift import dashboard
from tests.tui.conftest import SIZE, settle


async def test_a_slow_older_read_never_shows_under_a_newer_title(make_desk_app, monkeypatch):
    release = threading.Event()

    def slow_visitors(session, scope, offset, limit):
        release.wait(5)  # finishes after the next category's read
        return [dashboard.AttentionItem("visitor", 1, "V-STALE", "stale row")]

    monkeypatch.setitem(
        dashboard.BY_ID, "visitors", replace(dashboard.BY_ID["visitors"], page=slow_visitors)
    )
    app = make_desk_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down")  # repairs -> visitors: its read hangs
        await pilot.pause(0.1)
        await pilot.press("down")  # -> messages (none waiting), read at once
        await pilot.pause(0.2)
        release.set()
        await settle(pilot)
        assert str(app.screen.query_one("#items-title").render()).startswith("Messages waiting")
        items = app.screen.query_one("#items")
        assert [row.cells[0] for row in items.rows_in_view] == []
