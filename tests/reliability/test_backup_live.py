"""Promise 5: a backup taken while 4 desks write passes the integrity check, holds every row
committed before it began, and its audit chain verifies; a restore onto a new path starts."""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from deskterm import schema
from deskterm.db import make_engine
from deskterm.services.admin import maintenance, users
from deskterm.services.admin import restore as db_restore

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_backup_while_four_desks_write(sqlite_engine, clock, settings, tmp_path):
    from tests.factories import PASSWORD, make_staff

    staff = make_staff(sqlite_engine, clock, settings)
    db = sqlite_engine.url.database
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.workload",
                db,
                "400",
                str(staff.operator.user_id),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            text=True,
        )
        for _ in range(4)
    ]
    acknowledged: list[list[int]] = [[] for _ in procs]

    def read(i, proc):
        for line in proc.stdout:
            acknowledged[i].append(int(line))

    readers = [threading.Thread(target=read, args=(i, p)) for i, p in enumerate(procs)]
    for r in readers:
        r.start()
    while sum(len(a) for a in acknowledged) < 200:  # desks are well into their saves
        time.sleep(0.05)
    before = {x for a in acknowledged for x in a}
    report = maintenance.backup(sqlite_engine, tmp_path / "live.db")
    still_running = sum(p.poll() is None for p in procs)
    for p in procs:
        p.wait(timeout=300)
    for r in readers:
        r.join()
    assert still_running > 0, "the desks had finished before the backup: not a live backup"
    assert report.integrity == "ok" and report.audit.ok
    backup = make_engine(str(tmp_path / "live.db"))
    with backup.connect() as conn:
        in_backup = {r[0] for r in conn.execute(text("select id from logbook_entry"))}
    assert before <= in_backup
    backup.dispose()
    # restore onto a new path, and the desk starts there: schema current, staff can sign in
    target = make_engine(str(tmp_path / "restored.db"))
    from deskterm.services.actor import Actor

    def sign_in(engine):
        return Actor.from_user(
            users.sign_in(
                engine=engine, clock=clock, settings=settings, code="admin1", password=PASSWORD
            )
        )

    db_restore.restore(tmp_path / "live.db", target, sign_in=sign_in, clock=clock)
    restored = make_engine(str(tmp_path / "restored.db"))
    schema.ensure_current(restored)
    assert users.sign_in(
        engine=restored, clock=clock, settings=settings, code="op1", password=PASSWORD
    )
