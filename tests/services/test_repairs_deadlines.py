"""Table tests at the service level: deadlines stored on save, breaches on the board and in the
overdue count, warranty matches (D-31, D-35) — around local midnight and month ends, and the
same under TZ=UTC and TZ=Asia/Shanghai (the last test re-runs this file under each)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from deskterm.db import run_read, run_write
from deskterm.services.repairs import queries, status, warranty
from tests.services.test_repairs_support import (
    create,
    make_repair_estate,
    order_in,
    reload,
    repair_fully,
    sh,
)

ROOT = Path(__file__).resolve().parents[2]

# (case, category, reported (Shanghai wall), number, on site due, fixed due)
# fmt: off
DEADLINES = [
    ("urgent 23:59", "burst_pipe", (2026, 11, 28, 23, 59), "R20261128-0001", (2026, 11, 29, 1, 59), (2026, 11, 29, 23, 59)),
    ("general 23:59", "heating_not_warm", (2026, 11, 28, 23, 59), "R20261128-0001", None, (2026, 12, 1, 23, 59)),
    ("general 00:00 is the next day", "heating_not_warm", (2026, 11, 29, 0, 0), "R20261129-0001", None, (2026, 12, 2, 0, 0)),
    ("urgent month end", "power_cut_wiring", (2026, 11, 30, 23, 59), "R20261130-0001", (2026, 12, 1, 1, 59), (2026, 12, 1, 23, 59)),
    ("general month end", "door_window", (2026, 11, 30, 23, 30), "R20261130-0001", None, (2026, 12, 3, 23, 30)),
    ("urgent 07:59 local = 23:59 UTC", "burst_pipe", (2026, 12, 1, 7, 59), "R20261201-0001", (2026, 12, 1, 9, 59), (2026, 12, 2, 7, 59)),
    ("urgent 08:00 local = 00:00 UTC", "burst_pipe", (2026, 12, 1, 8, 0), "R20261201-0001", (2026, 12, 1, 10, 0), (2026, 12, 2, 8, 0)),
    ("general year end", "roof_leak", (2026, 12, 31, 23, 59), "R20261231-0001", None, (2027, 1, 3, 23, 59)),
    ("general February end", "sanitary_fitting", (2027, 2, 28, 22, 0), "R20270228-0001", None, (2027, 3, 3, 22, 0)),
]
# fmt: on


@pytest.fixture
def estate(engine):
    return make_repair_estate(engine)


@pytest.mark.parametrize(
    ("category", "reported", "number", "onsite", "fix"),
    [row[1:] for row in DEADLINES],
    ids=[row[0] for row in DEADLINES],
)
def test_deadline_table(
    engine, clock, settings, staff, estate, category, reported, number, onsite, fix
):
    clock.set(sh(*reported))
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203, category))
    assert order.number == number
    assert order.onsite_due_at == (sh(*onsite) if onsite else None)
    assert order.fix_due_at == sh(*fix)
    stored = reload(engine, order.id)  # as read back from the database
    assert (stored.onsite_due_at, stored.fix_due_at) == (order.onsite_due_at, order.fix_due_at)


# (case, category, reported, steps done (minutes after report), now, state, overdue count)
# fmt: off
BREACHES = [
    ("urgent fresh", "burst_pipe", (2026, 11, 30, 23, 0), {}, (2026, 11, 30, 23, 10), "ok", 0),
    ("urgent near on-site", "burst_pipe", (2026, 11, 30, 23, 0), {}, (2026, 12, 1, 0, 40), "near", 0),
    ("urgent on-site missed across midnight", "burst_pipe", (2026, 11, 30, 23, 0), {}, (2026, 12, 1, 1, 1), "overdue", 1),
    ("urgent arrived in time, fix near", "burst_pipe", (2026, 11, 30, 23, 0), {"arrive": 90}, (2026, 12, 1, 20, 0), "near", 0),
    ("urgent arrived late: a missed breach, not overdue", "burst_pipe", (2026, 11, 30, 23, 0), {"arrive": 150}, (2026, 12, 1, 2, 0), "missed", 0),
    ("urgent fix missed", "burst_pipe", (2026, 11, 30, 23, 0), {"arrive": 60}, (2026, 12, 1, 23, 1), "overdue", 1),
    ("urgent repaired in time is off the board", "burst_pipe", (2026, 11, 30, 23, 0), {"arrive": 60, "repair": 120}, (2026, 12, 2, 0, 0), "met", 0),
    ("general two days in", "heating_not_warm", (2026, 11, 30, 23, 59), {}, (2026, 12, 2, 23, 59), "ok", 0),
    ("general near", "heating_not_warm", (2026, 11, 30, 23, 59), {}, (2026, 12, 3, 6, 0), "near", 0),
    ("general exactly due", "heating_not_warm", (2026, 11, 30, 23, 59), {}, (2026, 12, 3, 23, 59), "near", 0),
    ("general a minute late", "heating_not_warm", (2026, 11, 30, 23, 59), {}, (2026, 12, 4, 0, 0), "overdue", 1),
    ("general repaired late", "heating_not_warm", (2026, 11, 30, 23, 59), {"arrive": 60, "repair": 73 * 60}, (2026, 12, 5, 0, 0), "missed", 0),
]
# fmt: on


@pytest.mark.parametrize(
    ("category", "reported", "steps", "now", "state", "overdue"),
    [row[1:] for row in BREACHES],
    ids=[row[0] for row in BREACHES],
)
def test_breach_table(
    engine, clock, settings, staff, estate, category, reported, steps, now, state, overdue
):
    op = staff.operator
    clock.set(sh(*reported))
    order = create(engine, clock, settings, op, order_in(estate.unit_1203, category))
    start = clock.now()
    run_write(
        engine,
        lambda s: status.dispatch(
            session=s, actor=op, clock=clock, order_id=order.id, version=None, assignee="王师傅"
        ),
    )
    if "arrive" in steps:
        clock.set(start + timedelta(minutes=steps["arrive"]))
        run_write(
            engine,
            lambda s: status.record_arrival(
                session=s, actor=op, clock=clock, order_id=order.id, version=None
            ),
        )
    if "repair" in steps:
        clock.set(start + timedelta(minutes=steps["repair"]))
        run_write(
            engine,
            lambda s: status.mark_repaired(
                session=s,
                actor=op,
                clock=clock,
                settings=settings,
                order_id=order.id,
                version=None,
                work_done="修好",
            ),
        )
    at = sh(*now)
    assert queries.order_state(reload(engine, order.id), at, settings.sla) == state
    assert run_read(engine, lambda s: queries.count_overdue(session=s, now=at)) == overdue
    board = run_read(engine, lambda s: queries.list_board(session=s, now=at, settings=settings))
    if "repair" in steps:
        assert board == []
    else:
        assert [(row.number, row.state) for row in board] == [(order.number, state)]


# (case, repaired (Shanghai wall), reported again, found)
# fmt: off
WARRANTY = [
    ("3 months to the minute", (2026, 8, 28, 23, 59), (2026, 11, 28, 23, 59), True),
    ("a minute after", (2026, 8, 28, 23, 59), (2026, 11, 29, 0, 0), False),
    ("from Aug 31: to Nov 30", (2026, 8, 31, 23, 30), (2026, 11, 30, 23, 30), True),
    ("from Aug 31: not Dec 1", (2026, 8, 31, 23, 30), (2026, 12, 1, 0, 10), False),
    ("from Nov 30: to Feb 28", (2026, 11, 30, 10, 0), (2027, 2, 28, 9, 59), True),
    ("from Nov 30: not after Feb 28", (2026, 11, 30, 10, 0), (2027, 2, 28, 10, 1), False),
    ("repaired after local midnight", (2026, 9, 1, 0, 30), (2026, 12, 1, 0, 29), True),
    ("same day", (2026, 11, 28, 9, 0), (2026, 11, 28, 23, 0), True),
]
# fmt: on


@pytest.mark.parametrize(
    ("repaired", "again", "found"),
    [row[1:] for row in WARRANTY],
    ids=[row[0] for row in WARRANTY],
)
def test_warranty_table(engine, clock, settings, staff, estate, repaired, again, found):
    clock.set(sh(*repaired) - timedelta(hours=1))  # repair_fully takes an hour
    first = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    done = repair_fully(engine, clock, settings, staff.operator, first.id)
    assert done.repaired_at == sh(*repaired)
    clock.set(sh(*again))
    match = run_read(
        engine,
        lambda s: warranty.find_warranty_candidate(
            session=s,
            settings=settings,
            now=clock.now(),
            category_code="heating_not_warm",
            unit_id=estate.unit_1203,
        ),
    )
    assert (match.id if match else None) == (first.id if found else None)


def test_the_tables_give_the_same_results_under_utc_and_shanghai():
    if os.environ.get("DESKTERM_TZ_CHILD"):
        pytest.skip("already running under a chosen TZ")
    counts = {}
    for tz in ("UTC", "Asia/Shanghai"):
        env = {**os.environ, "TZ": tz, "DESKTERM_TZ_CHILD": "1", "PYTHONPATH": str(ROOT)}
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:randomly",
                str(Path(__file__).relative_to(ROOT)),
                "-k",
                "table and sqlite",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
        counts[tz] = int(re.search(r"(\d+) passed", proc.stdout).group(1))
    assert (
        counts["UTC"] == counts["Asia/Shanghai"] == len(DEADLINES) + len(BREACHES) + len(WARRANTY)
    )
