"""Restoring the database from a backup (admins): guarded, audited in the restored database,
numbering carried forward.

SQLite: the restore takes the database's exclusive lock first and refuses while any other
connection (a desk, a report) has the file open (issue 14.6); a damaged file is set aside.
PostgreSQL: `pg_restore` into an empty database nobody else is connected to (docs/SITE.md).
The `db.restore` audit event goes into the restored database, naming the backup file and its
SHA-256 (issue 19.3). Backups and the health check are in maintenance.py.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from deskterm import audit_witness
from deskterm.clock import Clock
from deskterm.db import (
    BUSY,
    failure_kind,
    is_sqlite,
    lock_row,
    make_engine,
    run_read,
    run_write,
)
from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.models.audit import Counter
from deskterm.models.user import User
from deskterm.reasons import sqlite_reason
from deskterm.services import audit, permissions
from deskterm.services.actor import Actor
from deskterm.services.admin.maintenance import (
    RESTORE_ACTION,
    backup_taken_at,
    check,
    file_digest,
    libpq_args,
    make_private,
    row_counts,
    run_tool,
    sqlite_path,
)


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
            raise damaged(path, sqlite_reason(exc)) from None
        raise
    return conn


def sqlite_damage(path: Path) -> str | None:
    """Why the SQLite file at `path` is not a readable database (not a database, malformed, a
    failed quick check: said in the desk's language, reasons.sqlite_reason), or None when it is readable,
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
        return sqlite_reason(exc)
    except sqlite3.DatabaseError as exc:  # not a database, malformed
        return sqlite_reason(exc)
    return None if rows == ["ok"] else sqlite_reason("; ".join(rows[:3]))


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


def check_backup_file(backup_file: Path, *, sqlite: bool = False) -> Path:
    """The backup file to restore from, or the sentence saying there is none, or (`sqlite`)
    that it is no SQLite database at all: said before the admin is asked to confirm the
    replacement (the full check of the backup runs in the restore itself)."""
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise DeskError(_("There is no backup file at {path}.").format(path=backup_file))
    if sqlite and not is_deskterm_sqlite(backup_file):
        raise DeskError(
            _("{path} is not a deskterm SQLite backup; nothing was restored.").format(
                path=backup_file
            )
        )
    return backup_file


def is_deskterm_sqlite(path: Path) -> bool:
    """Whether the file is a SQLite database deskterm made: the SQLite header, a schema
    revision (alembic_version) and the tables every release of deskterm has. Read-only, with
    the standard library: a file that is no database, another program's database or an empty
    one is refused before the admin is asked to replace anything."""
    from deskterm.schema import sqlite_revision

    with open(path, "rb") as head:
        if head.read(16) != b"SQLite format 3\x00":
            return False
    if sqlite_revision(Path(path)) is None:
        return False
    try:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return _CORE_TABLES <= names


# the tables a deskterm database has had since its first schema revision
_CORE_TABLES = frozenset({"alembic_version", "user", "counter", "audit_event", "audit_head"})


def restore(
    backup_file: Path, target_engine: Engine, *, sign_in: Callable[[Engine], Actor], clock: Clock
) -> RestoreResult:
    """Replace the target database with a verified backup (the caller has asked to confirm).

    `sign_in(engine)` signs the admin in (raising when refused): against the database being
    replaced when it has staff, else against the backup's own staff."""
    backup_file = check_backup_file(backup_file)
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
        make_private(target)
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
    run_tool(["pg_restore", "--list", str(backup_file)])  # a custom-format archive at all?
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
    dsn, env = libpq_args(target_engine)
    run_tool(
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
