"""Issue 18: keys a browser keeps (F5, Ctrl+W, Ctrl+T, Ctrl+N) have working alternatives when
the app runs in a browser. Every binding of every screen, dialog and widget of deskterm.tui is
enumerated in a process that runs as `deskterm serve` starts the app: none may lead with a
kept key, and each kept key it binds must have the alternative beside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from deskterm.tui.actions import BROWSER_KEPT, browser_note, key_spec

ROOT = Path(__file__).resolve().parents[2]

ENUMERATE = r"""
import importlib, inspect, json, pkgutil
import deskterm.tui
from textual.binding import Binding
from textual.dom import DOMNode
from deskterm.tui.areas import AREAS, screen_class
from deskterm.tui.actions import ACTIONS, first_key

for info in pkgutil.walk_packages(deskterm.tui.__path__, "deskterm.tui."):
    importlib.import_module(info.name)
found = []
seen = set()
stack = [DOMNode]
while stack:
    cls = stack.pop()
    stack.extend(cls.__subclasses__())
    if not cls.__module__.startswith("deskterm.") or cls in seen:
        continue
    seen.add(cls)
    for b in cls.__dict__.get("BINDINGS", []):
        if isinstance(b, Binding):
            found.append([f"{cls.__module__}.{cls.__name__}", b.key, b.show, b.priority])
        elif isinstance(b, tuple):
            found.append([f"{cls.__module__}.{cls.__name__}", b[0], True, False])
print(json.dumps({"bindings": found, "actions": {k: a.key for k, a in ACTIONS.items()},
                  "bar": [first_key(a.key) for a in AREAS]}))
"""


def enumerate_bindings(in_browser: bool) -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DESKTERM_IN_BROWSER", "TEXTUAL_DRIVER")
    }
    env["PYTHONPATH"] = str(ROOT)
    if in_browser:
        env["DESKTERM_IN_BROWSER"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", ENUMERATE],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout)


def test_in_a_browser_no_binding_leads_with_a_key_the_browser_keeps():
    seen = enumerate_bindings(in_browser=True)
    assert len(seen["bindings"]) > 40, "the enumeration found the app's bindings"
    kept_somewhere = set()
    alternatives = {alt for alt, _what in BROWSER_KEPT.values()}
    for owner, spec, _show, priority in seen["bindings"]:
        keys = spec.split(",")
        kept = [k for k in keys if k in BROWSER_KEPT]
        kept_somewhere.update(kept)
        assert keys[0] not in BROWSER_KEPT, f"{owner}: {spec} leads with a key the browser keeps"
        for key in kept:
            assert BROWSER_KEPT[key][0] in keys, f"{owner}: {spec} has no alternative to {key}"
        if kept and alternatives & set(keys) - {"ctrl+u"}:
            # Alt+letter is printable to a text field: only a priority binding gets it first
            # (issue 18 E; tests/tui/test_browser_alternatives.py presses them in every field)
            assert priority, f"{owner}: {spec} must be a priority binding in a browser"
    assert {"f5", "ctrl+n", "ctrl+t"} <= kept_somewhere  # the app does bind them
    assert not any(k in BROWSER_KEPT for k in seen["bar"]), seen["bar"]


def test_in_a_terminal_the_keys_stay_as_declared():
    seen = enumerate_bindings(in_browser=False)
    specs = {spec for _owner, spec, _show, _priority in seen["bindings"]}
    assert "ctrl+n" in specs and "f5,alt+4" in specs
    assert not any("alt+n" in s or "alt+r" in s for s in specs)


def test_the_alternatives_are_free_and_reach_textual():
    """An alternative must not be a key the app binds already, nor a key a terminal cannot
    send (Alt+digit is read as a macOS Option character), nor itself kept by a browser."""
    declared = {
        k
        for spec in enumerate_bindings(in_browser=False)["actions"].values()
        for k in spec.split(",")
    }
    for key, (alternative, _what) in BROWSER_KEPT.items():
        assert alternative not in BROWSER_KEPT
        if key in declared and alternative != "ctrl+u":
            assert alternative not in declared, f"{alternative} is bound already"
        assert not (alternative.startswith("alt+") and alternative[4:].isdigit())


def test_key_spec_and_f1_note():
    assert key_spec("ctrl+n", browser=True) == "alt+n,ctrl+n"
    assert key_spec("f5,alt+4", browser=True) == "alt+r,f5,alt+4"
    assert key_spec("ctrl+s", browser=True) == "ctrl+s"
    assert key_spec("ctrl+n", browser=False) == "ctrl+n"
    note = browser_note()
    for key in ("F5", "Ctrl+N", "Ctrl+T", "Ctrl+W", "Alt+R", "Alt+N", "Alt+T"):
        assert key in note
