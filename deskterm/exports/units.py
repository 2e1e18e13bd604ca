"""Units with their buildings, in the units import's own columns (round trip, see residents)."""

from __future__ import annotations

from sqlalchemy import func, select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import building as b
from deskterm.exports.tables import unit as u

FIELDS = (
    (Col("building"), b.c.code),
    (Col("building_name"), b.c.name),
    (Col("unit"), func.substr(u.c.label, func.length(b.c.code) + 2)),
    (Col("floor", "int"), u.c.floor),
    (Col("kind"), b.c.kind),
)
TIME = None
BASE = u
FILTERS = {"building": b.c.code.__eq__}
IMPORT_KIND = "units"


def query():
    return (
        select(*labelled(FIELDS))
        .select_from(u.join(b, b.c.id == u.c.building_id))
        .order_by(b.c.code, u.c.label)
    )
