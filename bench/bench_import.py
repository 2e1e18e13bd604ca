"""Importing 50,000 residents from CSV next to `sqlite3 .import` of the same file, same run.

The estate is new: a database made by `deskterm init` whose units were imported first (from
a units CSV, not timed), as a desk is set up. The file has the headings people write
(姓名, 楼栋, 房号, 电话, 身份) and about two people a unit.

Ours: `deskterm import residents FILE --user admin1` (the whole process: start-up, sign-in,
every row checked, the residents written with their pinyin keys and an audit event each, in
one transaction). The floor: `sqlite3 DB ".import --csv FILE residents_raw"` on a copy of the
same database (a new table of text columns). Both whole processes, taking turns. Target ≤ 3×.

    python bench/bench_import.py [--residents 50000] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import CACHE, PYTHON, Context, Result, measure_process  # noqa: E402

RESIDENTS = 50_000
ADMIN = {"DESKTERM_USER": "admin1", "DESKTERM_PASSWORD": "bench-pass-1234"}
RELATIONS = ("业主", "业主", "家属", "家属", "租户")


def write_files(directory: Path, residents: int, seed: int = 7) -> tuple[Path, Path]:
    """(units.csv, residents.csv): buildings of 60 units, 0 to 3 people a unit (~2)."""
    from deskterm.demo.names import mobile, person_name

    rng = random.Random(seed)
    units_csv, people_csv = directory / "units.csv", directory / "residents.csv"
    people: list[list[str]] = []
    units: list[list[str]] = []
    building = 0
    while len(people) < residents:
        building += 1
        for floor in range(1, 31):
            for index in (1, 2):
                room = f"{floor}{index:02d}"
                units.append([f"{building}栋", room, str(floor)])
                names: set[str] = set()
                for _ in range(rng.choice((0, 1, 2, 2, 3, 3))):
                    name = person_name(rng)
                    if name in names:
                        continue
                    names.add(name)
                    people.append(
                        [
                            name,
                            f"{building}栋",
                            room,
                            mobile(rng) if rng.random() < 0.8 else "",
                            rng.choice(RELATIONS),
                        ]
                    )
    with units_csv.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["楼栋", "房号", "楼层"])
        out.writerows(units)
    with people_csv.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["姓名", "楼栋", "房号", "电话", "身份"])
        out.writerows(people[:residents])
    return units_csv, people_csv


def estate(directory: Path, units_csv: Path) -> Path:
    """A new database with its admin and the units imported (the template every run copies)."""
    db = directory / "estate.db"
    env = {**os.environ, "DESKTERM_PASSWORD": ADMIN["DESKTERM_PASSWORD"]}
    for args in (["init", "--admin", "admin1"], ["import", "units", str(units_csv)]):
        subprocess.run(
            [PYTHON, "-m", "deskterm", *args, "--db", str(db)],
            check=True,
            cwd=ROOT,
            env={**env, **(ADMIN if args[0] == "import" else {})},
            stdout=subprocess.DEVNULL,
        )
    return db


def _once(cmd: list[str], env: dict | None = None) -> tuple[float, float, float]:
    got = measure_process(cmd, env=env)
    if got.status:
        raise RuntimeError(f"{' '.join(cmd[2:5])} failed: {got.stderr.decode()[-500:]}")
    return got.wall, got.cpu, got.peak_mib


def measure(residents: int = RESIDENTS, runs: int = 3) -> dict:
    import sqlite3

    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        tmp = Path(tmp)
        units_csv, people_csv = write_files(tmp, residents)
        template = estate(tmp, units_csv)
        ours, floor = [], []
        for _ in range(runs):
            db = tmp / "ours.db"
            shutil.copyfile(template, db)
            ours.append(
                _once(
                    [
                        PYTHON,
                        "-m",
                        "deskterm",
                        "import",
                        "residents",
                        str(people_csv),
                        "--db",
                        str(db),
                    ],
                    ADMIN,
                )
            )
            con = sqlite3.connect(db)
            (count,) = con.execute("SELECT count(*) FROM resident").fetchone()
            con.close()
            floor_db = tmp / "floor.db"
            shutil.copyfile(template, floor_db)
            floor.append(
                _once(
                    [
                        "sqlite3",
                        str(floor_db),
                        ".import --csv " + str(people_csv) + " residents_raw",
                    ]
                )
            )
            for path in (db, floor_db):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)

    def med(samples, i):
        return statistics.median(s[i] for s in samples)

    return {
        "residents": count,
        "wall": med(ours, 0),
        "cpu": med(ours, 1),
        "peak": max(s[2] for s in ours),
        "floor": med(floor, 0),
        "floor_cpu": med(floor, 1),
        "low": min(s[0] for s in ours),
        "high": max(s[0] for s in ours),
        "load": os.getloadavg()[0],
    }


def results(data: dict) -> list[Result]:
    note = (
        f"(min {data['low']:.3g}, max {data['high']:.3g} s; cpu {data['cpu']:.3g} s vs "
        f"{data['floor_cpu']:.3g} s; peak {data['peak']:.0f} MiB; "
        f"load average {data['load']:.1f})"
    )
    return [
        Result(
            f"import {data['residents']:,} residents from CSV",
            data["wall"],
            "s",
            data["floor"],
            "sqlite3 .import",
            "≤ 3×",
            data["wall"] / data["floor"] <= 3,
            note,
        )
    ]


def run(ctx: Context) -> list[Result]:
    return results(measure(RESIDENTS, 3 if ctx.scale == "large" else 2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=RESIDENTS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from harness import table

    print(table(results(measure(args.residents, args.runs))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
