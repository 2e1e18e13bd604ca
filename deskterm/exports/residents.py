"""Residents, in the residents import's own columns (services/admin/sheets.py), so that an
export edited in Excel imports back changing exactly what was edited. The unit column holds
the label without its building ("1203", or "2-1203" with a section), as the import reads it.
The phone is masked unless personal data is asked for; a masked phone imports as unchanged."""

from __future__ import annotations

from sqlalchemy import func, select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import building as b
from deskterm.exports.tables import resident as p
from deskterm.exports.tables import unit as u

FIELDS = (
    (Col("name", nullable=False), p.c.name),
    (Col("building"), b.c.code),
    (Col("unit"), func.substr(u.c.label, func.length(b.c.code) + 2)),
    (Col("phone", "phone"), p.c.phone),
    (Col("relation", nullable=False), p.c.relation),
    (Col("note"), p.c.note),
)
TIME = None
BASE = p
FILTERS = {"building": b.c.code.__eq__}
IMPORT_KIND = "residents"


def query():
    return (
        select(*labelled(FIELDS))
        .select_from(p.outerjoin(u, u.c.id == p.c.unit_id).outerjoin(b, b.c.id == u.c.building_id))
        .where(p.c.active.is_(True))
        .order_by(b.c.code, u.c.label, p.c.id)
    )
