"""Residents created in bulk (an import) are the same rows and audit events as one by one."""

import pytest
from sqlalchemy import select

from deskterm.db import read_session, run_write
from deskterm.errors import InvalidInput, NotFound
from deskterm.models.audit import AuditEvent
from deskterm.models.estate import Building, Resident, ResidentCreate, Unit
from deskterm.services import audit
from deskterm.services.residents import create_resident, create_residents


def _unit(engine, label="3-1203"):
    def work(session):
        building = Building(code=label.split("-")[0], name="3栋")
        session.add(building)
        session.flush()
        unit = Unit(building_id=building.id, number=label.split("-")[1], label=label, floor=12)
        session.add(unit)
        session.flush()
        return unit.id
    return run_write(engine, work)


def _people(unit_id):
    return [ResidentCreate(name="张  建国", unit_id=unit_id, relation="owner", phone="139 1234 5678"),
            ResidentCreate(name="欧阳娜娜", unit_id=unit_id, relation="family"),
            ResidentCreate(name="张建国", unit_id=None, relation="tenant", note=" 常出差 ")]


def _rows_and_events(engine, ids):
    with read_session(engine) as session:
        rows = [session.get(Resident, i) for i in ids]
        events = session.execute(select(AuditEvent).where(AuditEvent.action == "resident.create")
                                 .order_by(AuditEvent.seq)).scalars().all()
        keep = [(r.name, r.unit_id, r.relation, r.phone, r.note, r.name_pinyin, r.name_initials,
                 r.name_after_1, r.name_after_2, r.active) for r in rows]
        return keep, [(e.user_id, e.entity, e.detail) for e in events], audit.verify(session)


def test_bulk_gives_the_rows_and_events_of_one_by_one(engine, clock, staff):
    unit_id = _unit(engine)
    ids = run_write(engine, lambda s: create_residents(
        session=s, actor=staff.admin, clock=clock, residents_in=_people(unit_id)))
    bulk_rows, bulk_events, verified = _rows_and_events(engine, ids)
    assert verified.ok, verified.problem
    assert len(ids) == 3 and ids == sorted(ids)
    assert bulk_rows[0][:4] == ("张 建国", unit_id, "owner", "13912345678")
    assert bulk_rows[0][5:9] == ("zhangjianguo", "zjg", " 建国", "建国")
    assert bulk_rows[1][7:9] == ("阳娜娜", "娜娜")
    assert bulk_rows[2][4] == "常出差"

    single = []
    for person in _people(unit_id):
        single.append(run_write(engine, lambda s, p=person: create_resident(
            session=s, actor=staff.admin, clock=clock, resident_in=p).id))
    single_rows, all_events, verified = _rows_and_events(engine, single)
    assert verified.ok, verified.problem
    assert single_rows == bulk_rows
    assert all_events[3:] == bulk_events  # same user, entity, detail, in the same order
    with read_session(engine) as session:
        ids_audited = session.execute(select(AuditEvent.entity_id).where(
            AuditEvent.action == "resident.create").order_by(AuditEvent.seq)).scalars().all()
    assert ids_audited == [str(i) for i in ids + single]


def test_bulk_refuses_a_bad_row_and_writes_nothing(engine, clock, staff):
    unit_id = _unit(engine)
    people = _people(unit_id) + [ResidentCreate(name="李四", unit_id=unit_id, relation="cousin")]
    with pytest.raises(InvalidInput):
        run_write(engine, lambda s: create_residents(
            session=s, actor=staff.admin, clock=clock, residents_in=people))
    with pytest.raises(NotFound):
        run_write(engine, lambda s: create_residents(
            session=s, actor=staff.admin, clock=clock,
            residents_in=[ResidentCreate(name="李四", unit_id=unit_id + 99)]))
    with read_session(engine) as session:
        assert session.execute(select(Resident.id)).first() is None
        assert audit.verify(session).ok
