"""Database care for admins: backup (online, verified, audited, rotated), restore (guarded,
audited in the restored database, numbering carried forward), the health check and the status.

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
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from deskterm import audit_witness
from deskterm.clock import Clock
from deskterm.config import Settings
from deskterm.db import (
    BUSY,
    failure_kind,
    is_sqlite,
    lock_row,
    make_engine,
    read_session,
    run_read,
    run_write,
)
from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.models.audit import AuditEvent, AuditHead, Counter
from deskterm.models.shift import Shift
from deskterm.models.user import User
from deskterm.paths import open_private
from deskterm.progress import Progress
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


def _private(path: Path) -> None:
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
                            name=index, reason=str(getattr(exc, "orig", exc)).splitlines()[0]
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
    _private(target)
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


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for pg_dump/pg_restore, the password in the environment only."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, env


def _run_tool(
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
    dsn, env = _libpq(engine)
    try:
        _run_tool(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), dsn], env)
        _private(target)
        listing = _run_tool(["pg_restore", "--list", str(target)])
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


# -- restore -----------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    rows: int
    numbers_carried: int
    backup_sha256: str
    actor: Actor
    set_aside: Path | None = None  # the damaged file moved out of the way, if there was one


class DatabaseInUse(DeskError):
    """Another connection has the SQLite file open (restore is refused)."""


class DamagedDatabase(DeskError):
    """The SQLite file is not a readable database: `db restore` is the way out (issue 18 C)."""


def damaged(path: Path, reason: str) -> DamagedDatabase:
    return DamagedDatabase(
        _(
            "{path} is not a readable database ({reason}): restore a backup with "
            "`deskterm db restore BACKUP`, which keeps the damaged file aside."
        ).format(path=path, reason=reason)
    )


def _refuse_open() -> DeskError:
    return DatabaseInUse(
        _(
            "Other desks or programs have the database open: sign out and close every desk "
            "(and stop deskterm serve) first; nothing was restored."
        )
    )


def lock_sqlite(path: Path) -> sqlite3.Connection:
    """A connection holding the database's exclusive lock until it is closed; refused while any
    other connection (even an idle desk) has the file open."""
    conn = sqlite3.connect(str(path), timeout=0.2, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        conn.execute("COMMIT")  # in EXCLUSIVE locking mode the lock stays until close
    except sqlite3.DatabaseError as exc:  # OperationalError included
        conn.close()
        if failure_kind(exc) == BUSY:
            raise _refuse_open() from None
        if not isinstance(exc, sqlite3.OperationalError):  # not a database, malformed
            raise damaged(path, str(exc)) from None
        raise
    return conn


def sqlite_damage(path: Path) -> str | None:
    """Why the SQLite file at `path` is not a readable database ("file is not a database",
    "database disk image is malformed", a failed quick check), or None when it is readable,
    absent or empty. A file another desk holds locked counts as readable: the lock check
    refuses it. Restore is exactly the command for a damaged file (issue 18 C)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(str(path), timeout=0.2, isolation_level=None)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if failure_kind(exc) == BUSY:
            return None
        return str(exc)
    except sqlite3.DatabaseError as exc:  # not a database, malformed
        return str(exc)
    return None if rows == ["ok"] else "; ".join(rows[:3])


def damaged_name(path: Path, now: datetime) -> Path:
    """Where a damaged database is set aside: `<name>.damaged-<time>` beside it."""
    return Path(path).with_name(f"{Path(path).name}.damaged-{now:%Y%m%d-%H%M%S}")


def _set_aside(path: Path, now: datetime) -> Path:
    """Move the damaged file and its -wal/-shm/-journal away (an old WAL left beside the new
    file would be replayed into it)."""
    aside = damaged_name(path, now)
    for suffix in ("", "-wal", "-shm", "-journal"):
        here = Path(str(path) + suffix)
        if here.exists():
            os.replace(here, Path(str(aside) + suffix))
    return aside


