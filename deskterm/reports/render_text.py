"""A report as a readable Rich layout in the terminal (plain text when not a terminal).

Every value goes in as a rich.text.Text, so what people typed is never read as markup; Rich
measures CJK characters as two cells, so Chinese columns line up.
"""

from __future__ import annotations

import io
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from deskterm.encoders import sheet
from deskterm.i18n import _
from deskterm.reports.model import Chart, Report
from deskterm.reports.values import period_text, show

BAR_CELLS = 30
WRAP_COLUMNS = 8  # a wider table that does not fit is shown one record at a time


def _t(value: str, style: str = "") -> Text:
    """Any text of the report (typed values, labels, notes) through the terminal encoder."""
    return Text(sheet(value), style=style)


def _chart(chart: Chart, tz: str) -> RichTable:
    grid = RichTable(
        title=_t(chart.title, style="bold"),
        title_justify="left",
        box=None,
        show_header=False,
        pad_edge=False,
        min_width=len(chart.title) * 2,
    )
    grid.add_column()
    grid.add_column()
    grid.add_column(justify="right")
    top = 100.0 if chart.percent else max((v for _l, v in chart.bars), default=0) or 1
    for label, value in chart.bars:
        cells = round(BAR_CELLS * value / top)
        shown = chart.shown(value)
        grid.add_row(_t(label), _t("█" * cells, style="cyan"), _t(shown))
    return grid


WRAP_MIN_CELLS = 10  # a wrapped text column keeps at least this many cells (or its widest)


def _widths(table, tz: str) -> tuple[list[int], list[list[Text]]]:
    cells = [[_t(show(value, tz)) for value in row] for row in table.rows]
    widest = [
        max([_t(c.label).cell_len, *(row[i].cell_len for row in cells)])
        for i, c in enumerate(table.columns)
    ]
    return widest, cells


def _grid(table, tz: str, *, wrap: bool) -> RichTable:
    grid = RichTable(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    widest, cells = _widths(table, tz)
    for column, width in zip(table.columns, widest, strict=True):
        # wrapped, a text column keeps a readable width: Rich would otherwise squeeze it to
        # nothing, label and values gone (issue 21: `report sla` lost class and category)
        grid.add_column(
            _t(column.label),
            justify="right" if column.numeric else "left",
            no_wrap=column.numeric or not wrap,
            overflow="fold",
            min_width=min(WRAP_MIN_CELLS, width) if wrap and not column.numeric else None,
        )
    for row in cells:
        grid.add_row(*row)
    return grid


def _width(console: Console, grid: RichTable) -> int:
    return console.measure(grid, options=console.options.update_width(10_000)).maximum


def _wrapped_fits(console: Console, table, tz: str, unwrapped: RichTable) -> bool:
    """Whether the table fits with its text columns wrapped at WRAP_MIN_CELLS: the numbers
    whole, every text column readable; else it is shown one record at a time."""
    widest, _cells = _widths(table, tz)
    spacing = _width(console, unwrapped) - sum(widest)  # padding and rules between columns
    need = sum(
        w if c.numeric else min(WRAP_MIN_CELLS, w)
        for c, w in zip(table.columns, widest, strict=True)
    )
    return need + spacing <= console.width


def _records(table, tz: str) -> list[RichTable]:
    """A table too wide for the screen, one block of `label  value` lines per row."""
    blocks = []
    for row in table.rows:
        block = RichTable(box=None, show_header=False, pad_edge=False)
        block.add_column(style="dim")
        block.add_column(overflow="fold")
        for column, value in zip(table.columns, row, strict=True):
            block.add_row(_t(column.label), _t(show(value, tz)))
        blocks.append(block)
    return blocks


def write_text(report: Report, out: TextIO, *, width: int | None = None) -> None:
    """Rich to a terminal; elsewhere plain text at `width` (100) with no trailing spaces."""
    terminal = out.isatty()
    buffer = None if terminal else io.StringIO()
    console = Console(
        file=out if buffer is None else buffer,
        width=width or (None if terminal else 100),
        color_system="auto" if terminal else None,
        force_terminal=terminal,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    _write(report, console)
    if buffer is not None:
        out.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def _write(report: Report, console: Console) -> None:
    tz = report.timezone
    console.print(_t(report.title, style="bold"))
    if report.subtitle:
        console.print(_t(report.subtitle))
    console.print(_t(_("Period: {period}").format(period=period_text(report)), style="dim"))
    console.print(_t(_("Generated: {at}").format(at=show(report.generated_at, tz)), style="dim"))
    for section in report.sections:
        console.print()
        console.rule(_t(section.title, style="bold"), align="left")
        if section.facts:
            facts = RichTable(box=None, show_header=False, pad_edge=False)
            facts.add_column(style="dim")
            facts.add_column()
            for fact in section.facts:
                facts.add_row(_t(fact.label), _t(show(fact.value, tz)))
            console.print(facts)
        for table in section.tables:
            if table.title != section.title:
                console.print()
                console.print(_t(table.title, style="bold"))
            if not table.rows:
                console.print(_t(table.empty or _("None."), style="italic"))
                continue
            fits = _grid(table, tz, wrap=False)
            if _width(console, fits) <= console.width:
                console.print(fits)
            elif len(table.columns) <= WRAP_COLUMNS and _wrapped_fits(console, table, tz, fits):
                console.print(_grid(table, tz, wrap=True))
            else:
                for index, block in enumerate(_records(table, tz)):
                    if index:
                        console.print()
                    console.print(block)
        for chart in section.charts:
            if chart.bars:
                console.print()
                console.print(_chart(chart, tz))
        for note in section.notes:
            console.print(_t(note, style="italic"))
