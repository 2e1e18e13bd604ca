"""The problems `audit verify` finds, worded twice: in English as the text the audit stores
and the checks read, and in the reader's language when said (`audit verify`, `db check`,
`db status`). A recorded verify keeps the words (`problem_words`) to say them again later."""

from __future__ import annotations

import re
from typing import Any

from deskterm.i18n import _


class Problem(str):
    """One problem `verify` found: English as text (what the audit stores, `db status` keeps
    and the checks read), and `said()` in the reader's language (`audit verify`, `db check`)."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Problem:
        made = super().__new__(cls, msgid.format(**params))
        made.msgid, made.params = msgid, params
        return made

    def said(self) -> str:
        return _(self.msgid).format(**self.params)


def said(problem: str | None) -> str:
    """A problem of `verify` in the reader's language (a plain string as it is)."""
    return problem.said() if isinstance(problem, Problem) else (problem or "")


def problem_words(problem: str | None) -> dict[str, Any] | None:
    """A problem as an audit event keeps it to be said again later (`said_again`)."""
    if not isinstance(problem, Problem):
        return None
    return {"msgid": problem.msgid, "params": problem.params}


_FIELD = re.compile(r"\{(?!\w+\})")  # a { that does not open a plain {name}


def said_again(detail: dict[str, Any]) -> str:
    """The problem a recorded `audit verify` found, in the reader's language (the English
    text stored beside it for a record made before the words were kept)."""
    words = detail.get("problem_words")
    msgid = words.get("msgid") if isinstance(words, dict) else None
    # only plain {name} fields: the stored words are data, never a format that reaches further
    if isinstance(words, dict) and isinstance(msgid, str) and not _FIELD.search(msgid):
        try:
            return Problem(words["msgid"], **dict(words.get("params") or {})).said()
        except (KeyError, IndexError, TypeError, ValueError):  # worded otherwise elsewhere
            pass
    return str(detail.get("problem") or "")