def sqlite_in_use(path: Path) -> bool:
    """True when another connection has the SQLite file open (the lock probe of restore)."""
    if not Path(path).exists():
        return False
    try:
        lock_sqlite(path).close()
    except DatabaseInUse:
        return True
    return False


def pg_other_connections(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        )


def _has_users(engine: Engine) -> bool:
    if "user" not in inspect(engine).get_table_names():
        return False
    return run_read(engine, lambda s: s.exec(select(User.id).limit(1)).first() is not None)


def _counters(engine: Engine) -> list[tuple[str, str, int]]:
    if engine is None or "counter" not in inspect(engine).get_table_names():
        return []
    return run_read(engine, lambda s: [(c.prefix, c.day, c.last) for c in s.exec(select(Counter))])


def _carry_numbers(session: Session, counters: list[tuple[str, str, int]]) -> int:
    """Raise the restored counters to the highest number ever issued: no number reused."""
    raised = 0
    for prefix, day, last in counters:
        row = lock_row(session, Counter, (prefix, day))
        if row is None:
            session.add(Counter(prefix=prefix, day=day, last=last))
            raised += 1
        elif row.last < last:
            row.last = last
            session.add(row)
            raised += 1
    return raised


def _record_restore(
    *,
    engine: Engine,
    actor: Actor,
    clock: Clock,
    backup_file: Path,
    sha256: str,
    counters: list[tuple[str, str, int]],
) -> tuple[int, Actor]:
    def work(session: Session) -> tuple[int, Actor]:
        carried = _carry_numbers(session, counters)
        user = session.exec(select(User).where(User.code == actor.code)).first()
        who = (
            Actor.from_user(user)
            if user is not None
            else Actor(None, actor.code, actor.name, actor.role, None)
        )
        audit.record(
            session=session,
            actor=who,
            clock=clock,
            action=RESTORE_ACTION,
            entity="database",
            detail={
                "backup": Path(backup_file).name,
                "backup_path": str(Path(backup_file).resolve()),
                "backup_taken_at": backup_taken_at(Path(backup_file)).isoformat(),
                "sha256": sha256,
                "by": actor.code,
                "numbers_carried": carried,
            },
        )
        return carried, who

    return run_write(engine, work)


def restore(
    backup_file: Path, target_engine: Engine, *, sign_in: Callable[[Engine], Actor], clock: Clock
) -> RestoreResult:
    """Replace the target database with a verified backup (the caller has asked to confirm).

    `sign_in(engine)` signs the admin in (raising when refused): against the database being
    replaced when it has staff, else against the backup's own staff."""
    backup_file = Path(backup_file)
    if not backup_file.exists():
        raise DeskError(_("There is no backup file at {path}.").format(path=backup_file))
    if is_sqlite(target_engine):
        result = _restore_sqlite(backup_file, target_engine, sign_in=sign_in, clock=clock)
    else:
        result = _restore_pg(backup_file, target_engine, sign_in=sign_in, clock=clock)
    # a rollback on purpose, audited in the restored database: this machine's witness of the
    # chain there starts afresh (deskterm.audit_witness)
    audit_witness.forget(target_engine.url)
    return result


