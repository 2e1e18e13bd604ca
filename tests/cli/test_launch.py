"""`deskterm [run] [--db X]` opens the app without Typer or SQLAlchemy before the first paint."""

import sqlite3
import subprocess
import sys

import pytest

from deskterm import schema
from deskterm.cli import launch


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], (True, None)),
        (["run"], (True, None)),
        (["--db", "/x/desk.db"], (True, "/x/desk.db")),
        (["run", "--db=/x/desk.db"], (True, "/x/desk.db")),
        (["--db"], (False, None)),
        (["--db", "--help"], (False, None)),
        (["--help"], (False, None)),
        (["run", "--help"], (False, None)),
        (["demo", "--db", "x.db"], (False, None)),
        (["--db", "x.db", "run"], (False, None)),
    ],
)
def test_only_plain_app_openings_take_the_short_way(argv, expected):
    assert launch.app_db_option(argv) == expected


def test_a_missing_database_is_refused_in_one_sentence_and_not_created(cli, tmp_path):
    path = tmp_path / "none.db"
    result = cli("--db", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "This database is empty or not a deskterm database; run `deskterm init` first."
    )
    assert not path.exists()


def test_an_older_schema_names_the_upgrade(cli, desk_db):
    con = sqlite3.connect(desk_db)
    con.execute("UPDATE alembic_version SET version_num = '0000'")
    con.commit()
    con.close()
    result = cli("run", "--db", desk_db)
    assert result.exit_code == 1
    assert "deskterm db upgrade" in result.stderr


def test_a_bad_path_is_a_usage_error(cli, tmp_path):
    result = cli("--db", str(tmp_path / "no-folder" / "x.db"))
    assert result.exit_code == 2
    assert "is not a database path or URL" in result.stderr


def test_the_schema_head_is_read_from_the_revision_files_as_alembic_reads_it():
    from alembic.script import ScriptDirectory

    schema.head_revision.cache_clear()
    assert (
        schema.head_revision()
        == ScriptDirectory.from_config(schema.alembic_config()).get_current_head()
    )


def test_the_sign_in_screen_needs_neither_sqlalchemy_nor_typer_nor_alembic():
    code = (
        "import sys\n"
        "import deskterm.cli.launch, deskterm.schema, deskterm.dburl\n"
        "import deskterm.tui.app, deskterm.tui.screens.signin\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'typer', 'argon2')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
