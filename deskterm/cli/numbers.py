"""Whole-number options (days, shift numbers, counts, ports): one parser for every one, so a
bad value is a usage error (exit 2) in one translated sentence, never Typer's English nor an
overflow deep in a service (OverflowError from timedelta or SQLite)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import typer

from deskterm.i18n import _

DAYS = 36_500  # a hundred years: more is a typo
ID = 2**62  # a row id or a seed: within every database's INTEGER


def whole(low: int, high: int) -> Callable[[str], int]:
    """A Typer `parser=` for a whole number from `low` to `high` (full-width digits read)."""

    def parse(value) -> int:
        if isinstance(value, int) and not isinstance(value, bool):  # a default
            return value
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if not re.fullmatch(r"[+-]?\d{1,20}", text) or not low <= int(text) <= high:
            if high >= ID:  # no upper bound worth saying
                raise typer.BadParameter(
                    _("“{value}” is not a whole number of {low} or more.").format(
                        value=value, low=f"{low:,}"
                    )
                )
            raise typer.BadParameter(
                _("“{value}” is not a whole number from {low} to {high}.").format(
                    value=value, low=f"{low:,}", high=f"{high:,}"
                )
            )
        return int(text)

    parse.__name__ = "integer"
    return parse
