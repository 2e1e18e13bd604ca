"""The warranty of D-35 at the desk: the earlier repair a repeat links to (same unit or
public location, same category, repaired within the warranty), repairs of the unit in another
category still in warranty (shown, not linked), and linking or unlinking after intake: on an
open order, before the reporter accepted a fee. Linking waives the order's fee lines (warranty
work is charged nothing); unlinking needs a reason and charges them again.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import stored_id
from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.repair import (
    DONE_REPAIR_STATUSES,
    OPEN_REPAIR_STATUSES,
    RepairOrder,
    RepairScope,
)
from deskterm.rules.warranty import find_warranty_match, in_warranty
from deskterm.services.actor import Actor
from deskterm.services.permissions import require
from deskterm.services.repairs.base import (
    apply_change,
    check_version,
    load_order,
    require_status,
)
from deskterm.services.repairs.fees import fee_changed, order_lines


def _norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().casefold()


def find_warranty_candidate(
    *,
    session: Session,
    settings: Settings,
    now: datetime,
    category_code: str,
    scope: RepairScope | str = RepairScope.household,
    unit_id: int | None = None,
    location: str = "",
) -> RepairOrder | None:
    """The latest repair of the same unit (or public location) and category still in warranty."""
    scope = RepairScope(scope)
    stmt = select(RepairOrder.id, RepairOrder.repaired_at, RepairOrder.location).where(
        RepairOrder.category_code == category_code,
        col(RepairOrder.status).in_([s.value for s in DONE_REPAIR_STATUSES]),
        col(RepairOrder.repaired_at).is_not(None),
        # A coarse bound (a month is never longer than 31 days); the rule decides exactly.
        col(RepairOrder.repaired_at)
        >= as_utc(now) - timedelta(days=31 * settings.warranty_months + 1),
        RepairOrder.scope == scope.value,
    )
    if scope == RepairScope.household:
        if unit_id is None:
            return None
        stmt = stmt.where(RepairOrder.unit_id == unit_id)
    else:
        if not _norm(location):
            return None
    candidates = [
        (order_id, repaired_at)
        for order_id, repaired_at, place in session.exec(stmt)
        if order_id is not None  # a stored row's key: always set
        and (scope != RepairScope.public or _norm(place) == _norm(location))
    ]
    match = find_warranty_match(
        candidates, as_utc(now), settings.warranty_months, settings.timezone
    )
    return session.get(RepairOrder, match) if match is not None else None


def warranty_target(
    session: Session,
    settings: Settings,
    *,
    previous_id: int,
    scope: RepairScope | str,
    unit_id: int | None,
    location: str,
    category_code: str,
    now: datetime,
    exclude_id: int | None = None,
) -> RepairOrder:
    """The order a warranty repeat may link to: same place and category, repaired in warranty."""
    previous = session.get(RepairOrder, previous_id)
    household = RepairScope(scope) == RepairScope.household
    same_place = previous is not None and (
        previous.unit_id == unit_id if household else _norm(previous.location) == _norm(location)
    )
    if (
        previous is None
        or previous.id == exclude_id
        or not same_place
        or previous.scope != RepairScope(scope)
        or previous.category_code != category_code
        or previous.repaired_at is None
        or not in_warranty(previous.repaired_at, now, settings.warranty_months, settings.timezone)
    ):
        raise InvalidInput(
            _("That order is not a repair of this place and category under warranty."),
            field="warranty_of_id",
        )
    return previous


def list_other_repeats(
    *,
    session: Session,
    settings: Settings,
    now: datetime,
    unit_id: int | None,
    category_code: str,
    exclude_id: int | None = None,
) -> list[RepairOrder]:
    """Repairs of the same unit in another category still in warranty (D-35): not linked by
    default, shown so that the desk can decide whether the fault is the same one."""
    if unit_id is None:
        return []
    stmt = select(RepairOrder).where(
        RepairOrder.unit_id == unit_id,
        RepairOrder.category_code != category_code,
        col(RepairOrder.status).in_([s.value for s in DONE_REPAIR_STATUSES]),
        col(RepairOrder.repaired_at).is_not(None),
        col(RepairOrder.repaired_at)
        >= as_utc(now) - timedelta(days=31 * settings.warranty_months + 1),
    )
    if exclude_id is not None:
        stmt = stmt.where(RepairOrder.id != exclude_id)
    rows = session.exec(stmt.order_by(col(RepairOrder.repaired_at).desc())).all()
    return [
        row
        for row in rows
        if row.repaired_at is not None  # the query asked for repaired orders only
        and in_warranty(row.repaired_at, now, settings.warranty_months, settings.timezone)
    ]


def set_warranty_link(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order_id: int,
    version: int | None,
    warranty_of_id: int | None,
    reason: str = "",
) -> RepairOrder:
    """Link the order to `warranty_of_id` (None: unlink, with `reason`)."""
    require(actor, "repairs.warranty_link")
    order = load_order(session, order_id, for_update=True)
    check_version(session, order, version)
    require_status(order, OPEN_REPAIR_STATUSES, _("change its warranty link"))
    if order.fee_accepted_at is not None or order.quote_accepted_at is not None:
        raise InvalidInput(
            _(
                "The reporter has already accepted the fee of order {number}; the warranty link "
                "can no longer change."
            ).format(number=order.number),
            field="warranty_of_id",
        )
    why = (reason or "").strip()
    if len(why) > 500:
        raise InvalidInput(
            _("This field takes at most {n} characters.").format(n=500),
            field="warranty_opt_out_reason",
        )
    if warranty_of_id is None:
        if order.warranty_of_id is None:
            raise InvalidInput(
                _("Order {number} is not linked to a warranty repair.").format(number=order.number),
                field="warranty_of_id",
            )
        if not why:
            raise InvalidInput(
                _("Say why this is not warranty work."), field="warranty_opt_out_reason"
            )
        values: dict[str, Any] = {"warranty_of_id": None, "warranty_opt_out_reason": why}
        waived = False
    else:
        previous = warranty_target(
            session,
            settings,
            previous_id=warranty_of_id,
            scope=order.scope,
            unit_id=order.unit_id,
            location=order.location,
            category_code=order.category_code,
            now=as_utc(order.reported_at),
            exclude_id=order.id,
        )
        values = {"warranty_of_id": previous.id, "warranty_opt_out_reason": None}
        waived = True
    changed = False
    for line in order_lines(session, stored_id(order), for_update=True):
        if line.waived != waived:
            line.waived = waived
            session.add(line)
            changed = True
    if changed:  # the fee changed: a settlement of the old total is undone (issue 21 #2)
        values |= fee_changed(order)
    apply_change(
        session=session,
        actor=actor,
        clock=clock,
        order=order,
        action="warranty_link" if waived else "warranty_unlink",
        values=values,
        note=why,
    )
    return order
