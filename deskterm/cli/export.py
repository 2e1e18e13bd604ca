"""`deskterm export KIND`: records to csv, jsonl, json or xlsx, streamed (admin)."""

import sys
from enum import StrEnum
from typing import Annotated

import typer

from deskterm.cli.context import DbOption, UserOption
from deskterm.cli.progress import terminal_progress
from deskterm.i18n import N_, _, language_named


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
    categories = "categories"


# What an export holds, as its closing line says it (never the KIND typed, a table's name)
KIND_WORDS = {
    ExportKind.visitors: N_("visitor slips"),
    ExportKind.inquiries: N_("inquiries"),
    ExportKind.messages: N_("messages"),
    ExportKind.repairs: N_("repair orders"),
    ExportKind.complaints: N_("complaints"),
    ExportKind.logbook: N_("logbook entries"),
    ExportKind.handovers: N_("handovers"),
    ExportKind.audit: N_("audit events"),
    ExportKind.residents: N_("residents"),
    ExportKind.units: N_("units"),
    ExportKind.directory: N_("directory entries"),
    ExportKind.fees: N_("fee schedule items"),
    ExportKind.categories: N_("repair categories"),
}


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
            "logbook, handovers, audit; or residents, units, directory, fees, categories in their "
            "import's "
            "own headings, to edit in Excel and import back. xlsx is for people: headings, codes "
            "and dates in the chosen language and the desk's time zone. csv, jsonl and json keep "
            "field names, codes and ISO 8601 times (csv: headings in the language given by --lang). "
            "Phone numbers are masked unless --include-pii is given."
        ),
    )
    def export_cmd(
        kind: Annotated[
            ExportKind,
            typer.Argument(help=_("What to export."), show_default=False, metavar="KIND"),
        ],
        fmt: Annotated[
            ExportFormat,
            typer.Option("--format", "-f", metavar="FORMAT", help=_("csv, jsonl, json or xlsx.")),
        ] = ExportFormat.csv,
        since: Annotated[
            str | None,
            typer.Option(
                metavar="DATE",
                help=_(
                    "From this day (2026-11-01, 20261101, today, yesterday, -7d) or time (2026-11-01T08:00), desk time."
                ),
                show_default=False,
            ),
        ] = None,
        until: Annotated[
            str | None,
            typer.Option(
                metavar="DATE", help=_("Up to this day, included, or time."), show_default=False
            ),
        ] = None,
        out: Annotated[
            str,
            typer.Option(
                "--out", "-o", metavar="PATH", help=_("File to write, or - for standard output.")
            ),
        ] = "-",
        force: Annotated[
            bool, typer.Option("--force", help=_("Replace the --out file if it exists."))
        ] = False,
        columns: Annotated[
            str | None,
            typer.Option(
                "--columns",
                metavar="NAMES",
                help=_("Only these columns, in this order, by field name, separated by commas."),
                show_default=False,
            ),
        ] = None,
        status: Annotated[
            str | None,
            typer.Option(
                "--status",
                metavar="CODE",
                help=_(
                    "Only records with this status code (visitors, repairs, complaints, handovers)."
                ),
                show_default=False,
            ),
        ] = None,
        building: Annotated[
            str | None,
            typer.Option(
                "--building",
                metavar="CODE",
                help=_("Only this building (visitors, repairs, complaints, residents, units)."),
                show_default=False,
            ),
        ] = None,
        action: Annotated[
            str | None,
            typer.Option(
                "--action",
                metavar="NAME",
                help=_("audit: only this action, or a kind of action (resident, export.run)."),
                show_default=False,
            ),
        ] = None,
        by: Annotated[
            str | None,
            typer.Option(
                "--by",
                metavar="CODE",
                help=_("audit: only what this staff member did."),
                show_default=False,
            ),
        ] = None,
        include_pii: Annotated[
            bool,
            typer.Option(
                "--include-pii",
                help=_("Include phone numbers unmasked (admin; asks for a reason; audited)."),
            ),
        ] = False,
        reason: Annotated[
            str | None,
            typer.Option(
                metavar="TEXT",
                help=_("Why personal data is included (asked when missing)."),
                show_default=False,
            ),
        ] = None,
        bom: Annotated[
            bool | None,
            typer.Option(
                "--bom/--no-bom",
                help=_(
                    "CSV with a byte-order mark, for Excel (default: in files, not on standard output)."
                ),
                show_default=False,
            ),
        ] = None,
        db: DbOption = None,
        user: UserOption = None,
    ) -> None:
        names = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
        filters = {"status": status, "building": building, "action": action, "user": by}
        run_export(
            kind=kind.value,
            fmt=fmt.value,
            since=since,
            until=until,
            out=out,
            force=force,
            columns=names,
            filters=filters,
            include_pii=include_pii,
            reason=reason,
            bom=bom,
            db=db,
            user=user,
        )


