"""Visitor slips (D-4 to D-8). The document number is stored masked already; the visitor's
phone is masked unless personal data is asked for."""

from __future__ import annotations

from sqlalchemy import select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import unit, user
from deskterm.exports.tables import visitor_slip as v

_in = user.alias("checked_in")
_out = user.alias("checked_out")

FIELDS = (
    (Col("number", nullable=False), v.c.number),
    (Col("checked_in_at", "instant", nullable=False), v.c.checked_in_at),
    (Col("checked_out_at", "instant"), v.c.checked_out_at),
    (Col("status", nullable=False), v.c.status),
    (Col("visitor_name", nullable=False), v.c.visitor_name),
    (Col("headcount", "int", nullable=False), v.c.headcount),
    (Col("doc_type", nullable=False), v.c.doc_type),
    (Col("doc_masked"), v.c.doc_masked),
    (Col("phone", "phone"), v.c.phone),
    (Col("host_unit"), unit.c.label),
    (Col("host_text", nullable=False), v.c.host_text),
    (Col("purpose", nullable=False), v.c.purpose),
    (Col("purpose_text", nullable=False), v.c.purpose_text),
    (Col("plate"), v.c.plate),
    (Col("host_call_method"), v.c.host_call_method),
    (Col("host_call_result"), v.c.host_call_result),
    (Col("slip_returned", "bool"), v.c.slip_returned),
    (Col("checked_in_by"), _in.c.code),
    (Col("checked_out_by"), _out.c.code),
    (Col("shift_id", "int"), v.c.shift_id),
)
TIME = v.c.checked_in_at
FILTERS = {
    "status": v.c.status.__eq__,
    "building": lambda code: unit.c.label.startswith(code + "-", autoescape=True),
}


def query():
    return (
        select(*labelled(FIELDS))
        .select_from(
            v.outerjoin(unit, unit.c.id == v.c.host_unit_id)
            .outerjoin(_in, _in.c.id == v.c.checked_in_by)
            .outerjoin(_out, _out.c.id == v.c.checked_out_by)
        )
        .order_by(v.c.checked_in_at, v.c.id)
    )
