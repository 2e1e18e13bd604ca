"""The engine and transactions: one way to reach the database for the CLI, the TUI and tests.

SQLite (default) gets WAL, foreign keys, synchronous=FULL and a busy timeout on every
connection; write transactions start with BEGIN IMMEDIATE so that two desks never deadlock
on a lock upgrade, and a write that still meets a busy database is retried a bounded number
of times. PostgreSQL runs the same code through `postgresql+psycopg://...`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import Table, event, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import UOWTransaction
from sqlalchemy.orm.util import identity_key
from sqlalchemy.types import DateTime, Integer, TypeDecorator
from sqlmodel import Session, SQLModel, create_engine
from sqlmodel.sql.expression import SelectOfScalar

from deskterm.dburl import resolve_url
from deskterm.ids import known_id
from deskterm.reasons import driver_words

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
WRITE_RETRIES = 8


class Hundredths(TypeDecorator[Decimal]):
    """An exact decimal with two places (1.5 h, 2.35 m), stored as a whole number of
    hundredths so that SQLite and PostgreSQL keep it alike and no float ever touches it."""

    impl = Integer
    cache_ok = True

    def process_bind_param(
        self, value: Decimal | float | str | None, dialect: Dialect
    ) -> int | None:
        if value is None:
            return None
        scaled = Decimal(str(value)) * 100
        if scaled != scaled.to_integral_value():
            raise ValueError("at most two decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant stored in UTC (SQLite keeps no zone; we add it back on load)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware instant is required")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(
        self, value: datetime | str | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _as_text(value: bytes) -> str:
    return value.decode("utf-8", "replace")


def _blobs_as_text(_cursor: Any, row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row with any BLOB read as text: no column of deskterm's schema is binary, so a BLOB
    can only be text stored behind the app."""
    for value in row:
        if isinstance(value, bytes):
            return tuple(_as_text(v) if isinstance(v, bytes) else v for v in row)
    return row


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (deferred or IMMEDIATE); the driver must not.
        dbapi_connection.isolation_level = None
        # Text written behind the app (sqlite3, another tool) is read as text whatever it is:
        # invalid UTF-8, or a BLOB in a text column, shows its undecodable bytes as U+FFFD
        # instead of failing the screen, the export or the report that reads it (issue 15).
        dbapi_connection.text_factory = _as_text
        dbapi_connection.row_factory = _blobs_as_text
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("deskterm_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _private_sqlite_file(url: str) -> None:
    """The database file made 0600 before SQLite opens it (its -wal and -shm take the file's
    mode), an existing one and its companions set to 0600 (deskterm.paths, issue 19)."""
    from sqlalchemy.engine import make_url

    from deskterm.paths import open_private, private_sqlite

    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    if not path.exists() and path.parent.is_dir():
        try:
            open_private(path, "wb", exclusive=True).close()
        except FileExistsError:
            pass
    private_sqlite(path)


def _has_nul(parameters: object) -> bool:
    if isinstance(parameters, str):
        return "\x00" in parameters
    if isinstance(parameters, dict):
        return any(_has_nul(v) for v in parameters.values())
    if isinstance(parameters, (list, tuple)):
        return any(_has_nul(v) for v in parameters)
    return False


def _refuse_nul(engine: Engine) -> None:
    """No statement carries a NUL character to the database, on either engine.

    PostgreSQL cannot hold one in text and fails the whole statement; SQLite would store or
    match it. A flush is already stopped by models/guard.py with the field's name; this is the
    backstop for the rest (a lookup by a typed code, a search, a filter), so that every engine
    answers a NUL with the same one sentence instead of a driver error (issue 15).

    A connection with the execution option `behind_the_app` (the tamper trials, which write
    as another tool would) is not checked."""

    @event.listens_for(engine, "before_cursor_execute")
    def before_cursor_execute(
        conn: Connection, _cursor: Any, _statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        if (
            parameters
            and _has_nul(parameters)
            and not conn.get_execution_options().get("behind_the_app")
        ):
            from deskterm.errors import InvalidInput
            from deskterm.i18n import _

            raise InvalidInput(_("Text cannot contain the NUL character (U+0000); remove it."))


def make_engine(db: str | None = None, *, echo: bool = False) -> Engine:
    """The engine for --db (path or URL) with deskterm's connection settings."""
    url = resolve_url(db)
    if url.startswith("sqlite"):
        _private_sqlite_file(url)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        _install_sqlite_pragmas(engine)
    else:
        engine = create_engine(url, echo=echo, pool_pre_ping=True)
    _refuse_nul(engine)
    return engine


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


FULL, BUSY, UNREACHABLE, REFUSED, TAKEN = "full", "busy", "unreachable", "refused", "taken"


def failure_kind(exc: BaseException) -> str | None:
    """What a database failure means to the desk, decided in this one place for the retry
    here, the TUI's sentence (tui/worker.py) and the CLI's (cli/errors.py):

    FULL (the disk is full), BUSY (another desk held the lock: retrying cannot double or lose
    a record), UNREACHABLE (any other operational failure: server gone, file unreadable),
    TAKEN (a unique key another desk wrote a moment before: PostgreSQL lets two desks pass a
    service's "is it taken?" check at once, and the second insert fails), REFUSED (the
    database refused the statement otherwise), or None when `exc` is not a database failure.
    """
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        orig, operational = exc.orig or exc, isinstance(exc, OperationalError)
    elif isinstance(exc, sqlite3.DatabaseError):  # a raw connection (maintenance's lock check)
        orig, operational = exc, isinstance(exc, sqlite3.OperationalError)
    else:
        return None
    if not operational:
        unique = (
            getattr(orig, "sqlstate", None) == "23505" or "unique constraint" in str(orig).lower()
        )
        return TAKEN if unique else REFUSED
    text = str(orig).lower()
    if "disk is full" in text or "no space left" in text or "disk full" in text:
        return FULL
    if any(
        word in text for word in ("locked", "is busy", "could not serialize", "deadlock detected")
    ):
        return BUSY
    return UNREACHABLE


def failure_sentence(exc: BaseException, *, reason: bool = False) -> str | None:
    """The one sentence a database failure is said with, at the desk (tui/worker.py) and by
    a command (cli/errors.py); None when `exc` is no database failure. `reason`: the driver's
    own words after it, in brackets (for an admin at a command line; the desk's screens
    speak only the desk's language)."""
    from deskterm.i18n import _

    kind = failure_kind(exc)
    if kind is None:
        return None
    sentence = {
        FULL: _("The disk is full: nothing was saved. Free some space and try again."),
        BUSY: _("The database stayed busy: nothing was saved. Try again in a moment."),
        UNREACHABLE: _(
            "The database could not be reached: nothing was saved. Try again in a moment."
        ),
        TAKEN: _(
            "Another desk saved the same record a moment ago: nothing of yours was saved. "
            "Look at the list again."
        ),
        REFUSED: _("The database refused the operation: nothing was saved."),
    }[kind]
    words = driver_words(exc) if reason else None  # the driver's English: an English desk's
    if words and kind in (UNREACHABLE, REFUSED):
        return _("{sentence} ({reason})").format(sentence=sentence, reason=words)
    return sentence


def table_of(model: type[SQLModel]) -> Table:
    """A table model's `Table` (SQLModel sets `__table__` on every `table=True` class but does
    not declare it, so a type checker cannot see it)."""
    table = sa_inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to one table")
    return table


class _Keyed(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(row: _Keyed) -> int:
    """The id of a row read from the database or flushed (`known_id` of its `id`)."""
    return known_id(row.id)


# == one way to change a row (issue 14, item 1) ===================================================
_LOCKED = "deskterm_locked"  # session.info: identity keys of the rows loaded by lock_row
_BORN = "deskterm_born"  # session.info: identity keys of the rows this transaction inserted


class UnlockedChange(RuntimeError):
    """A programming error: a write changed or deleted a stored row it did not load with
    `lock_row`, so on PostgreSQL another desk could have changed it in between (a lost update)."""


def lock_row(session: Session, model: type[T], key: Any) -> T | None:
    """Load the row `key` of `model` to change it: the one way to read-modify-write a row.

    `SELECT ... FOR UPDATE`, refreshing whatever the session already held: on PostgreSQL a
    second desk waits here until the first desk's transaction ends and then reads what it
    committed, so the version or status check that follows sees the other desk's change and
    refuses (StaleEdit / InvalidInput) instead of writing over it. On SQLite the write
    transaction (BEGIN IMMEDIATE) already holds the file's write lock. None if there is no row.
    """
    locked = session.info.setdefault(_LOCKED, set())
    if identity_key(model, key) in locked:  # held already: keep what this transaction changed
        return session.get(model, key)
    row = session.get(model, key, with_for_update=True, populate_existing=True)
    if row is not None:
        locked.add(sa_inspect(row).identity_key)
    return row


def lock_rows(session: Session, statement: SelectOfScalar[T]) -> list[T]:
    """`lock_row` for the rows a query finds (a batch change: imports, schedules, fills)."""
    rows = list(session.exec(statement.with_for_update().execution_options(populate_existing=True)))
    session.info.setdefault(_LOCKED, set()).update(sa_inspect(r).identity_key for r in rows)
    return rows


def lock_first(session: Session, statement: SelectOfScalar[T]) -> T | None:
    """The first row a query finds, locked as `lock_row` does (None if none)."""
    rows = lock_rows(session, statement.limit(1))
    return rows[0] if rows else None


def lock_name(session: Session, name: str) -> None:
    """Serialise the write transactions about one thing that has no row to lock yet (the
    one open shift of a post): on PostgreSQL a transaction-scoped advisory lock on `name`;
    on SQLite the write transaction already holds the file's write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"), {"name": name}
        )


class WriteSession(Session):
    """The session of a write transaction: it refuses to flush a change to a stored row that
    was not loaded with `lock_row` (see `_every_change_is_locked`)."""


@event.listens_for(WriteSession, "pending_to_persistent")
def _born_here(session: Session, instance: object) -> None:
    session.info.setdefault(_BORN, set()).add(sa_inspect(instance).identity_key)


@event.listens_for(WriteSession, "before_flush")
def _every_change_is_locked(
    session: Session, _flush_context: UOWTransaction, _instances: object
) -> None:
    locked = session.info.get(_LOCKED, set()) | session.info.get(_BORN, set())
    changed = [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    for obj in [*changed, *session.deleted]:
        key = sa_inspect(obj).identity_key
        if key is not None and key not in locked:
            raise UnlockedChange(
                f"{type(obj).__name__} {key[1]} was changed without deskterm.db.lock_row"
            )


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: the write lock is taken at its start; commit on success."""
    with WriteSession(
        engine.execution_options(deskterm_write=True), expire_on_commit=False
    ) as session:
        try:
            if engine.dialect.name == "postgresql":  # the other desks' screens (changes.py):
                # delivered at commit only (never if it rolls back), so it is sent first, not
                # as one more round trip while the audit head's row lock is held (bench_desks)
                session.execute(text("NOTIFY deskterm"))
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A short deferred transaction for reads (reports, exports, screens)."""
    # Closing (not rolling back) ends the transaction and keeps loaded objects readable.
    with Session(engine, expire_on_commit=False) as session:
        yield session


def run_write(
    engine: Engine,
    work: Callable[[Session], T],
    *,
    retries: int = WRITE_RETRIES,
    notices: list[str] | None = None,
) -> T:
    """Run `work` in a write transaction, retrying the whole of it while the database is busy.

    `notices` gets what the flush guard masked in free text (models/guard.py), to be told.

    Busy here means another desk held the lock past the busy timeout; the transaction did not
    commit, so running it again can neither double nor lose a record.
    """
    attempt = taken = 0
    while True:
        try:
            with write_session(engine) as session:
                result = work(session)
            if notices is not None:
                notices.extend(session.info.get("masked_notices", ()))
            return result
        except IntegrityError as exc:
            # Another desk wrote the same key a moment ago: run the unit again once, and the
            # service's own check sees that row and refuses in its words ("... is taken").
            taken += 1
            if failure_kind(exc) != TAKEN or taken > 1:
                raise
        except OperationalError as exc:
            kind = failure_kind(exc)
            if kind == FULL:
                from deskterm.errors import StorageFull

                raise StorageFull(failure_sentence(exc) or "") from exc
            attempt += 1
            if kind != BUSY or attempt > retries:
                raise
            time.sleep(min(0.05 * 2**attempt, 1.0) * random.uniform(0.5, 1.0))


def run_read(engine: Engine, work: Callable[[Session], T]) -> T:
    with read_session(engine) as session:
        return work(session)
