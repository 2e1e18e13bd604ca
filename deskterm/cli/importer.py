"""`deskterm import KIND FILE`: residents, units, directory or fees from CSV or XLSX (admin)."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from deskterm.cli.context import DbOption, UserOption
from deskterm.cli.progress import terminal_progress
from deskterm.i18n import N_, _


class ImportKind(StrEnum):
    residents = "residents"
    units = "units"
    directory = "directory"
    fees = "fees"
    categories = "categories"


def register(app: typer.Typer) -> None:
    @app.command(
        "import",
        help=_(
            "Import residents, units, directory, fees or repair categories from a CSV, XLSX or XLS "
            "file (admin). "
            "Headings may be Chinese or English, e.g. 姓名/name, 楼栋/building, 房号/unit, "
            "电话/phone, 身份/relation, 公司/company; a title or notes may stand above them. "
            "Every row is checked first: bad rows are listed by line and nothing is imported "
            "unless all rows are good (or --skip-bad). `deskterm export KIND` writes a file "
            "in the same headings. A resident's row with the export's key (住户编号 / id) "
            "updates that record, name and unit included; a row without one is matched by "
            "unit and name, so a renamed or moved person is added as new."
        ),
    )
    def import_cmd(
        kind: Annotated[
            ImportKind,
            typer.Argument(help=_("What the file holds."), show_default=False, metavar="KIND"),
        ],
        file: Annotated[
            Path,
            typer.Argument(
                help=_("A .csv (UTF-8 or GBK), .xlsx or .xls file."),
                show_default=False,
                metavar="PATH",
            ),
        ],
        sheet: Annotated[
            str | None,
            typer.Option(
                "--sheet",
                metavar="NAME",
                help=_(
                    "The workbook's sheet, by name or number (default: the first whose headings fit)."
                ),
                show_default=False,
            ),
        ] = None,
        dry_run: Annotated[
            bool,
            typer.Option(
                "--dry-run", help=_("Check and count, write nothing; exit 1 if any row is bad.")
            ),
        ] = False,
        skip_bad: Annotated[
            bool, typer.Option("--skip-bad", help=_("Import the good rows even when some are bad."))
        ] = False,
        db: DbOption = None,
        user: UserOption = None,
    ) -> None:
        run_import(
            kind=kind.value,
            file=file,
            dry_run=dry_run,
            skip_bad=skip_bad,
            db=db,
            user=user,
            sheet=sheet,
        )


def run_import(
    *, kind, file: Path, dry_run: bool, skip_bad: bool, db, user, sheet: str | None = None
) -> None:
    from deskterm.cli.context import act_as, open_desk
    from deskterm.db import run_write
    from deskterm.services.admin.importer import import_file

    if not file.is_file():
        raise typer.BadParameter(_("There is no file {path}.").format(path=file), param_hint="FILE")
    desk = open_desk(db)
    actor = act_as(desk, user, "import.run")
    notices: list = []
    with terminal_progress() as progress:
        result = run_write(
            desk.engine,
            lambda s: import_file(
                session=s,
                actor=actor,
                clock=desk.clock,
                settings=desk.settings,
                kind=kind,
                path=file,
                dry_run=dry_run,
                skip_bad=skip_bad,
                progress=progress,
                sheet=sheet,
            ),
            notices=notices,
        )
    if notices:
        from deskterm.models.guard import masked_sentence

        typer.echo(masked_sentence(notices))
    from deskterm.encoders import terminal

    for problem in result.problems:
        typer.echo(
            terminal(_("line {line}: {problem}").format(line=problem.line, problem=problem.message))
        )
    for warning in result.warnings:
        typer.echo(
            terminal(
                _("line {line}: note: {problem}").format(line=warning.line, problem=warning.message)
            )
        )
    if result.ignored_columns:
        typer.echo(
            _("Columns not used: {columns}").format(columns=", ".join(result.ignored_columns))
        )
    counts = _("{rows} rows: {created} new, {updated} changed, {unchanged} unchanged").format(
        rows=result.rows, created=result.created, updated=result.updated, unchanged=result.unchanged
    )
    extra = "".join(f"; {_(EXTRA.get(k, k)).format(n=n)}" for k, n in sorted(result.extra.items()))
    if result.dry_run:
        typer.echo(
            _("Dry run, nothing written. {counts}{extra}.").format(counts=counts, extra=extra)
        )
        if result.problems:
            sys.stderr.write(
                _("{n} bad rows: fix them before importing (or use --skip-bad).").format(
                    n=len(result.problems)
                )
                + "\n"
            )
            raise typer.Exit(1)
        return
    if result.problems and not result.applied:
        typer.echo(_("Nothing was imported. {counts}{extra}.").format(counts=counts, extra=extra))
        sys.stderr.write(
            _("{n} bad rows: fix them and import again (or use --skip-bad).").format(
                n=len(result.problems)
            )
            + "\n"
        )
        raise typer.Exit(1)
    typer.echo(_("Imported. {counts}{extra}.").format(counts=counts, extra=extra))
    if result.problems:
        sys.stderr.write(_("{n} bad rows were skipped.").format(n=len(result.problems)) + "\n")
        raise typer.Exit(1)


EXTRA = {
    "buildings_created": N_("buildings added: {n}"),
    "units_created": N_("units added: {n}"),
    "events": N_("events: {n}"),
}
