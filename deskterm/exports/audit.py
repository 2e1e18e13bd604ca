"""The audit trail, in chain order, with each event's hashes (so a copy can be checked)."""

from __future__ import annotations

from sqlalchemy import select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import audit_event as a
from deskterm.exports.tables import user

FIELDS = (
    (Col("seq", "int", nullable=False), a.c.seq),
    (Col("at", "instant", nullable=False), a.c.at),
    (Col("user"), user.c.code),
    (Col("action", nullable=False), a.c.action),
    (Col("entity", nullable=False), a.c.entity),
    (Col("entity_id"), a.c.entity_id),
    (Col("detail", "json", nullable=False), a.c.detail),
    (Col("record_digest"), a.c.record_digest),
    (Col("prev_hash", nullable=False), a.c.prev_hash),
    (Col("hash", nullable=False), a.c.hash),
)
TIME = a.c.at
FILTERS = {
    # an action, or every action of a kind: "resident" is resident.create, resident.update ...
    "action": lambda name: (
        (a.c.action == name) | a.c.action.startswith(name + ".", autoescape=True)
    ),
    "user": user.c.code.__eq__,
}


def query():
    return (
        select(*labelled(FIELDS))
        .select_from(a.outerjoin(user, user.c.id == a.c.user_id))
        .order_by(a.c.seq)
    )
