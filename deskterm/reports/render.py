"""Turning a Report into text: how each typed value is shown, JSON and markdown.

Rich text and HTML are in render_text.py and render_html.py. Every value from the database
is shown literally: markdown escapes its special characters, HTML escapes its markup.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from deskterm.i18n import _
from deskterm.reports.model import Chart, Money, Ratio, Report, Table
from deskterm.rules.money import format_yuan

FORMATS = ("text", "markdown", "json", "html")


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


# C0 controls but tab and newline, DEL, C1, bidi overrides: typed text may hold them, and a
# report printed to a terminal must not send them (an ESC sequence could clear the screen).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(text: str) -> str:
    """Control characters as their visible pictures (␛ for ESC), as on the desk's screens."""
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())) if m.group() < "\x20" else
                        "\u2421" if m.group() == "\x7f" else "\ufffd", text)


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
    start = local(report.start, report.timezone)
    end = local(report.end, report.timezone)
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} ({report.timezone})"


def render(report: Report, fmt: str, out: TextIO, *, width: int | None = None) -> None:
    if fmt == "json":
        out.write(to_json(report))
    elif fmt == "markdown":
        out.write(to_markdown(report))
    elif fmt == "html":
        from deskterm.reports.render_html import to_html

        out.write(to_html(report))
    elif fmt == "text":
        from deskterm.reports.render_text import write_text

        write_text(report, out, width=width)
    else:
        raise ValueError(f"unknown report format {fmt!r}")


# -- JSON ---------------------------------------------------------------------------------------
def to_json(report: Report) -> str:
    tz = report.timezone
    data = {
        "report": report.kind,
        "title": report.title,
        "subtitle": report.subtitle,
        "start": plain(report.start, tz),
        "end": plain(report.end, tz),
        "timezone": tz,
        "generated_at": plain(report.generated_at, tz),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "facts": {f.key: plain(f.value, tz) for f in s.facts},
                "tables": [
                    {"key": t.key, "title": t.title,
                     "rows": [{c.key: plain(v, tz) for c, v in zip(t.columns, row, strict=True)}
                              for row in t.rows]}
                    for t in s.tables
                ],
                "charts": [{"key": c.key, "title": c.title, "percent": c.percent,
                            "bars": [{"label": label, "value": value} for label, value in c.bars]}
                           for c in s.charts],
                "notes": s.notes,
            }
            for s in report.sections
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- markdown -----------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def md(text: str) -> str:
    """User text as literal markdown: specials escaped, line breaks kept inside a cell."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", "<br>")


def md_table(table: Table | Chart, tz: str) -> list[str]:
    if isinstance(table, Chart):
        head = [(table.title, False), ("%" if table.percent else "", True)]
        rows = [[label, f"{value:.1f}" if table.percent else show(value, tz)] for label, value in table.bars]
    else:
        head = [(c.label, c.numeric) for c in table.columns]
        rows = [[show(v, tz) for v in row] for row in table.rows]
    lines = ["| " + " | ".join(md(label) for label, _n in head) + " |",
             "|" + "|".join("---:" if numeric else "---" for _l, numeric in head) + "|"]
    lines += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
    return lines


def to_markdown(report: Report) -> str:
    tz = report.timezone
    lines = [f"# {md(report.title)}", ""]
    if report.subtitle:
        lines += [md(report.subtitle), ""]
    lines += [md(_("Period: {period}").format(period=period_text(report))),
              md(_("Generated: {at}").format(at=show(report.generated_at, tz))), ""]
    for section in report.sections:
        lines += [f"## {md(section.title)}", ""]
        if section.facts:
            lines += [f"- {md(f.label)}: **{md(show(f.value, tz))}**" for f in section.facts] + [""]
        for table in section.tables:
            if table.title and table.title != section.title:
                lines += [f"### {md(table.title)}", ""]
            if not table.rows:
                lines += [md(table.empty or _("None.")), ""]
                continue
            lines += md_table(table, tz) + [""]
        for chart in section.charts:
            if chart.bars:
                lines += md_table(chart, tz) + [""]
        lines += [md(note) for note in section.notes] + ([""] if section.notes else [])
    return "\n".join(lines).rstrip("\n") + "\n"
