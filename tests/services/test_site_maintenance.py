"""Issue 18.3/18.4 and 14.6/19.3: backups (SQLite online copy, PostgreSQL pg_dump) audited and
rotated; restore signed in as the roles table says, refused while other connections are open,
recorded in the restored database naming the backup, numbering carried past the highest number
ever issued; `db status`. The round trip runs on every engine (PostgreSQL in CI)."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from deskterm.clock import FixedClock
from deskterm.db import is_sqlite, make_engine, run_read, run_write
from deskterm.errors import DeskError, PermissionDenied
from deskterm.services import audit, numbering
from deskterm.services.actor import Actor
from deskterm.services.admin import db_status, maintenance, users
from deskterm.services.admin import restore as db_restore
from tests.factories import PASSWORD, make_staff

_DBS = itertools.count(1)


@pytest.fixture
def empty_target():
    """Where a backup is restored: the same SQLite file, or a new empty PostgreSQL database
    (dropped after the test)."""
    made: list[tuple[object, str]] = []

    def build(engine, tmp_path: Path):
        if is_sqlite(engine):
            return engine
        name = f"site_restore_{next(_DBS)}_{os.getpid()}"
        server = create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append((server, name))
        return make_engine(engine.url.set(database=name).render_as_string(hide_password=False))

    yield build
    for server, name in made:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


# What a sign-in writes itself (services/admin/users.authenticate): its audit event and the
# chain's head, the account (a rehash), and the throttle rows it locks, made on first use.
SIGN_IN_WRITES = ("audit_event", "audit_head", "user", "sign_in_throttle")


def signer(clock, settings, code="admin1"):
    def sign_in(engine):
        return Actor.from_user(
            users.sign_in(
                engine=engine, clock=clock, settings=settings, code=code, password=PASSWORD
            )
        )

    return sign_in


def issue(engine, clock, settings, n: int) -> list[str]:
    return [
        run_write(
            engine,
            lambda s: numbering.next_number(
                session=s, prefix="V", at=clock.now(), tz=settings.timezone
            ),
        )
        for _ in range(n)
    ]


def events(engine, action: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("select detail from audit_event where action = :a order by seq"), {"a": action}
        ).all()
    return [d if isinstance(d, dict) else json.loads(d) for (d,) in rows]


def test_backup_restore_round_trip(engine, clock, settings, tmp_path, empty_target):
    staff = make_staff(engine, clock, settings)
    before = issue(engine, clock, settings, 3)
    folder = tmp_path / "backups"
    folder.mkdir()
    made = maintenance.make_backup(
        engine=engine, target=folder, actor=staff.admin, clock=clock, settings=settings
    )
    assert made.path.parent == folder and maintenance.BACKUP_NAME.match(made.path.name)
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert made.engine == ("sqlite" if is_sqlite(engine) else "postgresql")
    logged = events(engine, "db.backup")[-1]
    assert logged["sha256"] == made.sha256 and logged["file"].endswith(made.path.name)
    after = issue(engine, clock, settings, 2)  # issued after the backup, lost by the restore
    rows_in_backup = None
    if is_sqlite(engine):
        rows_in_backup = sum(maintenance.row_counts(make_engine(str(made.path))).values())

    target = empty_target(engine, tmp_path)
    engine.dispose()
    result = db_restore.restore(made.path, target, sign_in=signer(clock, settings), clock=clock)

    restored = events(target, "db.restore")
    assert len(restored) == 1
    assert restored[0]["backup"] == made.path.name and restored[0]["sha256"] == made.sha256
    assert restored[0]["by"] == "admin1"
    assert run_read(target, audit.verify).ok
    if rows_in_backup is not None:
        assert result.rows >= rows_in_backup
    next_one = issue(target, clock, settings, 1)[0]
    if is_sqlite(target):  # the replaced file's counters are carried: no number issued twice
        assert result.numbers_carried >= 1
        assert next_one not in before + after and next_one > after[-1]
    else:  # a new database: numbering continues from the backup's (docs/SITE.md)
        assert next_one not in before
    target.dispose()


def test_restore_is_refused_while_another_connection_is_open(
    engine, clock, settings, tmp_path, empty_target
):
    staff = make_staff(engine, clock, settings)
    made = maintenance.make_backup(
        engine=engine, target=tmp_path, actor=staff.admin, clock=clock, settings=settings
    )
    target = empty_target(engine, tmp_path)
    if is_sqlite(target):
        desk = sqlite3.connect(target.url.database)  # a desk that has the file open, idle
        desk.execute("select count(*) from user").fetchall()
    else:
        desk = target.connect()
        desk.execute(text("select 1"))
    try:
        before = events(engine, "db.restore") if is_sqlite(target) else None
        with pytest.raises(DeskError, match="have the database open"):
            db_restore.restore(made.path, target, sign_in=signer(clock, settings), clock=clock)
    finally:
        desk.close()
    if is_sqlite(target):
        assert events(target, "db.restore") == before == []
    else:
        assert maintenance.row_counts(target) == {}
    target.dispose()


@pytest.mark.parametrize("code", ["op1", "sup1"])
def test_restore_needs_the_role_of_the_roles_table(
    engine, clock, settings, tmp_path, code, empty_target
):
    staff = make_staff(engine, clock, settings)
    made = maintenance.make_backup(
        engine=engine, target=tmp_path, actor=staff.admin, clock=clock, settings=settings
    )
    target = empty_target(engine, tmp_path)
    before = maintenance.row_counts(target)
    with pytest.raises(PermissionDenied):
        db_restore.restore(made.path, target, sign_in=signer(clock, settings, code), clock=clock)
    after = maintenance.row_counts(target)
    if is_sqlite(target):  # only the sign-in's own writes, nothing restored
        assert {k: v for k, v in after.items() if k not in SIGN_IN_WRITES} == {
            k: v for k, v in before.items() if k not in SIGN_IN_WRITES
        }
        assert events(target, "db.restore") == []
    else:  # the database went back to empty
        assert after == {}
    target.dispose()


def test_postgresql_restore_wants_an_empty_database(engine, clock, settings, tmp_path):
    if is_sqlite(engine):
        pytest.skip("PostgreSQL only")
    staff = make_staff(engine, clock, settings)
    made = maintenance.make_backup(
        engine=engine, target=tmp_path, actor=staff.admin, clock=clock, settings=settings
    )
    engine.dispose()
    with pytest.raises(DeskError, match="empty database"):
        db_restore.restore(made.path, engine, sign_in=signer(clock, settings), clock=clock)


def test_a_file_that_is_no_backup_is_refused(sqlite_engine, clock, settings, tmp_path):
    make_staff(sqlite_engine, clock, settings)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DeskError):
        db_restore.restore(junk, sqlite_engine, sign_in=signer(clock, settings), clock=clock)
    assert run_read(sqlite_engine, audit.verify).ok


def test_rotation_keeps_recent_backups_the_newest_and_other_files(tmp_path, clock):
    now = clock.now()
    names = {}
    for days in (0, 3, 13, 15, 40):
        taken = now - timedelta(days=days)
        path = tmp_path / f"deskterm-{taken:%Y%m%d-%H%M%S}.db"
        path.write_text("x")
        names[days] = path
    other = tmp_path / "deskterm-notes.txt"
    other.write_text("keep me")
    removed = maintenance.rotate(tmp_path, keep_days=14, now=now)
    assert sorted(removed) == sorted([names[15], names[40]])
    assert all(names[d].exists() for d in (0, 3, 13)) and other.exists()
    # the newest stays even when everything is old
    only_old = tmp_path / "old"
    only_old.mkdir()
    (only_old / "deskterm-20200101-000000.dump").write_text("x")
    assert maintenance.rotate(only_old, keep_days=1, now=now) == []


def test_status_says_when_the_last_backup_is_too_old(engine, clock, settings, tmp_path):
    staff = make_staff(engine, clock, settings)
    st = db_status.status(engine=engine, clock=clock, settings=settings)
    assert st.backup_stale and st.last_backup_at is None and st.last_verify_at is None
    maintenance.make_backup(
        engine=engine, target=tmp_path, actor=staff.admin, clock=clock, settings=settings
    )
    db_status.record_verify(
        engine=engine, clock=clock, result=run_read(engine, audit.verify), actor=staff.supervisor
    )
    st = db_status.status(engine=engine, clock=clock, settings=settings)
    assert not st.backup_stale and st.last_verify_ok is True
    assert st.engine == engine.dialect.name and st.revision == st.head_revision
    assert st.audit_seq > 0
    later = FixedClock(clock.now() + timedelta(hours=settings.backup_max_age_hours + 1))
    assert db_status.status(engine=engine, clock=later, settings=settings).backup_stale


def _not_a_database(path: Path) -> None:
    path.write_bytes(b"this is not a database " * 400)


def _malformed(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as fh:  # keep the header page, scribble over every page after it
        fh.seek(4096)
        fh.write(b"\xa5" * (size - 4096))


@pytest.mark.parametrize("damage", [_not_a_database, _malformed], ids=["not-a-db", "malformed"])
def test_restore_replaces_a_damaged_sqlite_file_and_keeps_it_aside(
    sqlite_engine, clock, settings, tmp_path, damage
):
    """Issue 18 C: restore is the command for a broken database; the broken file is set aside
    as `<name>.damaged-<time>` (with its -wal/-shm), never overwritten, and the backup's staff
    sign in (the damaged file cannot)."""
    staff = make_staff(sqlite_engine, clock, settings)
    made = maintenance.make_backup(
        engine=sqlite_engine,
        target=tmp_path / "b.db",
        actor=staff.admin,
        clock=clock,
        settings=settings,
    )
    target = maintenance.sqlite_path(sqlite_engine)
    with sqlite_engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    sqlite_engine.dispose()
    damage(target)
    broken = target.read_bytes()
    assert db_restore.sqlite_damage(target) is not None

    result = db_restore.restore(
        made.path, sqlite_engine, sign_in=signer(clock, settings), clock=clock
    )

    assert result.set_aside == db_restore.damaged_name(target, clock.now())
    assert result.set_aside.read_bytes() == broken
    assert db_restore.sqlite_damage(target) is None
    assert events(sqlite_engine, "db.restore")[-1]["backup"] == made.path.name
    assert run_read(sqlite_engine, audit.verify).ok
    sqlite_engine.dispose()


def test_a_readable_target_is_not_set_aside(sqlite_engine, clock, settings, tmp_path):
    staff = make_staff(sqlite_engine, clock, settings)
    made = maintenance.make_backup(
        engine=sqlite_engine,
        target=tmp_path / "b.db",
        actor=staff.admin,
        clock=clock,
        settings=settings,
    )
    assert db_restore.sqlite_damage(maintenance.sqlite_path(sqlite_engine)) is None
    sqlite_engine.dispose()
    result = db_restore.restore(
        made.path, sqlite_engine, sign_in=signer(clock, settings), clock=clock
    )
    assert result.set_aside is None
    assert list(tmp_path.rglob("*.damaged-*")) == []
