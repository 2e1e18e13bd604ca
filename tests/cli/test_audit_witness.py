"""Issue 19 B1: rolling back the tail of the chain by hand (an older copy of the file put back:
the last events gone, the head set back, the rows they sealed as they were) is found by the
witness this machine keeps outside the database: `audit verify` says the chain was cut back
below the event it saw committed. A restore on purpose (`db restore`) starts it afresh."""

from __future__ import annotations

import gc
import shutil
import sqlite3

from deskterm import audit_witness

ADMIN = {"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "boss-pass-1"}


def _head(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("select seq, hash from audit_head").fetchone()
    finally:
        con.close()


def _checkpoint(db):
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def test_a_tail_rolled_back_by_hand_is_found_by_the_witness(cli, desk_db, tmp_path):
    _checkpoint(desk_db)
    older = tmp_path / "older.db"
    shutil.copy(desk_db, older)
    old_seq = _head(desk_db)[0]
    for code in ("op7", "op8"):
        result = cli(
            "users",
            "add",
            code,
            "--name",
            "Op",
            "--db",
            desk_db,
            env={**ADMIN, "DESKTERM_NEW_PASSWORD": "op-password-1"},
        )
        assert result.exit_code == 0, result.stderr
    seen = _head(desk_db)
    assert audit_witness.read(f"sqlite:///{desk_db}") == (seen[0], seen[1])
    path = audit_witness.witness_path(f"sqlite:///{desk_db}")
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    _checkpoint(desk_db)
    shutil.copy(older, desk_db)  # every event after old_seq gone, the head and rows as they were
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"desk.db{suffix}").unlink(missing_ok=True)
    for _ in range(3):  # the verifier's own sign-ins append after the cut: still found
        verify = cli("audit", "verify", "--db", desk_db, env=ADMIN)
        assert verify.exit_code == 1, verify.output
        assert (
            f"the chain was cut back below event {seen[0]} seen by this machine" in verify.stderr
        ), verify.stderr
    assert _head(desk_db)[0] > old_seq


def test_restore_starts_the_witness_afresh(cli, desk_db, tmp_path):
    folder = tmp_path / "bk"
    folder.mkdir()
    result = cli("db", "backup", str(folder), "--db", desk_db, env=ADMIN)
    assert result.exit_code == 0, result.stderr
    cli(
        "users",
        "add",
        "op7",
        "--name",
        "Op",
        "--db",
        desk_db,
        env={**ADMIN, "DESKTERM_NEW_PASSWORD": "op-password-1"},
    )
    (made,) = [p for p in folder.iterdir() if p.name.endswith(".db")]
    gc.collect()  # the engines of the commands run above in this process (each its own process in life)
    restored = cli("db", "restore", str(made), "--db", desk_db, "--yes", env=ADMIN)
    assert restored.exit_code == 0, restored.stderr
    assert audit_witness.read(f"sqlite:///{desk_db}") is None  # afresh
    verify = cli("audit", "verify", "--db", desk_db, env=ADMIN)
    assert verify.exit_code == 0, verify.stderr
