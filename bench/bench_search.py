"""Search as the operator types, on an estate of 50,000 residents (issue 5, D-20).

For every keystroke of a few real lookups (pinyin initials and full, a Chinese name, a given
name, units in the forms people say them, a company, a directory place, a phone number) it
times, in the same run:

- `services.search.search` in an open read session (what one keystroke costs the worker),
- the same plus opening and closing the session (`run_read`, what the TUI worker calls),
- the floor: the very SQL statement the service sends, compiled once and run through the
  sqlite3 driver directly, rows fetched (the database's own work, no Python around it),
- and, for reference, the plain single-table query a person would write for the keystroke.

    python bench/bench_search.py [--residents 50000] [--repeat 200]
    python bench/run.py --only search

The estate is generated here (the demo's name pools, about two people a unit), built once
and cached in bench/.cache/.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import CACHE, Context, Result  # noqa: E402

RESIDENTS = 50_000
# What the operator types, one keystroke (or one IME commit) at a time.
LOOKUPS = (
    ("pinyin initials", ["z", "zs"]),
    ("full pinyin", list("zhangsan")),
    ("Chinese name", ["张", "张建", "张建国"]),
    ("given name", ["建", "建国"]),
    ("unit 12-1203", list("12-1203")),
    ("unit 12栋1203", ["1", "12", "12栋", "12栋1", "12栋12", "12栋120", "12栋1203"]),
    ("unit A座1203", ["A", "A座", "A座1", "A座12", "A座120", "A座1203"]),
    ("company", ["康", "康宁"]),
    ("directory", ["银", "银行"]),
    ("phone number", list("13912345678")),
)


def _keystrokes() -> list[tuple[str, str]]:
    out = []
    for name, keys in LOOKUPS:
        text = ""
        for key in keys:
            text = key if len(key) > 1 and key.startswith(text) else text + key
            out.append((name, text))
    return out


def build_estate(path: Path, residents: int, seed: int = 7) -> None:
    """Buildings of 60 units, ~2 people a unit with demo names and phones, 8 office towers."""
    from sqlalchemy import insert

    from deskterm.clock import FixedClock
    from deskterm.config import Settings
    from deskterm.db import make_engine, run_write
    from deskterm.demo.names import company_names, mobile, person_name
    from deskterm.models.estate import Building, BuildingKind, Company, Resident, Unit
    from deskterm.rules.pinyin import pinyin_keys
    from deskterm.services.admin.setup import initialise

    rng = random.Random(seed)
    engine = make_engine(str(path))
    initialise(engine=engine, clock=FixedClock(), settings=Settings())
    keys: dict[str, tuple[str, str]] = {}

    def key(name: str) -> tuple[str, str]:
        if name not in keys:
            keys[name] = pinyin_keys(name)
        return keys[name]

    buildings, units, people, companies = [], [], [], []
    unit_id = 0
    number = 0
    while len(people) < residents:
        number += 1
        buildings.append(
            {
                "id": number,
                "code": str(number),
                "name": f"{number}栋",
                "kind": BuildingKind.residential,
            }
        )
        for floor in range(1, 31):
            for index in (1, 2):
                unit_id += 1
                label = f"{number}-{floor}{index:02d}"
                units.append(
                    {
                        "id": unit_id,
                        "building_id": number,
                        "number": label.split("-")[1],
                        "label": label,
                        "floor": floor,
                    }
                )
                for _ in range(rng.choice((0, 1, 2, 2, 3))):
                    name = person_name(rng)
                    full, initials = key(name)
                    row = Resident(
                        name=name,
                        unit_id=unit_id,
                        relation="owner",
                        phone=mobile(rng),
                        name_pinyin=full,
                        name_initials=initials,
                    )
                    people.append(
                        {c: getattr(row, c) for c in Resident.__table__.columns.keys() if c != "id"}
                    )
    offices = []
    for i, code in enumerate("ABCDEFGH"):
        bid = number + 1 + i
        buildings.append(
            {"id": bid, "code": code, "name": f"{code}座", "kind": BuildingKind.office}
        )
        for floor in range(1, 26):
            for index in range(1, 5):
                unit_id += 1
                label = f"{code}-{floor}{index:02d}"
                units.append(
                    {
                        "id": unit_id,
                        "building_id": bid,
                        "number": label.split("-")[1],
                        "label": label,
                        "floor": floor,
                    }
                )
                offices.append(unit_id)
    for name, office in zip(company_names(rng, 320), rng.sample(offices, 320), strict=True):
        full, initials = key(name)
        companies.append(
            {
                "name": name,
                "name_pinyin": full,
                "name_initials": initials,
                "unit_id": office,
                "contact_name": person_name(rng),
                "phone": mobile(rng),
                "active": True,
            }
        )

    def load(session):
        session.execute(insert(Building), buildings)
        session.execute(insert(Unit), units)
        session.execute(insert(Resident), people[:residents])
        session.execute(insert(Company), companies)

    run_write(engine, load)
    engine.dispose()
    raw = sqlite3.connect(str(path))
    raw.execute("ANALYZE")
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()


def estate_database(residents: int, seed: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"search-{residents}-s{seed}.db"
    if not path.exists():
        tmp = path.with_suffix(".building")
        for old in CACHE.glob(tmp.name + "*"):
            old.unlink()
        build_estate(tmp, residents, seed)
        tmp.rename(path)
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
    return path


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _sample(fns: dict, repeat: int) -> dict[str, dict[str, list[float]]]:
    """Wall and CPU milliseconds of each function, called in turn `repeat` times.

    Taking turns puts the contenders in the same moments of a busy machine; CPU time (of
    this thread) leaves out the time the process waited for a core, which is what a wall
    p95 mostly measures on a shared 2-core machine.
    """
    out = {name: {"wall": [], "cpu": []} for name in fns}
    for fn in fns.values():
        fn()  # warm: statement cache, pages
    for _ in range(repeat):
        for name, fn in fns.items():
            cpu0, wall0 = time.thread_time(), time.perf_counter()
            fn()
            wall, cpu = time.perf_counter() - wall0, time.thread_time() - cpu0
            out[name]["wall"].append(wall * 1000)
            out[name]["cpu"].append(cpu * 1000)
    return out


def measure(residents: int = RESIDENTS, repeat: int = 200, seed: int = 7) -> dict:
    from sqlalchemy import func, select
    from sqlmodel import Session

    from deskterm.clock import FixedClock
    from deskterm.db import make_engine, run_read
    from deskterm.models.estate import Resident
    from deskterm.models.user import Role
    from deskterm.services.actor import Actor
    from deskterm.services.inquiries import search as search_service

    path = estate_database(residents, seed)
    engine = make_engine(str(path))
    clock = FixedClock()
    actor = Actor(user_id=1, code="op1", name="op1", role=Role.operator)
    raw = sqlite3.connect(str(path))
    rows = []
    started = time.perf_counter()
    with Session(engine) as session:
        count = session.execute(select(func.count()).select_from(Resident)).scalar_one()
        for lookup, text in _keystrokes():
            plan = search_service.plan_query(text)
            statement, params = search_service.compiled_sql(session=session, clock=clock, plan=plan)
            plain_sql, plain_params = _plain_query(plan)

            def ours(text=text):
                return search_service.search(session=session, actor=actor, clock=clock, text=text)

            def ours_with_session(text=text):
                return run_read(
                    engine,
                    lambda s: search_service.search(session=s, actor=actor, clock=clock, text=text),
                )

            def floor(statement=statement, params=params):
                return raw.execute(statement, params).fetchall()

            def plain(sql=plain_sql, args=plain_params):
                return raw.execute(sql, args).fetchall() if sql else []

            result = ours()
            samples = _sample(
                {"ours": ours, "session": ours_with_session, "floor": floor, "plain": plain}, repeat
            )
            row = {
                "lookup": lookup,
                "text": text,
                "mode": plan.mode.value,
                "hits": len(result.hits),
                "more": result.more,
            }
            for name, kinds in samples.items():
                for kind, values in kinds.items():
                    row[f"{name}_{kind}_median"] = statistics.median(values)
                    row[f"{name}_{kind}_p95"] = _p95(values)
            rows.append(row)
    engine.dispose()
    raw.close()
    return {
        "residents": count,
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "load": os.getloadavg()[0],
    }


def _plain_query(plan):
    """The single-table query a person would write for the keystroke (reference only)."""
    from deskterm.services.inquiries.search import Mode, _bump

    base = (
        "SELECT r.id, r.name, u.label, r.phone FROM resident r LEFT JOIN unit u "
        "ON u.id = r.unit_id WHERE {} AND r.active ORDER BY {} LIMIT 31"
    )
    if plan.mode is Mode.pinyin:
        return base.format(
            "r.name_initials >= ? AND r.name_initials < ?", "r.name_initials, r.id"
        ), (plan.term, _bump(plan.term))
    if plan.mode is Mode.name:
        return base.format("r.name >= ? AND r.name < ?", "r.name, r.id"), (
            plan.term,
            _bump(plan.term),
        )
    if plan.mode is Mode.unit:
        if plan.building is not None:
            label = f"{plan.building}-{plan.number}"
            return base.format("u.label >= ? AND u.label < ?", "u.label"), (label, _bump(label))
        return base.format("u.number >= ? AND u.number < ?", "u.number, u.id"), (
            plan.number,
            _bump(plan.number),
        )
    return None, ()


def report(data: dict) -> str:
    lines = [
        f"{data['residents']} residents; load average {data['load']:.1f} on "
        f"{os.cpu_count()} cores; each keystroke {REPEAT_NOTE}.",
        "",
        "| lookup | typed | mode | hits | search wall median / p95 | search CPU median / p95 "
        "| same SQL raw CPU median / p95 | ratio CPU p95 | ratio wall median "
        "| + session wall p95 | 1-table query CPU p95 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in data["rows"]:
        lines.append(
            f"| {r['lookup']} | `{r['text']}` | {r['mode']} | {r['hits']}{'+' if r['more'] else ''} "
            f"| {r['ours_wall_median']:.3f} / {r['ours_wall_p95']:.3f} "
            f"| {r['ours_cpu_median']:.3f} / {r['ours_cpu_p95']:.3f} "
            f"| {r['floor_cpu_median']:.3f} / {r['floor_cpu_p95']:.3f} "
            f"| {_ratio(r, 'cpu_p95'):.2f}× | {_ratio(r, 'wall_median'):.2f}× "
            f"| {r['session_wall_p95']:.3f} | {r['plain_cpu_p95']:.3f} |"
        )
    lines.append("")
    lines.append("Times in ms. " + SUMMARY.format(**summary(data)))
    return "\n".join(lines)


REPEAT_NOTE = "timed in turn with the raw SQL, the given number of times"
SUMMARY = (
    "Worst keystroke: wall p95 {worst_wall:.3f} ms, CPU p95 {worst_cpu:.3f} ms; "
    "worst ratio to the same SQL run raw: CPU median {worst_cpu_median_ratio:.2f}×, "
    "CPU p95 {worst_ratio:.2f}×, wall median {worst_median_ratio:.2f}× (median "
    "keystroke, CPU p95: {median_ratio:.2f}×)."
)


def _ratio(row: dict, stat: str) -> float:
    floor = row[f"floor_{stat}"]
    # A floor under 20 µs is below what a timer call measures well: compare with 20 µs.
    return row[f"ours_{stat}"] / max(floor, 0.02)


def summary(data: dict) -> dict:
    rows = data["rows"]
    return {
        "worst_wall": max(r["ours_wall_p95"] for r in rows),
        "worst_cpu": max(r["ours_cpu_p95"] for r in rows),
        "worst_ratio": max(_ratio(r, "cpu_p95") for r in rows),
        "worst_median_ratio": max(_ratio(r, "wall_median") for r in rows),
        "worst_cpu_median_ratio": max(_ratio(r, "cpu_median") for r in rows),
        "median_ratio": statistics.median(_ratio(r, "cpu_p95") for r in rows),
    }


def run(ctx: Context) -> list[Result]:
    data = measure(RESIDENTS, repeat=max(100, ctx.runs * 40), seed=ctx.seed)
    rows = data["rows"]
    by_cpu = max(rows, key=lambda r: r["ours_cpu_p95"])
    by_wall = max(rows, key=lambda r: r["ours_wall_p95"])
    by_ratio = max(rows, key=lambda r: _ratio(r, "cpu_median"))
    by_p95_ratio = max(rows, key=lambda r: _ratio(r, "cpu_p95"))
    n = data["residents"]
    return [
        Result(
            f"search CPU p95, worst keystroke (`{by_cpu['text']}`), {n} residents",
            by_cpu["ours_cpu_p95"],
            "ms",
            by_cpu["floor_cpu_p95"],
            "same SQL via sqlite3",
            "p95 ≤ 5 ms",
            by_cpu["ours_cpu_p95"] <= 5.0,
        ),
        Result(
            f"search wall p95, worst keystroke (`{by_wall['text']}`)",
            by_wall["ours_wall_p95"],
            "ms",
            by_wall["floor_wall_p95"],
            "same SQL via sqlite3",
            "p95 ≤ 5 ms",
            by_wall["ours_wall_p95"] <= 5.0,
            f"(load average {data['load']:.1f})",
        ),
        Result(
            f"search / raw SQL, CPU median, worst keystroke (`{by_ratio['text']}`)",
            by_ratio["ours_cpu_median"],
            "ms",
            max(by_ratio["floor_cpu_median"], 0.02),
            "same SQL via sqlite3",
            "≤ 3×",
            _ratio(by_ratio, "cpu_median") <= 3.0,
        ),
        Result(
            f"search / raw SQL, CPU p95, worst keystroke (`{by_p95_ratio['text']}`)",
            by_p95_ratio["ours_cpu_p95"],
            "ms",
            max(by_p95_ratio["floor_cpu_p95"], 0.02),
            "same SQL via sqlite3",
            "≤ 3×",
            _ratio(by_p95_ratio, "cpu_p95") <= 3.0,
            "(tails of 50-200 µs calls on a shared machine)",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=RESIDENTS)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(report(measure(args.residents, args.repeat, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
