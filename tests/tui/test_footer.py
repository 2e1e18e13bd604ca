"""DeskFooter: its keys drawn by one widget, repainted only when the keys it shows change."""

from deskterm.tui.widgets.footer import DeskFooter, FooterKeys
from tests.tui.conftest import SIZE, settle


async def test_the_footer_follows_the_view_and_skips_unchanged_updates(make_desk_app):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(DeskFooter)
        keys = footer.query_one(FooterKeys)
        children = list(footer.children)

        def shown() -> str:
            return keys.render().plain

        assert "New slip" in shown() and "Expect" not in shown()
        assert shown().startswith(" ^n New slip  ^t Views ")  # FooterKey's " key desc "
        repainted = []
        original = keys.refresh

        def counting(*args, **kwargs):
            repainted.append(True)
            return original(*args, **kwargs)

        keys.refresh = counting
        app.screen.refresh_bindings()  # the same keys: nothing to repaint
        await settle(pilot)
        assert repainted == []
        await pilot.press("ctrl+t")  # on site -> expected: other keys
        await settle(pilot)
        assert repainted
        assert "Expect" in shown() and "New slip" not in shown()
        assert list(footer.children) == children  # nothing was mounted again


async def test_a_click_on_a_footer_key_presses_it(make_desk_app):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = app.screen.query_one(FooterKeys)
        start = keys.render().plain.index("^t")  # "Views"
        await pilot.click(FooterKeys, offset=(start, 0))
        await settle(pilot)
        assert app.screen.view == "expected"
