"""Issue 18.3/18.4 on the command line: `db backup` into a folder, `db status` (exit 1 when the
last backup is too old or missing), `db restore` signed in."""

from __future__ import annotations

import gc
from pathlib import Path

ADMIN = {"DESKTERM_PASSWORD": "boss-pass-1"}


def test_status_backup_verify_and_restore(cli, desk_db, tmp_path):
    r = cli("--lang", "en", "db", "status", "--db", desk_db)
    assert r.exit_code == 1
    assert "Engine: sqlite" in r.output and "Last backup: none recorded" in r.output
    assert "Last audit verify: never run" in r.output
    folder = tmp_path / "backups"
    folder.mkdir()
    r = cli(
        "--lang", "en", "db", "backup", str(folder), "--db", desk_db, "--user", "boss", env=ADMIN
    )
    assert r.exit_code == 0, r.stderr
    made = list(folder.iterdir())
    assert len(made) == 1 and made[0].name.startswith("deskterm-")
    assert (
        cli("audit", "verify", "--db", desk_db, "--user", "boss", env=ADMIN).exit_code == 0
    )  # signed in (issue 19.3)
    r = cli("--lang", "en", "db", "status", "--db", desk_db)
    assert r.exit_code == 0, r.output
    assert "ok (limit 26 h)" in r.output and "chain verified" in r.output
    assert str(made[0]) in r.output

    r = cli("--lang", "en", "db", "restore", str(made[0]), "--db", desk_db, "--yes")
    assert r.exit_code == 1 and "--user" in r.stderr
    gc.collect()  # the engines of the commands run above in this process (each is its own process in life)
    r = cli(
        "--lang",
        "en",
        "db",
        "restore",
        str(made[0]),
        "--db",
        desk_db,
        "--yes",
        "--user",
        "boss",
        env=ADMIN,
    )
    assert r.exit_code == 0, r.stderr
    assert "in the audit trail" in r.output
    assert (
        cli("audit", "verify", "--db", desk_db, "--user", "boss", env=ADMIN).exit_code == 0
    )  # signed in (issue 19.3)
    # Issue 18 H: right after a restore, the backup it came from counts as the last backup
    r = cli("--lang", "en", "db", "status", "--db", desk_db)
    assert f"Last backup: restored from {made[0]} at " in r.output, r.output
    assert r.exit_code == 0, r.output


def test_status_exits_1_when_the_last_verify_found_the_chain_broken(cli, desk_db, tmp_path):
    """Issue 18 H: a broken chain is "something wrong": exit 1 even with a fresh backup."""
    from deskterm.clock import SystemClock
    from deskterm.db import make_engine
    from deskterm.services import audit
    from deskterm.services.admin import db_status

    folder = tmp_path / "backups"
    folder.mkdir()
    assert (
        cli("db", "backup", str(folder), "--db", desk_db, "--user", "boss", env=ADMIN).exit_code
        == 0
    )
    engine = make_engine(desk_db)
    db_status.record_verify(
        engine=engine,
        clock=SystemClock(),
        result=audit.VerifyResult(
            ok=False, events_checked=3, records_checked=0, seq=2, problem="event 2 was changed"
        ),
    )
    engine.dispose()
    r = cli("--lang", "en", "db", "status", "--db", desk_db)
    assert "BROKEN: event 2 was changed" in r.output and "ok (limit 26 h)" in r.output
    assert r.exit_code == 1


def test_status_and_serve_create_no_database(cli, tmp_path):
    """Issue 18 H: only init, demo and restore make a database; status and serve refuse a
    missing file in one sentence and leave nothing behind."""
    missing = tmp_path / "typo.db"
    for args in (("db", "status"), ("serve",)):
        r = cli("--lang", "en", *args, "--db", str(missing))
        assert r.exit_code == 2, (args, r.output, r.stderr)
        assert "There is no database at" in r.stderr
        assert not missing.exists() and list(tmp_path.glob("typo.db*")) == []


def test_status_on_a_damaged_file_says_to_restore(cli, tmp_path):
    """Issue 18 C/H: `db status` is what an admin runs when something is wrong; on a file that
    is not a database it says so and names `db restore`, in one sentence, exit 1."""
    damaged = tmp_path / "desk.db"
    damaged.write_bytes(b"not a database " * 500)
    r = cli("--lang", "en", "db", "status", "--db", str(damaged))
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [
        f"{damaged} is not a readable database (it is not a SQLite database): restore a backup with "
        "`deskterm db restore BACKUP`, which keeps the damaged file aside."
    ]


def test_restore_over_a_damaged_file_asks_then_keeps_it_aside(cli, desk_db, tmp_path):
    backup = tmp_path / "b.db"
    assert (
        cli("db", "backup", str(backup), "--db", desk_db, "--user", "boss", env=ADMIN).exit_code
        == 0
    )
    gc.collect()
    Path(desk_db).write_bytes(b"not a database " * 500)
    for side in ("-wal", "-shm"):
        Path(desk_db + side).unlink(missing_ok=True)
    r = cli(
        "--lang",
        "en",
        "db",
        "restore",
        str(backup),
        "--db",
        desk_db,
        "--user",
        "boss",
        input="n\n",
        env=ADMIN,
    )
    assert (
        r.exit_code == 1 and "is not a readable database (it is not a SQLite database)" in r.output
    )
    assert list(tmp_path.glob("desk.db.damaged-*")) == []  # refused: nothing moved
    r = cli(
        "--lang",
        "en",
        "db",
        "restore",
        str(backup),
        "--db",
        desk_db,
        "--user",
        "boss",
        input="y\n",
        env=ADMIN,
    )
    assert r.exit_code == 0, r.output + r.stderr
    (aside,) = tmp_path.glob("desk.db.damaged-*")
    assert f"The damaged database was kept as {aside}." in r.output
    assert (
        cli("audit", "verify", "--db", desk_db, "--user", "boss", env=ADMIN).exit_code == 0
    )  # signed in (issue 19.3)
