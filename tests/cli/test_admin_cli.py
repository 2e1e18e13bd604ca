"""Issue 19 item 3 at the command line: admin commands under the same rules."""

from __future__ import annotations

import json
import sqlite3

from tests.cli.conftest import first_sign_in

ADMIN = {"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "boss-pass-1"}


def _events(db, action):
    con = sqlite3.connect(db)
    try:
        return [
            (u, json.loads(d))
            for u, d in con.execute(
                "select user_id, detail from audit_event where action = ? order by seq", (action,)
            )
        ]
    finally:
        con.close()


def test_the_only_admin_cannot_disable_or_demote_themselves(cli, desk_db):
    for argv in (["users", "disable", "boss"], ["users", "role", "boss", "operator"]):
        result = cli(*argv, "--db", desk_db, env=ADMIN)
        assert result.exit_code == 1
        assert (  # the refusal names the argument it is about (cli/errors.named_sentence)
            result.stderr.strip()
            == "Staff code: boss is the last active admin: add or enable another admin first."
        )
    assert cli("users", "list", "--db", desk_db, env=ADMIN).exit_code == 0


def test_users_enable_undoes_a_disable(cli, desk_db):
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
    assert cli("users", "disable", "op7", "--db", desk_db, env=ADMIN).exit_code == 0
    result = cli("users", "enable", "op7", "--db", desk_db, env=ADMIN)
    assert result.exit_code == 0 and result.output.strip() == "op7 enabled."
    assert "op7\tOp\toperator\tactive" in cli("users", "list", "--db", desk_db, env=ADMIN).output


def test_init_with_an_admin_on_a_database_with_accounts_says_so(cli, desk_db):
    result = cli(
        "init", "--db", desk_db, "--admin", "admin2", env={"DESKTERM_PASSWORD": "admin2-pass-9"}
    )
    assert result.exit_code == 1
    assert "no admin admin2 was made" in result.stderr
    con = sqlite3.connect(desk_db)
    assert con.execute("select count(*) from user where code = 'admin2'").fetchone()[0] == 0


def test_upgrade_and_verify_sign_in_and_upgrade_is_audited(cli, desk_db):
    assert cli("db", "upgrade", "--db", desk_db).exit_code == 1  # no --user
    op = {"DESKTERM_NEW_PASSWORD": "op-password-1"}
    cli("users", "add", "op7", "--name", "Op", "--db", desk_db, env={**ADMIN, **op})
    first_sign_in(cli, desk_db, "op7", "op-password-1")
    result = cli(
        "db",
        "upgrade",
        "--db",
        desk_db,
        "--user",
        "op7",
        env={"DESKTERM_PASSWORD": "op-password-1"},
    )
    assert result.exit_code == 1 and "may not manage the database." in result.stderr
    result = cli(
        "audit",
        "verify",
        "--db",
        desk_db,
        "--user",
        "op7",
        env={"DESKTERM_PASSWORD": "op-password-1"},
    )
    assert result.exit_code == 1 and "may not verify the audit trail." in result.stderr
    assert cli("audit", "verify", "--db", desk_db, env=ADMIN).exit_code == 0


def test_break_glass_recovery_when_every_admin_is_lost(cli, desk_db):
    refused = cli(
        "users",
        "recover",
        "rescue",
        "--name",
        "应急",
        "--db",
        desk_db,
        "--yes",
        env={"DESKTERM_NEW_PASSWORD": "rescue-pass-93"},
    )
    assert refused.exit_code == 1 and "active admin exists" in refused.stderr
    from sqlmodel import select

    from deskterm.db import lock_first, make_engine, run_write
    from deskterm.models.user import User

    engine = make_engine(desk_db)

    def lose(session):
        boss = lock_first(session, select(User).where(User.code == "boss"))
        boss.active = False
        session.add(boss)

    run_write(engine, lose)
    engine.dispose()
    asked = cli(
        "users",
        "recover",
        "rescue",
        "--name",
        "应急",
        "--db",
        desk_db,
        input="n\n",
        env={"DESKTERM_NEW_PASSWORD": "rescue-pass-93"},
    )
    assert asked.exit_code == 1 and "Make the new admin?" in asked.stderr
    made = cli(
        "users",
        "recover",
        "rescue",
        "--name",
        "应急",
        "--db",
        desk_db,
        "--yes",
        env={"DESKTERM_NEW_PASSWORD": "rescue-pass-93"},
    )
    assert made.exit_code == 0, made.stderr
    assert [d for _u, d in _events(desk_db, "user.recover_admin")][0]["code"] == "rescue"
    first = cli(
        "users",
        "list",
        "--db",
        desk_db,
        env={"DESKTERM_USER": "rescue", "DESKTERM_PASSWORD": "rescue-pass-93"},
    )
    assert first.exit_code == 1 and "must change the password first" in first.stderr
    changed = cli(
        "passwd",
        "--db",
        desk_db,
        env={
            "DESKTERM_USER": "rescue",
            "DESKTERM_PASSWORD": "rescue-pass-93",
            "DESKTERM_NEW_PASSWORD": "my-own-rescue-7",
        },
    )
    assert changed.exit_code == 0, changed.stderr
    assert (
        cli(
            "users",
            "enable",
            "boss",
            "--db",
            desk_db,
            env={"DESKTERM_USER": "rescue", "DESKTERM_PASSWORD": "my-own-rescue-7"},
        ).exit_code
        == 0
    )


def test_common_passwords_are_refused_for_the_first_admin_too(cli, tmp_path):
    result = cli(
        "init",
        "--db",
        str(tmp_path / "new.db"),
        "--admin",
        "chief",
        env={"DESKTERM_PASSWORD": "12345678"},
    )
    assert result.exit_code == 1 and "too common" in result.stderr


def test_an_upgrade_is_signed_in_backed_up_and_audited(cli, tmp_path, monkeypatch):
    from deskterm import schema
    from tests.factories import PASSWORD
    from tests.unit.test_migration_upgrade import _legacy_desk

    engine = _legacy_desk(tmp_path, monkeypatch)  # as a release before the audit key left it
    db = engine.url.database
    engine.dispose()
    admin = {"DESKTERM_USER": "admin1", "DESKTERM_PASSWORD": PASSWORD}
    refused = cli(
        "db", "upgrade", "--db", db, env={"DESKTERM_USER": "op1", "DESKTERM_PASSWORD": PASSWORD}
    )
    assert refused.exit_code == 1 and "may not manage the database." in refused.stderr
    result = cli("db", "upgrade", "--db", db, env=admin)
    assert result.exit_code == 0, result.stderr
    assert "Verified backup written to" in result.output
    [(user_id, detail)] = _events(db, "db.upgrade")
    assert detail["from"] == "0002" and detail["to"] == schema.head_revision()
    assert detail["backup"].startswith("legacy.before-upgrade-") and user_id == 3
    assert cli("audit", "verify", "--db", db, env=admin).exit_code == 0
