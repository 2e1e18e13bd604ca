"""What every complaint, callback and communication write shares: fitting text to its column,
refusing a stale edit with what the other desk changed, and applying a change with its diff.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlmodel import Session, col, select

from deskterm.errors import InvalidInput, StaleEdit
from deskterm.i18n import N_, _
from deskterm.models.audit import AuditEvent
from deskterm.services.overwrite import may_overwrite, seen

FIELD_LABELS = {
    "status": N_("status"),
    "category": N_("category"),
    "severity": N_("severity"),
    "valid": N_("valid"),
    "department": N_("department"),
    "content": N_("what was said"),
    "contact": N_("contact"),
    "referred_to": N_("referred to"),
    "reply_due_at": N_("reply due"),
    "answer": N_("answer"),
    "public_request_id": N_("public-area request"),
}


class Versioned(Protocol):
    """A row saved with a version that each change raises (complaints, callbacks,
    communications, public-area requests)."""

    id: int | None
    version: int


def changes_since(
    session: Session, *, row: Versioned, version: int, entity: str
) -> dict[str, tuple[Any, Any]]:
    """field -> (value at `version`, value now), read back from the audit events, which carry
    each change and the version it made."""
    changed: dict[str, tuple[Any, Any]] = {}
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(row.id))
        .order_by(col(AuditEvent.seq))
    )
    for event in events:
        detail = event.detail or {}
        if int(detail.get("version") or 0) <= version:
            continue
        for name, (old, new) in (detail.get("changes") or {}).items():
            changed[name] = (changed[name][0] if name in changed else old, new)
    return changed


def check_version(
    session: Session,
    *,
    row: Versioned,
    version: int,
    entity: str,
    labels: dict[str, str],
    what: str,
    overwrite: bool = False,
) -> None:
    """Refuse a save started from an older version, saying what the other desk changed
    (read back from the audit events, which carry each change and the version it made)."""
    if row.version == version:
        return
    if overwrite and may_overwrite(session, row):  # seen refused, saved again (overwrite.py)
        return
    changed = changes_since(session, row=row, version=version, entity=entity)
    fields = ", ".join(_(labels.get(name, name)) for name in changed) or _("its details")
    if overwrite:
        raise StaleEdit(
            _(
                "Another desk changed this {what} while you had it open ({fields}); nothing of "
                "yours was saved. Save again to put what you typed over their change."
            ).format(what=what, fields=fields),
            changes=changed,
            current=seen(row),
        )
    raise StaleEdit(
        _(
            "Another desk changed this {what} while you had it open ({fields}); "
            "look at it again and redo your change."
        ).format(what=what, fields=fields),
        changes=changed,
    )


def bump(row: Versioned, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply `changes` to `row`, raise its version, and return {field: [old, new]}."""
    diff: dict[str, list[Any]] = {}
    for name, value in changes.items():
        old = getattr(row, name)
        if old != value:
            diff[name] = [old, value]
            setattr(row, name, value)
    row.version += 1
    return diff


def fits(value: str | None, *, limit: int, field: str) -> str:
    """Optional text, trimmed; longer than its column is refused, never cut short."""
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(
            _("This text is longer than {n} characters.").format(n=limit), field=field
        )
    return text


def required_text(value: str, *, field: str, limit: int, message: str) -> str:
    """Text that must be given (`message` says so when it is blank), trimmed, within its column."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("This text is longer than {n} characters.").format(n=limit), field=field
        )
    return text
