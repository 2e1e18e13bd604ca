"""`deskterm export KIND`: records to csv, jsonl, json or xlsx, streamed (admin)."""

import sys
from enum import StrEnum
from typing import Annotated

import typer

from deskterm.cli.context import DbOption, UserOption
from deskterm.cli.progress import terminal_progress
from deskterm.i18n import _, language_named
from deskterm.services import permissions


class ExportKind(StrEnum):
    visitors = "visitors"
    inquiries = "inquiries"
    messages = "messages"
    repairs = "repairs"
    complaints = "complaints"
    logbook = "logbook"
    handovers = "handovers"
    audit = "audit"
    residents = "residents"
    units = "units"
    directory = "directory"
    fees = "fees"


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    json = "json"
    xlsx = "xlsx"


def register(app: typer.Typer) -> None:
    @app.command(
        "export",
        help=_(
            "Export records (admin): visitors, inquiries, messages, repairs, complaints, "
            "logbook, handovers, audit; or residents, units, directory, fees in their import's "
            "own headings, to edit in Excel and import back. xlsx is for people: headings, codes "
            "and dates in the chosen language and the desk's time zone. csv, jsonl and json keep "
            "field names, codes and ISO 8601 times (csv: headings in the language given by --lang). "
            "Phone numbers are masked unless --include-pii is given."
        ),
    )
    def export_cmd(
        kind: Annotated[ExportKind, typer.Argument(help=_("What to export."), show_default=False, metavar="KIND")],
        fmt: Annotated[ExportFormat, typer.Option("--format", "-f", metavar="FORMAT", help=_("csv, jsonl, json or xlsx."))] = ExportFormat.csv,
        since: Annotated[str | None, typer.Option(metavar="DATE", help=_("From this day (2026-11-01, 20261101, today, yesterday, -7d) or time (2026-11-01T08:00), desk time."), show_default=False)] = None,
        until: Annotated[str | None, typer.Option(metavar="DATE", help=_("Up to this day, included, or time."), show_default=False)] = None,
        out: Annotated[str, typer.Option("--out", "-o", metavar="PATH", help=_("File to write, or - for standard output."))] = "-",
        force: Annotated[bool, typer.Option("--force", help=_("Replace the --out file if it exists."))] = False,
        columns: Annotated[str | None, typer.Option("--columns", metavar="NAMES", help=_("Only these columns, in this order, by field name, separated by commas."), show_default=False)] = None,
        status: Annotated[str | None, typer.Option("--status", metavar="CODE", help=_("Only records with this status code (visitors, repairs, complaints, handovers)."), show_default=False)] = None,
        building: Annotated[str | None, typer.Option("--building", metavar="CODE", help=_("Only this building (visitors, repairs, complaints, residents, units)."), show_default=False)] = None,
        action: Annotated[str | None, typer.Option("--action", metavar="NAME", help=_("audit: only this action, or a kind of action (resident, export.run)."), show_default=False)] = None,
        by: Annotated[str | None, typer.Option("--by", metavar="CODE", help=_("audit: only what this staff member did."), show_default=False)] = None,
        include_pii: Annotated[bool, typer.Option("--include-pii", help=_("Include phone numbers unmasked (admin; asks for a reason; audited)."))] = False,
        reason: Annotated[str | None, typer.Option(metavar="TEXT", help=_("Why personal data is included (asked when missing)."), show_default=False)] = None,
        bom: Annotated[bool | None, typer.Option("--bom/--no-bom", help=_("CSV with a byte-order mark, for Excel (default: in files, not on standard output)."), show_default=False)] = None,
        db: DbOption = None,
        user: UserOption = None,
    ) -> None:
        names = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
        filters = {"status": status, "building": building, "action": action, "user": by}
        run_export(kind=kind.value, fmt=fmt.value, since=since, until=until, out=out, force=force,
                   columns=names, filters=filters, include_pii=include_pii, reason=reason,
                   bom=bom, db=db, user=user)