def run_export(
    *,
    kind,
    fmt,
    since,
    until,
    out,
    include_pii,
    reason,
    bom,
    db,
    user,
    force=False,
    columns=None,
    filters=None,
) -> None:
    from deskterm.cli.context import act_as, open_desk
    from deskterm.exports import ExportFilterError, build_query
    from deskterm.exports.use_case import plan_export, write_export
    from deskterm.reports.period import PeriodError, between

    to_stdout = out == "-"
    if fmt == "xlsx" and to_stdout and sys.stdout.isatty():
        raise typer.BadParameter(
            _("xlsx is a binary file: name one with --out."), param_hint="--out"
        )
    from deskterm.cli.outfile import Output, check_target

    target = None if to_stdout else check_target(out, force)
    if bom is None:  # a file for Excel has one; a stream (stdout, a pipe, /dev/stdout) none
        from deskterm.cli.outfile import STREAM

        bom = target not in (None, STREAM)
    desk = open_desk(db)
    try:
        start, end = between(
            since, until, desk.settings.timezone, now=desk.clock.now(), default_days=None
        )
    except PeriodError as exc:
        raise typer.BadParameter(str(exc)) from None
    try:  # a filter name or column the kind does not have, before the password is asked
        build_query(kind, since=start, until=end, filters=filters, columns=columns)
    except ExportFilterError as exc:
        raise typer.BadParameter(str(exc)) from None
    actor = act_as(desk, user, "export.run")
    try:  # what exists is for a signed-in admin's eyes only: checked after act_as
        plan = plan_export(
            engine=desk.engine,
            clock=desk.clock,
            actor=actor,
            kind=kind,
            since=start,
            until=end,
            filters=filters,
            columns=columns,
            include_pii=include_pii,
        )
    except ExportFilterError as exc:
        raise typer.BadParameter(str(exc)) from None
    if include_pii:
        reason = (reason or "").strip() or ask(_("Why is personal data included?"))
    with (
        terminal_progress() as progress,
        Output(out, target, seekable=fmt == "xlsx", prefix=".deskterm-export-") as stream,
    ):
        written = write_export(
            engine=desk.engine,
            clock=desk.clock,
            actor=actor,
            tz=desk.settings.timezone,
            plan=plan,
            fmt=fmt,
            out=stream,
            reason=reason,
            bom=bom,
            headings_for_people=language_named(),
            count=progress is not None,
            progress=progress,
        )
    where = _("standard output") if to_stdout else out
    sys.stderr.write(
        _("Exported {n} rows of {what} to {where}.").format(
            n=written, what=_(KIND_WORDS[ExportKind(kind)]), where=where
        )
        + "\n"
    )


def ask(question: str) -> str:
    """Ask on stderr and read one line: stdout may be the export itself (click's prompt
    writes part of itself to stdout)."""
    sys.stderr.write(question + " ")
    sys.stderr.flush()
    return sys.stdin.readline().strip()
