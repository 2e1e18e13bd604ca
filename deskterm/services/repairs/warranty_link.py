"""Linking a repeat to the repair it repeats under warranty (D-35), after intake: on an open
order, before the reporter accepted a fee. Linking waives the order's fee lines (warranty
work is charged nothing); unlinking needs a reason and charges them again.
"""

from __future__ import annotations

from sqlmodel import Session

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.repair import OPEN_REPAIR_STATUSES, RepairOrder
from deskterm.services.actor import Actor
from deskterm.services.permissions import require
from deskterm.services.repairs.base import apply_change, check_version, load_order, require_status
from deskterm.services.repairs.fees import order_lines
from deskterm.services.repairs.intake import warranty_target


def set_warranty_link(
    *, session: Session, actor: Actor, clock: Clock, settings: Settings, order_id: int,
    version: int | None, warranty_of_id: int | None, reason: str = "",
) -> RepairOrder:
    """Link the order to `warranty_of_id` (None: unlink, with `reason`)."""
    require(actor, "repairs.warranty_link")
    order = load_order(session, order_id, for_update=True)
    check_version(session, order, version)
    require_status(order, OPEN_REPAIR_STATUSES, _("change its warranty link"))
    if order.fee_accepted_at is not None or order.quote_accepted_at is not None:
        raise InvalidInput(
            _("The reporter has already accepted the fee of order {number}; the warranty link "
              "can no longer change.").format(number=order.number), field="warranty_of_id")
    why = (reason or "").strip()
    if len(why) > 500:
        raise InvalidInput(_("This field takes at most {n} characters.").format(n=500),
                           field="warranty_opt_out_reason")
    if warranty_of_id is None:
        if order.warranty_of_id is None:
            raise InvalidInput(_("Order {number} is not linked to a warranty repair.")
                               .format(number=order.number), field="warranty_of_id")
        if not why:
            raise InvalidInput(_("Say why this is not warranty work."),
                               field="warranty_opt_out_reason")
        values = {"warranty_of_id": None, "warranty_opt_out_reason": why}
        waived = False
    else:
        previous = warranty_target(
            session, settings, previous_id=warranty_of_id, scope=order.scope,
            unit_id=order.unit_id, location=order.location, category_code=order.category_code,
            now=as_utc(order.reported_at), exclude_id=order.id)
        values = {"warranty_of_id": previous.id, "warranty_opt_out_reason": None}
        waived = True
    for line in order_lines(session, order.id):
        if line.waived != waived:
            line.waived = waived
            session.add(line)
    apply_change(session=session, actor=actor, clock=clock, order=order,
                 action="warranty_link" if waived else "warranty_unlink", values=values,
                 note=why)
    return order
