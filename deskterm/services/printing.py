"""Sending a printout to the desk's printer: settings.print_command gets the document on stdin.

`printer = "text"` (the default) sends UTF-8 text, for `lp` and any ordinary printer queue;
`printer = "escpos"` sends ESC/POS bytes for a receipt printer (services/receipt.py), where a
visitor slip's number is printed as a barcode. One clear sentence when printing fails.
"""

from __future__ import annotations

import shlex
import subprocess

from deskterm.config import Settings
from deskterm.encoders import sheet
from deskterm.errors import DeskError, InvalidInput
from deskterm.i18n import _
from deskterm.reasons import os_reason

PRINT_TIMEOUT_S = 20


def printable(text: str, settings: Settings, *, barcode: str | None = None) -> bytes:
    """The bytes the configured printer takes for `text` (`barcode`: the line to print as one)."""
    if settings.printer == "escpos":
        from deskterm.services.receipt import document

        return document(text, barcode_line=barcode)
    return sheet(text).encode("utf-8")  # no control character from a record (issue 15)


def send(
    text: str, settings: Settings, *, barcode: str | None = None, timeout: float = PRINT_TIMEOUT_S
) -> None:
    """Print `text` through settings.print_command."""
    if not settings.print_command:
        raise InvalidInput(_("No printer is set up (print_command in settings.toml)."))
    data = printable(text, settings, barcode=barcode)
    try:
        done = subprocess.run(
            shlex.split(settings.print_command),
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DeskError(
            _("Printing failed: {reason}").format(reason=_("the printer did not answer in time"))
        ) from None
    except ValueError:  # shlex: an unclosed quote in print_command
        raise DeskError(
            _("Printing failed: {reason}").format(
                reason=_("print_command in settings.toml has an unclosed quote")
            )
        ) from None
    except OSError as exc:
        raise DeskError(_("Printing failed: {reason}").format(reason=os_reason(exc))) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DeskError(
            _("Printing failed: {reason}").format(reason=reason[0] if reason else done.returncode)
        )
