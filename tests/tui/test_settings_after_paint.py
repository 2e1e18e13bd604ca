"""The desk app on a terminal paints its sign-in screen from a draft and validates the
settings right after (issue 20, settings_draft.py): a bad setting closes it, exit 1, with its
sentence, before anyone can sign in; good settings are there for the sign-in."""

from __future__ import annotations

from deskterm.config import Settings, SettingsError
from deskterm.settings_draft import Draft
from deskterm.tui.app import make_app
from tests.tui.conftest import SIZE, screen_text, settle


async def test_a_bad_setting_closes_the_app_with_its_sentence(engine, clock):
    def bad() -> Settings:
        raise SettingsError(
            "The setting timezone must be a time zone name such as "
            "Asia/Shanghai, not 'Mars/Olympus'."
        )

    app = make_app(
        settings=None,
        draft=Draft(post="东门"),
        load_settings=bad,
        engine=engine,
        clock=clock,
        lang="en",
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause(0.5)
    assert app.return_code == 1
    assert "Mars/Olympus" in str(app.settings_error)


async def test_good_settings_are_validated_after_the_paint_and_used(engine, clock, settings):
    loaded = []

    def good() -> Settings:
        loaded.append(1)
        return settings.replace(post="东门")

    app = make_app(
        settings=None,
        draft=Draft(post="东门"),
        load_settings=good,
        engine=None,
        open_engine=lambda: engine,
        clock=clock,
        lang="en",
    )
    async with app.run_test(size=SIZE) as pilot:
        assert "东门" in screen_text(app)  # painted from the draft
        await settle(pilot)
        await pilot.pause(0.3)
        assert loaded == [1] and app.settings.post == "东门"
        assert app.settings_error is None and app.is_running
