"""The error boundary of the command line: one sentence on stderr, exit 1 or 2, no traceback."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

import typer

from deskterm.i18n import _
from deskterm.reasons import os_reason, unexpected_sentence


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
    except typer.TyperException as exc:
        # Click's usage errors (Click is vendored by Typer, its exceptions derive from this
        # public one): wrong option, missing argument, bad value
        say_error(_("Error: {message}").format(message=usage_message(exc)))
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            say_error(_("Try '{command} --help'.").format(command=ctx.command_path))
        return exc.exit_code
    except DeskError as exc:
        say_error(named_sentence(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        say_error(_("Interrupted."))
        return 130
    except Exception as exc:  # the last line of defence: still one sentence
        return _describe_unexpected(exc)
    return result if isinstance(result, int) else 0


def named_sentence(exc: BaseException) -> str:
    """A refusal as a command says it: a sentence about one field that does not name it
    ("This field takes at most 64 characters.", said under the field in the desk app) gets
    the field's name first, as the forms show it ("Name: This field takes ...")."""
    from deskterm.errors import InvalidInput, PermissionDenied
    from deskterm.models.text import LABELS, label

    if isinstance(exc, PermissionDenied):  # what may not be done in words, not an action id
        from deskterm.tui.refusals import refusal_text

        return refusal_text(exc)
    sentence = str(exc)
    field = exc.field if isinstance(exc, InvalidInput) else None
    if field in LABELS and not sentence.startswith(label(field)):
        return _("{field}: {problem}").format(field=label(field), problem=sentence)
    return sentence


def usage_message(exc) -> str:
    """A usage error in the chosen language: Click's own sentences are English, so the common
    ones are put together again from the exception's public attributes."""
    param = getattr(exc, "param", None)
    hint = getattr(exc, "param_hint", None)
    if hint is None and param is not None:
        hint = param.get_error_hint()
    if isinstance(hint, list | tuple):
        hint = " / ".join(repr(h) for h in hint)
    kind = type(exc).__name__
    if kind == "MissingParameter":
        argument = (exc.param_type or getattr(param, "param_type_name", "")) == "argument"
        if not hint:
            return _("Missing argument") if argument else _("Missing option")
        return (_("Missing argument {name}.") if argument else _("Missing option {name}.")).format(
            name=hint
        )
    if kind == "NoSuchOption":
        return _("No such option {name!r}.").format(name=exc.option_name)
    if isinstance(exc, typer.BadParameter):
        typed = re.search(r"'(.*)' is not one of (.*?)\.?$", exc.message or "")
        if typed:  # Typer's own sentence is English and starts "Value error, ": said again
            exc.message = _("“{value}” is not one of: {choices}.").format(
                value=typed.group(1), choices=typed.group(2).replace("'", "")
            )
        if hint:
            return _("Invalid value for {param_hint}: {message}").format(
                param_hint=hint, message=exc.message
            )
        return _("Invalid value: {message}").format(message=exc.message)
    return exc.format_message()


def _describe_unexpected(exc: Exception) -> int:
    from deskterm.dburl import DatabaseUrlError

    if isinstance(exc, DatabaseUrlError):
        say_error(
            _("'{db}' is not a database path or URL deskterm can open.").format(db=exc.args[0])
        )
        return 2
    from deskterm.db import failure_sentence

    said = failure_sentence(exc, reason=True)
    if said is not None:
        say_error(said)
        return 1
    if isinstance(exc, OSError):
        say_error(_("A file could not be read or written: {reason}").format(reason=os_reason(exc)))
        return 1
    say_error(unexpected_sentence(exc))
    return 1
