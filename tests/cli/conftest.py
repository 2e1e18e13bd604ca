"""Run the real `deskterm` entry point (with its error boundary) in typer's CliRunner isolation."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from deskterm.cli.main import run


@dataclass
class CliResult:
    exit_code: int
    output: str  # stdout
    stderr: str


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict | None = None) -> CliResult:
        with runner.isolation(input=input, env=env) as (out, err, _mixed):
            try:
                run(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            return CliResult(code, out.getvalue().decode(), err.getvalue().decode())

    return invoke


@pytest.fixture
def desk_db(tmp_path, cli):
    """An initialised database file with an admin `boss` (password 'boss-pass-1')."""
    path = str(tmp_path / "desk.db")
    result = cli(
        "init",
        "--db",
        path,
        "--admin",
        "boss",
        "--admin-name",
        "Boss",
        env={"DESKTERM_PASSWORD": "boss-pass-1"},
    )
    assert result.exit_code == 0, result.output + result.stderr
    return path


def first_sign_in(cli, db: str, code: str, password: str) -> None:
    """An account an admin made changes its password before anything else (issue 19): change
    it, and change it back to the one the test uses."""
    for old, new in ((password, password + "-tmp"), (password + "-tmp", password)):
        result = cli(
            "passwd",
            "--db",
            db,
            "--user",
            code,
            env={"DESKTERM_PASSWORD": old, "DESKTERM_NEW_PASSWORD": new},
        )
        assert result.exit_code == 0, result.stderr
