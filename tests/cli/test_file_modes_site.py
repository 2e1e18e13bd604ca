"""Issue 18 F (site part): the database files deskterm makes are the site's records and hold
people's data: demo, init and restore must leave the database file (and its -wal/-shm, when
they remain) 0600 and the data folder they create 0700, even under the usual umask 022.

The mechanism (every written file 0600) is being built by the `trust` work; this test is its
failing-first check for the site commands and is expected to fail until that lands."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long site password"


def deskterm(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTERM_")}
    env.update(
        PYTHONPATH=str(ROOT),
        DESKTERM_DATA_DIR=str(home / "data"),
        DESKTERM_CONFIG_DIR=str(home / "config"),
        DESKTERM_PASSWORD=PASSWORD,
    )
    return subprocess.run(
        [sys.executable, "-m", "deskterm", "--lang", "en", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=lambda: os.umask(0o022),
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(db: Path) -> None:
    assert mode(db) == 0o600, f"{db.name} is {oct(mode(db))}"
    for suffix in ("-wal", "-shm"):
        side = Path(str(db) + suffix)
        if side.exists():
            assert mode(side) == 0o600, f"{side.name} is {oct(mode(side))}"
    assert mode(db.parent) == 0o700, f"{db.parent} is {oct(mode(db.parent))}"


def test_init_demo_and_restore_leave_private_files_under_umask_022(tmp_path):
    data = tmp_path / "data"  # not there yet: deskterm makes it
    done = deskterm("init", "--admin", "admin1", "--admin-name", "Admin", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_private(data / "deskterm.db")

    demo = data / "demo.db"
    done = deskterm("demo", "--db", str(demo), "--visitors", "20", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_private(demo)

    backup = tmp_path / "b.db"
    done = deskterm("db", "backup", str(backup), "--user", "admin1", home=tmp_path)
    assert done.returncode == 0, done.stderr
    restored = data / "restored.db"
    done = deskterm(
        "db",
        "restore",
        str(backup),
        "--db",
        str(restored),
        "--user",
        "admin1",
        "--yes",
        home=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert_private(restored)
