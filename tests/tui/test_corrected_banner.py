"""A slip corrected right after it was issued: the big banner and Print last show the name as
corrected, not the one mistyped (found by the outside tester: the banner kept the old name, so
the operator read the wrong name out and Print last printed it)."""

from __future__ import annotations

from sqlmodel import select

from deskterm.db import run_read
from deskterm.models.visitor import VisitorSlip
from tests.factories import make_estate, valid_resident_id
from tests.tui.conftest import SIZE, screen_text, settle


async def issue(pilot, name: str) -> None:
    """A walk-in to 张三 (found by "zs"), the host agreed: the slip is issued."""
    await pilot.press("ctrl+n", *name, "enter", "enter", "tab")
    await pilot.press(*valid_resident_id(7), "enter", *"zs")
    await settle(pilot)
    await pilot.press("enter", "ctrl+s")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)


async def test_the_banner_shows_the_slip_as_corrected(make_desk_app, engine):
    make_estate(engine)
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await issue(pilot, "王五")
        assert "王五" in str(app.screen.query_one("#issued-text").render())
        await pilot.press("enter", "enter", "e")  # the list, the slip, correct it
        await settle(pilot)
        assert type(app.screen).__name__ == "EditSlipDialog"
        await pilot.press("end", "backspace", "backspace", *"王武", "ctrl+s")
        await settle(pilot)
        (slip,) = run_read(engine, lambda s: list(s.exec(select(VisitorSlip))))
        assert slip.visitor_name == "王武"
        banner = str(app.screen.query_one("#issued-text").render())
        assert "王武" in banner and "王五" not in banner
        assert app.screen.last_issued.visitor_name == "王武"  # what Print last prints
        assert "王五" not in screen_text(app)


async def test_a_correction_at_another_desk_reaches_the_banner(make_desk_app, engine, staff, clock):
    from deskterm.db import run_write
    from deskterm.models.visitor import VisitorSlipUpdate
    from deskterm.services.visitors import slips as visitors

    make_estate(engine)
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await issue(pilot, "钱七错")
        (slip,) = run_read(engine, lambda s: list(s.exec(select(VisitorSlip))))
        run_write(  # the supervisor's desk corrects the name
            engine,
            lambda s: visitors.update_slip(
                session=s,
                actor=staff.supervisor,
                clock=clock,
                slip_id=slip.id,
                version=slip.version,
                changes=VisitorSlipUpdate(visitor_name="钱七"),
            ),
        )
        await pilot.press("ctrl+r")  # what the desk's watch of the other desks does too
        await settle(pilot)
        banner = str(app.screen.query_one("#issued-text").render())
        assert "钱七 ×1" in banner and "钱七错" not in banner
        assert app.screen.last_issued.visitor_name == "钱七"
        assert "钱七错" not in screen_text(app)  # the result line above it too
