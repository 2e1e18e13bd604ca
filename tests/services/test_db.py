"""Storage: pragmas on every SQLite connection, write locks taken up front, bounded retries."""

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from deskterm.db import lock_row, make_engine, read_session, run_write, write_session
from deskterm.dburl import DatabaseUrlError, resolve_url


def test_sqlite_connection_pragmas(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_write_session_holds_the_write_lock_from_the_start(sqlite_engine):
    import sqlite3

    path = sqlite_engine.url.database
    with write_session(sqlite_engine) as session:
        session.execute(text("SELECT 1"))  # no write yet, but BEGIN IMMEDIATE took the lock
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_read_session_does_not_block_writers(sqlite_engine):
    with read_session(sqlite_engine) as session:
        session.execute(text("SELECT count(*) FROM user")).scalar()
        run_write(sqlite_engine, lambda s: s.execute(text("UPDATE audit_head SET seq = seq")))


def test_run_write_retries_while_busy(sqlite_engine, monkeypatch):
    import deskterm.db as db

    calls = {"n": 0}

    def work(session):
        calls["n"] += 1
        if calls["n"] < 3:
            raise OperationalError("BEGIN", {}, Exception("database is locked"))
        return "saved"

    monkeypatch.setattr(db.time, "sleep", lambda s: None)
    assert run_write(sqlite_engine, work) == "saved"
    assert calls["n"] == 3


def test_run_write_gives_up_after_bounded_retries(sqlite_engine, monkeypatch):
    import deskterm.db as db

    monkeypatch.setattr(db.time, "sleep", lambda s: None)

    def work(session):
        raise OperationalError("BEGIN", {}, Exception("database is locked"))

    with pytest.raises(OperationalError):
        run_write(sqlite_engine, work, retries=2)


def test_concurrent_writers_lose_nothing(sqlite_engine):
    from deskterm.models.audit import Counter

    def bump(session):
        row = lock_row(session, Counter, ("T", "20261128")) or Counter(
            prefix="T", day="20261128", last=0
        )
        row.last += 1  # read-then-write: lost updates would show here
        session.add(row)

    def worker():
        for _ in range(25):
            run_write(sqlite_engine, bump)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with read_session(sqlite_engine) as session:
        assert session.get(Counter, ("T", "20261128")).last == 100


@pytest.mark.parametrize("value", ["mysql://x/y", "not a url://", "/no/such/folder/x.db"])
def test_malformed_db_is_refused(value):
    with pytest.raises(DatabaseUrlError):
        resolve_url(value)


def test_path_becomes_sqlite_url(tmp_path):
    assert resolve_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    engine = make_engine(str(tmp_path / "a.db"))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select 1").scalar() == 1


def test_default_path_is_in_the_data_folder(tmp_path):
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'data' / 'deskterm.db'}"
