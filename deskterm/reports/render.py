"""Turning a Report into text: how each typed value is shown, JSON and markdown.

Rich text and HTML are in render_text.py and render_html.py. Every value from the database
is shown literally: markdown escapes what would render (and nothing more, so it reads as
plain text), HTML escapes its markup.
"""

from __future__ import annotations

import json
import re
from typing import TextIO

from deskterm.encoders import json_text, sheet
from deskterm.i18n import _
from deskterm.reports.model import Chart, Money, Report, Table
from deskterm.reports.values import period_text, plain, show
from deskterm.rules.money import format_yuan

FORMATS = ("text", "markdown", "json", "html")


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
def json_fields(key: str, value, tz: str) -> list[tuple[str, object]]:
    """A value's JSON field(s): money as the exact integer of fen under `*_fen` and its yuan
    text under `*_yuan` (as exports carry it), whatever the key says; any other value once."""
    if isinstance(value, Money):
        base = key.removesuffix("_fen").removesuffix("_yuan")
        return [(f"{base}_fen", value.fen), (f"{base}_yuan", format_yuan(value.fen))]
    return [(key, plain(value, tz))]


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
                "facts": dict(field for f in s.facts for field in json_fields(f.key, f.value, tz)),
                "tables": [
                    {
                        "key": t.key,
                        "title": t.title,
                        "rows": [
                            dict(
                                field
                                for c, v in zip(t.columns, row, strict=True)
                                for field in json_fields(c.key, v, tz)
                            )
                            for row in t.rows
                        ],
                    }
                    for t in s.tables
                ],
                "charts": [
                    {
                        "key": c.key,
                        "title": c.title,
                        "percent": c.percent,
                        "bars": [{"label": label, "value": value} for label, value in c.bars],
                    }
                    for c in s.charts
                ],
                "notes": s.notes,
            }
            for s in report.sections
        ],
    }
    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


# -- markdown -----------------------------------------------------------------------------------
# Markdown that stays readable as plain text (pasted into a chat, V20261207-0035 reads as
# typed): only what would change how the text renders is escaped — code, emphasis, links and
# HTML anywhere; a heading, quote or list marker at the start of a line; an underscore only
# where it could start or end emphasis (not inside a word such as walk_in).
_MD_INLINE = re.compile(r"([\\`*\[\]<>|~])")
_MD_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)](?:\s|$)))", re.MULTILINE)


def md(text: str) -> str:
    """User text as literal markdown: what would render escaped, line breaks kept in a cell."""
    text = _MD_INLINE.sub(r"\\\1", sheet(text))
    text = _MD_UNDERSCORE.sub(r"\\_", text)
    text = _MD_LINE_START.sub(
        lambda m: (
            m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2))
        ),
        text,
    )
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def md_table(table: Table | Chart, tz: str) -> list[str]:
    if isinstance(table, Chart):
        head = [(table.title, False), ("%" if table.percent else "", True)]
        rows = [[label, table.shown(value, sign=False)] for label, value in table.bars]
    else:
        head = [(c.label, c.numeric) for c in table.columns]
        rows = [[show(v, tz) for v in row] for row in table.rows]
    lines = [
        "| " + " | ".join(md(label) for label, _n in head) + " |",
        "|" + "|".join("---:" if numeric else "---" for _l, numeric in head) + "|",
    ]
    lines += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
    return lines


def to_markdown(report: Report) -> str:
    tz = report.timezone
    lines = [f"# {md(report.title)}", ""]
    if report.subtitle:
        lines += [md(report.subtitle), ""]
    lines += [
        md(_("Period: {period}").format(period=period_text(report))),
        md(_("Generated: {at}").format(at=show(report.generated_at, tz))),
        "",
    ]
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
