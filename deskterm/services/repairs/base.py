"""What every repair write shares: load an order for change, refuse a stale edit with what
changed, and apply a change as one RepairEvent plus one audit event (ARCHITECTURE "Writes").
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.db import lock_row, stored_id
from deskterm.errors import InvalidInput, NotFound, StaleEdit
from deskterm.i18n import _
from deskterm.models.repair import RepairEvent, RepairOrder, RepairStatus
from deskterm.rules.phone import mask_phone
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.overwrite import may_overwrite, seen
from deskterm.services.repairs.labels import field_label, status_label

ENTITY = "repair_order"
# Shown masked wherever a change is recorded or reported (DESIGN "People and privacy").
PRIVATE_FIELDS = frozenset({"reporter_contact"})


def plain(value: Any) -> Any:
    """A JSON-safe value for the event and audit records."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="seconds")
    if isinstance(value, Decimal):
        return str(value)
    return getattr(value, "value", value)


def load_order(session: Session, order_id: int, *, for_update: bool = False) -> RepairOrder:
    order = (
        lock_row(session, RepairOrder, order_id)
        if for_update
        else session.get(RepairOrder, order_id)
    )
    if order is None:
        raise NotFound(_("There is no repair order {id}.").format(id=order_id))
    return order


def changes_since(session: Session, order: RepairOrder, version: int) -> dict[str, tuple[Any, Any]]:
    """field -> (value at `version`, value now), from the events recorded after `version`."""
    merged: dict[str, list[Any]] = {}
    events = session.exec(
        select(RepairEvent)
        .where(RepairEvent.order_id == order.id, RepairEvent.version > version)
        .order_by(col(RepairEvent.version), col(RepairEvent.id))
    )
    for event in events:
        for field, (before, after) in (event.changes or {}).items():
            if field in merged:
                merged[field][1] = after
            else:
                merged[field] = [before, after]
    return {field: (pair[0], pair[1]) for field, pair in merged.items() if pair[0] != pair[1]}


def describe_changes(changes: dict[str, tuple[Any, Any]]) -> str:
    parts = []
    for field, (before, after) in changes.items():
        if field == "status":
            before, after = status_label(before), status_label(after)
        parts.append(
            _("{field}: {before} → {after}").format(
                field=field_label(field), before=before or "—", after=after or "—"
            )
        )
    return "; ".join(parts)


def check_version(
    session: Session, order: RepairOrder, expected: int | None, *, overwrite: bool = False
) -> None:
    """Refuse a save started from an older version of the order (another desk saved since).
    `overwrite` (a details correction): saving again after that refusal goes on
    (services/overwrite.py)."""
    if expected is None or order.version == expected:
        return
    if overwrite and may_overwrite(session, order):
        return
    changes = changes_since(session, order, expected)
    what = describe_changes(changes) or _("it was changed")
    if overwrite:
        raise StaleEdit(
            _(
                "Another desk changed order {number} while you had it open ({changes}); nothing "
                "of yours was saved. Save again to put what you typed over their change."
            ).format(number=order.number, changes=what),
            changes=changes,
            current=seen(order),
        )
    raise StaleEdit(
        _(
            "Another desk changed order {number} while you had it open ({changes}); "
            "nothing of yours was saved. Look at it again and redo your change."
        ).format(number=order.number, changes=what),
        changes=changes,
    )


def require_status(order: RepairOrder, allowed: tuple[RepairStatus, ...], doing: str) -> None:
    if order.status not in allowed:
        raise InvalidInput(
            _("Order {number} is {status}: you cannot {doing} now.").format(
                number=order.number, status=status_label(order.status), doing=doing
            ),
            field="status",
        )


def apply_change(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    order: RepairOrder,
    action: str,
    values: dict[str, Any] | None = None,
    note: str = "",
    detail: dict[str, Any] | None = None,
    force_event: bool = True,
) -> RepairEvent | None:
    """Set `values` on the order, bump its version, and record the event and the audit."""
    values = values or {}
    before_status = order.status
    diff: dict[str, list[Any]] = {}
    for field, new in values.items():
        old = getattr(order, field)
        if old != new:
            shown_old, shown_new = plain(old), plain(new)
            if field in PRIVATE_FIELDS:
                shown_old, shown_new = mask_phone(old), mask_phone(new)
            diff[field] = [shown_old, shown_new]
            setattr(order, field, new)
    if not diff and not force_event:
        return None
    order.version += 1
    event = RepairEvent(
        order_id=stored_id(order),
        at=as_utc(clock.now()),
        user_id=actor.author_id,
        action=action,
        from_status=plain(before_status),
        to_status=plain(order.status),
        note=note,
        version=order.version,
        changes=diff,
    )
    session.add(order)
    session.add(event)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action=f"repair.{action}",
        entity=ENTITY,
        entity_id=order.id,
        subject=order,
        detail={"number": order.number, "changes": diff, "note": note, **(detail or {})},
    )
    return event
