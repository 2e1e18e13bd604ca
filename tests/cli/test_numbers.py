"""Every whole-number option of every command goes through cli/numbers.whole: a value that is
not a number, out of range, or too large for any database is exit 2 with one translated
sentence (never Typer's English "Input should be ...", never an OverflowError)."""

from __future__ import annotations

import typer

from deskterm.cli.main import build_app


def _int_options():
    command = typer.main.get_command(build_app())
    found = []

    def walk(cmd, path):
        for param in cmd.params:
            if getattr(param.type_descriptor, "annotation", None) is int and param.opts:
                found.append((path, param.opts[0]))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, (*path, name))

    walk(command, ())
    return found


def test_every_whole_number_option_refuses_in_one_sentence(cli):
    options = _int_options()
    assert {(p, o) for p, o in options} >= {
        (("purge", "visitors"), "--older-than"),
        (("report",), "--shift"),
        (("demo",), "--scale"),
        (("serve",), "--port"),
    }
    for path, option in options:
        args = list(path) + (["shift"] if path == ("report",) else [])
        for bad in ("99999999999999999999", "x", "-1", "1.5"):
            result = cli(*args, option, bad)
            assert result.exit_code == 2, (path, option, bad, result.stderr)
            assert "is not a whole number" in result.stderr, (path, option, bad, result.stderr)
            assert "Input should" not in result.stderr and "Unexpected" not in result.stderr
        zh = cli("--lang", "zh", *args, option, "x")
        assert zh.exit_code == 2 and "不是" in zh.stderr and "whole number" not in zh.stderr, (
            zh.stderr
        )


def test_purge_zero_days_is_refused(cli):
    result = cli("--lang", "zh", "purge", "visitors", "--older-than", "0")
    assert result.exit_code == 2 and "“0”不是 1 到 36,500 之间的整数。" in result.stderr, (
        result.stderr
    )


# The arguments a command needs before it looks at --db; a new command with --db and required
# arguments fails test_no_command_but_init_demo_restore_writes_a_database until it is named here.
ARGS = {
    ("export",): ["units"],
    ("report",): ["daily"],
    ("import",): ["units", "FILE"],
    ("users", "add"): ["op7", "--name", "某人"],
    ("users", "passwd"): ["op7"],
    ("users", "disable"): ["op7"],
    ("users", "enable"): ["op7"],
    ("users", "role"): ["op7", "operator"],
    ("users", "unlock"): ["op7"],
    ("users", "recover"): ["op7", "--name", "某人"],
    ("engineers", "add"): ["王师傅"],
    ("engineers", "duty"): ["王师傅", "on"],
}
MAKERS = {("init",), ("demo",), ("db", "restore")}  # the commands that may make a database
APP = {(), ("run",)}  # the desk app itself: cli/launch.py looks at the file read-only first


def _db_commands():
    command = typer.main.get_command(build_app())
    found = []

    def walk(cmd, path):
        if any(p.name == "db" for p in cmd.params):
            found.append((path, [p.name for p in cmd.params if p.required]))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, (*path, name))

    walk(command, ())
    return found


def test_no_command_but_init_demo_restore_writes_a_database(cli, tmp_path):
    """A 0-byte file, or another program's SQLite file, given as --db to any other command is
    refused in one sentence and left exactly as it was (no WAL, no schema, no -wal/-shm)."""
    import sqlite3

    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("create table notes (x)")
    con.commit()
    con.close()
    source = tmp_path / "units.csv"
    source.write_text("楼栋,房号\n1,101\n", encoding="utf-8")
    commands = [(path, required) for path, required in _db_commands() if path not in MAKERS | APP]
    assert len(commands) > 15
    for path, required in commands:
        args = [str(source) if a == "FILE" else a for a in ARGS.get(path, [])]
        assert len(args) >= len(required), f"name the arguments of {' '.join(path)} in ARGS"
        for target in (tmp_path / "empty.db", other):
            if target.name == "empty.db":
                target.write_bytes(b"")
            before = target.read_bytes()
            result = cli(
                *path,
                *args,
                "--db",
                str(target),
                env={
                    "DESKTERM_USER": "boss",
                    "DESKTERM_PASSWORD": "x",
                    "DESKTERM_NEW_PASSWORD": "y" * 12,
                },
            )
            assert result.exit_code != 0, (path, target.name)
            assert target.read_bytes() == before, (path, target.name)
            assert not any(tmp_path.glob(f"{target.name}-*")), (path, target.name)
            assert "not a deskterm database" in result.stderr + result.output, (path, result.stderr)
