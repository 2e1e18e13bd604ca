"""Repair orders (D-30 to D-38) with their deadlines and the fee charged (lines on the schedule
or approved, not waived, in yuan), the settlement and who bears the cost. The reporter's contact is masked unless personal data is asked for."""

from __future__ import annotations

from sqlalchemy import func, select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import repair_category, repair_fee_line, unit, user
from deskterm.exports.tables import repair_order as r

# The reviews whose lines are charged: models.repair.COUNTED_REVIEWS (exports import no
# models; tests/services/test_repairs_rules.py holds the two equal).
COUNTED_REVIEWS = ("not_needed", "approved")
_warranty_of = r.alias("warranty_of")
_fee = (
    select(func.coalesce(func.sum(repair_fee_line.c.amount_fen), 0))
    .where(repair_fee_line.c.order_id == r.c.id)
    .where(repair_fee_line.c.review.in_(COUNTED_REVIEWS))  # never lines awaiting review
    .where(repair_fee_line.c.waived.is_not(True))
    .scalar_subquery()
)

FIELDS = (
    (Col("number", nullable=False), r.c.number),
    (Col("reported_at", "instant", nullable=False), r.c.reported_at),
    (Col("scope", nullable=False), r.c.scope),
    (Col("unit"), unit.c.label),
    (Col("location", nullable=False), r.c.location),
    (Col("channel", nullable=False), r.c.channel),
    (Col("reporter_name", nullable=False), r.c.reporter_name),
    (Col("reporter_contact", "phone"), r.c.reporter_contact),
    (Col("category"), r.c.category_code),
    (Col("category_name"), repair_category.c.name_zh),
    (Col("repair_class", nullable=False), r.c.repair_class),
    (Col("description", nullable=False), r.c.description),
    (Col("status", nullable=False), r.c.status),
    (Col("assignee"), r.c.assignee),
    (Col("appointment_at", "instant"), r.c.appointment_at),
    (Col("onsite_due_at", "instant"), r.c.onsite_due_at),
    (Col("dispatched_at", "instant"), r.c.dispatched_at),
    (Col("arrived_at", "instant"), r.c.arrived_at),
    (Col("fix_due_at", "instant"), r.c.fix_due_at),
    (Col("repaired_at", "instant"), r.c.repaired_at),
    (Col("accepted_at", "instant"), r.c.accepted_at),
    (Col("closed_at", "instant"), r.c.closed_at),
    (Col("fee_yuan", "money"), _fee),
    (Col("settlement", nullable=False), r.c.settlement),
    (Col("settled_at", "instant"), r.c.settled_at),
    (Col("receipt_no"), r.c.receipt_no),
    (Col("cost_bearer"), r.c.cost_bearer),
    (Col("warranty_of"), _warranty_of.c.number),
    (Col("reported_by"), user.c.code),
    (Col("shift_id", "int"), r.c.shift_id),
)
TIME = r.c.reported_at
FILTERS = {
    "status": r.c.status.__eq__,
    "building": lambda code: unit.c.label.startswith(code + "-", autoescape=True),
}


def query():
    return (
        select(*labelled(FIELDS))
        .select_from(
            r.outerjoin(unit, unit.c.id == r.c.unit_id)
            .outerjoin(repair_category, repair_category.c.code == r.c.category_code)
            .outerjoin(_warranty_of, _warranty_of.c.id == r.c.warranty_of_id)
            .outerjoin(user, user.c.id == r.c.reported_by)
        )
        .order_by(r.c.reported_at, r.c.id)
    )
