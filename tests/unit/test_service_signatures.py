"""The service signature ARCHITECTURE.md states (issue 20, docs that drifted): a use case that
writes an audit event takes everything by keyword, `session` first; queries and helpers may
take `session` positionally. Enumerates every public function of deskterm/services."""

from __future__ import annotations

import ast
import pathlib

import deskterm.services

ROOT = pathlib.Path(deskterm.services.__file__).parent


def _writers():
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            records = any(
                isinstance(n, ast.Call) and getattr(n.func, "attr", "") in ("record", "record_many")
                for n in ast.walk(node)
            )
            if records:
                yield f"{path.relative_to(ROOT)}:{node.name}", node


def test_every_use_case_that_writes_is_keyword_only_session_first():
    found = dict(_writers())
    assert len(found) > 60
    positional = {
        name: [a.arg for a in node.args.args] for name, node in found.items() if node.args.args
    }
    assert positional == {}
    no_session_first = {
        name
        for name, node in found.items()
        if node.args.kwonlyargs and node.args.kwonlyargs[0].arg not in ("session", "engine")
    }
    assert no_session_first == set()
