"""Issue 21 (D-42, D-44): a complaint neither closed on the spot nor referred is still owed a
reply by a deadline; the form's "empty means 24 h" holds."""

from __future__ import annotations

from datetime import timedelta

from tests.tui.conftest import SIZE, settle
from tests.tui.test_complaints import keys, the_complaint


async def test_an_open_complaint_gets_a_reply_deadline(make_desk_app, engine, clock, settings):
    app = make_desk_app(area="complaints")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+n", "张先生", "tab", "tab", "楼道灯坏了三天", "ctrl+s")
        c = the_complaint(engine)
        assert c.status == "open" and c.referred_to is None
        assert c.reply_due_at == clock.now() + timedelta(hours=settings.complaint_reply_hours)
        assert app.screen.query_one("#list-complaints").total == 1  # awaiting its reply
