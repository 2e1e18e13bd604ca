"""Messages taken for people who were out (留言, D-21, D-22). The sender's contact is theirs to
give, but it is personal data: masked unless asked for."""

from __future__ import annotations

from sqlalchemy import select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import message as m
from deskterm.exports.tables import user

_taken = user.alias("taken")
_delivered = user.alias("delivered")

FIELDS = (
    (Col("id", "int", nullable=False), m.c.id),
    (Col("taken_at", "instant", nullable=False), m.c.taken_at),
    (Col("for_kind", nullable=False), m.c.for_kind),
    (Col("for_name", nullable=False), m.c.for_name),
    (Col("from_name", nullable=False), m.c.from_name),
    (Col("from_contact", "phone"), m.c.from_contact),
    (Col("text", nullable=False), m.c.text),
    (Col("inquiry_id", "int"), m.c.inquiry_id),
    (Col("taken_by"), _taken.c.code),
    (Col("delivered_at", "instant"), m.c.delivered_at),
    (Col("delivered_by"), _delivered.c.code),
    (Col("delivered_how"), m.c.delivered_how),
)
TIME = m.c.taken_at


def query():
    return (
        select(*labelled(FIELDS))
        .select_from(
            m.outerjoin(_taken, _taken.c.id == m.c.taken_by).outerjoin(
                _delivered, _delivered.c.id == m.c.delivered_by
            )
        )
        .order_by(m.c.taken_at, m.c.id)
    )
