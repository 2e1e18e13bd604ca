"""The foundation's commands: init, users, db, audit — exit codes and exact sentences."""

import sqlite3

import pytest

from tests.cli.conftest import first_sign_in

ADMIN = {"DESKTERM_PASSWORD": "boss-pass-1"}


def test_help_lists_commands(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("run", "init", "demo", "users", "db", "audit"):
        assert command in result.output


def test_every_command_has_help(cli):
    from typer.main import get_command

    from deskterm.cli.main import build_app

    root = get_command(build_app())
    paths = []
    for name, cmd in root.commands.items():
        if hasattr(cmd, "commands"):
            paths += [(name, sub) for sub in cmd.commands]
        else:
            paths.append((name,))
    for path in paths:
        result = cli(*path, "--help")
        assert result.exit_code == 0, path
        assert "Usage" in result.output


def test_help_in_chinese(cli):
    result = cli("--lang", "zh", "--help")
    assert result.exit_code == 0
    assert "前台" in result.output


def test_init_unattended_creates_admin(cli, desk_db):
    con = sqlite3.connect(desk_db)
    assert con.execute("select code, role from user").fetchall() == [("boss", "admin")]
    assert con.execute("select count(*) from repair_category").fetchone()[0] >= 11
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_init_twice_keeps_data(cli, desk_db):
    result = cli("init", "--db", desk_db)
    assert result.exit_code == 0
    con = sqlite3.connect(desk_db)
    assert con.execute("select count(*) from user").fetchone()[0] == 1


def test_init_unattended_without_password_is_one_sentence(cli, tmp_path):
    result = cli("init", "--db", str(tmp_path / "x.db"), "--admin", "boss")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Set DESKTERM_PASSWORD to give the admin's password unattended."


def test_init_interactive(cli, tmp_path):
    path = str(tmp_path / "i.db")
    result = cli("init", "--db", path, input="chief\nChief Wang\nlong-password\nlong-password\n")
    assert result.exit_code == 0, result.stderr
    assert "Admin chief created." in result.output


def test_malformed_db_is_one_sentence_exit_2(cli):
    result = cli("audit", "verify", "--db", "mysql://nowhere/x")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "'mysql://nowhere/x' is not a database path or URL deskterm can open."
    )


