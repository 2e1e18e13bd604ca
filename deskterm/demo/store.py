"""Writing the demo: Core bulk inserts in batches, one fast path for visitor slips on SQLite.

Small tables go through `insert(table)` with many parameter sets, so their values pass the
same type processing (UTCDateTime, JSON) as the app's own writes, on SQLite and PostgreSQL.
Visitor slips on SQLite skip that layer: they are tuples with times already in the text form
SQLAlchemy writes for UTCDateTime ("2026-11-28 02:00:00.000000", naive UTC).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from deskterm.progress import Progress

BATCH = 10_000
# Parents before children, so that foreign keys hold after every statement.
TABLE_ORDER = (
    "user",
    "building",
    "unit",
    "resident",
    "company",
    "shift",
    "handover",
    "handover_item",
    "logbook_entry",
    "expected_visitor",
    "deny_entry",
    "inquiry",
    "contact_attempt",
    "message",
    "promised_reply",
    "engineer",
    "repair_order",
    "repair_attempt",
    "repair_event",
    "repair_fee_line",
    "complaint_category",
    "public_area_request",
    "complaint",
    "complaint_repair",
    "complaint_step",
    "callback",
    "communication",
    "event",
)


def insert_rows(conn: Connection, table_name: str, rows: list[dict[str, Any]]) -> None:
    table = SQLModel.metadata.tables[table_name]
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(table), rows[start : start + BATCH])


_MINUTE_SECOND = [f"{m:02d}:{s:02d}.000000" for m in range(60) for s in range(60)]


def sqlite_stamp() -> Callable[[int], str]:
    """Epoch seconds -> the naive-UTC text SQLAlchemy's SQLite DateTime stores."""
    hours: dict[int, str] = {}

    def stamp(ts: int) -> str:
        hour, rest = divmod(ts, 3600)
        prefix = hours.get(hour)
        if prefix is None:
            prefix = hours[hour] = datetime.fromtimestamp(hour * 3600, UTC).strftime("%Y-%m-%d %H:")
        return prefix + _MINUTE_SECOND[rest]

    return stamp


def aware_stamp(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def iter_batches(days: Iterable[list[tuple]], size: int = BATCH) -> Iterator[list[tuple]]:
    """Exactly `size` rows per batch (the last one shorter), whatever the days hold."""
    pending: list[tuple] = []
    for rows in days:
        pending.extend(rows)
        while len(pending) >= size:
            yield pending[:size]
            del pending[:size]
    if pending:
        yield pending


def prefetch(items: Iterable[Any], depth: int = 2) -> Iterator[Any]:
    """Produce `items` in a worker thread, `depth` ahead, while the caller consumes them.

    SQLite releases the GIL while it works its B-trees, so generating the next batch in
    Python overlaps with inserting this one. The worker's failure is raised in the caller;
    a caller that stops early stops the worker.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(entry: tuple[Any, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((done, None))
        except BaseException as exc:  # handed to the consumer, raised there
            put((done, exc))

    worker = threading.Thread(target=work, name="demo-rows", daemon=True)
    worker.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is done:
                return
            yield item
    finally:
        stop.set()
        worker.join()


def insert_tuples(
    conn: Connection,
    table_name: str,
    columns: tuple[str, ...],
    batches: Iterable[list[tuple]],
    total: int,
    progress: Progress | None,
    what: str,
) -> None:
    """Bulk rows as tuples: DB-API executemany on SQLite, Core inserts of dicts elsewhere."""
    done = 0
    if conn.dialect.name == "sqlite":
        cursor = conn.connection.cursor()  # sqlite3's own: pysqlite's driver is the DB-API
        sql = (
            f'INSERT INTO "{table_name}" ({", ".join(columns)}) '
            f"VALUES ({', '.join('?' * len(columns))})"
        )

        def execute(batch: list[tuple]) -> None:
            cursor.executemany(sql, batch)

    else:
        table = SQLModel.metadata.tables[table_name]

        def execute(batch: list[tuple]) -> None:
            conn.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in batch])

    for batch in prefetch(batches):
        execute(batch)
        done += len(batch)
        if progress:
            progress(what, done, total)
    if progress and not done:
        progress(what, 0, total)


def reset_sequences(conn: Connection) -> None:
    """PostgreSQL: move each id sequence past the ids the demo gave explicitly."""
    if conn.dialect.name != "postgresql":
        return
    for name, table in SQLModel.metadata.tables.items():
        column = table.c.get("id")
        if column is None or not column.primary_key or not column.autoincrement:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                f'COALESCE((SELECT max(id) FROM "{name}"), 0) + 1, false)'
            )
        )
