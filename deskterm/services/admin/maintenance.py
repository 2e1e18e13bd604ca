"""Database care for admins: backup (online, verified), restore, and the health check."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from deskterm.db import is_sqlite, make_engine, read_session
from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.paths import open_private, private_sqlite
from deskterm.services import audit


@dataclass
class CheckReport:
    integrity: str = "ok"
    foreign_key_problems: int = 0
    audit: audit.VerifyResult | None = None
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (
            self.integrity == "ok"
            and self.foreign_key_problems == 0
            and (self.audit is None or self.audit.ok)
        )


def sqlite_path(engine: Engine) -> Path:
    if not is_sqlite(engine) or not engine.url.database:
        raise DeskError(
            _("Backup and restore work on SQLite files; on PostgreSQL use pg_dump and pg_restore.")
        )
    return Path(engine.url.database)


def row_counts(engine: Engine) -> dict[str, int]:
    names = sorted(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}


def check(engine: Engine) -> CheckReport:
    report = CheckReport()
    if is_sqlite(engine):
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
            report.integrity = "; ".join(r[0] for r in rows)
            report.foreign_key_problems = len(
                conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            )
    from deskterm import schema

    # An older schema (the copy `db upgrade` makes first) is read by this release's models only
    # once upgraded; the upgrade itself checks its chain link by link before re-keying it.
    if schema.current_revision(engine) == schema.head_revision():
        with read_session(engine) as session:
            report.audit = audit.verify(session)
    report.row_counts = row_counts(engine)
    return report


def backup(engine: Engine, target: Path, progress=None) -> CheckReport:
    """Copy the live database with SQLite's online backup API, then verify the copy."""
    source = sqlite_path(engine)
    target = Path(target)
    if target.exists():
        raise DeskError(_("{path} exists already; name a new file.").format(path=target))
    if not target.parent.exists():
        raise DeskError(_("The folder {path} does not exist.").format(path=target.parent))
    open_private(target, "wb", exclusive=True).close()  # 0600 before a byte is copied
    src = sqlite3.connect(str(source), timeout=30)
    dst = sqlite3.connect(str(target))
    try:
        def step(status, remaining, total):
            if progress:
                progress(total - remaining, total)

        # One step: the copy is one consistent snapshot even while desks write.
        src.backup(dst, pages=-1, progress=step)
    finally:
        dst.close()
        src.close()
    copy = make_engine(str(target))
    try:
        report = check(copy)
    finally:
        copy.dispose()
    if not report.ok:
        raise DeskError(_("The backup at {path} failed its check; keep the old one.").format(path=target))
    return report


def restore(backup_file: Path, target_engine: Engine) -> CheckReport:
    """Replace the target database with a verified backup (the caller has asked to confirm)."""
    backup_file = Path(backup_file)
    if not backup_file.exists():
        raise DeskError(_("There is no backup file at {path}.").format(path=backup_file))
    source = make_engine(str(backup_file))
    try:
        report = check(source)
    finally:
        source.dispose()
    if not report.ok:
        raise DeskError(_("The backup at {path} failed its check; nothing was restored.").format(path=backup_file))
    target = sqlite_path(target_engine)
    target_engine.dispose()
    src = sqlite3.connect(str(backup_file))
    dst = sqlite3.connect(str(target), timeout=30)
    try:
        src.backup(dst, pages=-1)
    finally:
        dst.close()
        src.close()
    private_sqlite(target)
    return report