def test_uninitialised_db_names_the_command(cli, tmp_path):
    (tmp_path / "empty.db").touch()
    result = cli("audit", "verify", "--db", str(tmp_path / "empty.db"))
    assert result.exit_code == 1
    assert "deskterm init" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "verify"],
        ["db", "check"],
        ["export", "visitors"],
        ["report", "daily"],
        ["import", "units", "x.csv"],
        ["users", "list"],
        ["purge", "visitors"],
        ["db", "upgrade"],
    ],
)
def test_only_init_and_demo_create_a_database(cli, tmp_path, command):
    """A mistyped --db is refused in one sentence and leaves no empty database behind; so is
    an empty --db (it must not open the default one)."""
    (tmp_path / "x.csv").write_text("楼栋,房号\n1,101\n")
    typo = tmp_path / "typo.db"
    args = [a if a != "x.csv" else str(tmp_path / "x.csv") for a in command]
    result = cli(*args, "--db", str(typo), env={"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "x"})
    assert result.exit_code == 2
    assert (
        f"There is no database at {typo}: check the path, or create one with `deskterm init"
        in result.stderr
    )
    assert not typo.exists()
    empty = cli(*args, "--db", "", env={"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "x"})
    assert empty.exit_code == 2 and "--db is empty" in empty.stderr


def test_unknown_option_is_usage_error(cli):
    result = cli("init", "--bogus")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_users_add_list_disable(cli, desk_db):
    env = {**ADMIN, "DESKTERM_NEW_PASSWORD": "op-password-1"}
    r = cli("users", "add", "op7", "--name", "张三", "--db", desk_db, "--user", "boss", env=env)
    assert r.exit_code == 0, r.stderr
    assert r.output.strip() == "Added op7 (operator)."
    r = cli("users", "list", "--db", desk_db, "--user", "boss", env=ADMIN)
    assert "op7\t张三\toperator\tactive" in r.output
    r = cli("users", "disable", "op7", "--db", desk_db, "--user", "boss", env=ADMIN)
    assert r.exit_code == 0
    r = cli("users", "list", "--db", desk_db, "--user", "boss", env=ADMIN)
    assert "op7\t张三\toperator\tdisabled" in r.output


def test_operator_may_not_manage_users_and_denial_is_audited(cli, desk_db):
    env = {**ADMIN, "DESKTERM_NEW_PASSWORD": "op-password-1"}
    cli("users", "add", "op7", "--name", "Op", "--db", desk_db, "--user", "boss", env=env)
    first_sign_in(cli, desk_db, "op7", "op-password-1")
    r = cli(
        "users",
        "list",
        "--db",
        desk_db,
        "--user",
        "op7",
        env={"DESKTERM_PASSWORD": "op-password-1"},
    )
    assert r.exit_code == 1
    assert r.stderr.strip() == "Your role (operator) may not manage staff accounts."
    con = sqlite3.connect(desk_db)
    assert (
        con.execute("select count(*) from audit_event where action='permission.denied'").fetchone()[
            0
        ]
        == 1
    )


def test_wrong_password_exit_1(cli, desk_db):
    r = cli("users", "list", "--db", desk_db, "--user", "boss", env={"DESKTERM_PASSWORD": "wrong"})
    assert r.exit_code == 1
    assert r.stderr.strip() == "Wrong staff code or password."


def test_audit_verify_ok_then_tampered(cli, desk_db):
    r = cli("audit", "verify", "--db", desk_db, "--user", "boss", env=ADMIN)
    assert r.exit_code == 0
    assert r.output.startswith("Audit chain verified:")
    con = sqlite3.connect(desk_db)
    from tests.tamper import drop_guards

    drop_guards(con)
    con.execute("update audit_event set action='user.nothing' where seq=1")
    con.commit()
    r = cli("audit", "verify", "--db", desk_db, "--user", "boss", env=ADMIN)
    assert r.exit_code == 1
    assert "BROKEN at event 1" in r.stderr


def test_db_check_and_backup_restore(cli, desk_db, tmp_path):
    assert cli("db", "check", "--db", desk_db).exit_code == 0
    backup = tmp_path / "b.db"
    r = cli("db", "backup", str(backup), "--db", desk_db, "--user", "boss", env=ADMIN)
    assert r.exit_code == 0, r.stderr
    assert "integrity ok" in r.output
    r = cli("db", "backup", str(backup), "--db", desk_db, "--user", "boss", env=ADMIN)
    assert r.exit_code == 1 and "exists already" in r.stderr
    new = tmp_path / "restored.db"
    r = cli("db", "restore", str(backup), "--db", str(new), "--yes", "--user", "boss", env=ADMIN)
    assert r.exit_code == 0, r.stderr
    assert cli("audit", "verify", "--db", str(new), "--user", "boss", env=ADMIN).exit_code == 0


def test_restore_asks_first(cli, desk_db, tmp_path):
    backup = tmp_path / "b.db"
    cli("db", "backup", str(backup), "--db", desk_db, "--user", "boss", env=ADMIN)
    r = cli("db", "restore", str(backup), "--db", desk_db, "--user", "boss", input="n\n", env=ADMIN)
    assert r.exit_code == 1
    assert "will be replaced" in r.output


@pytest.mark.parametrize("args", [("db", "upgrade")])
def test_db_upgrade_when_current(cli, desk_db, args):
    r = cli(*args, "--db", desk_db, "--user", "boss", env=ADMIN)
    assert r.exit_code == 0, r.stderr
    assert "nothing to do" in r.output
    refused = cli(*args, "--db", desk_db)
    assert refused.exit_code == 1 and "--user" in refused.stderr


def test_notice_prints_where_and_when_repairs_are_reported(cli, desk_db):
    """D-32 (issue 21): `deskterm notice` shows the notice; --print without a printer is one
    sentence."""
    result = cli("notice", "--db", desk_db)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Where and when to report repairs"
    assert "on site within 2 h" in result.output
    printed = cli("notice", "--print", "--db", desk_db)
    assert printed.exit_code == 1
    assert printed.stderr.strip() == "No printer is set up (print_command in settings.toml)."


def test_init_never_overwrites_a_sites_own_categories(cli, desk_db):
    """D-30 (issue 21): a site renamed and reclassified a category; init again keeps it, and a
    shipped category the site deleted comes back (it is missing, not edited)."""
    con = sqlite3.connect(desk_db)
    con.execute(
        "update repair_category set name_zh = '暖气片不热(本小区)', repair_class = 'urgent' "
        "where code = 'heating_not_warm'"
    )
    shipped = con.execute("select count(*) from repair_category").fetchone()[0]
    gone = con.execute(
        "select code from repair_category where code != 'heating_not_warm' order by code limit 1"
    ).fetchone()[0]
    con.execute("delete from repair_category where code = ?", (gone,))
    con.commit()
    con.close()
    assert cli("init", "--db", desk_db).exit_code == 0
    con = sqlite3.connect(desk_db)
    assert con.execute(
        "select name_zh, repair_class from repair_category where code = 'heating_not_warm'"
    ).fetchone() == ("暖气片不热(本小区)", "urgent")
    assert con.execute("select count(*) from repair_category").fetchone()[0] == shipped
