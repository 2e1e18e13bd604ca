"""Issue 19 B3/B4: a desk without the installation's key, or with another key, or a chain
whose head row was deleted, refuses every write in one sentence (never a new key, never a
database error), and `audit verify` names what is wrong: "wrong key" apart from tampering,
"the audit head is missing" as a finding."""

from __future__ import annotations

import os
import sqlite3

from deskterm.audit_key import KEY_ENV

ADMIN = {"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "boss-pass-1"}
OTHER_KEY = "another-installation-key-0123456789abcdef"


def _count(db, sql="select count(*) from audit_event"):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _one_sentence(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_a_desk_without_the_key_refuses_and_makes_none(cli, desk_db, tmp_path):
    config = tmp_path / "empty-config"
    before = _count(desk_db)
    result = cli(
        "users",
        "add",
        "op7",
        "--name",
        "Op",
        "--db",
        desk_db,
        env={
            **ADMIN,
            KEY_ENV: None,
            "DESKTERM_CONFIG_DIR": str(config),
            "DESKTERM_NEW_PASSWORD": "op-password-1",
        },
    )
    assert result.exit_code == 1
    sentence = _one_sentence(result.stderr)
    assert (
        "no audit key" in sentence and str(config / "audit.key") in sentence and KEY_ENV in sentence
    )
    assert not (config / "audit.key").exists()  # no key of its own
    assert _count(desk_db) == before  # and nothing chained
    verify = cli(
        "audit",
        "verify",
        "--db",
        desk_db,
        env={**ADMIN, KEY_ENV: None, "DESKTERM_CONFIG_DIR": str(config)},
    )
    assert verify.exit_code == 1 and "no audit key" in _one_sentence(verify.stderr)


def test_init_and_demo_make_a_key_for_a_new_database_only(cli, tmp_path):
    config = tmp_path / "config"
    env = {KEY_ENV: None, "DESKTERM_CONFIG_DIR": str(config), "DESKTERM_PASSWORD": "boss-pass-1"}
    db = str(tmp_path / "new.db")
    result = cli("init", "--db", db, "--admin", "boss", env=env)
    assert result.exit_code == 0, result.stderr
    key = config / "audit.key"
    assert key.exists() and (key.stat().st_mode & 0o777) == 0o600
    assert cli("audit", "verify", "--db", db, "--user", "boss", env=env).exit_code in (0, 1)
    key.unlink()
    again = cli("init", "--db", db, env=env)  # not new any more: no key is made for it
    assert not key.exists()
    assert again.exit_code in (0, 1)


def test_a_wrong_key_refuses_writes_and_verify_says_wrong_key(cli, desk_db):
    before = _count(desk_db)
    result = cli(
        "users",
        "add",
        "op7",
        "--name",
        "Op",
        "--db",
        desk_db,
        env={**ADMIN, KEY_ENV: OTHER_KEY, "DESKTERM_NEW_PASSWORD": "op-password-1"},
    )
    assert result.exit_code == 1
    sentence = _one_sentence(result.stderr)
    assert "does not verify the last audit event" in sentence and KEY_ENV in sentence
    assert _count(desk_db) == before
    verify = cli("audit", "verify", "--db", desk_db, env={**ADMIN, KEY_ENV: OTHER_KEY})
    assert verify.exit_code == 1
    assert "wrong key" in verify.stderr and "altered" not in verify.stderr, verify.stderr
    assert _count(desk_db) == before
    right = cli("audit", "verify", "--db", desk_db, env=ADMIN)  # the right key: all is well
    assert right.exit_code == 0, right.stderr


def test_a_deleted_head_is_a_finding_and_writes_refuse_in_one_sentence(cli, desk_db):
    con = sqlite3.connect(desk_db)
    con.execute("delete from audit_head")
    con.commit()
    con.close()
    before = _count(desk_db)
    verify = cli("audit", "verify", "--db", desk_db, env=ADMIN)
    assert verify.exit_code == 1
    assert "the audit head is missing" in verify.stderr, verify.stderr
    assert "UNIQUE" not in verify.stderr + verify.output
    result = cli(
        "users",
        "add",
        "op7",
        "--name",
        "Op",
        "--db",
        desk_db,
        env={**ADMIN, "DESKTERM_NEW_PASSWORD": "op-password-1"},
    )
    assert result.exit_code == 1
    assert _one_sentence(result.stderr).startswith("The audit head is missing: nothing was saved.")
    assert _count(desk_db) == before
    assert os.environ.get(KEY_ENV)  # the suite's key, untouched
