"""Inquiries (D-20 to D-27) with how many times the desk tried to reach the person asked for.
No phone number is ever stored in an inquiry (D-21)."""

from __future__ import annotations

from sqlalchemy import func, select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import contact_attempt, user
from deskterm.exports.tables import inquiry as q

_later = contact_attempt.alias("later")
_attempts = (  # the tries as they stand: a corrected try counts once, as corrected
    select(func.count())
    .where(
        contact_attempt.c.inquiry_id == q.c.id,
        ~select(_later.c.id).where(_later.c.corrects_id == contact_attempt.c.id).exists(),
    )
    .scalar_subquery()
)

FIELDS = (
    (Col("id", "int", nullable=False), q.c.id),
    (Col("at", "instant", nullable=False), q.c.at),
    (Col("channel", nullable=False), q.c.channel),
    (Col("inquirer", nullable=False), q.c.inquirer),
    (Col("topic", nullable=False), q.c.topic),
    (Col("target_kind"), q.c.target_kind),
    (Col("target_text", nullable=False), q.c.target_text),
    (Col("outcome"), q.c.outcome),
    (Col("contact_attempts", "int"), _attempts),
    (Col("taken_by"), user.c.code),
    (Col("shift_id", "int"), q.c.shift_id),
)
TIME = q.c.at


def query():
    return (
        select(*labelled(FIELDS))
        .select_from(q.outerjoin(user, user.c.id == q.c.user_id))
        .order_by(q.c.at, q.c.id)
    )
