"""The error boundary of the command line: one sentence on stderr, exit 1 or 2, no traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable

import typer
from typer._click import exceptions as click_exc  # typer vendors click

from deskterm.i18n import _


def say_error(message: str) -> None:
    """One sentence on stderr; what a user typed in it reaches the terminal as pictures."""
    from deskterm.encoders import terminal

    sys.stderr.write(terminal(message.rstrip()) + "\n")


def guarded(call: Callable[[], object]) -> int:
    """Run a Typer app in non-standalone mode and turn every failure into an exit code."""
    from deskterm.errors import DeskError

    try:
        result = call()
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        say_error(_("Cancelled."))
        return 1
    except click_exc.ClickException as exc:
        # usage errors: wrong option, missing argument
        say_error(_("Error: {message}").format(message=exc.format_message()))
        if exc.ctx is not None:
            say_error(_("Try '{command} --help'.").format(command=exc.ctx.command_path))
        return exc.exit_code
    except DeskError as exc:
        say_error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        say_error(_("Interrupted."))
        return 130
    except Exception as exc:  # the last line of defence: still one sentence
        return _describe_unexpected(exc)
    return result if isinstance(result, int) else 0


def _describe_unexpected(exc: Exception) -> int:
    from deskterm.db import DatabaseUrlError

    if isinstance(exc, DatabaseUrlError):
        say_error(
            _("'{db}' is not a database path or URL deskterm can open.").format(db=exc.args[0])
        )
        return 2
    try:
        from sqlalchemy.exc import DBAPIError, OperationalError
    except ImportError:  # pragma: no cover
        DBAPIError = OperationalError = ()  # type: ignore[assignment]
    if isinstance(exc, OperationalError):
        text = str(getattr(exc, "orig", exc)).lower()
        if "full" in text:
            say_error(_("The disk is full: nothing was saved. Free some space and try again."))
        elif "locked" in text or "busy" in text:
            say_error(_("The database stayed busy: nothing was saved. Try again in a moment."))
        else:
            say_error(_("The database could not be opened or read: {reason}").format(
                reason=str(getattr(exc, "orig", exc)).splitlines()[0]))
        return 1
    if isinstance(exc, DBAPIError):
        say_error(_("The database refused the operation: {reason}").format(
            reason=str(getattr(exc, "orig", exc)).splitlines()[0]))
        return 1
    if isinstance(exc, OSError):
        say_error(_("A file could not be read or written: {reason}").format(reason=exc.strerror or exc))
        return 1
    say_error(_("Unexpected error ({kind}): {reason}").format(kind=type(exc).__name__, reason=exc))
    return 1
