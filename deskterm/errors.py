"""Errors a user can meet: each carries one clear, translated sentence and never a traceback."""

from __future__ import annotations

from typing import Any


class DeskError(Exception):
    """Base of every expected failure. `str(err)` is the sentence shown to the user."""

    exit_code = 1

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def __str__(self) -> str:
        return self.message


class InvalidInput(DeskError):
    """A value the user gave is not acceptable; `field` names the form field, if any."""

    def __init__(self, message: str, *, field: str | None = None, **context: Any) -> None:
        super().__init__(message, **context)
        self.field = field


class NotFound(DeskError):
    pass


class StaleEdit(DeskError):
    """Another desk saved this record since it was opened; `changes` says what they changed."""

    def __init__(
        self,
        message: str,
        *,
        changes: dict[str, tuple[Any, Any]] | None = None,
        current: tuple[str, int, int] | None = None,
    ) -> None:
        super().__init__(message)
        self.changes = changes or {}
        # (table, id, version) now stored, when saving again may put the typed values over it
        # (services/overwrite.py)
        self.current = current


class PermissionDenied(DeskError):
    pass


class AuthFailed(DeskError):
    """Sign-in failed; the message never says whether the staff code exists."""


class AccountChanged(DeskError):
    """The signed-in account was disabled or its role changed since sign-in: the desk signs
    out (issue 14, item 5); nothing of the refused action was written. The sentence says why;
    whether the desk's last save stands is the desk's to say (DeskApp.account_changed)."""


class SchemaOutdated(DeskError):
    """The database was made by another release; the message names the command to run."""


class StorageFull(DeskError):
    """The disk (or the database's size limit) is full; nothing was written."""
