"""The commands the outside tester broke say one sentence in Chinese, with no English word from
a library in it (deskterm.reasons; the reasons themselves: tests/unit/test_failure_words.py)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.unit.test_failure_words import english_words


@pytest.fixture
def junk_files(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database " * 500)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    toml = tmp_path / "bad.toml"
    toml.write_text("abc def\n", encoding="utf-8")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    return {"junk": str(junk), "other": str(other), "toml": str(toml), "folder": str(folder)}


COMMANDS = {
    "config show, broken TOML": (("config", "show"), {"DESKTERM_SETTINGS": "toml"}),
    "config show, settings file is a folder": (("config", "show"), {"DESKTERM_SETTINGS": "folder"}),
    "audit verify on a file that is no database": (("audit", "verify", "--db", "junk"), {}),
    "db status on a file that is no database": (("db", "status", "--db", "junk"), {}),
    "db restore from another program's database": (
        ("db", "restore", "--db", "junk", "--user", "boss", "--yes", "other"),
        {},
    ),
}


@pytest.mark.parametrize("case", sorted(COMMANDS))
def test_every_failing_command_says_one_chinese_sentence(case, cli, junk_files):
    """The tester's cases (a broken settings file, a junk database, another program's SQLite
    file offered as a backup): exit 1, one sentence, no English word from a library."""
    args, env = COMMANDS[case]
    args = tuple(junk_files.get(a, a) for a in args)
    env = {k: junk_files[v] for k, v in env.items()}
    result = cli("--lang", "zh", *args, env={"DESKTERM_PASSWORD": "x", **env})
    said = result.stderr.strip()
    assert result.exit_code != 0 and said and "\n" not in said, said
    assert "Traceback" not in said and english_words(said) == [], said


def test_audit_verify_names_each_problem_in_chinese(cli, desk_db):
    """A row edited behind the app: `audit verify` says the break and each problem in the
    chosen language (the problems stay English as the audit stores them); what stays ASCII
    is the table's name, an identifier to find the row by."""
    from deskterm.services.audit import SEALED

    con = sqlite3.connect(desk_db)
    con.execute("UPDATE user SET name = 'Mallory' WHERE code = 'boss'")
    con.commit()
    con.close()
    result = cli(
        "--lang",
        "zh",
        "audit",
        "verify",
        "--db",
        desk_db,
        "--user",
        "boss",
        env={"DESKTERM_PASSWORD": "boss-pass-1"},
    )
    assert result.exit_code == 1
    said = result.stderr.strip()
    assert "表 user 第 1 条" in said, said
    for table in SEALED:
        said = said.replace(table, " ")
    assert english_words(said) == [], said
    # and `db status` says the recorded verify's problem in Chinese too
    status = cli("--lang", "zh", "db", "status", "--db", desk_db, env={"DESKTERM_PASSWORD": "x"})
    last = [line for line in status.output.splitlines() if "表 user 第 1 条" in line]
    assert last, status.output