def _restore_sqlite(
    backup_file: Path,
    target_engine: Engine,
    *,
    sign_in: Callable[[Engine], Actor],
    clock: Clock,
) -> RestoreResult:
    target = sqlite_path(target_engine)
    source = make_engine(str(backup_file))
    try:
        report = check(source)
    except Exception:
        raise DeskError(
            _("{path} is not a deskterm SQLite backup; nothing was restored.").format(
                path=backup_file
            )
        ) from None
    finally:
        source.dispose()
    if not report.ok:
        raise DeskError(
            _("The backup at {path} failed its check; nothing was restored.").format(
                path=backup_file
            )
        )
    sha256 = file_digest(backup_file)
    target_engine.dispose()
    damage = sqlite_damage(target)
    if damage is None and sqlite_in_use(target):
        raise _refuse_open()
    actor = None
    counters: list[tuple[str, str, int]] = []
    # A damaged target can neither sign anyone in nor tell its numbers: the backup's staff sign
    # in, and the damaged file is set aside (kept for a specialist), not overwritten.
    if damage is None and target.exists() and _has_users(target_engine):
        actor = sign_in(target_engine)
        permissions.require(actor, "db.manage")
        counters = _counters(target_engine)
    target_engine.dispose()
    # Prepare the copy beside the target: the numbers carried and the restore recorded in it,
    # so the database the desks open next already says where it came from.
    fd, name = tempfile.mkstemp(prefix=".deskterm-restore-", suffix=".db", dir=target.parent)
    os.close(fd)
    staged = Path(name)
    try:
        src = sqlite3.connect(str(backup_file))
        dst = sqlite3.connect(str(staged))
        try:
            src.backup(dst, pages=-1)
        finally:
            dst.close()
            src.close()
        copy = make_engine(str(staged))
        try:
            if actor is None:
                actor = sign_in(copy)
                permissions.require(actor, "db.manage")
            carried, who = _record_restore(
                engine=copy,
                actor=actor,
                clock=clock,
                backup_file=backup_file,
                sha256=sha256,
                counters=counters,
            )
            rows = sum(row_counts(copy).values())
        finally:
            copy.dispose()
        aside = _set_aside(target, clock.now()) if damage is not None else None
        lock = lock_sqlite(target)  # refused if a desk opened it meanwhile
        try:
            staged_conn = sqlite3.connect(str(staged))
            try:
                staged_conn.backup(lock, pages=-1)
            finally:
                staged_conn.close()
        finally:
            lock.close()
        _private(target)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(staged) + suffix).unlink(missing_ok=True)
    return RestoreResult(
        rows=rows, numbers_carried=carried, backup_sha256=sha256, actor=who, set_aside=aside
    )


def _restore_pg(
    backup_file: Path,
    target_engine: Engine,
    *,
    sign_in: Callable[[Engine], Actor],
    clock: Clock,
) -> RestoreResult:
    _run_tool(["pg_restore", "--list", str(backup_file)])  # a custom-format archive at all?
    sha256 = file_digest(backup_file)
    target_engine.dispose()
    if inspect(target_engine).get_table_names():
        raise DeskError(
            _(
                "On PostgreSQL a backup is restored into an empty database: create one "
                "(createdb NAME) and give it with --db; nothing was restored."
            )
        )
    if pg_other_connections(target_engine):
        target_engine.dispose()
        raise _refuse_open()
    target_engine.dispose()
    dsn, env = _libpq(target_engine)
    _run_tool(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            dsn,
            str(backup_file),
        ],
        env,
    )
    try:
        actor = sign_in(target_engine)
        permissions.require(actor, "db.manage")
    except BaseException:
        _empty_pg(target_engine)  # refused: the database goes back to empty
        raise
    carried, who = _record_restore(
        engine=target_engine,
        actor=actor,
        clock=clock,
        backup_file=backup_file,
        sha256=sha256,
        counters=[],
    )
    return RestoreResult(
        rows=sum(row_counts(target_engine).values()),
        numbers_carried=carried,
        backup_sha256=sha256,
        actor=who,
    )


