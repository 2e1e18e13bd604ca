"""How a report's values read: instants in the desk's zone, money, ratios, durations.

Shared by every report format (render, render_text, render_html); control characters in typed
text become their visible pictures.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from deskterm.encoders import sheet
from deskterm.i18n import _
from deskterm.reports.model import Money, Ratio, Report
from deskterm.rules.money import format_yuan


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def show(value: Any, tz: str) -> str:
    """A value as a person reads it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Money):
        return format_yuan(value.fen)
    if isinstance(value, Ratio):
        if value.percent is None:
            return "—"
        return f"{value.part}/{value.whole} ({value.percent:.1f}%)"
    if isinstance(value, datetime):
        return local(value, tz).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, timedelta):
        return duration(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.1f}"
    return _visible(str(value))


def _visible(text: str) -> str:
    """Control characters as their visible pictures (␛ for ESC), as on the desk's screens:
    the terminal and sheet encoder (deskterm/encoders.py)."""
    return sheet(text)


def duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        return sign + _("{d} d {h} h").format(d=days, h=hours)
    if hours:
        return sign + _("{h} h {m:02d} min").format(h=hours, m=mins)
    return sign + _("{m} min").format(m=mins)


def plain(value: Any, tz: str) -> Any:
    """A value for JSON: instants with the desk's offset, money as a yuan string."""
    if isinstance(value, Money):
        return format_yuan(value.fen)
    if isinstance(value, Ratio):
        return {"part": value.part, "whole": value.whole, "percent": value.percent}
    if isinstance(value, datetime):
        return local(value, tz).isoformat(timespec="seconds")
    if isinstance(value, timedelta):
        return int(value.total_seconds() // 60)  # minutes
    if isinstance(value, date):
        return value.isoformat()
    return value


def period_text(report: Report) -> str:
    """The period as a person reads it: whole desk days as days, both included
    ("2026-11-01 – 2026-11-30", for --since 2026-11-01 --until 2026-11-30), else times to the
    minute; an end at midnight reads as 24:00 of the day before, never as the next day."""
    start = local(report.start, report.timezone)
    end = local(report.end, report.timezone)
    if start.time() == end.time() == datetime.min.time() and end > start:
        last = (end - timedelta(days=1)).date()
        days = (
            f"{start:%Y-%m-%d}" if last == start.date() else f"{start:%Y-%m-%d} – {last:%Y-%m-%d}"
        )
        return f"{days} ({report.timezone})"
    if end.time() == datetime.min.time() and end > start:  # up to the end of the day before
        return (
            f"{start:%Y-%m-%d %H:%M} – {end - timedelta(days=1):%Y-%m-%d} 24:00 ({report.timezone})"
        )
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} ({report.timezone})"
