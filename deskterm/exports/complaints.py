"""Complaints (D-41, D-42, D-44) with their handling and reply. The complainant's contact is
masked unless personal data is asked for."""

from __future__ import annotations

from sqlalchemy import select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import complaint as c
from deskterm.exports.tables import unit, user

_received = user.alias("received")
_signed = user.alias("signed")

FIELDS = (
    (Col("number", nullable=False), c.c.number),
    (Col("received_at", "instant", nullable=False), c.c.received_at),
    (Col("channel", nullable=False), c.c.channel),
    (Col("who_kind", nullable=False), c.c.who_kind),
    (Col("who_name", nullable=False), c.c.who_name),
    (Col("unit"), unit.c.label),
    (Col("contact", "phone"), c.c.contact),
    (Col("category", nullable=False), c.c.category),
    (Col("severity", nullable=False), c.c.severity),
    (Col("valid", "bool"), c.c.valid),
    (Col("content", nullable=False), c.c.content),
    (Col("status", nullable=False), c.c.status),
    (Col("department", nullable=False), c.c.department),
    (Col("referred_to"), c.c.referred_to),
    (Col("reply_due_at", "instant"), c.c.reply_due_at),
    (Col("replied_at", "instant"), c.c.replied_at),
    (Col("answer"), c.c.answer),
    (Col("answer_how"), c.c.answer_how),
    (Col("closed_at", "instant"), c.c.closed_at),
    (Col("received_by"), _received.c.code),
    (Col("signed_off_by"), _signed.c.code),
    (Col("signed_off_at", "instant"), c.c.signed_off_at),
    (Col("shift_id", "int"), c.c.shift_id),
)
TIME = c.c.received_at
FILTERS = {
    "status": c.c.status.__eq__,
    "building": lambda code: unit.c.label.startswith(code + "-", autoescape=True),
}


def query():
    return (
        select(*labelled(FIELDS))
        .select_from(
            c.outerjoin(unit, unit.c.id == c.c.unit_id)
            .outerjoin(_received, _received.c.id == c.c.received_by)
            .outerjoin(_signed, _signed.c.id == c.c.signed_off_by)
        )
        .order_by(c.c.received_at, c.c.id)
    )
