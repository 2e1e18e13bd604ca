"""The benchmark harness: timings, the cached large database, and the result table.

Each `bench_*.py` module exposes `run(ctx: Context) -> list[Result]`; `run.py` collects them.
Benchmarks are not tests: nothing here fails on timing, it reports what it measured.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
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


@dataclass
class Context:
    scale: str  # "small" | "large"
    seed: int = 7
    runs: int = 5
    extra: dict = field(default_factory=dict)

    @property
    def visitors(self) -> int:
        return 1_000_000 if self.scale == "large" else 50_000

    def database(self) -> Path:
        """The demo database at this scale, built once and cached by seed and scale."""
        CACHE.mkdir(parents=True, exist_ok=True)
        path = CACHE / f"demo-{self.scale}-s{self.seed}.db"
        if not path.exists():
            tmp = path.with_suffix(".building")
            for p in CACHE.glob(tmp.name + "*"):
                p.unlink()
            scale = "3" if self.scale == "large" else "1"
            subprocess.run(
                [PYTHON, "-m", "deskterm", "demo", "--db", str(tmp), "--scale", scale,
                 "--seed", str(self.seed), "--visitors", str(self.visitors)],
                check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
            )
            subprocess.run(["sqlite3", str(tmp), "PRAGMA wal_checkpoint(TRUNCATE);"], check=True,
                           stdout=subprocess.DEVNULL)
            tmp.rename(path)
            for suffix in ("-wal", "-shm"):
                Path(str(tmp) + suffix).unlink(missing_ok=True)
        return path


@dataclass
class ProcessTiming:
    median: float
    low: float
    high: float
    peak_mib: float


def time_process(cmd: list[str], runs: int, *, env: dict | None = None, stdout=subprocess.DEVNULL,
                 cwd: Path = ROOT) -> ProcessTiming:
    """Wall time (median, min, max) and peak RSS of a whole process over several runs."""
    walls, peaks = [], []
    full_env = {**os.environ, **(env or {})}
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=full_env, cwd=cwd)
        _, rusage = os.wait4(proc.pid, 0)[1:]
        walls.append(time.perf_counter() - start)
        peaks.append(rusage.ru_maxrss / 1024)  # KiB on Linux
        if proc.stderr:
            proc.stderr.close()
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
        lines.append(f"| {r.name} | {r.value:.3g} {r.unit}{note} | {floor} | {ratio} | {r.target} | {met} |")
    return "\n".join(lines)
