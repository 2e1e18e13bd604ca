"""Check-out by slip number on a million slips (issue 4, D-8): the scanner types the number and
Enter, and the desk must answer at once.

A scan must feel instant at the desk: the targets are 50 ms for what the operator waits
on (100 ms for the whole audited, fsync'ed write). Timed in the same run, over random slip numbers typed as a scanner or a person would
(lower case, spaces, a trailing newline):

- lookup: `services.visitors.find_slip` in an open read session (parse, canonical form,
  the indexed query, the row as an object) — what the check-out does before it writes;
- the same through `run_read` (the session opened and closed, as the TUI worker does);
- its floor: the plain indexed SQL `SELECT * FROM visitor_slip WHERE number = ?` through the
  sqlite3 driver, with the number already canonical;
- the whole check-out (`services.visitors.check_out` in `run_write`: BEGIN IMMEDIATE, the
  lookup, the update, the audit event, COMMIT with synchronous=FULL) on a scratch copy, next
  to its floor: the plain `UPDATE ... WHERE number = ?` and COMMIT with the same pragmas;
- the on-site list (`list_on_site`, index ix_visitor_slip_status_in) and its plain SQL.

    python bench/bench_checkout.py [--db bench/.cache/v1m.db] [--repeat 500]
    python bench/run.py --only checkout [--scale large]

Without --db the database is bench/.cache/v1m.db, built once with
`python -m deskterm demo --db bench/.cache/v1m.db --visitors 1000000`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import CACHE, PYTHON, Context, Result  # noqa: E402

DEFAULT_DB = CACHE / "v1m.db"


def build(path: Path, visitors: int = 1_000_000) -> Path:
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [PYTHON, "-m", "deskterm", "demo", "--db", str(path), "--visitors", str(visitors)],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        raw = sqlite3.connect(str(path))
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.close()
    return path


def _samples(fn, items, *, writes: bool = False) -> list[float]:
    fn(items[0])  # warm: statement caches, the index's upper pages
    out = []
    for item in items[1:] if writes else items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _typed(number: str, rng: random.Random) -> str:
    """How the number arrives: a scanner's exact text, or a person's lower case and spaces."""
    return rng.choice((number, number.lower(), f"  {number.lower()} ", number + "\r\n"))


def measure(db: Path, repeat: int = 500, writes: int = 200, seed: int = 7) -> dict:
    from deskterm.clock import SystemClock
    from deskterm.config import Settings
    from deskterm.db import make_engine, read_session, run_read, run_write
    from deskterm.models.forms import validated
    from deskterm.models.user import Role
    from deskterm.models.visitor import VisitorSlipCreate
    from deskterm.services.actor import Actor
    from deskterm.services.visitors import slips as visitors
    from deskterm.services.visitors.onsite import list_on_site

    rng = random.Random(seed)
    raw = sqlite3.connect(str(db))
    total = raw.execute("SELECT max(id) FROM visitor_slip").fetchone()[0]
    plan = " ".join(
        r[-1]
        for r in raw.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM visitor_slip WHERE number = ?", ("V20261128-0001",)
        )
    )
    ids = rng.sample(range(1, total + 1), repeat)
    numbers = [
        raw.execute("SELECT number FROM visitor_slip WHERE id = ?", (i,)).fetchone()[0] for i in ids
    ]
    typed = [_typed(n, rng) for n in numbers]
    settings = Settings()
    engine = make_engine(str(db))
    out: dict = {"slips": total, "plan": plan}

    with read_session(engine) as session:
        lookup = _samples(lambda t: visitors.find_slip(session=session, number=t), typed)
    with_session = _samples(
        lambda t: run_read(engine, lambda s: visitors.find_slip(session=s, number=t)), typed
    )
    floor = _samples(
        lambda n: raw.execute("SELECT * FROM visitor_slip WHERE number = ?", (n,)).fetchall(),
        numbers,
    )
    out["lookup"] = _stats(lookup)
    out["lookup_session"] = _stats(with_session)
    out["lookup_floor"] = _stats(floor)

    clock = SystemClock()
    with read_session(engine) as session:
        on_site = list_on_site(session=session, clock=clock, settings=settings)
    on_site_list = _samples(
        lambda _i: run_read(
            engine, lambda s: list_on_site(session=s, clock=clock, settings=settings)
        ),
        list(range(50)),
    )
    on_site_floor = _samples(
        lambda _i: raw.execute(
            "SELECT * FROM visitor_slip WHERE status = 'on_site' ORDER BY checked_in_at, id "
            "LIMIT 2001"
        ).fetchall(),
        list(range(50)),
    )
    out["on_site"] = (_stats(on_site_list), _stats(on_site_floor), len(on_site.rows))
    engine.dispose()
    raw.close()

    # The whole check-out writes: on a scratch copy, slips registered first (not timed).
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        copy = Path(tmp) / "checkout.db"
        shutil.copy(db, copy)
        engine = make_engine(str(copy))
        actor = Actor(user_id=1, code="op1", name="op1", role=Role.operator)
        with read_session(engine) as session:
            from sqlmodel import select

            from deskterm.models.estate import Resident

            host = session.exec(select(Resident.id).limit(1)).one()
        fresh = []
        for n in range(writes * 2):
            slip_in = validated(
                VisitorSlipCreate,
                {
                    "visitor_name": f"bench{n}",
                    "doc_type": "sighted",
                    "host_resident_id": host,
                    "host_call_method": "phone",
                    "host_call_result": "agreed",
                },
            )
            fresh.append(
                run_write(
                    engine,
                    lambda s, i=slip_in: visitors.register_slip(
                        session=s, actor=actor, clock=clock, settings=settings, slip_in=i
                    ),
                ).number
            )
        ours, theirs = fresh[:writes], fresh[writes:]
        checkout = _samples(
            lambda t: run_write(
                engine,
                lambda s: visitors.check_out(
                    session=s, actor=actor, clock=clock, settings=settings, number=t
                ),
            ),
            [_typed(n, rng) for n in ours],
            writes=True,
        )
        engine.dispose()
        con = sqlite3.connect(str(copy), isolation_level=None)
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = FULL")

        def plain_update(number: str) -> None:
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "UPDATE visitor_slip SET status = 'left', checked_out_at = ?, "
                "slip_returned = 1, version = version + 1 WHERE number = ?",
                (time.strftime("%Y-%m-%d %H:%M:%S"), number),
            )
            con.execute("COMMIT")

        update_floor = _samples(plain_update, theirs, writes=True)
        con.close()
    out["checkout"] = _stats(checkout)
    out["checkout_floor"] = _stats(update_floor)
    return out


def results(data: dict) -> list[Result]:
    slips = f"{data['slips']:,}"
    (med, p95), (fmed, fp95) = data["lookup"], data["lookup_floor"]
    (smed, sp95) = data["lookup_session"]
    (cmed, cp95), (cfmed, cfp95) = data["checkout"], data["checkout_floor"]
    (omed, op95), (ofmed, _ofp95), on_site = data["on_site"]
    return [
        Result(
            f"check-out lookup by slip number ({slips} slips)",
            med,
            "ms",
            fmed,
            "indexed SELECT by number (sqlite3)",
            "p95 ≤ 50 ms",
            p95 <= 50,
            f"(p95 {p95:.3g} ms; floor p95 {fp95:.3g} ms; plan: {data['plan']})",
        ),
        Result(
            "  … with its own read session (TUI worker)",
            smed,
            "ms",
            fmed,
            "indexed SELECT by number (sqlite3)",
            "p95 ≤ 50 ms",
            sp95 <= 50,
            f"(p95 {sp95:.3g} ms)",
        ),
        Result(
            "check-out, whole audited transaction",
            cmed,
            "ms",
            cfmed,
            "plain UPDATE + COMMIT, synchronous=FULL",
            "p95 ≤ 100 ms",
            cp95 <= 100,
            f"(p95 {cp95:.3g} ms; floor p95 {cfp95:.3g} ms)",
        ),
        Result(
            f"on-site list ({on_site} on site of {slips})",
            omed,
            "ms",
            ofmed,
            "indexed SELECT by status (sqlite3)",
            "p95 ≤ 50 ms",
            op95 <= 50,
            f"(p95 {op95:.3g} ms)",
        ),
    ]


def run(ctx: Context) -> list[Result]:
    from dataclasses import replace

    db = ctx.database() if ctx.scale == "large" else build(DEFAULT_DB)
    data = measure(db, repeat=200 if ctx.scale == "small" else 500)
    found = results(data)
    # Issue 10's target for the lookup is p95 ≤ 2 ms (this script's own is the desk's 50 ms).
    for i, key in ((0, "lookup"), (1, "lookup_session")):
        found[i] = replace(found[i], target="p95 ≤ 2 ms", met=data[key][1] <= 2)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeat", type=int, default=500)
    parser.add_argument("--writes", type=int, default=200)
    args = parser.parse_args()
    db = build(args.db) if args.db == DEFAULT_DB else args.db
    from harness import table

    print(table(results(measure(db, repeat=args.repeat, writes=args.writes))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
