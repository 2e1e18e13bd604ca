"""Record numbers: a date and a per-day sequence, unique under concurrent writers."""

import multiprocessing as mp
from datetime import UTC, datetime

from deskterm.db import make_engine, run_write
from deskterm.services.numbering import next_number


def test_sequence_per_local_day(engine):
    at = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    first = run_write(
        engine, lambda s: next_number(session=s, prefix="V", at=at, tz="Asia/Shanghai")
    )
    second = run_write(
        engine, lambda s: next_number(session=s, prefix="V", at=at, tz="Asia/Shanghai")
    )
    other = run_write(
        engine, lambda s: next_number(session=s, prefix="R", at=at, tz="Asia/Shanghai")
    )
    # 16:30 UTC on the 28th is 00:30 on the 29th in Shanghai: a new day, a new sequence
    late = datetime(2026, 11, 28, 16, 30, tzinfo=UTC)
    next_day = run_write(
        engine, lambda s: next_number(session=s, prefix="V", at=late, tz="Asia/Shanghai")
    )
    assert (first, second, other, next_day) == (
        "V20261128-0001",
        "V20261128-0002",
        "R20261128-0001",
        "V20261129-0001",
    )


def _grab(url: str, n: int, out) -> None:
    engine = make_engine(url)
    at = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    for _ in range(n):
        out.put(
            run_write(
                engine, lambda s: next_number(session=s, prefix="V", at=at, tz="Asia/Shanghai")
            )
        )


def test_unique_under_concurrent_processes(sqlite_engine):
    url = str(sqlite_engine.url.database)
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_grab, args=(url, 40, out)) for _ in range(4)]
    for p in procs:
        p.start()
    numbers = [out.get(timeout=60) for _ in range(160)]
    for p in procs:
        p.join(timeout=60)
    assert len(set(numbers)) == 160
    assert sorted(numbers)[-1] == "V20261128-0160"
