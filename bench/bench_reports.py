"""Reports on the large database next to the same SQL run bare, in the same run.

- the end-of-shift report (`deskterm report shift`: the shift on duty at the demo's "now",
  with the desk's activity: visitors on 1M slips, repairs, fees, complaints ...);
- the SLA report over a year of repairs (`deskterm report sla --since <a year ago>`).

Ours: the report's build function in a read transaction (`run_read`), as the CLI calls it
(without the sign-in and the rendering). The floor: every SQL statement that build sent,
captured once, then replayed through the sqlite3 driver with its parameters and every row
fetched — the same aggregates, by hand over the DB-API, without SQLAlchemy or the report's
Python around them. The two take turns, so a busy machine slows both alike. Each statement's
plan is checked too: a statement that scans a large table is named in the note.

    python bench/bench_reports.py [--db PATH] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import Context, Result, demo_now  # noqa: E402

BIG_TABLES = (
    "visitor_slip",
    "repair_order",
    "repair_event",
    "repair_fee_line",
    "callback",
    "audit_event",
    "resident",
)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _scans(raw: sqlite3.Connection, statements) -> list[str]:
    """Big tables a statement reads whole (SCAN, not SEARCH by an index)."""
    found = []
    for sql, params in statements:
        for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params):
            detail = row[-1]
            if detail.startswith("SCAN ") and detail.split()[1] in BIG_TABLES:
                found.append(detail.split()[1])
    return sorted(set(found))


def measure(db: Path, repeat: int) -> dict:
    from sqlalchemy import event

    from deskterm.clock import FixedClock
    from deskterm.config import Settings
    from deskterm.db import make_engine, run_read
    from deskterm.reports import builder
    from deskterm.reports.period import Period

    now = demo_now(db)
    clock, settings = FixedClock(now), Settings()
    engine = make_engine(str(db))
    raw = sqlite3.connect(str(db))
    captured: list[tuple[str, tuple]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            captured.append((statement, tuple(parameters or ())))

    reports = {
        "shift": Period(now - timedelta(days=3650), now),  # the last shift started: on duty now
        "sla": Period(now - timedelta(days=365), now),
    }
    out = {"load": 0.0}
    for kind, period in reports.items():
        build = builder(kind)

        def ours(build=build, period=period):
            return run_read(
                engine, lambda s: build(session=s, period=period, settings=settings, clock=clock)
            )

        captured.clear()
        report = ours()  # warm, and the statements it sends
        statements = list(captured)

        def floor(statements=statements):
            raw.execute("BEGIN")
            for sql, params in statements:
                raw.execute(sql, params).fetchall()
            raw.execute("COMMIT")

        floor()
        mine, theirs = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            ours()
            mine.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            floor()
            theirs.append((time.perf_counter() - t0) * 1000)
        out[kind] = {
            "median": statistics.median(mine),
            "p95": _p95(mine),
            "floor_median": statistics.median(theirs),
            "floor_p95": _p95(theirs),
            "statements": len(statements),
            "scans": _scans(raw, statements),
            "subtitle": report.subtitle or "",
        }
    (slips,) = raw.execute("SELECT count(*) FROM visitor_slip").fetchone()
    (repairs,) = raw.execute(
        "SELECT count(*) FROM repair_order WHERE reported_at >= ?",
        (str(now - timedelta(days=365)).replace("+00:00", ""),),
    ).fetchone()
    out.update(slips=slips, repairs=repairs, load=os.getloadavg()[0])
    engine.dispose()
    raw.close()
    return out


def results(data: dict) -> list[Result]:
    out = []
    names = {
        "shift": f"end-of-shift report ({data['slips']:,} visitor slips)",
        "sla": f"SLA report over a year ({data['repairs']:,} repair orders)",
    }
    for kind in ("shift", "sla"):
        d = data[kind]
        scans = f"; scans {', '.join(d['scans'])}" if d["scans"] else ""
        note = (
            f"median (p95 {d['p95']:.3g} ms, floor p95 {d['floor_p95']:.3g} ms; "
            f"{d['statements']} statements{scans}; load average {data['load']:.1f})"
        )
        out.append(
            Result(
                names[kind],
                d["median"],
                "ms",
                d["floor_median"],
                "same SQL via sqlite3",
                "≤ 2×",
                d["median"] / d["floor_median"] <= 2,
                note,
            )
        )
    return out


def run(ctx: Context) -> list[Result]:
    return results(measure(ctx.database(), 20 if ctx.scale == "large" else 30))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a demo database (default: the large one)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    from harness import table

    db = args.db or Context(scale="large").database()
    print(table(results(measure(db, args.repeat))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
