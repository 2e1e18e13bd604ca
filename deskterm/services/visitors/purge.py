"""Retention: remove visitor slips older than the retention period (DESIGN "People and
privacy"), audited, and leave no purged personal data readable in the database file.

Slips go in batches, each batch in its own write transaction with its own audit event, so the
desks keep working while an archive of a million slips is purged. On SQLite the deletes run
with `secure_delete` (freed content is overwritten with zeros), then VACUUM rebuilds the file
(no stale copies left in free space from earlier updates) and a TRUNCATE checkpoint empties
the write-ahead log. On PostgreSQL, VACUUM FULL rewrites the two tables.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import is_sqlite, run_read, run_write
from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.visitor import ExpectedVisitor, SlipStatus, VisitorSlip
from deskterm.progress import Progress
from deskterm.rules.numbering import local_day
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require

BATCH = 10_000


@dataclass(frozen=True)
class PurgeCounts:
    cutoff: datetime  # slips checked in before this instant go
    slips: int
    on_site: int  # of which never checked out (their slip never came back)
    expected: int  # announced visitors dated before the cutoff day


@dataclass
class PurgeReport:
    counts: PurgeCounts
    slips: int = 0
    expected: int = 0
    compacted: bool = False
    compact_problem: str | None = None


def _cutoff(clock: Clock, older_than_days: int) -> datetime:
    if older_than_days < 1:
        raise InvalidInput(_("--older-than is a number of days, at least 1."), field="older_than")
    return as_utc(clock.now()) - timedelta(days=older_than_days)


def _old_expected(
    cutoff: datetime, settings: Settings
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    kept = select(VisitorSlip.expected_id).where(col(VisitorSlip.expected_id).is_not(None))
    return (
        col(ExpectedVisitor.expected_on) < local_day(cutoff, settings.timezone),
        col(ExpectedVisitor.id).not_in(kept),
    )


def count_purgeable(
    *, session: Session, clock: Clock, settings: Settings, older_than_days: int
) -> PurgeCounts:
    cutoff = _cutoff(clock, older_than_days)
    old = col(VisitorSlip.checked_in_at) < cutoff
    slips = session.exec(select(func.count()).select_from(VisitorSlip).where(old)).one()
    on_site = session.exec(
        select(func.count())
        .select_from(VisitorSlip)
        .where(old, VisitorSlip.status == SlipStatus.on_site)
    ).one()
    expected = session.exec(
        select(func.count())
        .select_from(ExpectedVisitor)
        .where(ExpectedVisitor.expected_on < local_day(cutoff, settings.timezone))
    ).one()
    return PurgeCounts(cutoff=cutoff, slips=slips, on_site=on_site, expected=expected)


def _delete_batch(
    session: Session,
    *,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    counts: PurgeCounts,
    older_than_days: int,
    batch: int,
) -> tuple[int, int]:
    if is_sqlite(session.get_bind()):
        session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
    old = col(VisitorSlip.checked_in_at) < counts.cutoff
    ids = select(VisitorSlip.id).where(old).order_by(col(VisitorSlip.id)).limit(batch)
    on_site = session.exec(
        select(func.count())
        .select_from(VisitorSlip)
        .where(col(VisitorSlip.id).in_(ids), VisitorSlip.status == SlipStatus.on_site)
    ).one()
    slips = session.exec(delete(VisitorSlip).where(col(VisitorSlip.id).in_(ids))).rowcount
    expected = 0
    if slips < batch:  # the last batch: announcements no remaining slip points at
        expected = session.exec(
            delete(ExpectedVisitor).where(*_old_expected(counts.cutoff, settings))
        ).rowcount
    if slips or expected:
        audit.record(
            session=session,
            actor=actor,
            clock=clock,
            action="visitor.purge",
            entity="visitor_slip",
            detail={
                "older_than_days": older_than_days,
                "cutoff": counts.cutoff,
                "slips": slips,
                "on_site": on_site,
                "expected": expected,
            },
        )
    return slips, expected


def purge_visitors(
    *,
    engine: Engine,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    older_than_days: int,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> PurgeReport:
    """Delete slips (and stale announcements) older than `older_than_days`, then compact."""
    require(actor, "purge.run")
    counts = run_read(
        engine,
        lambda s: count_purgeable(
            session=s, clock=clock, settings=settings, older_than_days=older_than_days
        ),
    )
    report = PurgeReport(counts=counts)
    while True:
        slips, expected = run_write(
            engine,
            lambda s: _delete_batch(
                s,
                actor=actor,
                clock=clock,
                settings=settings,
                counts=counts,
                older_than_days=older_than_days,
                batch=batch,
            ),
        )
        report.slips += slips
        report.expected += expected
        if progress:
            progress(_("Removing slips"), report.slips, counts.slips)
        if slips < batch:
            break
    if report.slips or report.expected:
        report.compacted, report.compact_problem = compact(engine)
    else:
        report.compacted = True
    return report


def compact(engine: Engine) -> tuple[bool, str | None]:
    """Rewrite the storage so deleted rows leave no readable trace; (done, problem if not)."""
    if not is_sqlite(engine):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM FULL visitor_slip")
            conn.exec_driver_sql("VACUUM FULL expected_visitor")
        return True, None
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.execute("VACUUM")
        busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    except (sqlite3.OperationalError, OperationalError) as exc:
        return False, str(exc)
    finally:
        raw.close()
    if busy:
        return False, "wal busy"
    return True, None
