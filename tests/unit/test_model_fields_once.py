"""Every model class names each field once.

A merge that keeps both sides of a model (as happened to RepairFeeLine: the text types'
``quantity: int`` silently replaced the repair rules' exact ``Decimal`` quantity) still imports
fine -- Python keeps the last annotation -- so this reads the source and refuses a repeat.
"""

from __future__ import annotations

import ast
from pathlib import Path

import deskterm

SOURCES = sorted((Path(deskterm.__file__).parent / "models").glob("*.py"))


def test_there_are_model_sources():
    assert len(SOURCES) > 3


def test_no_class_annotates_a_field_twice():
    repeats = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            seen: dict[str, int] = {}
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                    name = stmt.target.id
                    if name in seen:
                        repeats.append(
                            f"{path.name}:{stmt.lineno} {node.name}.{name} (first at {seen[name]})"
                        )
                    seen[name] = stmt.lineno
    assert repeats == []
