"""Residents and company tenants, in the residents import's own columns
(services/sheets.py), so that an export edited in Excel imports back changing exactly
what was edited. The `id` column is the row's key: a resident's id ("1366"), or a company's
prefixed with C ("C12"); the import updates that very record (name and unit included), so
two family members of one name in one flat stay two, and a moved-out resident (not exported)
is never matched. A company's row carries its name under `company` and its contact under
`name`. The unit column holds the label without its building ("1203", or "2-1203" with a
section), as the import reads it. The phone is masked unless personal data is asked for; a
masked phone imports as unchanged."""

from __future__ import annotations

from sqlalchemy import String, cast, func, literal_column, null, select, union_all

from deskterm.export import Col
from deskterm.exports.tables import building as b
from deskterm.exports.tables import company as c
from deskterm.exports.tables import resident as p
from deskterm.exports.tables import unit as u
from deskterm.services.sheets import COMPANY_KEY


def _rows():
    def place(select_, owner):
        return select_.select_from(
            owner.outerjoin(u, u.c.id == owner.c.unit_id).outerjoin(b, b.c.id == u.c.building_id)
        ).where(owner.c.active.is_(True))

    room = func.substr(u.c.label, func.length(b.c.code) + 2)
    people = place(
        select(
            cast(p.c.id, String).label("id"),
            p.c.name.label("name"),
            b.c.code.label("building"),
            room.label("unit"),
            p.c.phone.label("phone"),
            p.c.relation.label("relation"),
            cast(null(), String).label("company"),
            p.c.note.label("note"),
            u.c.label.label("label"),
            literal_column("0").label("side"),
            p.c.id.label("n"),
        ),
        p,
    )
    companies = place(
        select(
            (literal_column(f"'{COMPANY_KEY}'", String) + cast(c.c.id, String)).label("id"),
            c.c.contact_name.label("name"),
            b.c.code.label("building"),
            room.label("unit"),
            c.c.phone.label("phone"),
            cast(null(), String).label("relation"),
            c.c.name.label("company"),
            cast(null(), String).label("note"),
            u.c.label.label("label"),
            literal_column("1").label("side"),
            c.c.id.label("n"),
        ),
        c,
    )
    return union_all(people, companies).subquery("everyone")


ROWS = _rows()
r = ROWS.c
FIELDS = (
    (Col("id"), r.id),
    (Col("name"), r.name),
    (Col("building"), r.building),
    (Col("unit"), r.unit),
    (Col("phone", "phone"), r.phone),
    (Col("relation"), r.relation),
    (Col("company"), r.company),
    (Col("note"), r.note),
)
TIME = None
BASE = ROWS
FILTERS = {"building": r.building.__eq__}
IMPORT_KIND = "residents"


def query():
    return (
        select(*(expr.label(col.name) for col, expr in FIELDS))
        .select_from(ROWS)
        .order_by(r.building, r.label, r.side, r.n)
    )
