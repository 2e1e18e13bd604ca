"""The date rules give the same answers whatever the process timezone (TZ=UTC or Asia/Shanghai)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ZONES = ("UTC", "Asia/Shanghai")

# SLA, warranty and numbering cases: instants around local midnight, month end, year end, leap day.
INSTANTS = [
    "2026-11-28T23:59:00+08:00",
    "2026-11-30T23:59:00+08:00",
    "2026-11-30T00:30:00+08:00",
    "2026-11-30T15:59:00+00:00",
    "2026-11-30T16:00:00+00:00",
    "2026-12-31T23:59:00+08:00",
    "2027-11-30T09:00:00+08:00",
    "2028-02-28T23:59:00+08:00",
    "2028-02-29T12:00:00+08:00",
]

SCRIPT = r"""
import json, sys, time
from datetime import datetime
from deskterm.rules.numbering import format_number, local_day
from deskterm.rules.sla import deadlines_for
from deskterm.rules.warranty import in_warranty, warranty_until

out = {"offset": time.strftime("%z", time.localtime(1796000000)), "cases": []}
for text in json.load(sys.stdin):
    at = datetime.fromisoformat(text)
    urgent, general = deadlines_for("urgent", at), deadlines_for("general", at)
    until = warranty_until(at)
    out["cases"].append([
        text,
        urgent.onsite_due.isoformat(), urgent.fix_due.isoformat(),
        general.onsite_due, general.fix_due.isoformat(),
        until.isoformat(), in_warranty(at, general.fix_due),
        format_number("R", local_day(at, "Asia/Shanghai"), 7), local_day(at, "UTC").isoformat(),
    ])
print(json.dumps(out))
"""


def run_in_zone(args: list[str], tz: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TZ": tz, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_rule_results_do_not_depend_on_the_process_timezone():
    results = {}
    for tz in ZONES:
        proc = run_in_zone(["-c", SCRIPT], tz, stdin=json.dumps(INSTANTS))
        assert proc.returncode == 0, proc.stderr
        results[tz] = json.loads(proc.stdout)
    # The TZ variable really took effect, so the comparison below means something.
    assert results["UTC"]["offset"] == "+0000"
    assert results["Asia/Shanghai"]["offset"] == "+0800"
    assert results["UTC"]["cases"] == results["Asia/Shanghai"]["cases"]
    by_instant = {row[0]: row[1:] for row in results["UTC"]["cases"]}
    assert by_instant["2026-11-30T23:59:00+08:00"] == [
        "2026-11-30T17:59:00+00:00",
        "2026-12-01T15:59:00+00:00",
        None,
        "2026-12-03T15:59:00+00:00",
        "2027-02-28T15:59:00+00:00",
        True,
        "R20261130-0007",
        "2026-11-30",
    ]
    assert by_instant["2026-11-30T00:30:00+08:00"][4:] == [
        "2027-02-27T16:30:00+00:00",
        True,
        "R20261130-0007",
        "2026-11-29",
    ]
    assert by_instant["2026-11-30T16:00:00+00:00"][6] == "R20261201-0007"


def test_table_tests_pass_under_each_timezone():
    """Run the SLA, warranty and numbering tables in a fresh process under each TZ."""
    args = [
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/unit/test_rules_sla.py",
        "tests/unit/test_rules_warranty.py",
        "tests/unit/test_rules_misc.py",
        "-k",
        "test_rules_sla or test_rules_warranty or number or local_day",
    ]
    summaries = {}
    for tz in ZONES:
        proc = run_in_zone(args, tz)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        summaries[tz] = re.search(r"(\d+) passed", proc.stdout).group(1)
    assert summaries["UTC"] == summaries["Asia/Shanghai"]
    assert int(summaries["UTC"]) >= 90
