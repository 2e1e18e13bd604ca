"""A command's refusal names the field it is about, and comes before anything is asked
(found by the outside test: `engineers add` said "This field takes at most 64 characters.",
`users add 'bad code'` asked for the new password twice before refusing the code)."""

from __future__ import annotations

import pytest

BOSS = {"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "boss-pass-1"}


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "Staff code: A staff code is 1 to 32 letters"),
        ("zh", "工号"),
    ],
)
def test_a_bad_staff_code_is_refused_before_the_password_is_asked(cli, desk_db, lang, sentence):
    result = cli(
        "--lang", lang, "users", "add", "bad code", "--name", "X", "--db", desk_db, env=BOSS
    )
    assert result.exit_code == 1
    assert sentence in result.stderr and "assword" not in result.output + result.stderr
    assert "Traceback" not in result.stderr


def test_a_too_long_name_is_refused_naming_the_field(cli, desk_db):
    result = cli("engineers", "add", "长" * 300, "--db", desk_db, env=BOSS)
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Name:") and "64" in result.stderr


def test_a_restore_from_no_file_says_so_before_asking_to_replace(cli, desk_db, tmp_path):
    missing = str(tmp_path / "nonexist.db")
    result = cli("db", "restore", missing, "--db", desk_db, env=BOSS)
    assert result.exit_code == 1
    assert "There is no backup file" in result.stderr and "Replace it?" not in result.output


def test_a_restore_from_a_file_that_is_no_database_says_so_before_asking(cli, desk_db, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("junk")
    result = cli("db", "restore", str(junk), "--db", desk_db, env=BOSS)
    assert result.exit_code == 1
    assert "is not a deskterm SQLite backup" in result.stderr and "Replace it?" not in result.output
