"""Named reports: each module turns a period of records into a `Report` (reports/model.py).

A report module exposes a build function (named in REPORTS),

    build(*, session, period: Period, settings: Settings, clock: Clock) -> Report

that reads with SQL aggregates (never by loading and counting ORM objects), shows no resident
phone number (DESIGN "People and privacy"), and returns plain data. The renderers in
reports/render_*.py turn a Report into text (Rich), markdown, JSON or one self-contained HTML
file; the CLI (`deskterm report KIND`) picks the module from `REPORTS`.
"""

from __future__ import annotations

# report kind -> "module:function" that builds it
REPORTS: dict[str, str] = {
    "shift": "deskterm.reports.shift:build_shift",
    "daily": "deskterm.reports.shift:build_daily",
    "sla": "deskterm.reports.sla:build",
    "visitors": "deskterm.reports.visitors:build",
    "repairs": "deskterm.reports.repair_records:build",
    "complaints": "deskterm.reports.complaint_report:build",
}


def builder(kind: str):
    """The build function of a report kind, or None while its module does not provide one."""
    import importlib

    module_name, _sep, function = REPORTS[kind].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, function, None)
