"""DeskFooter: rebuilt only when the keys it shows change, and then shown as they are."""

from deskterm.tui.widgets.footer import DeskFooter
from tests.tui.conftest import SIZE, settle


async def test_the_footer_follows_the_view_and_skips_unchanged_updates(make_desk_app):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(DeskFooter)

        def shown() -> str:
            return " ".join(str(key.render()) for key in footer.children)

        assert "New slip" in shown() and "Expect visitor" not in shown()
        rebuilt = []
        original = footer.recompose

        async def counting():
            rebuilt.append(True)
            await original()

        footer.recompose = counting
        app.screen.refresh_bindings()  # the same keys: nothing to rebuild
        await settle(pilot)
        assert rebuilt == []
        await pilot.press("ctrl+t")  # on site -> expected: other keys
        await settle(pilot)
        assert rebuilt
        assert "Expect visitor" in shown() and "New slip" not in shown()
