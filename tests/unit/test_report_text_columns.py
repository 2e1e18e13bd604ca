"""The text rendering of a report never loses a column (issue 21 outside test: `report sla`'s
"By class and category" showed neither the class nor the category, label or value: Rich had
squeezed the wrapped text columns to nothing). Every table shape: fits, wraps, or goes one
record at a time; in each, every column label and every value is there."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from deskterm.reports.model import Column, Report, Table
from deskterm.reports.render_text import write_text

AT = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CATEGORY = "Burst pipe at the water meter (water cut or severe leak)"


def render(columns, rows, width=100) -> str:
    report = Report(kind="sla", title="t", start=AT, end=AT, generated_at=AT, timezone="UTC")
    report.section("s", "Section").tables.append(Table("t", "By class and category", columns, rows))
    out = io.StringIO()
    write_text(report, out, width=width)
    return out.getvalue()


NUMBERS = [Column(f"n{i}", f"Number column {i}", True) for i in range(6)]


@pytest.mark.parametrize(
    ("columns", "row"),
    [
        (
            [Column("class", "Class"), Column("category", "Category"), *NUMBERS[:2]],
            ["urgent", "Drain", 1, 2],
        ),  # fits
        (
            [Column("class", "Class"), Column("category", "Category"), *NUMBERS[:3]],
            ["urgent", CATEGORY * 2, 1, 2, 3],
        ),  # wraps
        (
            [Column("class", "Class"), Column("category", "Category"), *NUMBERS],
            ["urgent", CATEGORY, "3/6 (50.0%)", "5/6 (83.3%)", 2, "8/12 (66.7%)", 0, 1],
        ),  # too wide
    ],
    ids=["fits", "wraps", "records"],
)
def test_every_label_and_every_value_is_shown(columns, row):
    text = render(columns, [row])
    flat = " ".join(text.split())  # a label may wrap too
    for column, value in zip(columns, row, strict=True):
        assert column.label in flat, column.label
        assert all(word in text for word in str(value).split()), value  # wrapped at spaces
    assert all(len(line) <= 100 for line in text.splitlines())
