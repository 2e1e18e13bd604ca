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
from deskterm.services import audit


@dataclass
class CheckReport:
    integrity: str = "ok"
    foreign_key_problems: int = 0
    audit: audit.VerifyResult | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)  # what was checked, in words (PostgreSQL)
    unchecked: list[str] = field(default_factory=list)  # what could not be, and how to enable it

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
    elif engine.dialect.name == "postgresql":
        _check_postgresql(engine, report)
    with read_session(engine) as session:
        report.audit = audit.verify(session)
    report.row_counts = row_counts(engine)
    return report


def _check_postgresql(engine: Engine, report: CheckReport) -> None:
    """Real checks on PostgreSQL, read-only: every foreign key of deskterm's tables row by row
    (a constraint dropped or disabled, or a restore with triggers off, can leave orphans),
    constraints left NOT VALID, and, where the amcheck extension is installed, every B-tree
    index (bt_index_check) and table (verify_heapam). What cannot be checked is said, with the
    way to enable it; nothing is installed or changed."""
    problems: list[str] = []
    inspector = inspect(engine)
    tables = sorted(inspector.get_table_names())
    with engine.connect() as conn:
        for table in tables:
            for fk in inspector.get_foreign_keys(table):
                if not fk.get("referred_table") or not fk.get("constrained_columns"):
                    continue
                child = [f'c."{c}"' for c in fk["constrained_columns"]]
                parent = [f'p."{c}"' for c in fk["referred_columns"]]
                on = " AND ".join(f"{a} = {b}" for a, b in zip(child, parent, strict=True))
                not_null = " AND ".join(f"{a} IS NOT NULL" for a in child)
                sql = (f'SELECT count(*) FROM "{table}" c WHERE {not_null} AND NOT EXISTS '
                       f'(SELECT 1 FROM "{fk["referred_table"]}" p WHERE {on})')
                report.foreign_key_problems += conn.execute(text(sql)).scalar_one()
        report.checked.append(_("foreign keys of {n} tables, row by row").format(n=len(tables)))
        invalid = conn.execute(text(
            "SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint "
            "WHERE NOT convalidated AND connamespace = current_schema()::regnamespace")).scalars().all()
        problems += [_("constraint {name} is NOT VALID").format(name=name) for name in invalid]
        installed = conn.execute(text(
            "SELECT extversion FROM pg_extension WHERE extname = 'amcheck'")).scalar_one_or_none()
        if installed is None:
            available = conn.execute(text(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'")).scalar_one_or_none()
            report.unchecked.append(
                _("indexes and table files: the amcheck extension is not installed (a superuser can run "
                  "CREATE EXTENSION amcheck;)") if available else
                _("indexes and table files: this server has no amcheck extension"))
        else:
            indexes = conn.execute(text(
                "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam JOIN pg_class t ON t.oid = i.indrelid "
                "WHERE a.amname = 'btree' AND t.relnamespace = current_schema()::regnamespace "
                "AND t.relkind = 'r' AND c.relpersistence <> 't'")).scalars().all()
            for index in indexes:
                try:
                    with conn.begin_nested():
                        conn.execute(text("SELECT bt_index_check(CAST(:i AS regclass), true)"), {"i": index})
                except Exception as exc:  # noqa: BLE001 - a corrupt index raises: report it
                    problems.append(_("index {name}: {reason}").format(
                        name=index, reason=str(getattr(exc, "orig", exc)).splitlines()[0]))
            report.checked.append(_("{n} indexes (amcheck)").format(n=len(indexes)))
            has_heap = conn.execute(text(
                "SELECT 1 FROM pg_proc WHERE proname = 'verify_heapam'")).scalar_one_or_none()
            if has_heap:
                for table in tables:
                    rows = conn.execute(text(
                        "SELECT count(*) FROM verify_heapam(CAST(:t AS regclass))"), {"t": table}).scalar_one()
                    if rows:
                        problems.append(_("table {name}: {n} damaged tuples").format(name=table, n=rows))
                report.checked.append(_("{n} table files (amcheck)").format(n=len(tables)))
            else:
                report.unchecked.append(_("table files: verify_heapam needs amcheck 1.3 (PostgreSQL 14)"))
        if conn.execute(text("SHOW data_checksums")).scalar_one() != "on":
            report.unchecked.append(_("page checksums: the cluster was created without data checksums"))
    report.integrity = "; ".join(problems) or "ok"


def backup(engine: Engine, target: Path, progress=None) -> CheckReport:
    """Copy the live database with SQLite's online backup API, then verify the copy."""
    source = sqlite_path(engine)
    target = Path(target)
    if target.exists():
        raise DeskError(_("{path} exists already; name a new file.").format(path=target))
    if not target.parent.exists():
        raise DeskError(_("The folder {path} does not exist.").format(path=target.parent))
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
    return report
