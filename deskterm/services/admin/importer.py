"""`deskterm import`: residents, units, the directory, the fee schedule and the repair
categories (D-30) from CSV or XLSX.

Files come from people: headings in Chinese or English, CSV saved by Excel in UTF-8 or in GBK,
XLSX with numbers where text was meant (services.sheets reads them). Every row is checked first and
each bad one is reported with its line in the file; by default nothing is written when any row
is bad (`skip_bad` writes the good ones), and a dry run writes nothing at all but says what
would change.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sized
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import Session

from deskterm.clock import Clock
from deskterm.config import Settings
from deskterm.progress import Progress
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.admin.import_reference import (
    import_categories,
    import_directory,
    import_fees,
)
from deskterm.services.estate import import_people
from deskterm.services.estate import importing as import_estate
from deskterm.services.permissions import require
from deskterm.services.sheets import ImportResult, read_sheet


def import_file(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    kind: str,
    path: Path,
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: Progress | None = None,
    sheet: str | None = None,
) -> ImportResult:
    """Check every row of `path` and (unless a dry run, or a row is bad) write them.

    `progress(what, done, total)`, if given, is told how far a residents or units import is;
    `sheet` names the workbook's sheet (else the first whose headings fit)."""
    require(actor, "import.run")
    estate = kind in ("residents", "units")
    table = read_sheet(
        Path(path), kind, lazy=estate, sheet=sheet
    )  # the estate's importer counts the rows as it reads
    result = ImportResult(
        kind=kind,
        rows=len(table.rows) if not estate and isinstance(table.rows, Sized) else 0,
        dry_run=dry_run,
        ignored_columns=table.ignored,
    )
    if kind == "directory":
        import_directory(
            session=session,
            actor=actor,
            clock=clock,
            settings=settings,
            sheet=table,
            result=result,
            skip_bad=skip_bad,
        )
    elif kind == "fees":
        import_fees(
            session=session,
            actor=actor,
            clock=clock,
            settings=settings,
            sheet=table,
            result=result,
            skip_bad=skip_bad,
        )
    elif kind == "categories":
        import_categories(
            session=session,
            actor=actor,
            clock=clock,
            settings=settings,
            sheet=table,
            result=result,
            skip_bad=skip_bad,
        )
    else:
        run = import_people.import_residents if kind == "residents" else import_estate.import_units
        with _without_cycle_collection():
            run(
                session=session,
                actor=actor,
                clock=clock,
                sheet=table,
                result=result,
                skip_bad=skip_bad,
                progress=progress,
            )
    if result.applied:
        audit.record(
            session=session,
            actor=actor,
            clock=clock,
            action="import.run",
            entity="import",
            entity_id=kind,
            detail={
                "file": Path(path).name,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "skipped_bad": len(result.problems),
                **result.extra,
            },
        )
    return result


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while an estate file is read, checked and written.

    Such an import makes a few objects per row (cells, checked rows, parameters), none of them
    in a reference cycle, and keeps many of them to the end; the collector would walk them all,
    and everything loaded before them, again and again as they pile up: a fifth of the CPU of
    importing 50,000 residents (bench/bench_import.py). Reference counting still frees them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
