"""Residents created in bulk (an import) are the same rows and audit events as one by one."""

import pytest
from sqlalchemy import select

from deskterm.db import read_session, run_write
from deskterm.errors import InvalidInput, NotFound
from deskterm.models.audit import AuditEvent
from deskterm.models.estate import Building, Resident, ResidentCreate, Unit
from deskterm.services import audit
from deskterm.services.estate.residents import (
    CheckedResident,
    NewResident,
    create_resident,
    create_residents,
    resident_row,
)


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
    return [
        ResidentCreate(name="张  建国", unit_id=unit_id, relation="owner", phone="139 1234 5678"),
        ResidentCreate(name="欧阳娜娜", unit_id=unit_id, relation="family"),
        ResidentCreate(name="张建国", unit_id=None, relation="tenant", note=" 常出差 "),
    ]


def _rows_and_events(engine, ids):
    with read_session(engine) as session:
        rows = [session.get(Resident, i) for i in ids]
        events = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.action == "resident.create")
                .order_by(AuditEvent.seq)
            )
            .scalars()
            .all()
        )
        keep = [
            (
                r.name,
                r.unit_id,
                r.relation,
                r.phone,
                r.note,
                r.name_pinyin,
                r.name_initials,
                r.name_after_1,
                r.name_after_2,
                r.active,
            )
            for r in rows
        ]
        return keep, [(e.user_id, e.entity, e.detail) for e in events], audit.verify(session)


def test_bulk_gives_the_rows_and_events_of_one_by_one(engine, clock, staff):
    unit_id = _unit(engine)
    ids = run_write(
        engine,
        lambda s: create_residents(
            session=s, actor=staff.admin, clock=clock, residents_in=_people(unit_id)
        ),
    )
    bulk_rows, bulk_events, verified = _rows_and_events(engine, ids)
    assert verified.ok, verified.problem
    assert len(ids) == 3 and ids == sorted(ids)
    assert bulk_rows[0][:4] == ("张 建国", unit_id, "owner", "13912345678")
    assert bulk_rows[0][5:9] == ("zhangjianguo", "zjg", " 建国", "建国")
    assert bulk_rows[1][7:9] == ("阳娜娜", "娜娜")
    assert bulk_rows[2][4] == "常出差"

    single = []
    for person in _people(unit_id):
        single.append(
            run_write(
                engine,
                lambda s, p=person: (
                    create_resident(session=s, actor=staff.admin, clock=clock, resident_in=p).id
                ),
            )
        )
    single_rows, all_events, verified = _rows_and_events(engine, single)
    assert verified.ok, verified.problem
    assert single_rows == bulk_rows
    assert all_events[3:] == bulk_events  # same user, entity, detail, in the same order
    with read_session(engine) as session:
        ids_audited = (
            session.execute(
                select(AuditEvent.entity_id)
                .where(AuditEvent.action == "resident.create")
                .order_by(AuditEvent.seq)
            )
            .scalars()
            .all()
        )
    assert ids_audited == [str(i) for i in ids + single]


def test_bulk_refuses_a_bad_row_and_writes_nothing(engine, clock, staff):
    unit_id = _unit(engine)
    people = _people(unit_id) + [ResidentCreate(name="李四", unit_id=unit_id, relation="cousin")]
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: create_residents(
                session=s, actor=staff.admin, clock=clock, residents_in=people
            ),
        )
    with pytest.raises(NotFound):
        run_write(
            engine,
            lambda s: create_residents(
                session=s,
                actor=staff.admin,
                clock=clock,
                residents_in=[ResidentCreate(name="李四", unit_id=unit_id + 99)],
            ),
        )
    with read_session(engine) as session:
        assert session.execute(select(Resident.id)).first() is None
        assert audit.verify(session).ok


def test_bulk_refuses_what_its_columns_cannot_hold(engine, clock, staff):
    """The flush-time guard (models/guard.py) does not see a bulk insert: the same limits hold."""
    unit_id = _unit(engine)
    for bad, field in (
        (NewResident("张\x00三", unit_id), "name"),  # (a ResidentCreate refuses it itself)
        (NewResident("李四", unit_id, note="备" * 501), "note"),  # no model checked it
        (NewResident("庄" * 65, unit_id), "name"),
    ):  # the name column: 64
        with pytest.raises(InvalidInput) as refused:
            run_write(
                engine,
                lambda s, b=bad: create_residents(
                    session=s, actor=staff.admin, clock=clock, residents_in=[*_people(unit_id), b]
                ),
            )
        assert refused.value.field == field
    with read_session(engine) as session:
        assert session.execute(select(Resident.id)).first() is None
        assert audit.verify(session).ok


def test_a_long_name_is_saved_with_its_search_keys_cut_to_their_columns(engine, clock, staff):
    """50 characters is a legal name whose full pinyin (300 letters) outgrows name_pinyin:
    the key is cut, the resident is saved and found by what anyone would type."""
    unit_id = _unit(engine)
    (rid,) = run_write(
        engine,
        lambda s: create_residents(
            session=s,
            actor=staff.admin,
            clock=clock,
            residents_in=[NewResident("庄" * 50, unit_id)],
        ),
    )
    with read_session(engine) as session:
        row = session.get(Resident, rid)
        assert row.name == "庄" * 50
        assert row.name_pinyin == ("zhuang" * 50)[:256] and row.name_initials == "z" * 50


