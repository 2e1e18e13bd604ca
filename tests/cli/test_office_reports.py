"""Issue 17 item 5: complaints and repairs reports carry charts; markdown reads as plain text."""

from __future__ import annotations

import json

import pytest

SUP = {"DESKTERM_USER": "sup1", "DESKTERM_PASSWORD": "demo1234"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from typer.testing import CliRunner

    from deskterm.cli.main import run

    path = str(tmp_path_factory.mktemp("demo") / "demo.db")
    with CliRunner().isolation():
        try:
            run(["demo", "--db", path, "--visitors", "50"])
        except SystemExit as exc:
            assert not exc.code
    return path


@pytest.mark.parametrize(
    ("kind", "sections"),
    [
        ("complaints", {"summary": "Complaints by category"}),
        ("repairs", {"resident_log": "Repairs by category", "public_log": "Repairs by category"}),
    ],
)
def test_complaints_and_repairs_reports_have_charts(cli, demo, kind, sections):
    result = cli("report", kind, "-f", "json", "--db", demo, env=SUP)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    charts = {s["key"]: s["charts"] for s in data["sections"]}
    for key, title in sections.items():
        (chart,) = charts[key]
        assert chart["title"] == title and chart["bars"]
        values = [bar["value"] for bar in chart["bars"]]
        assert values == sorted(values, reverse=True) and all(v > 0 for v in values)
    text = cli("report", kind, "--db", demo, env=SUP).output
    assert "█" in text  # the text report draws the bars


def test_markdown_reads_as_plain_text(cli, demo):
    md = cli("report", "repairs", "-f", "markdown", "--db", demo, env=SUP).output
    assert "R2026" in md and "\\-" not in md and "\\." not in md
