"""The duty logbook (D-10): append-only entries; a correction points at the entry it corrects."""

from __future__ import annotations

from sqlalchemy import select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import logbook_entry as e
from deskterm.exports.tables import user

FIELDS = (
    (Col("id", "int", nullable=False), e.c.id),
    (Col("occurred_at", "instant", nullable=False), e.c.occurred_at),
    (Col("recorded_at", "instant", nullable=False), e.c.recorded_at),
    (Col("category", nullable=False), e.c.category),
    (Col("location", nullable=False), e.c.location),
    (Col("what", nullable=False), e.c.what),
    (Col("action_taken", nullable=False), e.c.action_taken),
    (Col("notified", nullable=False), e.c.notified),
    (Col("abnormal", "bool", nullable=False), e.c.abnormal),
    (Col("corrects_id", "int"), e.c.corrects_id),
    (Col("recorded_by"), user.c.code),
    (Col("shift_id", "int"), e.c.shift_id),
)
TIME = e.c.occurred_at


def query():
    return (
        select(*labelled(FIELDS))
        .select_from(e.outerjoin(user, user.c.id == e.c.user_id))
        .order_by(e.c.occurred_at, e.c.id)
    )