def test_bulk_ids_follow_the_table_across_batches(engine, clock, staff):
    """Ids are reserved before the insert (SQLite: after the largest; PostgreSQL: from the id
    sequence), so rows inserted one by one before and after get ids of their own."""
    from deskterm.services.estate import residents

    unit_id = _unit(engine)
    first = run_write(
        engine,
        lambda s: (
            create_resident(
                session=s, actor=staff.admin, clock=clock, resident_in=_people(unit_id)[0]
            ).id
        ),
    )
    people = [NewResident(f"住户{n}", unit_id, "family") for n in range(residents.BATCH + 5)]
    progress = []
    ids = run_write(
        engine,
        lambda s: create_residents(
            session=s,
            actor=staff.admin,
            clock=clock,
            residents_in=people,
            progress=lambda *told: progress.append(told),
        ),
    )
    last = run_write(
        engine,
        lambda s: (
            create_resident(
                session=s, actor=staff.admin, clock=clock, resident_in=_people(unit_id)[1]
            ).id
        ),
    )
    total = residents.BATCH + 5
    assert progress == [("Writing", residents.BATCH, total), ("Writing", total, total)]
    assert ids == sorted(ids) and len(set(ids)) == len(people) and first < ids[0] and ids[-1] < last
    with read_session(engine) as session:
        stored = dict(
            session.execute(select(Resident.id, Resident.name).where(Resident.id.in_(ids))).all()
        )
        assert [stored[i] for i in ids] == [p.name for p in people]
        audited = (
            session.execute(
                select(AuditEvent.entity_id)
                .where(AuditEvent.action == "resident.create")
                .order_by(AuditEvent.seq)
            )
            .scalars()
            .all()
        )
        assert audited == [str(i) for i in [first, *ids, last]]
        assert audit.verify(session).ok


def test_a_checked_row_is_written_as_it_was_checked(engine, clock, staff):
    unit_id = _unit(engine)
    row = resident_row(NewResident("欧阳  娜娜", None, "tenant", "+86 139-0000-1111", " 新搬来 "))
    assert row == CheckedResident(
        "欧阳 娜娜",
        None,
        "tenant",
        "+8613900001111",
        "新搬来",
        "ouyangnana",
        "oynn",
        "阳 娜娜",
        " 娜娜",
    )
    (rid,) = run_write(
        engine,
        lambda s: create_residents(
            session=s, actor=staff.admin, clock=clock, residents_in=[row._replace(unit_id=unit_id)]
        ),
    )
    with read_session(engine) as session:
        stored = session.get(Resident, rid)
        assert (stored.name, stored.unit_id, stored.phone, stored.name_pinyin, stored.active) == (
            "欧阳 娜娜",
            unit_id,
            "+8613900001111",
            "ouyangnana",
            True,
        )


def test_an_import_file_on_either_database(engine, clock, settings, staff, tmp_path):
    """import_file end to end on SQLite and PostgreSQL: units, residents in bulk, a company, a
    re-import that changes one row, a dry run; every event chained."""
    from deskterm.services.admin.importer import import_file

    def run(name, text, **options):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return run_write(
            engine,
            lambda s: import_file(
                session=s,
                actor=staff.admin,
                clock=clock,
                settings=settings,
                kind=name.split(".")[0],
                path=path,
                **options,
            ),
        )

    units = run(
        "units.csv",
        "楼栋,房号,楼层\n" + "".join(f"{b}栋,{f}01,{f}\n" for b in (1, 2) for f in range(1, 21)),
    )
    assert (units.rows, units.created, units.applied) == (40, 40, True)
    text = (
        "姓名,楼栋,房号,电话,身份,公司\n"
        + "".join(
            f"住户{n},{1 + n % 2}栋,{1 + n % 20}01,1390000{n:04d},家属,\n" for n in range(2100)
        )
        + "王经理,3,0101,,,星辰科技\n"
    )
    dry = run("residents.csv", text, dry_run=True)
    assert (dry.rows, dry.created, dry.applied, dry.extra) == (
        2101,
        2101,
        False,
        {"buildings_created": 1, "units_created": 1},
    )
    done = run("residents.csv", text)
    assert (done.created, done.applied, done.problems) == (2101, True, [])
    again = run(
        "residents.csv",
        text.replace("住户7,2栋,801,13900000007,家属", "住户7,2栋,801,13900000007,业主"),
    )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2100)
    with read_session(engine) as session:
        assert (
            session.execute(select(Resident.relation).where(Resident.name == "住户7")).scalar_one()
            == "owner"
        )
        assert len(session.execute(select(Resident.id)).all()) == 2100
        assert (
            session.execute(
                select(Resident.name_initials).where(Resident.name == "住户12")
            ).scalar_one()
            == "zh12"
        )
        assert audit.verify(session).ok
