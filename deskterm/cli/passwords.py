"""Passwords asked at the command line, in the desk's language, never echoed.

Typer ships its own copy of Click with its words fixed in English ("Repeat for
confirmation", "Error: The two entered values do not match."), and the standard library's
getpass writes "Warning: Password input may be echoed." when the input is not a terminal (a
script piping the password in). Every password prompt goes through here instead: on a
terminal, Typer's hidden prompt with our own words; piped, one line read from the input
with nothing written but the question.
"""

from __future__ import annotations

import sys

import typer

from deskterm.errors import InvalidInput
from deskterm.i18n import _

# a new password is asked again when the two differ; piped input that keeps differing ends
MAX_TRIES = 3


def ask(label: str) -> str:
    """One password, asked on standard error (standard output may be a command's data)."""
    if sys.stdin.isatty():
        return str(typer.prompt(label, hide_input=True, err=True))
    typer.echo(f"{label}: ", err=True, nl=False)
    line = sys.stdin.readline()
    if not line:  # the input ended: nothing to read, never a wait or a traceback
        raise InvalidInput(_("No password was given."), field="password")
    return line.rstrip("\r\n")


def ask_new(label: str) -> str:
    """A new password, typed twice; a mismatch is said and both are asked again."""
    for _try in range(MAX_TRIES):
        first = ask(label)
        if first == ask(_("Repeat for confirmation")):
            return first
        typer.echo(_("The two passwords differ: type them again."), err=True)
    raise InvalidInput(_("The two passwords differ."), field="password")
