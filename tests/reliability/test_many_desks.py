"""Promise 1: 8 desks × 200 saves on one SQLite file: rows equal acknowledged saves (none lost,
none doubled), the file is intact, and no "database is locked" ever reaches a user."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from deskterm.db import make_engine, read_session
from deskterm.services import audit

ROOT = Path(__file__).resolve().parents[2]
DESKS, SAVES = 8, 200


@pytest.mark.slow
def test_eight_desks_one_file(sqlite_engine, clock, settings):
    from tests.factories import make_staff

    staff = make_staff(sqlite_engine, clock, settings)
    db = sqlite_engine.url.database
    sqlite_engine.dispose()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.workload",
                db,
                str(SAVES),
                str(staff.operator.user_id),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            text=True,
        )
        for _ in range(DESKS)
    ]
    acknowledged: list[int] = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert "locked" not in err
        acknowledged += [int(x) for x in out.split()]
    assert len(acknowledged) == DESKS * SAVES
    assert len(set(acknowledged)) == DESKS * SAVES  # none doubled
    engine = make_engine(db)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        ids = [r[0] for r in conn.execute(text("select id from logbook_entry"))]
        numbers = [r[0].split()[0] for r in conn.execute(text("select what from logbook_entry"))]
    assert sorted(ids) == sorted(acknowledged)  # none lost
    assert len(set(numbers)) == DESKS * SAVES  # every save got its own number
    with read_session(engine) as session:
        assert audit.verify(session).ok
