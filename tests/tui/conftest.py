"""Pilot fixtures: the desk app on the `engine` fixture with the fixed clock, blink off.

    async def test_x(desk_app):                      # op1, on duty, on the dashboard
        async with desk_app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f3")                  # visitors
            await settle(pilot)                      # workers done, screen refreshed

    def test_y(make_desk_app):
        app = make_desk_app(area="repairs", lang="zh_CN", role="supervisor")

`make_desk_app(area=, lang=, role=, on_duty=)` starts a shift for the user (through
services.shifts) and lands on `area`; `on_duty=False` starts at the sign-in screen instead.
"""

from __future__ import annotations

import asyncio

import pytest

from deskterm.db import run_write
from deskterm.services.actor import Actor
from deskterm.services.shift import duty as shifts

SIZE = (80, 24)


async def settle(pilot) -> None:
    """Wait until every worker is done and the screen has caught up (never sleep).

    A worker cancelled by a newer one of its exclusive group is not an error here.
    """
    from textual.worker import WorkerState

    app = pilot.app
    for _ in range(20):
        waiting = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if waiting:
            await asyncio.gather(
                *(w.wait() for w in waiting if w.state != WorkerState.PENDING),
                return_exceptions=True,
            )
        await pilot.pause()
        if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
            break
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    """Type `text` key by key (Chinese characters and brackets included)."""
    await pilot.press(*text)


def screen_text(app) -> str:
    """The text the terminal shows now (from an SVG screenshot), to assert what is visible."""
    import html
    import re

    svg = app.export_screenshot()
    pieces = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(pieces)).replace("\xa0", " ")


def start_shift_for(engine, clock, settings, actor: Actor) -> Actor:
    shift = run_write(
        engine,
        lambda s: shifts.start_shift(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            self_check={item: True for item in settings.self_check_items},
        ),
    )
    return Actor(actor.user_id, actor.code, actor.name, actor.role, shift.id)


@pytest.fixture
def make_desk_app(engine, clock, settings, staff):
    from deskterm.tui.app import make_app

    def build(
        *,
        area: str = "dashboard",
        lang: str = "en",
        role: str = "operator",
        on_duty: bool = True,
        app_settings=None,
    ):
        # the site speaks the language of the screen unless a test says otherwise (the lines
        # the app writes itself are in the site's language: tests/services/test_site_language.py)
        use = app_settings or settings.replace(site_lang=lang)
        actor = {"operator": staff.operator, "supervisor": staff.supervisor, "admin": staff.admin}[
            role
        ]
        # one operator on duty per post (issue 14): supervisors and admins hold posts of their own
        post = use if role == "operator" else use.replace(post=f"{use.post}-{role}")
        on_shift = start_shift_for(engine, clock, post, actor) if on_duty else None
        return make_app(
            settings=use,
            engine=engine,
            clock=clock,
            lang=lang,
            cursor_blink=False,
            actor=on_shift,
            area=area,
        )

    return build


@pytest.fixture
def desk_app(make_desk_app):
    """op1 (李静), signed in, checked in, on the dashboard, in English."""
    return make_desk_app()


def pytest_collection_modifyitems(config, items):
    """Pilot and snapshot tests run once, on SQLite (issue 20): what the screens do does not
    depend on the engine, and storage is tested on both engines by the service tests. A module
    whose screens do depend on it (live desks: LISTEN/NOTIFY; a lost server connection) says
    `BOTH_ENGINES = True`."""
    keep, dropped = [], []
    for item in items:
        on_pg = "[postgresql" in item.nodeid or "-postgresql" in item.nodeid
        both = getattr(getattr(item, "module", None), "BOTH_ENGINES", False)
        in_tui = "/tests/tui/" in str(item.path)
        (dropped if on_pg and in_tui and not both else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def count_keys(settings, value: str = "1") -> list[str]:
    """The keys that count every physical item at the handover, from the notices: Tab, the
    number (the boxes open empty: a shift that never counts signs nothing, issue 16)."""
    return [key for _item in settings.physical_items for key in ("tab", *value)]
