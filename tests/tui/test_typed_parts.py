"""Every part of a desk screen or dialog is typed against its host (issue 20): a class of
deskterm that a screen or dialog is built from is itself a desk screen or dialog class (it
subclasses the base its host builds on, tui/base.py), never a plain mixin whose `self` mypy
cannot check. Its `self.app` is then `DeskApp` (`mypy` checks deskterm/tui in CI)."""

from __future__ import annotations

import importlib
import pkgutil

import deskterm.tui
from deskterm.tui.base import DeskNode


def _desk_classes() -> list[type]:
    for info in pkgutil.walk_packages(deskterm.tui.__path__, "deskterm.tui."):
        importlib.import_module(info.name)
    found, todo = [], [DeskNode]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            found.append(sub)
    return found


def test_no_untyped_mixin_in_a_desk_screen_or_dialog():
    classes = _desk_classes()
    untyped = {
        f"{part.__module__}.{part.__name__} (in {cls.__name__})"
        for cls in classes
        for part in cls.__mro__
        if part.__module__.startswith("deskterm.") and not issubclass(part, DeskNode)
    }
    assert len(classes) >= 40  # the areas, the gate's screens, the dialogs
    assert untyped == set()


def test_the_parts_are_in_their_hosts():
    """The parts named in the README are counted: each is a DeskNode and some screen or
    dialog is built from it."""
    classes = _desk_classes()
    parts = {
        "RegisterFlow",
        "SlipActions",
        "RepairFlows",
        "RepairMoneyFlows",
        "ComplaintFlows",
        "ErrorLine",
        "LastFieldSaves",
    }
    hosts = {
        part: [c for c in classes if part in {b.__name__ for b in c.__mro__[1:]}] for part in parts
    }
    assert {part for part, users in hosts.items() if not users} == set()
