"""Many rows in one executemany: a bulk import's units, residents and their audit events.

SQLAlchemy's executemany turns each row's dict into parameters through every column's type
(a few µs a row, about a third of writing 50,000 residents with their events on SQLite). On
SQLite the rows given here go to the driver's executemany as tuples instead, the values of the
few columns whose type converts them (an instant, JSON, a boolean) converted by that type's own
bind processor: the stored values are the ones Core would store. On another database (PostgreSQL)
Core's executemany, which batches the rows into multi-row VALUES lists, is used as it is.

Like any Core insert this passes no ORM flush: the caller checks what the flush would
(models/guard.py `check_values`) and writes the audit itself. The rows' ids are taken before
(`reserve_ids`, `NewIds`), so that their events, and rows that refer to them, need no
INSERT ... RETURNING (which SQLite can only answer in order one row a statement).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.orm import Session

# session.info: {(table name, str(key))} of every row insert_rows wrote, for the audit's seals
# (services/audit.py takes them with the rows the ORM flushed: a Core insert is sealed too).
WRITTEN = "deskterm_bulk_written"


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """INSERT `rows` (tuples of values in the order of `columns`) into `table`, in the session's
    transaction; the rows' keys are noted in session.info[WRITTEN]."""
    connection = session.connection()
    keys = [c.name for c in table.primary_key.columns]
    if len(keys) == 1 and keys[0] in columns:
        at = list(columns).index(keys[0])
        rows = rows if isinstance(rows, list) else list(rows)
        session.info.setdefault(WRITTEN, set()).update((table.name, str(row[at])) for row in rows)
    dialect = connection.dialect
    if dialect.name != "sqlite" or dialect.paramstyle != "qmark":
        session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    sql, processors = _statement(table, tuple(columns), dialect)
    if processors:
        converted = []
        last = [(None, None)] * len(processors)  # a value repeated (the same object) converts once
        for row in rows:
            row = list(row)
            for k, (i, process) in enumerate(processors):
                value = row[i]
                before, after = last[k]
                if value is not before or before is None:
                    after = process(value)
                    last[k] = (value, after)
                row[i] = after
            converted.append(tuple(row))
        rows = converted
    elif not isinstance(rows, list):
        rows = list(rows)
    if rows:
        connection.exec_driver_sql(sql, rows)


@lru_cache(maxsize=32)
def _statement(table: Table, columns: tuple[str, ...], dialect) -> tuple[str, tuple]:
    """The qmark INSERT for these columns, and (position, bind processor) of those that convert."""
    quote = dialect.identifier_preparer
    sql = (
        f"INSERT INTO {quote.format_table(table)} ({', '.join(quote.quote(c) for c in columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    processors = (
        (i, table.c[c].type.dialect_impl(dialect).bind_processor(dialect))
        for i, c in enumerate(columns)
    )
    return sql, tuple((i, p) for i, p in processors if p is not None)


@contextmanager
def roomy_cache(connection: Connection, kib: int = 64 * 1024) -> Iterator[None]:
    """SQLite: a bigger page cache while many rows go into indexed tables (the default 2 MiB
    makes the transaction spill pages as its indexes grow), then the connection's own again."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def reserve_ids(session: Session, table: Table, count: int, *, above: int = 0) -> list[int]:
    """`count` new ids of `table` (greater than `above`), in increasing order, for rows that
    will be inserted with them in this transaction.

    PostgreSQL: taken from the id sequence, as inserts would take them (other desks get others).
    SQLite: the next ones after the largest, which SQLite itself would give; the write
    transaction holds the database's write lock, so no other desk inserts meanwhile.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return list(
            connection.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n) ORDER BY 1"
                ),
                {"table": table.name, "n": count},
            ).scalars()
        )
    top = max(connection.execute(select(func.max(table.c.id))).scalar() or 0, above)
    return list(range(top + 1, top + count + 1))


class NewIds:
    """New ids of a table handed out one at a time, reserved a few at a time (`reserve_ids`);
    on PostgreSQL the ones left unused at the end are a gap in the sequence, as after a rollback."""

    def __init__(self, session: Session, table: Table) -> None:
        self.session, self.table = session, table
        self.free: list[int] = []
        self.last = 0
        self.chunk = 8

    def __call__(self) -> int:
        if not self.free:
            self.free = reserve_ids(self.session, self.table, self.chunk, above=self.last)[::-1]
            self.chunk = min(self.chunk * 2, 1024)
        self.last = self.free.pop()
        return self.last