def run_export(*, kind, fmt, since, until, out, include_pii, reason, bom, db, user, force=False,
               columns=None, filters=None) -> None:
    from deskterm.cli.context import act_as, open_desk
    from deskterm.db import run_write
    from deskterm.export import XLSX_MAX_ROWS, write_rows
    from deskterm.exports import (
        ExportFilterError,
        build_query,
        check_filters,
        open_rows,
        record_export,
    )
    from deskterm.exports.labels import people_codes, people_headings
    from deskterm.reports.period import PeriodError, between

    to_stdout = out == "-"
    if fmt == "xlsx" and to_stdout and sys.stdout.isatty():
        raise typer.BadParameter(_("xlsx is a binary file: name one with --out."), param_hint="--out")
    from deskterm.cli.outfile import Output, check_target

    target = None if to_stdout else check_target(out, force)
    if bom is None:  # a file for Excel has one; a stream (stdout, a pipe, /dev/stdout) none
        from deskterm.cli.outfile import STREAM

        bom = target not in (None, STREAM)
    desk = open_desk(db)
    try:
        start, end = between(since, until, desk.settings.timezone, now=desk.clock.now(), default_days=None)
    except PeriodError as exc:
        raise typer.BadParameter(str(exc)) from None
    try:
        query = build_query(kind, since=start, until=end, filters=filters, columns=columns)
    except ExportFilterError as exc:
        raise typer.BadParameter(str(exc)) from None
    actor = act_as(desk, user, "export.run")
    try:  # what exists is for a signed-in admin's eyes only: checked after act_as
        filters = check_filters(desk.engine, kind, filters)
        query = build_query(kind, since=start, until=end, filters=filters, columns=columns)
    except ExportFilterError as exc:
        raise typer.BadParameter(str(exc)) from None
    if include_pii:
        permissions.authorize(engine=desk.engine, clock=desk.clock, actor=actor,
                              action="export.include_pii")
        reason = (reason or "").strip() or ask(_("Why is personal data included?"))
        if not reason:
            from deskterm.errors import InvalidInput

            raise InvalidInput(_("Personal data is exported only with a reason."))
    used = {k: v for k, v in (filters or {}).items() if v is not None}
    run_write(desk.engine, lambda s: record_export(
        session=s, actor=actor, clock=desk.clock, kind=kind, fmt=fmt, since=start, until=end,
        include_pii=include_pii, reason=reason if include_pii else None, filters=used, columns=columns))

    tz = desk.settings.timezone
    headings = codes = None
    if fmt == "xlsx" or (fmt == "csv" and language_named()):
        headings = people_headings(kind, query.columns, tz)
    if fmt == "xlsx":
        codes = people_codes(kind, query.columns, desk.engine)
    show_progress = sys.stderr.isatty()
    with open_rows(desk.engine, query, count=show_progress or fmt == "xlsx") as (total, batches):
        if fmt == "xlsx" and total is not None and total > XLSX_MAX_ROWS:
            from deskterm.errors import InvalidInput

            raise InvalidInput(_("{n} rows do not fit in one xlsx sheet (at most {max}): choose a shorter period or csv.").format(
                n=f"{total:,}", max=f"{XLSX_MAX_ROWS:,}"))
        with terminal_progress() as progress, Output(out, target, seekable=fmt == "xlsx", prefix=".deskterm-export-") as stream:
            written = write_rows(batches, query.columns, stream, fmt=fmt, tz=tz,
                                 include_pii=include_pii, bom=bom, progress=progress, what=kind, total=total, headings=headings,
                                 codes=codes, bool_words=(_("yes"), _("no")) if fmt == "xlsx" else ("true", "false"))
    where = _("standard output") if to_stdout else out
    sys.stderr.write(_("Exported {n} {kind} rows to {where}.").format(n=written, kind=kind, where=where) + "\n")



def ask(question: str) -> str:
    """Ask on stderr and read one line: stdout may be the export itself (click's prompt
    writes part of itself to stdout)."""
    sys.stderr.write(question + " ")
    sys.stderr.flush()
    return sys.stdin.readline().strip()
