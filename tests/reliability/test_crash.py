"""Promise 2: a process killed with SIGKILL at random moments while saving records that span
several tables leaves an intact database: every acknowledged record present, none half-written.
"""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from deskterm.db import make_engine, read_session
from deskterm.services import audit

ROOT = Path(__file__).resolve().parents[2]
TRIALS = int(os.environ.get("DESKTERM_CRASH_TRIALS", "25"))


@pytest.mark.slow
def test_sigkill_while_saving(sqlite_engine, clock, settings):
    from tests.factories import make_staff

    staff = make_staff(sqlite_engine, clock, settings)
    db = sqlite_engine.url.database
    sqlite_engine.dispose()
    rng = random.Random(20261128)
    acknowledged: set[int] = set()
    for _trial in range(TRIALS):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.workload",
                db,
                "100000",
                str(staff.operator.user_id),
            ],
            stdout=subprocess.PIPE,
            cwd=ROOT,
            text=True,
        )
        first = proc.stdout.readline()  # saving has begun (start-up time varies with load)
        time.sleep(rng.uniform(0.0, 0.3))  # then kill somewhere in the middle of a save
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        acknowledged |= {int(line) for line in (first + out).split() if line.strip().isdigit()}
        engine = make_engine(db)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            present = {r[0] for r in conn.execute(text("select id from logbook_entry"))}
            audited = {
                int(r[0])
                for r in conn.execute(
                    text("select entity_id from audit_event where entity = 'logbook_entry'")
                )
            }
        assert acknowledged <= present, "an acknowledged save was lost"
        assert present == audited, "a record without its audit event (half-written)"
        with read_session(engine) as session:
            result = audit.verify(session)
        assert result.ok, result.problem
        engine.dispose()
    assert len(acknowledged) > TRIALS  # the trials really saved while being killed
