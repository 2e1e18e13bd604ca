"""Exports of the visitor slips: `deskterm export visitors` next to its floors, same run.

    csv   (all slips)      vs  sqlite3 -csv of the same SELECT              target <= 3x, <= 100 MiB
    jsonl (all slips)      vs  sqlite3 building the same objects (json_object)  target <= 2.5x
    xlsx  (200k newest)    vs  XlsxWriter constant_memory fed by the raw cursor  target <= 1.2x, flat memory

Each figure is a whole process (start-up, sign-in and audit included for ours), median of
several runs, with its peak RSS. Run alone: `python bench/bench_export.py [--db PATH]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness import PYTHON, ROOT, Context, Result, measure_process

XLSX_ROWS = 200_000
USER = {"DESKTERM_USER": "admin1", "DESKTERM_PASSWORD": "demo1234"}

XLSX_FLOOR = """
import sqlite3, sys
from xlsxwriter import Workbook
con = sqlite3.connect(sys.argv[1])
book = Workbook(sys.argv[3], {"constant_memory": True})
sheet = book.add_worksheet()
cur = con.execute(sys.argv[2])
sheet.write_row(0, 0, [d[0] for d in cur.description])
r = 0
for row in cur:
    r += 1
    sheet.write_row(r, 0, row)
book.close()
"""


def _sql(since_text: str | None) -> tuple[str, list[str]]:
    """The export's own SELECT as SQLite text (with the --since bound inline), and its columns."""
    from datetime import datetime

    from sqlalchemy.dialects import sqlite

    from deskterm.exports import build_query

    since = datetime.fromisoformat(since_text) if since_text else None
    query = build_query("visitors", since=since, until=None)
    compiled = query.rows.compile(dialect=sqlite.dialect())
    sql = str(compiled)
    for name in compiled.positiontup or []:
        value = compiled.binds[name]
        processor = value.type.dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())
        raw = processor(value.value) if processor else value.value
        sql = sql.replace("?", "'" + str(raw) + "'" if isinstance(raw, str) else str(raw), 1)
    return " ".join(sql.split()), [c.name for c in query.columns]


def _json_sql(sql: str, columns: list[str]) -> str:
    head, rest = sql.split(" FROM ", 1)
    exprs = [e.rsplit(" AS ", 1)[0] for e in head.removeprefix("SELECT ").split(", ")]
    pairs = ", ".join(f"'{c}', {e}" for c, e in zip(columns, exprs, strict=True))
    return f"SELECT json_object({pairs}) FROM {rest}"


def _since_for_newest(db: Path, rows: int) -> str:
    """--since for the newest `rows` slips (all of them in a smaller database)."""
    import sqlite3

    con = sqlite3.connect(db)
    found = con.execute(
        "SELECT checked_in_at FROM visitor_slip ORDER BY checked_in_at DESC LIMIT 1 OFFSET ?",
        (rows - 1,),
    ).fetchone()
    if found is None:
        found = con.execute("SELECT min(checked_in_at) FROM visitor_slip").fetchone()
    return found[0].replace(" ", "T") + "+00:00"


@dataclass
class Timing:
    wall: float  # median seconds
    cpu: float  # median user + system seconds: steadier than wall on a shared machine
    peak_mib: float


def _once(cmd: list[str], stdout, env: dict | None) -> tuple[float, float, float]:
    # harness.measure_process: the peak is the process's own (via /usr/bin/time), not the RSS
    # this benchmark process had when it forked (which ru_maxrss of wait4 would report).
    got = measure_process(cmd, env=env, stdout=stdout, cwd=ROOT)
    return got.wall, got.cpu, got.peak_mib


def _pair(ours: list[str], floor: list[str], runs: int, floor_out: Path) -> tuple[Timing, Timing]:
    """Ours and the floor run alternately, so that a busy machine slows both alike."""
    mine, theirs = [], []
    for _ in range(runs):
        mine.append(_once(ours, subprocess.DEVNULL, USER))
        with floor_out.open("wb") as sink:
            theirs.append(_once(floor, sink, None))

    def merged(samples) -> Timing:
        walls, cpus, peaks = zip(*samples, strict=True)
        return Timing(statistics.median(walls), statistics.median(cpus), max(peaks))

    return merged(mine), merged(theirs)


def _result(
    name: str, ours: Timing, floor: Timing, floor_name: str, target: float, memory: bool
) -> Result:
    ratio = ours.wall / floor.wall
    met = ratio <= target and (not memory or ours.peak_mib <= 100)
    note = (
        f"(cpu {ours.cpu:.1f} s vs {floor.cpu:.1f} s = {ours.cpu / floor.cpu:.2f}×; "
        f"peak {ours.peak_mib:.0f} MiB, floor {floor.peak_mib:.0f} MiB)"
    )
    limit = f"≤ {target:g}×" + (", ≤ 100 MiB" if memory else "")
    return Result(name, ours.wall, "s", floor.wall, floor_name, limit, met, note)


def measure(db: Path, runs: int) -> list[Result]:
    results = []
    out = Path(tempfile.mkdtemp(prefix="deskterm-bench-"))
    ours = [PYTHON, "-m", "deskterm", "export", "visitors", "--db", str(db)]
    sql, columns = _sql(None)

    csv_ours, csv_floor = _pair(
        ours + ["-f", "csv", "-o", str(out / "v.csv")],
        ["sqlite3", "-csv", str(db), sql],
        runs,
        out / "floor.csv",
    )
    import sqlite3

    (total,) = sqlite3.connect(db).execute("SELECT count(*) FROM visitor_slip").fetchone()
    newest = min(total, XLSX_ROWS)
    results.append(
        _result(f"export {total:,} visitors csv", csv_ours, csv_floor, "sqlite3 -csv", 3, True)
    )

    json_ours, json_floor = _pair(
        ours + ["-f", "jsonl", "-o", str(out / "v.jsonl")],
        ["sqlite3", "-list", str(db), _json_sql(sql, columns)],
        runs,
        out / "floor.jsonl",
    )
    results.append(
        _result(
            f"export {total:,} visitors jsonl",
            json_ours,
            json_floor,
            "sqlite3 json_object",
            2.5,
            False,
        )
    )

    since = _since_for_newest(db, XLSX_ROWS)
    xsql, _cols = _sql(since)
    xlsx_ours, xlsx_floor = _pair(
        ours + ["-f", "xlsx", "--since", since, "-o", str(out / "v.xlsx")],
        [PYTHON, "-c", XLSX_FLOOR, str(db), xsql, str(out / "floor.xlsx")],
        runs,
        out / "floor.out",
    )
    results.append(
        _result(
            f"export {newest:,} visitors xlsx",
            xlsx_ours,
            xlsx_floor,
            "XlsxWriter constant_memory, raw cursor",
            1.2,
            True,
        )
    )
    for path in out.iterdir():
        path.unlink()
    out.rmdir()
    return results


def run(ctx: Context) -> list[Result]:
    # A copy: each export signs in and writes its audit event; the cached database stays as built.
    with tempfile.TemporaryDirectory(prefix="deskterm-bench-") as tmp:
        return measure(ctx.scratch_copy(Path(tmp)), max(1, min(ctx.runs, 3)))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a demo database (default: the cached large one)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from harness import table

    found = measure(args.db, args.runs) if args.db else run(Context(scale="large", runs=args.runs))
    print(table(found))
