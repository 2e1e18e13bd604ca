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
    for path in re.findall(
        r"`((?:services|rules|tui|reports|models|cli|exports)/[\w/]+\.py)", text
    ):
        assert (ROOT / "deskterm" / path).exists() or (ROOT / "tests" / path).exists(), path
    cited = re.findall(r"`((?:services|unit|tui|cli|reliability)/test_\w+\.py)(?:::(\w+))?", text)
    assert len(cited) > 40
    for path, _name in cited:
        assert (ROOT / "tests" / path).exists(), path


def test_every_cited_test_is_in_the_file_named_before_it():
    """`file.py::name` is in that file; a bare `::name` is in the last file cited before it
    (the same row), never anywhere else."""
    cite = re.compile(r"`(?:((?:services|unit|tui|cli|reliability)/test_\w+\.py))?(?:::(\w+))?`")
    checked = 0
    for rule, line in rows().items():
        last = None
        for path, name in cite.findall(line):
            if path:
                last = ROOT / "tests" / path
            if name:
                assert last is not None, f"{rule}: ::{name} before any file"
                assert re.search(rf"def {name}\b", last.read_text(encoding="utf-8")), (
                    f"{rule}: {last.name}::{name}"
                )
                checked += 1
    assert checked > 60


def test_every_rule_cites_a_test():
    """Conduct rules too: a test of what the software does to support them."""
    for rule, line in rows().items():
        assert re.search(r"`(?:services|unit|tui|cli|reliability)/test_\w+\.py", line), rule
        # a test, not a whole file: a file alone says nothing about which test holds the rule
        bare = re.findall(r"`((?:services|unit|tui|cli|reliability)/test_\w+\.py)`", line)
        assert not bare, (rule, bare)
