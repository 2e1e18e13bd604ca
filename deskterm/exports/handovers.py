"""The handover book (D-2, D-11): who handed over, who accepted or refused, and what was open."""

from __future__ import annotations

from sqlalchemy import select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import handover as h
from deskterm.exports.tables import user

_out = user.alias("outgoing")
_in = user.alias("incoming")

FIELDS = (
    (Col("id", "int", nullable=False), h.c.id),
    (Col("post", nullable=False), h.c.post),
    (Col("shift_id", "int", nullable=False), h.c.shift_id),
    (Col("outgoing"), _out.c.code),
    (Col("created_at", "instant", nullable=False), h.c.created_at),
    (Col("signed_at", "instant"), h.c.signed_at),
    (Col("status", nullable=False), h.c.status),
    (Col("incoming"), _in.c.code),
    (Col("answered_at", "instant"), h.c.answered_at),
    (Col("notices", nullable=False), h.c.notices),
    (Col("refusal_reason"), h.c.refusal_reason),
    (Col("open_items", "json", nullable=False), h.c.open_items),
    (Col("physical_items", "json", nullable=False), h.c.physical_items),
)
TIME = h.c.created_at
FILTERS = {"status": h.c.status.__eq__}


def query():
    return (
        select(*labelled(FIELDS))
        .select_from(
            h.outerjoin(_out, _out.c.id == h.c.outgoing_user_id).outerjoin(
                _in, _in.c.id == h.c.incoming_user_id
            )
        )
        .order_by(h.c.created_at, h.c.id)
    )
