"""The benchmark harness: timings, the cached large database, and the result table.

Each `bench_*.py` module exposes `run(ctx: Context) -> list[Result]`; `run.py` collects them.
Benchmarks are not tests: nothing here fails on timing, it reports what it measured.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
PYTHON = sys.executable


@dataclass
class Result:
    name: str
    value: float  # the measured figure (seconds, ms, MiB ...)
    unit: str
    floor: float | None = None  # the same work by the floor, in the same run
    floor_name: str = ""
    target: str = ""  # e.g. "<= 3x", "p95 <= 5 ms"
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor in (None, 0):
            return None
        return self.value / self.floor


# The estate the issue describes: ~1M visitor slips, ~200k repair orders, ~50k residents.
# `deskterm demo --scale N` gives ~1,500 residents and ~300 repair orders (75 days of them) per
# step of N, so 33 gives the residents; the repairs a year of such an estate would hold (200k)
# would need scale ~650 (a million residents). The large database therefore tops the demo's
# repairs up to a year: see `top_up_repairs`.
SCALES = {
    "large": {"scale": 33, "visitors": 1_000_000, "repairs": 200_000},
    "small": {"scale": 1, "visitors": 50_000, "repairs": 0},
}
CACHE_VERSION = 3  # bump when what the cached database holds changes


@dataclass
class Context:
    scale: str  # "small" | "large"
    seed: int = 7
    runs: int = 5
    extra: dict = field(default_factory=dict)

    @property
    def visitors(self) -> int:
        return SCALES[self.scale]["visitors"]

    def database(self) -> Path:
        """The demo database at this scale, built once and cached by seed and scale."""
        CACHE.mkdir(parents=True, exist_ok=True)
        path = CACHE / f"demo-{self.scale}-s{self.seed}-v{CACHE_VERSION}.db"
        if not path.exists():
            tmp = path.with_suffix(".building")
            for p in CACHE.glob(tmp.name + "*"):
                p.unlink()
            sizes = SCALES[self.scale]
            print(
                f"  building the {self.scale} database once (cached in {path.name}) …",
                file=sys.stderr,
                flush=True,
            )
            subprocess.run(
                [
                    PYTHON,
                    "-m",
                    "deskterm",
                    "demo",
                    "--db",
                    str(tmp),
                    "--scale",
                    str(sizes["scale"]),
                    "--seed",
                    str(self.seed),
                    "--visitors",
                    str(sizes["visitors"]),
                ],
                check=True,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
            )
            if sizes["repairs"]:
                top_up_repairs(tmp, sizes["repairs"])
            subprocess.run(
                ["sqlite3", str(tmp), "PRAGMA wal_checkpoint(TRUNCATE);"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            tmp.rename(path)
            for suffix in ("-wal", "-shm"):
                Path(str(tmp) + suffix).unlink(missing_ok=True)
        _upgrade_if_behind(path)
        return path

    def scratch_copy(self, directory: Path) -> Path:
        """A copy of the database to write into (the cached one stays as built)."""
        source = self.database()
        target = directory / source.name
        shutil.copyfile(source, target)
        return target


def _upgrade_if_behind(path: Path) -> None:
    """A cached database made before a new migration is brought to head (`deskterm db upgrade`)."""
    sys.path.insert(0, str(ROOT))
    from deskterm.schema import head_revision, sqlite_revision

    if sqlite_revision(path) == head_revision():
        return
    print(
        f"  upgrading the cached {path.name} to the current schema …", file=sys.stderr, flush=True
    )
    subprocess.run(
        [PYTHON, "-m", "deskterm", "db", "upgrade", "--db", str(path)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "DESKTERM_USER": "admin1", "DESKTERM_PASSWORD": "demo1234"},
    )
    for backup in path.parent.glob(path.stem + ".before-upgrade-*"):
        backup.unlink()


def demo_now(db: Path) -> datetime:
    """The demo's "now" (it places everything relative to the minute it was built)."""
    con = sqlite3.connect(db)
    try:
        (latest,) = con.execute("SELECT max(checked_in_at) FROM visitor_slip").fetchone()
    finally:
        con.close()
    return datetime.fromisoformat(latest).replace(tzinfo=UTC) + timedelta(minutes=1)


