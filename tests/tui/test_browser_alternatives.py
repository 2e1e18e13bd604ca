"""Issue 18 E: in a browser, Alt+N, Alt+T and Alt+R stand in for the keys the browser keeps
(Ctrl+N, Ctrl+T, F5). They must work wherever the focus is -- above all in a text field, where
a plain key binding loses to the field (it typed "n"). Every area is opened as `deskterm serve`
opens the app (DESKTERM_IN_BROWSER=1, so the bindings are built for a browser), the focus is put
in each of the area's text fields in turn, and every alternative key the footer offers there
must run its action and type nothing.

Bindings are built when the screen modules are imported, so the check runs in a child pytest
whose environment says "browser" (`test_every_alternative_works_in_every_text_field`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input

from deskterm.tui.actions import BROWSER_KEPT, IN_BROWSER_ENV, in_browser
from deskterm.tui.areas import AREAS, screen_class
from tests.tui.conftest import SIZE, settle

ROOT = Path(__file__).resolve().parents[2]
ALTERNATIVES = sorted({alt for alt, _what in BROWSER_KEPT.values() if alt.startswith("alt+")})


def test_every_alternative_works_in_every_text_field():
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    env.update({IN_BROWSER_ENV: "1", "PYTHONPATH": str(ROOT)})
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{__file__}::test_in_the_browser_child",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"\b[1-9]\d* passed", done.stdout), done.stdout


async def press_as_a_terminal_sends_it(pilot, key: str) -> None:
    """Alt+N arrives from xterm.js (and any terminal) as ESC n, which Textual reads as
    Key("alt+n", character="n"), a printable key: a text field takes it unless a priority
    binding does first. (`pilot.press("alt+n")` sends no character, which hid the fault.)"""
    from textual import events

    pilot.app.post_message(events.Key(key, key.rsplit("+", 1)[1]))
    await pilot.pause()
    await pilot.pause()


def _recorder(calls: list, name: str):
    def record(*args, **kwargs):
        calls.append(name)

    return record


@pytest.mark.skipif(not in_browser(), reason="runs in the child started by the test above")
async def test_in_the_browser_child(make_desk_app):
    checked: dict[str, set[str]] = {}
    app = make_desk_app()  # op1 on duty
    async with app.run_test(size=SIZE) as pilot:
        for area in AREAS:
            if screen_class(area) is None:
                continue
            await app.run_action(f"switch_area('{area.id}')")
            await settle(pilot)
            fields = [f for f in app.screen.query(Input) if f.focusable and f.display]
            for index in range(len(fields)):
                for key in ALTERNATIVES:
                    field = [f for f in app.screen.query(Input) if f.focusable and f.display][index]
                    field.focus()
                    await pilot.pause()
                    active = app.active_bindings.get(key)
                    if active is None or not active.enabled:
                        continue
                    action = active.binding.action
                    name = re.match(r"(?:app\.|screen\.)?(\w+)", action).group(1)
                    node = app if action.startswith("app.") else active.node
                    calls: list[str] = []
                    original = getattr(node, f"action_{name}")
                    setattr(node, f"action_{name}", _recorder(calls, name))
                    before = field.value
                    try:
                        await press_as_a_terminal_sends_it(pilot, key)
                    finally:
                        setattr(node, f"action_{name}", original)
                    where = f"{area.id}: {key} in #{field.id or index}"
                    assert calls == [name], f"{where} did not run {action}"
                    assert field.value == before, f"{where} typed into the field"
                    checked.setdefault(area.id, set()).add(key)
    # the areas the tester named are covered with both keys
    assert {"alt+n", "alt+t"} <= checked.get("visitors", set()), checked
    assert {"alt+n", "alt+t"} <= checked.get("inquiries", set()), checked
    assert all("alt+r" in keys for keys in checked.values()), checked