def _empty_pg(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


# -- status ------------------------------------------------------------------------------------


@dataclass
class OnDuty:
    post: str
    code: str
    name: str
    since: datetime


@dataclass
class Status:
    engine: str
    revision: str | None
    head_revision: str
    connections: int | None  # PostgreSQL: other sessions on the database
    in_use: bool | None  # SQLite: another program has the file open
    on_duty: list[OnDuty]
    last_backup_at: datetime | None
    last_backup_file: str | None
    restored_at: datetime | None  # set when the newest backup is the one restored (issue 18 H)
    backup_age: timedelta | None
    max_backup_age: timedelta
    audit_seq: int
    audit_hash: str
    last_verify_at: datetime | None
    last_verify_ok: bool | None
    last_verify_detail: str

    @property
    def backup_stale(self) -> bool:
        return self.backup_age is None or self.backup_age > self.max_backup_age


def _last_event(session: Session, action: str) -> AuditEvent | None:
    return session.exec(
        select(AuditEvent)
        .where(AuditEvent.action == action)
        .order_by(col(AuditEvent.seq).desc())
        .limit(1)
    ).first()


def status(*, engine: Engine, clock: Clock, settings: Settings) -> Status:
    from deskterm import schema

    now = clock.now()
    if is_sqlite(engine):
        engine.dispose()  # our own pooled connection is not "another program"
        damage = sqlite_damage(sqlite_path(engine))
        if damage is not None:  # the one command to run when something is wrong says what
            raise damaged(sqlite_path(engine), damage)
        in_use = sqlite_in_use(sqlite_path(engine))
        connections = None
    else:
        in_use = None
        connections = pg_other_connections(engine)

    def read(
        session: Session,
    ) -> tuple[
        list[OnDuty], AuditHead | None, AuditEvent | None, AuditEvent | None, AuditEvent | None
    ]:
        duty = [
            OnDuty(shift.post, user.code, user.name, shift.started_at)
            for shift, user in session.exec(
                select(Shift, User)
                .where(Shift.operator_id == User.id)
                .where(col(Shift.ended_at).is_(None))
                .order_by(col(Shift.post))
            )
        ]
        head = session.get(AuditHead, 1)
        return (
            duty,
            head,
            _last_event(session, BACKUP_ACTION),
            _last_event(session, RESTORE_ACTION),
            _last_event(session, VERIFY_ACTION),
        )

    duty, head, backed, restored, verified = run_read(engine, read)
    backup_at = backed.at if backed else None
    backup_file = (backed.detail or {}).get("file") if backed else None
    restored_at = None
    if restored is not None and (backed is None or restored.seq > backed.seq):
        # the database now holds what that backup held: the backup counts as the last one
        detail = restored.detail or {}
        taken = detail.get("backup_taken_at")
        backup_at = datetime.fromisoformat(taken) if taken else restored.at
        backup_file = detail.get("backup_path") or detail.get("backup")
        restored_at = restored.at
    return Status(
        engine=engine.dialect.name,
        revision=schema.current_revision(engine),
        head_revision=schema.head_revision(),
        connections=connections,
        in_use=in_use,
        on_duty=duty,
        last_backup_at=backup_at,
        last_backup_file=backup_file,
        restored_at=restored_at,
        backup_age=now - backup_at if backup_at else None,
        max_backup_age=timedelta(hours=settings.backup_max_age_hours),
        audit_seq=head.seq if head else 0,
        audit_hash=head.hash if head else "",
        last_verify_at=verified.at if verified else None,
        last_verify_ok=(verified.detail or {}).get("ok") if verified else None,
        last_verify_detail=(verified.detail or {}).get("problem") or "" if verified else "",
    )


def record_verify(
    *, engine: Engine, clock: Clock, result: audit.VerifyResult, actor: Actor | None = None
) -> None:
    """Keep the outcome of `audit verify` in the trail itself, for `db status` (signed in:
    as the actor, who must hold audit.verify; else as the system)."""
    if actor is not None:
        permissions.require(actor, "audit.verify")
    run_write(
        engine,
        lambda s: audit.record(
            session=s,
            actor=actor,
            clock=clock,
            action=VERIFY_ACTION,
            entity="database",
            detail={
                "ok": bool(result.ok),
                "events": result.events_checked,
                "problem": result.problem or "",
                "seq": result.seq,
            },
        ),
    )
