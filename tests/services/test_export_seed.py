"""Records for the export, report and import tests, written straight through the models.

The export and report code reads tables, not services, so these helpers add rows with the
models' own defaults (as the services would store them) and keep the tests independent of
how each desk screen's service evolves.
"""

from __future__ import annotations

from datetime import UTC, datetime

from deskterm.db import run_write

T0 = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai


def add(engine, *rows):
    """Insert model instances in one transaction; returns their ids."""

    def work(session):
        for row in rows:
            session.add(row)
        session.flush()
        return [getattr(r, "id", None) for r in rows]

    return run_write(engine, work)


def estate(engine):
    """Building 12 with units 12-0101 and 12-1203; returns {label: unit id}."""
    from deskterm.models.estate import Building, Unit

    (bid,) = add(engine, Building(code="12", name="12栋"))
    ids = add(
        engine,
        Unit(building_id=bid, number="0101", label="12-0101", floor=1),
        Unit(building_id=bid, number="1203", label="12-1203", floor=12),
    )
    return {"12-0101": ids[0], "12-1203": ids[1]}


def slip(number, user_id, at=T0, **values):
    from deskterm.models.visitor import VisitorSlip

    fields = dict(
        visitor_name="张伟",
        headcount=1,
        doc_type="resident_id",
        doc_masked="resident_id ****1234",
        host_text="王芳 12-1203",
        purpose="visit",
        purpose_text="",
        number=number,
        checked_in_at=at,
        checked_in_by=user_id,
    )
    fields.update(values)
    return VisitorSlip(**fields)


def test_seed_helpers_write_rows(engine, staff):
    units = estate(engine)
    add(engine, slip("V20261128-0001", staff.operator.user_id, host_unit_id=units["12-1203"]))
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT status, host_unit_id FROM visitor_slip WHERE number = 'V20261128-0001'"
        ).one()
    assert tuple(row) == ("on_site", units["12-1203"])
