"""A report as ONE self-contained HTML file: inline CSS, inline SVG bar charts, no script and
no network resource, so a supervisor can open it anywhere or print it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape

from rich.cells import cell_len

from deskterm.encoders import html
from deskterm.i18n import _, current_language
from deskterm.reports.model import Chart, Report, Section, Table
from deskterm.reports.values import period_text, show
from deskterm.rules.text import pictures

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #999;margin-top:1.6em}
h3{font-size:1em}.meta{color:#666;margin:.1em 0}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.25em .6em;
text-align:left;vertical-align:top;white-space:pre-wrap}th{background:#f2f2f2}td.n,th.n{text-align:right}
td.n,td.k{white-space:nowrap}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2em 1.2em}dl.facts dt{color:#555}
dl.facts dd{margin:0;font-weight:bold}.empty{font-style:italic;color:#666}
svg{display:block;margin:.5em 0 1em}svg text{font-size:12px;fill:#222}
@media print{body{margin:1cm}h2{break-after:avoid}table,svg{break-inside:avoid}}
"""

BAR_WIDTH = 360
LABEL_WIDTH = 360  # the widest label column; narrower when the labels are short
ROW = 20


def _e(text: str) -> str:
    """Escaped, controls pictured (encoders: the HTML way out)."""
    return escape(pictures(text), quote=True)


def svg_chart(chart: Chart) -> str:
    """Horizontal bars as inline SVG; percent charts run from 0 to 100."""
    top = 100.0 if chart.percent else max((v for _l, v in chart.bars), default=0) or 1
    height = ROW * len(chart.bars) + 6
    label_width = min(
        LABEL_WIDTH, round(6.5 * max((cell_len(label) for label, _v in chart.bars), default=4)) + 12
    )
    width = label_width + BAR_WIDTH + 70
    parts = [
        f'<svg role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{_e(chart.title)}</title>'
    ]
    for i, (label, value) in enumerate(chart.bars):
        y = i * ROW + 3
        length = round(BAR_WIDTH * max(value, 0) / top, 1)
        shown = chart.shown(value)
        colour = (
            "#4a7db8"
            if not chart.percent
            else ("#3c8d4f" if value >= 90 else "#c9822b" if value >= 70 else "#b8433a")
        )
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{_e(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{ROW - 6}" fill="{colour}"/>'
            f'<text x="{label_width + length + 4}" y="{y + 13}">{_e(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _cell(column, value, tz: str) -> str:
    """A numeric cell is right-aligned; times, numbers and short codes never break a line."""
    text = show(value, tz)
    if column.numeric:
        return f'<td class="n">{html(text)}</td>'
    short = len(text) <= 24 and not any(ch.isspace() for ch in text)
    keep = isinstance(value, datetime | date | timedelta) or (isinstance(value, str) and short)
    return f'<td class="k">{html(text)}</td>' if keep else f"<td>{html(text)}</td>"


def _table(table: Table, tz: str) -> str:
    head = "".join(
        f'<th class="n">{_e(c.label)}</th>' if c.numeric else f"<th>{_e(c.label)}</th>"
        for c in table.columns
    )
    rows = []
    for row in table.rows:
        cells = "".join(_cell(c, v, tz) for c, v in zip(table.columns, row, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _section(section: Section, tz: str) -> str:
    parts = [f'<section id="{_e(section.key)}"><h2>{_e(section.title)}</h2>']
    if section.facts:
        parts.append(
            '<dl class="facts">'
            + "".join(
                f"<dt>{_e(f.label)}</dt><dd>{html(show(f.value, tz))}</dd>" for f in section.facts
            )
            + "</dl>"
        )
    for chart in section.charts:
        if chart.bars:
            parts.append(f"<h3>{_e(chart.title)}</h3>{svg_chart(chart)}")
    for table in section.tables:
        if table.title and table.title != section.title:
            parts.append(f"<h3>{_e(table.title)}</h3>")
        if table.rows:
            parts.append(_table(table, tz))
        else:
            parts.append(f'<p class="empty">{_e(table.empty or _("None."))}</p>')
    parts += [f'<p class="empty">{_e(note)}</p>' for note in section.notes]
    parts.append("</section>")
    return "".join(parts)


def to_html(report: Report) -> str:
    tz = report.timezone
    lang = "zh-CN" if current_language() == "zh_CN" else "en"
    head = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(report.title)}</title><style>{CSS}</style></head><body>"
    )
    meta = [f"<h1>{_e(report.title)}</h1>"]
    if report.subtitle:
        meta.append(f'<p class="meta">{_e(report.subtitle)}</p>')
    meta.append(
        f'<p class="meta">{_e(_("Period: {period}").format(period=period_text(report)))}</p>'
    )
    meta.append(
        f'<p class="meta">{_e(_("Generated: {at}").format(at=show(report.generated_at, tz)))}</p>'
    )
    body = "".join(_section(s, tz) for s in report.sections)
    return head + "".join(meta) + body + "</body></html>\n"
