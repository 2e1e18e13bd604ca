"""What a report is: titled sections of facts, tables and charts, as plain data.

Builders fill these; the renderers (text, markdown, JSON, HTML) never query anything. Values
are typed so that each renderer shows them its own way: `Money` (whole fen), `Ratio` (met of
total), aware `datetime` (shown in the desk's zone), `timedelta` (a duration), int, str, None.
Labels are already translated; `key`s are stable English identifiers for JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Money:
    """An amount in whole fen, shown as yuan with two decimals (rules.money.format_yuan)."""

    fen: int


@dataclass(frozen=True)
class Ratio:
    """`part` of `whole`, e.g. deadlines met of deadlines due; no percent when whole is 0."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return None if self.whole == 0 else round(100 * self.part / self.whole, 1)


@dataclass
class Fact:
    key: str
    label: str
    value: Any


@dataclass
class Column:
    key: str
    label: str
    numeric: bool = False  # right-aligned


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    empty: str = ""  # said instead of an empty table


@dataclass
class Chart:
    """A bar chart: (label, value) bars; `percent` bars run from 0 to 100, other bars are
    counts (whole numbers: 22, never 22.0, in every renderer and in JSON)."""

    key: str
    title: str
    bars: list[tuple[str, float]]
    percent: bool = False

    def __post_init__(self) -> None:
        if not self.percent:
            self.bars = [(label, int(v) if float(v).is_integer() else v) for label, v in self.bars]

    def shown(self, value: float, *, sign: bool = True) -> str:
        """A bar's value as every renderer writes it: a percent to one decimal, a count whole."""
        if self.percent:
            return f"{value:.1f}%" if sign else f"{value:.1f}"
        return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass
class Section:
    key: str
    title: str
    facts: list[Fact] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fact(self, key: str, label: str, value: Any) -> Section:
        self.facts.append(Fact(key, label, value))
        return self


@dataclass
class Report:
    kind: str  # shift, daily, sla, visitors, repairs, complaints
    title: str
    start: datetime  # aware; inclusive
    end: datetime  # aware; exclusive
    generated_at: datetime
    timezone: str
    sections: list[Section] = field(default_factory=list)
    subtitle: str = ""

    def section(self, key: str, title: str) -> Section:
        section = Section(key, title)
        self.sections.append(section)
        return section
