"""The repairs list's time left speaks the desk's language: "2天05:00" in Chinese, not "2d"
(found by the outside tester), and fits the 10 columns of "Left" in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rich.cells import cell_len

from deskterm.i18n import set_language
from deskterm.rules.sla import SlaState, format_countdown
from deskterm.tui.screens.repairs_views import board_columns, countdown

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


@pytest.fixture
def language():
    yield set_language
    set_language("en")


def test_the_day_count_is_given_in_the_callers_words():
    assert format_countdown(timedelta(days=3, hours=2)) == "3d 02:00"
    days = "{days}天{hours:02d}:{minutes:02d}"
    assert format_countdown(timedelta(days=3, hours=2, minutes=7), days) == "3天02:07"
    assert format_countdown(-timedelta(days=2, hours=5), days) == "-2天05:00"
    assert format_countdown(timedelta(hours=5), days) == "5:00:00"  # under a day: no day unit


@pytest.mark.parametrize(("lang", "unit"), [("zh", "天"), ("en", "d")])
def test_the_repairs_list_counts_days_in_the_desks_language(language, lang, unit):
    language(lang)
    width = next(c.width for c in board_columns() if c.label in ("Left", "剩余"))
    for left in (timedelta(days=2, hours=5), -timedelta(days=99, hours=23, minutes=59)):
        shown = countdown(NOW + left, NOW, SlaState.OK).plain
        assert unit in shown and cell_len(shown) <= width, shown
        assert lang == "en" or "d" not in shown, shown
