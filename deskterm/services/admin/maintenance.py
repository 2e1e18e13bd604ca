"""Database care for admins: backup (online, verified, audited, rotated) and the health check.
Restoring is in restore.py, the status an admin reads in db_status.py.

SQLite: the backup is an online copy through SQLite's backup API; the restore takes the
database's exclusive lock first and refuses while any other connection (a desk, a report)
has the file open (issue 14.6). PostgreSQL: the backup is `pg_dump --format=custom`, the
restore `pg_restore` into an empty database nobody else is connected to (docs/SITE.md).
Both write an audit event: `db.backup` into the database backed up, `db.restore` into the
restored one, naming the backup file and its SHA-256 (issue 19.3).
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from deskterm.clock import Clock
from deskterm.config import Settings
from deskterm.db import (
    is_sqlite,
    make_engine,
    read_session,
    run_write,
)
from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.paths import open_private
from deskterm.progress import Progress
from deskterm.reasons import driver_words
from deskterm.services import audit, permissions
from deskterm.services.actor import Actor

BACKUP_ACTION = "db.backup"
RESTORE_ACTION = "db.restore"
VERIFY_ACTION = "audit.verify"
BACKUP_NAME = re.compile(r"^deskterm-(\d{8}-\d{6})\.(db|dump)$")


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
    from deskterm import schema

    # An older schema (the copy `db upgrade` makes first) is read by this release's models only
    # once upgraded; the upgrade itself checks its chain link by link before re-keying it.
    if schema.current_revision(engine) == schema.head_revision():
        with read_session(engine) as session:
            report.audit = audit.verify(session)
    report.row_counts = row_counts(engine)
    return report


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_private(path: Path) -> None:
    """A backup holds every resident's phone: readable by its owner only (issue 19.5)."""
    os.chmod(path, 0o600)


# -- backup ------------------------------------------------------------------------------------


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
                sql = (
                    f'SELECT count(*) FROM "{table}" c WHERE {not_null} AND NOT EXISTS '
                    f'(SELECT 1 FROM "{fk["referred_table"]}" p WHERE {on})'
                )
                report.foreign_key_problems += conn.execute(text(sql)).scalar_one()
        report.checked.append(_("foreign keys of {n} tables, row by row").format(n=len(tables)))
        invalid = (
            conn.execute(
                text(
                    "SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint "
                    "WHERE NOT convalidated AND connamespace = current_schema()::regnamespace"
                )
            )
            .scalars()
            .all()
        )
        problems += [_("constraint {name} is NOT VALID").format(name=name) for name in invalid]
        installed = conn.execute(
            text("SELECT extversion FROM pg_extension WHERE extname = 'amcheck'")
        ).scalar_one_or_none()
        if installed is None:
            available = conn.execute(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'")
            ).scalar_one_or_none()
            report.unchecked.append(
                _(
                    "indexes and table files: the amcheck extension is not installed (a superuser can run "
                    "CREATE EXTENSION amcheck;)"
                )
                if available
                else _("indexes and table files: this server has no amcheck extension")
            )
        else:
            indexes = (
                conn.execute(
                    text(
                        "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                        "JOIN pg_am a ON a.oid = c.relam JOIN pg_class t ON t.oid = i.indrelid "
                        "WHERE a.amname = 'btree' AND t.relnamespace = current_schema()::regnamespace "
                        "AND t.relkind = 'r' AND c.relpersistence <> 't'"
                    )
                )
                .scalars()
                .all()
            )
            for index in indexes:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            text("SELECT bt_index_check(CAST(:i AS regclass), true)"), {"i": index}
                        )
                except Exception as exc:  # noqa: BLE001 - a corrupt index raises: report it
                    problems.append(
                        _("index {name}: {reason}").format(
                            name=index, reason=driver_words(exc) or _("the check found damage")
                        )
                    )
            report.checked.append(_("{n} indexes (amcheck)").format(n=len(indexes)))
            has_heap = conn.execute(
                text("SELECT 1 FROM pg_proc WHERE proname = 'verify_heapam'")
            ).scalar_one_or_none()
            if has_heap:
                for table in tables:
                    rows = conn.execute(
                        text("SELECT count(*) FROM verify_heapam(CAST(:t AS regclass))"),
                        {"t": table},
                    ).scalar_one()
                    if rows:
                        problems.append(
                            _("table {name}: {n} damaged tuples").format(name=table, n=rows)
                        )
                report.checked.append(_("{n} table files (amcheck)").format(n=len(tables)))
            else:
                report.unchecked.append(
                    _("table files: verify_heapam needs amcheck 1.3 (PostgreSQL 14)")
                )
        if conn.execute(text("SHOW data_checksums")).scalar_one() != "on":
            report.unchecked.append(
                _("page checksums: the cluster was created without data checksums")
            )
    report.integrity = "; ".join(problems) or "ok"


