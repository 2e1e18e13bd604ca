"""`deskterm purge visitors`: admin only, asks first, reports counts, audited, and leaves no
purged personal data readable in the database file or its WAL (a raw-bytes scan)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskterm.clock import FixedClock
from deskterm.config import Settings
from deskterm.db import make_engine, run_write
from deskterm.models.visitor import ExpectedVisitorCreate
from deskterm.rules.numbering import local_day
from deskterm.services.actor import Actor
from deskterm.services.admin import users
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.expected import add_expected
from tests.factories import make_estate, valid_resident_id, walk_in

ADMIN = {"DESKTERM_PASSWORD": "boss-pass-1"}


def fill(path: str, *, old: int, recent: int) -> dict[str, list[str]]:
    """Slips `old` = 200 days ago (half checked out, so updated in place) and `recent` = 10 days
    ago; every slip carries unique markers in its name, phone and plate. Returns the markers."""
    engine = make_engine(path)
    settings = Settings()
    estate = make_estate(engine)
    boss = Actor.from_user(run_write(engine, lambda s: users.get_by_code(s, "boss")))
    markers: dict[str, list[str]] = {"old": [], "recent": []}
    now = datetime.now(UTC)
    for age, count, key in ((200, old, "old"), (10, recent, "recent")):
        clock = FixedClock(now - timedelta(days=age))
        for n in range(count):
            name = f"Mark{key}{n:04d}甲乙"
            phone = f"1390{age:03d}{n:04d}"
            plate = f"粤Z{age:02d}{n:03d}"[:10]
            slip = run_write(
                engine,
                lambda s, i=walk_in(estate, visitor_name=name, phone=phone, plate=plate, doc_number=valid_resident_id(n)), c=clock: (
                    visitors.register_slip(
                        session=s, actor=boss, clock=c, settings=settings, slip_in=i
                    )
                ),
            )
            if n % 2:
                clock.advance(minutes=90)
                run_write(
                    engine,
                    lambda s, sid=slip.id, c=clock: visitors.check_out(
                        session=s, actor=boss, clock=c, settings=settings, slip_id=sid
                    ),
                )
            markers[key] += [name, phone]
        if key == "old" and count:
            run_write(
                engine,
                lambda s, c=clock: add_expected(
                    session=s,
                    actor=boss,
                    clock=c,
                    settings=settings,
                    expected_in=ExpectedVisitorCreate(
                        visitor_name="ExpectedMarkOld",
                        expected_on=local_day(c.now(), settings.timezone),
                        host_resident_id=estate.li_si,
                    ),
                ),
            )
            markers["old"].append("ExpectedMarkOld")
    engine.dispose()
    return markers


def raw(path: str) -> bytes:
    data = Path(path).read_bytes()
    wal = Path(path + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_purge_removes_old_slips_for_good(cli, desk_db):
    markers = fill(desk_db, old=40, recent=5)
    before = raw(desk_db)
    assert all(m.encode() in before for m in markers["old"][:3])  # the scan can see them
    result = cli(
        "purge",
        "visitors",
        "--older-than",
        "180",
        "--db",
        desk_db,
        "--user",
        "boss",
        "--yes",
        env=ADMIN,
    )
    assert result.exit_code == 0, result.stderr
    assert "40 visitor slips checked in before" in result.output
    assert "(20 of them never checked out) and 1 expected visitors" in result.output
    assert result.output.rstrip().endswith(
        "Removed 40 visitor slips and 1 expected visitors older than 180 days."
    )
    after = raw(desk_db)
    left = [m for m in markers["old"] if m.encode() in after]
    assert left == []
    assert all(m.encode() in after for m in markers["recent"])
    con = sqlite3.connect(desk_db)
    assert con.execute("select count(*) from visitor_slip").fetchone()[0] == 5
    (detail,) = con.execute(
        "select detail from audit_event where action = 'visitor.purge'"
    ).fetchone()
    assert '"slips": 40' in detail or '"slips":40' in detail
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    con.close()
    assert cli("audit", "verify", "--db", desk_db, "--user", "boss", env=ADMIN).exit_code == 0


def test_purge_asks_first_and_no_keeps_everything(cli, desk_db):
    fill(desk_db, old=3, recent=1)
    result = cli(
        "purge",
        "visitors",
        "--older-than",
        "180",
        "--db",
        desk_db,
        "--user",
        "boss",
        input="n\n",
        env=ADMIN,
    )
    assert result.exit_code == 1
    assert "Remove them? [y/N]" in result.output and "Cancelled." in result.stderr
    con = sqlite3.connect(desk_db)
    assert con.execute("select count(*) from visitor_slip").fetchone()[0] == 4


def test_purge_with_nothing_old(cli, desk_db):
    fill(desk_db, old=0, recent=2)
    result = cli("purge", "visitors", "--db", desk_db, "--user", "boss", env=ADMIN)
    assert result.exit_code == 0
    assert "nothing to remove" in result.output


def test_purge_is_for_admins(cli, desk_db):
    engine = make_engine(desk_db)
    run_write(
        engine,
        lambda s: users.add_user(
            session=s,
            actor=None,
            clock=FixedClock(datetime.now(UTC)),
            settings=Settings(),
            code="op9",
            name="op9",
            role="operator",
            password="op9-pass-1",
        ),
    )
    engine.dispose()
    result = cli(
        "purge",
        "visitors",
        "--older-than",
        "1",
        "--db",
        desk_db,
        "--user",
        "op9",
        "--yes",
        env={"DESKTERM_PASSWORD": "op9-pass-1"},
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == "Your role (operator) may not purge old records."


@pytest.mark.parametrize("days", ["0", "-5", "abc"])
def test_purge_bad_days_is_usage_error(cli, desk_db, days):
    result = cli(
        "purge", "visitors", "--older-than", days, "--db", desk_db, "--user", "boss", env=ADMIN
    )
    assert result.exit_code == 2
