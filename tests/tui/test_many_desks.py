"""Issue 14 at the desk: accounts checked at every action (item 5)."""

from __future__ import annotations

from deskterm.db import run_read, run_write
from deskterm.models.shift import LogbookEntry, LogbookEntryCreate
from deskterm.services.admin import users
from deskterm.services.shift import logbook
from tests.tui.conftest import screen_text, settle


def _count_log(engine) -> int:
    return len(run_read(engine, lambda s: list(s.exec(LogbookEntry.__table__.select()))))


async def test_a_disabled_account_is_signed_out_at_its_next_action(make_desk_app, engine, clock,
                                                                   staff):
    """`users disable op1` at another desk: op1's next save is refused and the desk signs
    out with a sentence; the refused entry is not written."""
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        run_write(engine, lambda s: users.set_active(session=s, actor=staff.admin, clock=clock,
                                                     code="op1", active=False))
        before = _count_log(engine)
        app.screen.run_db(lambda s: logbook.add_entry(
            session=s, actor=app.actor, clock=clock,
            entry_in=LogbookEntryCreate(category="other", what="电梯异响")))
        await settle(pilot)
        assert app.actor is None and not app.on_duty
        shown = " ".join(screen_text(app).split())
        assert "Your account (op1) has been disabled" in shown, shown
        assert _count_log(engine) == before


async def test_a_changed_role_signs_the_desk_out_at_its_next_read(make_desk_app, engine, clock,
                                                                  staff):
    from deskterm.db import lock_row
    from deskterm.models.user import User

    app = make_desk_app(role="supervisor")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def demote(s):
            lock_row(s, User, staff.supervisor.user_id).role = "operator"

        run_write(engine, demote)
        await pilot.press("f3")  # open the visitors: its lists are read
        await settle(pilot)
        assert app.actor is None
        assert "Your role has changed (supervisor → operator)" in " ".join(
            screen_text(app).split())
