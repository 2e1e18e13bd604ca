"""No two modules of deskterm import each other, directly or round a loop, not even through a
function-local import (issue 20; grimp sees those as import-linter does)."""

from __future__ import annotations

import sys

import grimp

APP = "deskterm.tui.app"


def desk_graph() -> grimp.ImportGraph:
    """deskterm's imports, function-local and `if TYPE_CHECKING` ones included, but for one
    kind: a screen, dialog or widget names the app it runs in for the type checker
    (`if TYPE_CHECKING: from deskterm.tui.app import DeskApp`, so `self.app` is `DeskApp`).
    Never run, and the app is what opens the screens: that import is the one allowed back."""
    graph = grimp.build_graph("deskterm")
    run = grimp.build_graph("deskterm", exclude_type_checking_imports=True)
    for importer in graph.find_modules_that_directly_import(APP):
        if not run.direct_import_exists(importer=importer, imported=APP):
            graph.remove_import(importer=importer, imported=APP)
    return graph


def test_no_module_imports_itself_round_a_loop():
    graph = desk_graph()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    loops: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on.add(module)
        for other in graph.find_modules_directly_imported_by(module):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    assert loops == []


def test_no_two_packages_import_each_other():
    """Every pair of deskterm's packages (the service areas, tui.screens and tui.dialogs, ...):
    never both ways, through any chain of modules (issue 20: callbacks, complaints and repairs
    did; dialogs and screens did through the screens' base classes)."""
    graph = desk_graph()
    packages = sorted(m for m in graph.modules if graph.find_children(m) and m.count(".") >= 1)
    both_ways = [
        (a, b)
        for i, a in enumerate(packages)
        for b in packages[i + 1 :]
        if not b.startswith(a + ".")
        and graph.chain_exists(a, b, as_packages=True)
        and graph.chain_exists(b, a, as_packages=True)
    ]
    assert len(packages) >= 15, packages  # the areas, tui's packages, reports, exports ...
    assert both_ways == []