def backup(engine: Engine, target: Path, progress: Progress | None = None) -> CheckReport:
    """Copy the live SQLite database with SQLite's online backup API, then verify the copy."""
    source = sqlite_path(engine)
    target = _new_file(target)
    open_private(target, "wb", exclusive=True).close()  # 0600 before a byte is copied
    src = sqlite3.connect(str(source), timeout=30)
    dst = sqlite3.connect(str(target))
    try:

        def step(status: int, remaining: int, total: int) -> None:
            if progress:
                progress(_("Copying"), total - remaining, total)

        # One step: the copy is one consistent snapshot even while desks write.
        src.backup(dst, pages=-1, progress=step)
    finally:
        dst.close()
        src.close()
    make_private(target)
    copy = make_engine(str(target))
    try:
        report = check(copy)
    finally:
        copy.dispose()
    if not report.ok:
        raise DeskError(
            _("The backup at {path} failed its check; keep the old one.").format(path=target)
        )
    return report


def _new_file(target: Path) -> Path:
    target = Path(target)
    if target.exists():
        raise DeskError(_("{path} exists already; name a new file.").format(path=target))
    if not target.parent.exists():
        raise DeskError(_("The folder {path} does not exist.").format(path=target.parent))
    return target


def libpq_args(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for pg_dump/pg_restore, the password in the environment only."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, env


def run_tool(
    args: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise DeskError(
            _("{tool} is not installed: install the PostgreSQL client programs.").format(
                tool=args[0]
            )
        ) from None
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
        raise DeskError(
            _("{tool} failed: {reason}").format(
                tool=args[0], reason=lines[-1] if lines else f"exit {done.returncode}"
            )
        )
    return done


def pg_backup(engine: Engine, target: Path) -> int:
    """`pg_dump --format=custom` of the whole database, checked by `pg_restore --list`;
    returns the number of entries in the archive."""
    target = _new_file(target)
    dsn, env = libpq_args(engine)
    try:
        run_tool(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), dsn], env)
        make_private(target)
        listing = run_tool(["pg_restore", "--list", str(target)])
    except DeskError:
        target.unlink(missing_ok=True)
        raise
    return sum(1 for line in listing.stdout.splitlines() if line and not line.startswith(";"))


@dataclass
class BackupResult:
    path: Path
    engine: str
    size: int
    sha256: str
    rows: int | None = None  # SQLite: rows in the verified copy
    events: int | None = None  # SQLite: audit events verified in the copy
    entries: int | None = None  # PostgreSQL: entries in the archive
    removed: list[Path] = field(default_factory=list)


def backup_name(engine: Engine, now: datetime) -> str:
    return f"deskterm-{now:%Y%m%d-%H%M%S}.{'db' if is_sqlite(engine) else 'dump'}"


def backup_taken_at(path: Path) -> datetime:
    """When a backup was taken: the time in a dated name (UTC, as `backup_name` writes it),
    else the file's modification time. `db status` counts a restored backup by it."""
    match = BACKUP_NAME.match(Path(path).name)
    if match:
        return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    return datetime.fromtimestamp(Path(path).stat().st_mtime, tz=UTC)


def make_backup(
    *, engine: Engine, target: Path, actor: Actor, clock: Clock, settings: Settings
) -> BackupResult:
    """A verified backup at `target` (a file, or a folder: a dated file there, and the folder's
    backups older than `backup_keep_days` removed), recorded as a `db.backup` event."""
    permissions.require(actor, "db.manage")
    target = Path(target)
    now = clock.now()
    folder = target if target.is_dir() else None
    path = folder / backup_name(engine, now) if folder else target
    if is_sqlite(engine):
        report = backup(engine, path)
        result = BackupResult(
            path,
            "sqlite",
            path.stat().st_size,
            file_digest(path),
            rows=sum(report.row_counts.values()),
            events=report.audit.events_checked if report.audit else 0,
        )
    else:
        entries = pg_backup(engine, path)
        result = BackupResult(
            path, "postgresql", path.stat().st_size, file_digest(path), entries=entries
        )
    run_write(
        engine,
        lambda s: audit.record(
            session=s,
            actor=actor,
            clock=clock,
            action=BACKUP_ACTION,
            entity="database",
            detail={
                "file": str(path.resolve()),
                "engine": result.engine,
                "bytes": result.size,
                "sha256": result.sha256,
            },
        ),
    )
    if folder is not None:
        result.removed = rotate(folder, keep_days=settings.backup_keep_days, now=now)
    return result


def rotate(folder: Path, *, keep_days: int, now: datetime) -> list[Path]:
    """Remove deskterm's dated backups in `folder` older than `keep_days` (by the time in their
    name); the newest one always stays. Other files are never touched."""
    dated = []
    for path in Path(folder).iterdir():
        match = BACKUP_NAME.match(path.name)
        if match and path.is_file():
            taken = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=now.tzinfo)
            dated.append((taken, path))
    dated.sort()
    cutoff = now - timedelta(days=keep_days)
    removed = [path for taken, path in dated[:-1] if taken < cutoff]
    for path in removed:
        path.unlink()
    return removed
