"""Issue 18.3/18.4 on the command line: `db backup` into a folder, `db status` (exit 1 when the
last backup is too old or missing), `db restore` signed in."""

from __future__ import annotations

import gc

ADMIN = {"DESKTERM_PASSWORD": "boss-pass-1"}


def test_status_backup_verify_and_restore(cli, desk_db, tmp_path):
    r = cli("--lang", "en", "db", "status", "--db", desk_db)
    assert r.exit_code == 1
    assert "Engine: sqlite" in r.output and "Last backup: none recorded" in r.output
    assert "Last audit verify: never run" in r.output
    folder = tmp_path / "backups"
    folder.mkdir()
    r = cli("--lang", "en", "db", "backup", str(folder), "--db", desk_db, "--user", "boss", env=ADMIN)
    assert r.exit_code == 0, r.stderr
    made = list(folder.iterdir())
    assert len(made) == 1 and made[0].name.startswith("deskterm-")
    assert cli("audit", "verify", "--db", desk_db, "--user", "boss", env=ADMIN).exit_code == 0
    r = cli("--lang", "en", "db", "status", "--db", desk_db)
    assert r.exit_code == 0, r.output
    assert "ok (limit 26 h)" in r.output and "chain verified" in r.output
    assert str(made[0]) in r.output

    r = cli("--lang", "en", "db", "restore", str(made[0]), "--db", desk_db, "--yes")
    assert r.exit_code == 1 and "--user" in r.stderr
    gc.collect()  # the engines of the commands run above in this process (each is its own process in life)
    r = cli("--lang", "en", "db", "restore", str(made[0]), "--db", desk_db, "--yes", "--user", "boss",
            env=ADMIN)
    assert r.exit_code == 0, r.stderr
    assert "in the audit trail" in r.output
    assert cli("audit", "verify", "--db", desk_db, "--user", "boss", env=ADMIN).exit_code == 0
