"""The floor for `deskterm demo --visitors N`: the same visitor slips, executemany'd in one go.

Builds the demo's estate in memory only (nothing else is written), generates the N slip rows
the demo would write into a list, then inserts them with one DB-API executemany in one
transaction into a freshly migrated, empty schema (same engine, pragmas and indexes as the
app; foreign keys off, since the parent rows are not there). Prints the time of each part.

    cd /work/main && /usr/bin/time -v /work/venv/bin/python bench/floor_demo_executemany.py /tmp/floor.db 1000000

A third argument sets SQLite's page cache in MiB for the insert (the demo uses 64); without it
the connection keeps SQLite's default (2 MiB), the plain floor.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deskterm import schema  # noqa: E402
from deskterm.config import Settings  # noqa: E402
from deskterm.db import make_engine  # noqa: E402
from deskterm.demo import estate, store  # noqa: E402
from deskterm.demo.context import DemoContext  # noqa: E402
from deskterm.demo.shifts import add_shifts  # noqa: E402
from deskterm.demo.visitors import COLUMNS, VisitorRows, add_expected_and_denied, plan_visitors  # noqa: E402


def main(path: str, total: int, cache_mib: int | None = None) -> None:
    db = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    engine = make_engine(str(db))
    schema.upgrade(engine)
    t_schema = time.perf_counter()

    estate.hash_password = lambda _password: "-"  # no user rows are written here
    ctx = DemoContext(
        random.Random(7), datetime.now(UTC).replace(second=0, microsecond=0), Settings()
    )
    estate.add_staff(ctx)
    estate.add_estate(ctx, 1)
    add_shifts(ctx)
    plan = plan_visitors(ctx, total)
    add_expected_and_denied(ctx, plan)
    rows = [row for day in VisitorRows(ctx, plan, store.sqlite_stamp()).iter_days() for row in day]
    t_rows = time.perf_counter()

    sql = (
        f"INSERT INTO visitor_slip ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    )
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys = OFF")
        if cache_mib:
            raw.execute(f"PRAGMA cache_size = -{cache_mib * 1024}")
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany(sql, rows)
        t_insert = time.perf_counter()
        raw.commit()
        raw.execute("PRAGMA foreign_keys = ON")
    t_commit = time.perf_counter()
    engine.dispose()
    print(
        f"schema {t_schema - started:.1f} s, rows generated {t_rows - t_schema:.1f} s, "
        f"executemany {t_insert - t_rows:.1f} s, commit {t_commit - t_insert:.1f} s, "
        f"total {t_commit - started:.1f} s for {len(rows):,} rows"
        + (f" (cache {cache_mib} MiB)" if cache_mib else " (default cache)")
    )


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "/tmp/floor.db",
        int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000,
        int(sys.argv[3]) if len(sys.argv) > 3 else None,
    )
