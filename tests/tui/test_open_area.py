"""Opening an area is cheap (issue 10, bench/bench_tui.py) and shows the same as before:
stylesheets read ahead, the visitors' history view mounted after the first lists, the status
line drawn by one widget, database work counted in `app.busy` from its thread."""

from __future__ import annotations

import gc

from deskterm.tui.areas import AREAS
from deskterm.tui.screens.visitors_history import HistoryView
from deskterm.tui.widgets.bars import StatusLine
from deskterm.tui.widgets.footer import FooterKeys
from tests.tui.conftest import SIZE, screen_text, settle


async def test_every_area_looks_at_its_first_open_as_after_a_full_restyle(make_desk_app):
    """All CSS is read when the app starts: an area opened for the first time is styled as
    it would be after Textual re-parsed and re-styled everything (tui/internals.py note 1)."""
    app = make_desk_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for area in AREAS:
            await pilot.press(area.key.split(",")[0])
            await settle(pilot)
            first = screen_text(app)
            styles = {
                w: (w.styles.width, w.styles.height, w.styles.color, w.styles.background)
                for w in app.screen.walk_children()
            }
            app.refresh_css()
            await settle(pilot)
            assert screen_text(app) == first, area.id
            assert styles == {
                w: (w.styles.width, w.styles.height, w.styles.color, w.styles.background)
                for w in app.screen.walk_children()
            }, area.id
    assert gc.get_freeze_count() == 0  # frozen only in a real terminal


async def test_the_history_view_comes_at_once_even_before_it_is_mounted(make_desk_app):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t", "ctrl+t")  # no pause: the view is mounted on demand
        await settle(pilot)
        screen = app.screen
        assert screen.view == "history"
        assert app.focused is screen.query_one("#history-list")
        assert "Page 1" in screen_text(app)
        await pilot.press("ctrl+f")
        assert app.focused.id == "date-from-input"


async def test_the_history_view_is_mounted_hidden_after_the_first_lists(make_desk_app):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = screen_text(app)
        await pilot.pause(1.2)  # HISTORY_MOUNT_SECONDS
        await settle(pilot)
        history = app.screen.query_one(HistoryView)
        assert not history.display
        assert screen_text(app) == before
        await pilot.press("ctrl+t", "ctrl+t")
        await settle(pilot)
        assert app.screen.query_one(HistoryView) is history
        assert history.display


async def test_the_status_line_keeps_the_clock_whole_and_cuts_the_left(make_desk_app, settings):
    long = settings.replace(post="东门岗" * 10 + "东门")  # 32 characters, 64 cells
    app = make_desk_app(app_settings=long, lang="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = app.screen.query_one(StatusLine)
        left, right = line.halves()
        text = "".join(s.text for s in line.render_line(0))
        assert text.endswith(right.plain)
        assert "…" in text and "东门岗" in text
        app.busy = 1  # the waiting sign joins the right half, still whole
        busy_left, busy_right = line.halves()
        text = "".join(s.text for s in line.render_line(0))
        assert busy_right.cell_len > right.cell_len and text.endswith(busy_right.plain)
        app.busy = 0


async def test_busy_counts_every_read_back_to_zero(make_desk_app):
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(6):  # exclusive reads cancel each other
            await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.busy == 0
        assert "Working" not in screen_text(app)


async def test_the_footer_highlights_the_key_under_the_mouse(make_desk_app):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = app.screen.query_one(FooterKeys)
        plain = keys.render()
        await pilot.hover(FooterKeys, offset=(1, 0))
        hovered = keys.render()
        assert hovered.plain == plain.plain
        assert hovered.get_style_at_offset(app.console, 1) != plain.get_style_at_offset(
            app.console, 1
        )
        assert keys.tooltip  # the key's help sentence


def test_no_screen_or_dialog_brings_css_of_its_own_and_the_app_reads_every_file():
    """Every screen and dialog class (enumerated): its rules are in a .tcss file the app reads
    at start, so opening it never re-parses the app's CSS; and its footer is DeskFooter (the
    keys' words in the desk's language)."""
    import importlib
    import inspect
    import pkgutil
    from pathlib import Path

    from textual.screen import Screen

    import deskterm.tui.dialogs
    import deskterm.tui.screens
    from deskterm.tui.app import css_files

    classes = []
    for package in (deskterm.tui.screens, deskterm.tui.dialogs):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            assert "yield Footer(" not in inspect.getsource(module), module.__name__
            classes += [
                c
                for c in vars(module).values()
                if isinstance(c, type) and issubclass(c, Screen) and c.__module__ == module.__name__
            ]
    assert len(classes) > 40
    own = [
        f"{c.__name__}.{name}"
        for c in classes
        for name in ("CSS_PATH", "CSS", "DEFAULT_CSS")
        if name in vars(c)
    ]
    assert own == []
    tui = Path(deskterm.tui.__file__).parent
    read = {Path(p).resolve() for p in css_files()}
    assert {p.resolve() for p in tui.rglob("*.tcss")} == read
