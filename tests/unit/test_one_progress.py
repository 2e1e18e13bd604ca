"""Every long job reports progress one way (issue 20): each function of the services, the
exporter and the demo that takes `progress` declares it as deskterm.progress.Progress, so the
one reporter (cli/progress.py) can show any of them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import deskterm


def _functions_taking_progress():
    for info in pkgutil.walk_packages(deskterm.__path__, "deskterm."):
        if info.name.startswith(("deskterm.tui", "deskterm.cli", "deskterm.migrations")):
            continue
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == info.name and "progress" in inspect.signature(fn).parameters:
                yield f"{info.name}.{name}", inspect.signature(fn).parameters["progress"]


def test_every_progress_parameter_is_the_one_type():
    found = dict(_functions_taking_progress())
    assert len(found) >= 6  # import, export, residents, purge, backup, demo
    wrong = {
        name: p.annotation
        for name, p in found.items()
        if p.annotation not in ("Progress | None", "Progress")
    }
    assert wrong == {}
