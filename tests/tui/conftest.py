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
import dataclasses
import inspect

import pytest

from deskterm.db import run_write
from deskterm.services.actor import Actor
from deskterm.services.shift import duty as shifts

SIZE = (80, 24)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests in a fresh event loop (no asyncio plugin needed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
        return True
    return None


async def settle(pilot) -> None:
    """Wait until every worker is done and the screen has caught up (never sleep).

    A worker cancelled by a newer one of its exclusive group is not an error here.
    """
    from textual.worker import WorkerState

    app = pilot.app
    for _ in range(20):
        waiting = [w for w in app.workers
                   if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if waiting:
            await asyncio.gather(*(w.wait() for w in waiting if w.state != WorkerState.PENDING),
                                 return_exceptions=True)
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
    shift = run_write(engine, lambda s: shifts.start_shift(
        session=s, actor=actor, clock=clock, settings=settings,
        self_check={item: True for item in settings.self_check_items}))
    return Actor(actor.user_id, actor.code, actor.name, actor.role, shift.id)


@pytest.fixture
def make_desk_app(engine, clock, settings, staff):
    from deskterm.tui.app import make_app

    def build(*, area: str = "dashboard", lang: str = "en", role: str = "operator",
              on_duty: bool = True, app_settings=None):
        # the site speaks the language of the screen unless a test says otherwise (the lines
        # the app writes itself are in the site's language: tests/services/test_site_language.py)
        use = app_settings or dataclasses.replace(settings, site_lang=lang)
        actor = {"operator": staff.operator, "supervisor": staff.supervisor,
                 "admin": staff.admin}[role]
        # one operator on duty per post (issue 14): supervisors and admins hold posts of their own
        post = use if role == "operator" else dataclasses.replace(use, post=f"{use.post}-{role}")
        on_shift = start_shift_for(engine, clock, post, actor) if on_duty else None
        return make_app(settings=use, engine=engine, clock=clock, lang=lang,
                        cursor_blink=False, actor=on_shift, area=area)

    return build


@pytest.fixture
def desk_app(make_desk_app):
    """op1 (李静), signed in, checked in, on the dashboard, in English."""
    return make_desk_app()
