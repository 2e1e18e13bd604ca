"""Seeing the other desks' saves (issue 14, item 3): one small watcher per desk app.

`ChangeWatcher(engine).wait(timeout)` blocks at most `timeout` seconds and says whether a
write transaction committed anywhere (this desk included) since the last call:

- SQLite: `PRAGMA data_version` on a connection of its own, read every POLL_SECONDS: the
  number changes when another connection commits to the file (no disk read when it did not).
- PostgreSQL: `LISTEN deskterm` on a connection of its own; every write transaction sends
  `NOTIFY deskterm` (deskterm.db.write_session), delivered when, and only if, it commits.

A database that cannot be reached raises from `wait` (the caller waits and calls again); the
first successful call after that answers True, since what happened meanwhile is unknown.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.pool import PoolProxiedConnection

CHANNEL = "deskterm"
POLL_SECONDS = 0.2


class ChangeWatcher:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # the pool's connection, kept checked out while watching
        self._raw: PoolProxiedConnection | None = None
        self._version: int | None = None
        self._lost = False

    def wait(self, timeout: float) -> bool:
        try:
            raw = self._raw
            if raw is None:
                raw = self._open()
                if self._lost:
                    self._lost = False
                    return True
            if self.engine.dialect.name == "sqlite":
                return self._wait_sqlite(raw, timeout)
            return self._wait_listen(raw, timeout)
        except Exception:
            self.close(broken=True)
            self._lost = True
            raise

    def close(self, *, broken: bool = False) -> None:
        raw, self._raw = self._raw, None
        if raw is None:
            return
        try:
            if broken or self.engine.dialect.name != "sqlite":
                raw.invalidate()  # a LISTENing autocommit connection never goes back to the pool
            else:
                raw.close()
        except Exception:  # already gone with the server
            pass

    # -- the engines -------------------------------------------------------------------------
    def _open(self) -> PoolProxiedConnection:
        raw = self.engine.raw_connection()
        if self.engine.dialect.name == "sqlite":
            self._raw = raw
            self._version = self._data_version(raw)
            return raw
        connection = _driver(raw)
        connection.rollback()
        connection.autocommit = True
        connection.execute(f"LISTEN {CHANNEL}")
        self._raw = raw
        return raw

    def _data_version(self, raw: PoolProxiedConnection) -> int:
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            row = cursor.fetchone()
            if row is None:  # SQLite always answers this PRAGMA
                raise RuntimeError("PRAGMA data_version gave no row")
            return int(row[0])
        finally:
            cursor.close()

    def _wait_sqlite(self, raw: PoolProxiedConnection, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            version = self._data_version(raw)
            if version != self._version:
                self._version = version
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(POLL_SECONDS, left))

    def _wait_listen(self, raw: PoolProxiedConnection, timeout: float) -> bool:
        connection = _driver(raw)
        got = False
        for _note in connection.notifies(timeout=timeout, stop_after=1):
            got = True
        if got:  # several saves at once are one change to show
            for _note in connection.notifies(timeout=0.01):
                pass
        return got


def _driver(raw: PoolProxiedConnection) -> Any:
    """The driver's own connection (psycopg's: LISTEN, notifies; SQLAlchemy types it Any). It
    is None only once the pool's connection is invalidated, which ends the watch (close)."""
    connection = raw.driver_connection
    if connection is None:
        raise RuntimeError("the watched connection was invalidated")
    return connection
