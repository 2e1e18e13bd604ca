"""The CLI's app opens its engine after the sign-in screen is painted (cli/launch.py)."""

from deskterm.tui.app import make_app
from tests.tui.conftest import SIZE, settle, type_text

BOTH_ENGINES = True  # what these screens show depends on the engine (tests/tui/conftest.py)


async def test_the_engine_opens_once_after_the_first_paint_and_sign_in_works(
    engine, clock, settings, staff
):
    opened = []

    def open_engine():
        opened.append(True)
        return engine

    app = make_app(
        settings=settings,
        engine=None,
        open_engine=open_engine,
        clock=clock,
        lang="en",
        cursor_blink=False,
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert opened == [True]  # warm_up, once the sign-in screen was up
        await type_text(pilot, "op1")
        await pilot.press("enter")
        await type_text(pilot, "secret-pass")
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert app.actor is not None and app.actor.code == "op1"
    assert opened == [True]
