"""The export use case, whatever door asks for it (issue 20): plan, authorise, audit, write.

`plan_export` turns what was asked (kind, period, filters, columns) into a checked query for
a signed-in actor — filter values are checked against what exists only after sign-in, since
they reveal what the database holds — and authorises personal data (the denial audited).
`write_export` requires the reason for personal data, records the export in the audit before a
row is written, then streams the rows in the requested format with the labels people read,
reporting progress. The CLI (cli/export.py) only parses, signs in, asks and opens the output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from deskterm.clock import Clock
from deskterm.db import run_write
from deskterm.encoders import ByteSink
from deskterm.errors import InvalidInput
from deskterm.export import XLSX_MAX_ROWS, write_rows
from deskterm.exports import ExportQuery, build_query, check_filters, open_rows, record_export
from deskterm.exports.labels import people_codes, people_headings
from deskterm.i18n import _
from deskterm.progress import Progress
from deskterm.services import permissions
from deskterm.services.actor import Actor


@dataclass(frozen=True)
class ExportPlan:
    kind: str
    since: datetime | None
    until: datetime | None
    query: ExportQuery
    filters: dict[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] | None = None
    include_pii: bool = False


def plan_export(
    *,
    engine: Engine,
    clock: Clock,
    actor: Actor,
    kind: str,
    since: datetime | None,
    until: datetime | None,
    filters: dict[str, str | None] | None = None,
    columns: list[str] | None = None,
    include_pii: bool = False,
) -> ExportPlan:
    """The checked query; ExportFilterError for an unknown filter value or column,
    PermissionDenied (audited) when the actor may not export, or not personal data."""
    permissions.authorize(engine=engine, clock=clock, actor=actor, action="export.run")
    checked = check_filters(engine, kind, filters)
    query = build_query(kind, since=since, until=until, filters=checked, columns=columns)
    if include_pii:
        permissions.authorize(engine=engine, clock=clock, actor=actor, action="export.include_pii")
    used = {k: v for k, v in (checked or {}).items() if v is not None}
    return ExportPlan(
        kind=kind,
        since=since,
        until=until,
        query=query,
        filters=used,
        columns=tuple(columns) if columns else None,
        include_pii=include_pii,
    )


def write_export(
    *,
    engine: Engine,
    clock: Clock,
    actor: Actor,
    tz: str,
    plan: ExportPlan,
    fmt: str,
    out: ByteSink,
    reason: str | None = None,
    bom: bool = True,
    headings_for_people: bool = False,
    count: bool = False,
    progress: Progress | None = None,
) -> int:
    """Audit the export, then write its rows to `out`; the number of rows written.

    `headings_for_people` puts the headings in the user's language in csv (xlsx always has
    them); `count` counts the rows first (for progress; xlsx always counts, to refuse a sheet
    that cannot hold them before writing one)."""
    reason = (reason or "").strip() or None
    if plan.include_pii and not reason:
        raise InvalidInput(_("Personal data is exported only with a reason."))
    run_write(
        engine,
        lambda s: record_export(
            session=s,
            actor=actor,
            clock=clock,
            kind=plan.kind,
            fmt=fmt,
            since=plan.since,
            until=plan.until,
            include_pii=plan.include_pii,
            reason=reason if plan.include_pii else None,
            filters=plan.filters,
            columns=list(plan.columns) if plan.columns else None,
        ),
    )
    columns = plan.query.columns
    headings = codes = None
    if fmt == "xlsx" or (fmt == "csv" and headings_for_people):
        headings = people_headings(plan.kind, columns, tz)
    if fmt == "xlsx":
        codes = people_codes(plan.kind, columns, engine)
    with open_rows(engine, plan.query, count=count or fmt == "xlsx") as (total, batches):
        if fmt == "xlsx" and total is not None and total > XLSX_MAX_ROWS:
            raise InvalidInput(
                _(
                    "{n} rows do not fit in one xlsx sheet (at most {max}): choose a shorter period or csv."
                ).format(n=f"{total:,}", max=f"{XLSX_MAX_ROWS:,}")
            )
        words = (_("yes"), _("no")) if fmt == "xlsx" else ("true", "false")
        return write_rows(
            batches,
            columns,
            out,
            fmt=fmt,
            tz=tz,
            include_pii=plan.include_pii,
            bom=bom,
            progress=progress,
            what=plan.kind,
            total=total,
            headings=headings,
            codes=codes,
            bool_words=words,
        )
