"""Why something failed, in the desk's language: the one way a library's or the system's
failure becomes the reason inside a translated sentence.

A library's own words (SQLite's "file is not a database", tomllib's "Expected '=' after a
key", the C library's "Permission denied") are English whatever language the desk speaks, so
they are never pasted into a sentence: what is useful and language-neutral in them (a line and
a column, an errno) is said again in the chosen language, and the English words themselves
appear only when the desk speaks English (tests/unit/test_failure_words.py).
"""

from __future__ import annotations

import errno
import re

from deskterm.i18n import N_, _, current_language

# the system's failures an admin or a clerk meets, each said in the desk's language
OS_REASONS = {
    errno.ENOENT: N_("there is no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EROFS: N_("the disk is read-only"),
    errno.EEXIST: N_("it exists already"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EMFILE: N_("too many files are open"),
    errno.EIO: N_("the disk could not be read or written"),
    errno.EBUSY: N_("it is in use"),
    errno.EADDRINUSE: N_("the address is in use by another program"),
    errno.EADDRNOTAVAIL: N_("the address is not one of this computer's"),
    errno.ECONNREFUSED: N_("the connection was refused"),
    errno.ETIMEDOUT: N_("it did not answer in time"),
    errno.EHOSTUNREACH: N_("the host cannot be reached"),
    errno.ENETUNREACH: N_("the network cannot be reached"),
    errno.EPIPE: N_("the other side closed the connection"),
}


def english() -> bool:
    """Whether a library's own (English) words may be shown: only to an English desk."""
    return current_language() == "en"


def os_reason(exc: BaseException) -> str:
    """An OSError's reason in the desk's language (its errno said again); the system's own
    words only in English; an errno nobody translated is named by its symbol (EXDEV)."""
    code = getattr(exc, "errno", None)
    if code in OS_REASONS:
        return _(OS_REASONS[code])
    words = getattr(exc, "strerror", None)
    if english() and words:
        return str(words)
    if isinstance(code, int) and code in errno.errorcode:
        return _("system error {code}").format(code=errno.errorcode[code])
    return _("a system error")


_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_place(exc: BaseException) -> str:
    """Where a TOML file stopped being TOML, in the desk's language ("line 1, column 6");
    tomllib's explanation of what it expected is English and is left out."""
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)  # Python 3.14
    found = _AT.search(str(exc))
    if found:
        line, column = found[1], found[2]
    if line is not None and column is not None:
        return _("line {line}, column {column}").format(line=line, column=column)
    if "end of document" in str(exc):
        return _("at the end of the file")
    return _("somewhere in the file")


def sqlite_reason(exc_or_text: BaseException | str) -> str:
    """Why SQLite cannot read a file, in the desk's language (its English message, or a
    quick check's findings, sorted into the few kinds an admin acts on)."""
    text = str(exc_or_text).lower()
    if "not a database" in text or "encrypted" in text:
        return _("it is not a SQLite database")
    if "malformed" in text or "corrupt" in text:
        return _("its pages are damaged")
    if "unable to open" in text or "readonly" in text or "permission" in text:
        return _("SQLite cannot open it")
    return _("its integrity check failed")


def driver_words(exc: BaseException) -> str | None:
    """The first line of a database driver's own words, for an English desk only (they are
    English): None in any other language, where the translated sentence stands alone."""
    words = str(getattr(exc, "orig", None) or exc).splitlines()
    return words[0] if words and english() else None


def unexpected_sentence(exc: BaseException) -> str:
    """A failure nobody foresaw (a bug): its class names it for the report; its own words,
    English, follow only on an English desk."""
    kind = type(exc).__name__
    if english() and str(exc):
        return _("Unexpected error ({kind}): {reason}").format(kind=kind, reason=exc)
    return _("Unexpected error ({kind}).").format(kind=kind)
