"""docs/RULES.md names, for every rule of the domain (D-1 … D-44), where it lives and which
test holds it: every rule has a row, and every module and test it cites exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "RULES.md"
RULES = [*range(1, 12), *range(20, 28), *range(30, 39), *range(40, 45)]


def rows() -> dict[str, str]:
    out = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| (D-\d+) \|", line)
        if match:
            out[match[1]] = line
    return out


def test_every_rule_has_a_row():
    assert sorted(rows(), key=lambda r: int(r[2:])) == [f"D-{n}" for n in RULES]


def test_every_cited_module_and_test_exists():
    text = DOC.read_text(encoding="utf-8")
    for path in re.findall(r"`((?:services|rules|tui|reports|models|cli|exports)/[\w/]+\.py)", text):
        assert (ROOT / "deskterm" / path).exists() or (ROOT / "tests" / path).exists(), path
    cited = re.findall(r"`((?:services|unit|tui|cli|reliability)/test_\w+\.py)(?:::(\w+))?", text)
    assert len(cited) > 40
    last_file = None
    for path, name in cited:
        file = ROOT / "tests" / path
        assert file.exists(), path
        last_file = file
        if name:
            assert re.search(rf"def {name}\b", file.read_text(encoding="utf-8")), f"{path}::{name}"
    # "`::name`" right after a cited file refers to that file
    for name in re.findall(r", `::(\w+)`", text):
        assert last_file is not None
        assert any(re.search(rf"def {name}\b", (ROOT / "tests" / p).read_text(encoding="utf-8"))
                   for p, _n in cited), name
