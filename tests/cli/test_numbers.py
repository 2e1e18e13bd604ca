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
    assert {(p, o) for p, o in options} >= {(("purge", "visitors"), "--older-than"), (("report",), "--shift"),
                                            (("demo",), "--scale"), (("serve",), "--port")}
    for path, option in options:
        args = list(path) + (["shift"] if path == ("report",) else [])
        for bad in ("99999999999999999999", "x", "-1", "1.5"):
            result = cli(*args, option, bad)
            assert result.exit_code == 2, (path, option, bad, result.stderr)
            assert "is not a whole number" in result.stderr, (path, option, bad, result.stderr)
            assert "Input should" not in result.stderr and "Unexpected" not in result.stderr
        zh = cli("--lang", "zh", *args, option, "x")
        assert zh.exit_code == 2 and "不是" in zh.stderr and "whole number" not in zh.stderr, zh.stderr


def test_purge_zero_days_is_refused(cli):
    result = cli("--lang", "zh", "purge", "visitors", "--older-than", "0")
    assert result.exit_code == 2 and "“0”不是 1 到 36,500 之间的整数。" in result.stderr, result.stderr
