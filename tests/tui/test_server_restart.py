"""Issue 14, "Bad input and faults": the PostgreSQL server stops and starts again while a
desk works. The desk says "the database cannot be reached; trying again", a save meanwhile is
refused with the form kept as typed, and when the server is back the desk carries on without
a restart of the app.

It needs a cluster of its own that it may stop: DESKTERM_TEST_PG_RESTART_DIR (its data
directory, started by .ci/postgres.sh with DESKTERM_PG_DIR) and DESKTERM_TEST_PG_RESTART_URL.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from glob import glob

import pytest
from sqlalchemy import create_engine, text

from deskterm.clock import FixedClock
from deskterm.config import Settings
from deskterm.db import make_engine, run_read, run_write
from tests.conftest import FIXED_NOW
from tests.tui.conftest import screen_text, settle, start_shift_for, type_text

DIR = os.environ.get("DESKTERM_TEST_PG_RESTART_DIR")
URL = os.environ.get("DESKTERM_TEST_PG_RESTART_URL")
UNREACHABLE = "The database cannot be reached; trying again."

pytestmark = pytest.mark.skipif(
    not (DIR and URL),
    reason="needs a PostgreSQL cluster to stop: "
    "DESKTERM_TEST_PG_RESTART_DIR and DESKTERM_TEST_PG_RESTART_URL",
)


def _pg_ctl(*args: str) -> None:
    binary = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
    command = " ".join([binary, "-D", DIR, *args])
    runner = ["su", "postgres", "-c", command] if os.geteuid() == 0 else ["sh", "-c", command]
    subprocess.run(runner, check=True, capture_output=True, timeout=60)


@pytest.fixture
def pg_engine():
    from deskterm.services.admin.setup import initialise

    name = f"deskterm_restart_{uuid.uuid4().hex[:8]}"
    admin = create_engine(URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(URL.rsplit("/", 1)[0] + f"/{name}")
    initialise(engine=engine, clock=FixedClock(FIXED_NOW), settings=Settings())
    yield engine
    engine.dispose()
    admin.dispose()  # its connection did not live through the restart
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


async def _until(pilot, condition, seconds: float) -> bool:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


async def test_the_server_restarts_while_a_desk_types(pg_engine, clock, settings):
    from sqlmodel import select

    from deskterm.models.shift import LogbookEntry
    from deskterm.tui.app import make_app
    from deskterm.tui.widgets.field import FormField
    from tests.factories import make_staff

    staff = make_staff(pg_engine, clock, settings)
    actor = start_shift_for(pg_engine, clock, settings, staff.operator)
    app = make_app(
        settings=settings,
        engine=pg_engine,
        clock=clock,
        lang="en",
        cursor_blink=False,
        actor=actor,
        area="logbook",
        live=True,
    )
    restarted = False
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+n")  # a logbook entry
            await settle(pilot)
            form = app.screen
            form.field("what").focus_input()
            await type_text(pilot, "电梯困人")
            await asyncio.to_thread(_pg_ctl, "stop", "-m", "fast", "-w")
            assert await _until(pilot, lambda: UNREACHABLE in screen_text(app), 6)
            await pilot.press("ctrl+s")  # refused: the form stays as typed
            await settle(pilot)
            assert app.screen is form
            assert "电梯困人" in [f.value for f in form.query(FormField)]
            await asyncio.to_thread(
                _pg_ctl,
                "start",
                "-w",
                "-l",
                f"{DIR}/server.log",
                "-o",
                "'-c listen_addresses=127.0.0.1 -p {} -k /tmp -c fsync=off'".format(
                    URL.rsplit(":", 1)[1].split("/")[0]
                ),
            )
            restarted = True
            assert await _until(pilot, lambda: UNREACHABLE not in screen_text(app), 8)
            await pilot.press("ctrl+s")  # the same form, saved now, without a restart
            await settle(pilot)
            assert app.screen is not form
        whats = run_read(pg_engine, lambda s: [e.what for e in s.exec(select(LogbookEntry))])
        assert whats.count("电梯困人") == 1
        run_write(pg_engine, lambda s: None)  # the engine itself carries on
    finally:
        if not restarted:
            _pg_ctl(
                "start",
                "-w",
                "-l",
                f"{DIR}/server.log",
                "-o",
                "'-c listen_addresses=127.0.0.1 -p {} -k /tmp -c fsync=off'".format(
                    URL.rsplit(":", 1)[1].split("/")[0]
                ),
            )
