"""A password asked at the command line is asked in the desk's language, never echoed, and a
mismatch is said in it too. The re-test found Typer's own copy of Click saying "Repeat for
confirmation:" and "Error: The two entered values do not match." on a Chinese desk, and
getpass's "Warning: Password input may be echoed." when a script pipes the password in.
Every prompt goes through deskterm/cli/passwords.py: checked by reading the code."""

from __future__ import annotations

import ast
import pathlib

import pytest

CLI = pathlib.Path(__file__).resolve().parents[2] / "deskterm" / "cli"


def test_every_password_prompt_goes_through_one_module():
    offenders = []
    for path in CLI.rglob("*.py"):
        if path.name == "passwords.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and any(
                k.arg in ("hide_input", "confirmation_prompt") for k in node.keywords
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize(
    ("lang", "again", "differ"),
    [
        ("zh", "再输入一次以确认", "两次输入的密码不一致"),
        ("en", "Repeat for confirmation", "The two passwords differ"),
    ],
)
def test_a_new_password_is_asked_twice_in_the_desks_language(cli, desk_db, lang, again, differ):
    typed = "boss-pass-1\nnew-pass-12345\nnew-pass-99999\nnew-pass-12345\nnew-pass-12345\n"
    result = cli(
        "--lang",
        lang,
        "users",
        "add",
        "clerk1",
        "--name",
        "Li",
        "--db",
        desk_db,
        "--user",
        "boss",
        input=typed,
    )
    assert result.exit_code == 0, result.stderr
    assert again in result.stderr and differ in result.stderr
    assert "Warning" not in result.stderr and "Error:" not in result.stderr
    if lang == "zh":
        assert "Repeat for confirmation" not in result.stderr
    assert "new-pass" not in result.output + result.stderr  # never echoed


def test_input_that_ends_is_one_sentence_not_a_wait(cli, desk_db):
    result = cli(
        "--lang",
        "zh",
        "users",
        "add",
        "clerk2",
        "--name",
        "Li",
        "--db",
        desk_db,
        "--user",
        "boss",
        input="boss-pass-1\nnew-pass-12345\n",
    )
    assert result.exit_code == 1
    assert "没有输入密码" in result.stderr and "Traceback" not in result.stderr
