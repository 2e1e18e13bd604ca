"""The footer: the keys of what is in view, in the desk's language, a click presses one."""

import pytest

from deskterm.tui.widgets.footer import FooterKeys
from tests.tui.conftest import SIZE, settle


def _footer(app) -> str:
    return app.screen.query_one(FooterKeys).render().plain


async def test_the_footer_follows_the_view(make_desk_app):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "New slip" in _footer(app) and "Expect" not in _footer(app)
        assert _footer(app).startswith(" ^n New slip  ^t Views ")  # " key desc " as Footer
        await pilot.press("ctrl+t")  # on site -> expected: other keys
        await settle(pilot)
        assert "Expect" in _footer(app) and "New slip" not in _footer(app)


@pytest.mark.parametrize("lang,words", [("en", "Save"), ("zh_CN", "保存")])
async def test_every_footer_speaks_the_desk_s_language(make_desk_app, lang, words):
    """Area screens and dialogs alike: the words under the keys are translated."""
    app = make_desk_app(area="logbook", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")  # a new logbook entry: a dialog with its own footer
        await settle(pilot)
        assert words in _footer(app)


async def test_the_sign_in_footer_shows_the_palette_key_at_the_right(make_desk_app):
    app = make_desk_app(on_duty=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = _footer(app)
        assert len(line) == SIZE[0] and line.rstrip().endswith("Commands")
        assert "^p" in line


async def test_a_click_on_a_footer_key_presses_it(make_desk_app):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = app.screen.query_one(FooterKeys)
        start = keys.render().plain.index("^t")  # "Views"
        await pilot.click(FooterKeys, offset=(start, 0))
        await settle(pilot)
        assert app.screen.view == "expected"