def _shifted(column: str) -> str:
    return f"strftime('%Y-%m-%d %H:%M:%S', o.{column}, m.shift) || '.000000'"


def _copy_rows(con: sqlite3.Connection, table: str, join: str, special: dict[str, str]) -> int:
    """Copy rows of `table` (alias o) for every copy in repair_copy (alias m), time-shifted."""
    columns = [(r[1], r[2].upper()) for r in con.execute(f"PRAGMA table_info({table})")]
    exprs = []
    for name, kind in columns:
        if name in special:
            exprs.append(special[name])
        elif kind == "DATETIME":
            exprs.append(_shifted(name))
        else:
            exprs.append(f"o.{name}")
    names = ", ".join(n for n, _k in columns)
    cur = con.execute(
        f"INSERT INTO {table} ({names}) SELECT {', '.join(exprs)} "
        f"FROM repair_copy m JOIN {table} o ON {join}"
    )
    return cur.rowcount


def top_up_repairs(db: Path, target: int, days: int = 365) -> None:
    """Fill a year with repair orders: copies of the demo's finished orders, moved back in time.

    The demo writes 75 days of repairs; a large estate keeps years. Each copy is a closed or
    cancelled order of the demo (with its status history, fee lines and callback) moved back
    by a whole number of steps so that the copies cover the year before the demo's first
    order; it gets a new id and a new number of its own desk day (R…-1001 upwards, never one
    the demo used). No copy is open: the deadline board and the open lists stay as the demo
    made them. The audit trail does not cover the copies (it is a benchmark fixture).
    """
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys = OFF")
        con.execute("BEGIN IMMEDIATE")
        (have,) = con.execute("SELECT count(*) FROM repair_order").fetchone()
        finished = "o.status IN ('closed', 'cancelled')"
        (base,) = con.execute(f"SELECT count(*) FROM repair_order o WHERE {finished}").fetchone()
        first, last = con.execute(
            "SELECT min(julianday(reported_at)), max(julianday(reported_at)) FROM repair_order"
        ).fetchone()
        wanted = target - have
        if wanted <= 0 or not base:
            con.execute("ROLLBACK")
            return
        copies = -(-wanted // base)
        span_minutes = max(days - (last - first), 1) * 1440
        step = max(int(span_minutes // copies), 60)
        con.execute("CREATE TEMP TABLE copy_n (n INTEGER PRIMARY KEY)")
        con.executemany("INSERT INTO copy_n VALUES (?)", [(n,) for n in range(1, copies + 1)])
        con.execute(
            "CREATE TEMP TABLE repair_copy (old_id INTEGER, n INTEGER, shift TEXT, "
            "new_id INTEGER PRIMARY KEY, number TEXT)"
        )
        (max_id,) = con.execute("SELECT max(id) FROM repair_order").fetchone()
        con.execute(
            f"""
            INSERT INTO repair_copy (old_id, n, shift, new_id, number)
            SELECT old_id, n, shift, ? + row_number() OVER (ORDER BY at, old_id, n),
                   'R' || day || '-' || printf('%04d', 1000 + row_number() OVER (
                       PARTITION BY day ORDER BY at, old_id, n))
            FROM (SELECT o.id AS old_id, c.n AS n, '-' || (c.n * {step}) || ' minutes' AS shift,
                         datetime(o.reported_at, '-' || (c.n * {step}) || ' minutes') AS at,
                         strftime('%Y%m%d', o.reported_at, '-' || (c.n * {step}) || ' minutes',
                                  '+8 hours') AS day
                  FROM repair_order o CROSS JOIN copy_n c WHERE {finished}
                  ORDER BY c.n, o.id LIMIT ?)
        """,
            (max_id, wanted),
        )
        con.execute("CREATE INDEX temp.repair_copy_old ON repair_copy (old_id)")
        _copy_rows(
            con,
            "repair_order",
            "o.id = m.old_id",
            {"id": "m.new_id", "number": "m.number", "warranty_of_id": "NULL", "shift_id": "NULL"},
        )
        for table, join, key in (
            ("repair_event", "o.order_id = m.old_id", "order_id"),
            ("repair_fee_line", "o.order_id = m.old_id", "order_id"),
        ):
            (top,) = con.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
            _copy_rows(
                con,
                table,
                join,
                {"id": f"{top} + row_number() OVER ()", key: "m.new_id", "shift_id": "NULL"},
            )
        (top,) = con.execute("SELECT coalesce(max(id), 0) FROM callback").fetchone()
        _copy_rows(
            con,
            "callback",
            "o.subject_kind = 'repair' AND o.subject_id = m.old_id",
            {"id": f"{top} + row_number() OVER ()", "subject_id": "m.new_id"},
        )
        con.execute("COMMIT")
    finally:
        con.close()


@dataclass
class ProcessTiming:
    median: float
    low: float
    high: float
    peak_mib: float


@dataclass
class Measured:
    wall: float  # seconds
    cpu: float  # user + system seconds, the process and its children
    peak_mib: float  # the process's own peak RSS
    status: int
    stderr: bytes = b""


TIME = "/usr/bin/time"


def measure_process(
    cmd: list[str], *, env: dict | None = None, stdout=subprocess.DEVNULL, cwd: Path = ROOT
) -> Measured:
    """One whole process: wall, CPU and its own peak memory.

    The peak comes from /usr/bin/time, not from our wait4(): a child forked from this (by
    then large) benchmark process reports the parent's RSS at the fork as its peak.
    """
    full_env = {**os.environ, **(env or {})}
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        wrapped = [TIME, "-f", "%M", "-o", peak.name, *cmd] if Path(TIME).exists() else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(
            wrapped, stdout=stdout, stderr=subprocess.PIPE, env=full_env, cwd=cwd
        )
        err = proc.stderr.read() if proc.stderr else b""
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if proc.stderr:
            proc.stderr.close()
        text = peak.read().strip().splitlines()
        kib = float(text[-1]) if text and text[-1].isdigit() else usage.ru_maxrss
    return Measured(
        wall, usage.ru_utime + usage.ru_stime, kib / 1024, os.waitstatus_to_exitcode(status), err
    )


def time_process(
    cmd: list[str],
    runs: int,
    *,
    env: dict | None = None,
    stdout=subprocess.DEVNULL,
    cwd: Path = ROOT,
) -> ProcessTiming:
    """Wall time (median, min, max) and peak RSS of a whole process over several runs."""
    walls, peaks = [], []
    for _ in range(runs):
        got = measure_process(cmd, env=env, stdout=stdout, cwd=cwd)
        walls.append(got.wall)
        peaks.append(got.peak_mib)
    return ProcessTiming(statistics.median(walls), min(walls), max(walls), max(peaks))


def latencies(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, p95) in milliseconds of an in-process call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def table(results: list[Result]) -> str:
    head = "| benchmark | measured | floor (same run) | ratio | target | met |\n|---|---|---|---|---|---|"
    lines = [head]
    for r in results:
        floor = f"{r.floor:.3g} {r.unit} ({r.floor_name})" if r.floor is not None else "—"
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        met = {True: "yes", False: "**no**", None: "—"}[r.met]
        note = f" {r.note}" if r.note else ""
        lines.append(
            f"| {r.name} | {r.value:.3g} {r.unit}{note} | {floor} | {ratio} | {r.target} | {met} |"
        )
    return "\n".join(lines)
