"""Residents: created with their search keys; a phone revealed only on purpose, audited with
who and why, and the number given only to the caller (D-21)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, NotFound
from deskterm.models.audit import AuditEvent
from deskterm.models.estate import Resident, ResidentCreate
from deskterm.services.estate import residents
from tests.factories import PHONES, seed_estate


@pytest.fixture
def estate(engine, clock, staff):
    return seed_estate(engine, clock, staff.admin)


def test_create_resident_fills_the_search_keys(engine, clock, staff, estate):
    made = run_write(
        engine,
        lambda s: residents.create_resident(
            session=s,
            actor=staff.admin,
            clock=clock,
            resident_in=ResidentCreate(
                name="  欧阳 建国 ",
                unit_id=estate.units["3-502"],
                phone="+86 139-0000-1234",
                relation="family",
            ),
        ),
    )
    row = run_read(engine, lambda s: s.get(Resident, made.id))
    assert (row.name, row.name_pinyin, row.name_initials) == ("欧阳 建国", "ouyangjianguo", "oyjg")
    assert (row.name_after_1, row.name_after_2) == ("阳 建国", " 建国")
    assert row.phone == "+8613900001234"
    event = run_read(
        engine,
        lambda s: s.exec(
            select(AuditEvent).where(
                AuditEvent.action == "resident.create", AuditEvent.entity_id == str(made.id)
            )
        ).one(),
    )
    assert "1234" not in repr(event.detail) and event.record_digest is None


def test_bad_residents_are_refused(engine, clock, staff, estate):
    for values, field in (
        ({"name": ""}, "name"),
        ({"name": "x", "relation": "boss"}, "relation"),
        ({"name": "x", "phone": "12"}, "phone"),
    ):
        with pytest.raises(InvalidInput) as err:
            run_write(
                engine,
                lambda s, v=values: residents.create_resident(
                    session=s, actor=staff.admin, clock=clock, resident_in=ResidentCreate(**v)
                ),
            )
        assert err.value.field == field
    with pytest.raises(NotFound):
        run_write(
            engine,
            lambda s: residents.create_resident(
                session=s,
                actor=staff.admin,
                clock=clock,
                resident_in=ResidentCreate(name="x", unit_id=99999),
            ),
        )


def test_the_card_shows_the_phone_masked(engine, staff, estate):
    card = run_read(
        engine,
        lambda s: residents.person_card(
            session=s, actor=staff.operator, kind="resident", person_id=estate.residents["张三"]
        ),
    )
    assert (card.name, card.place, card.phone_masked, card.has_phone) == (
        "张三",
        "12-1203",
        "139****0001",
        True,
    )
    assert not any(p in repr(card) for p in PHONES)


def test_reveal_returns_the_number_and_audits_who_and_why(engine, clock, staff, estate):
    number = run_write(
        engine,
        lambda s: residents.reveal_phone(
            session=s,
            actor=staff.operator,
            clock=clock,
            kind="resident",
            person_id=estate.residents["张三"],
            reason="  ring them to transfer a call ",
            inquiry_id=7,
        ),
    )
    assert number == "13912340001"
    event = run_read(
        engine,
        lambda s: s.exec(
            select(AuditEvent).where(AuditEvent.action == "resident.reveal_phone")
        ).one(),
    )
    assert (event.user_id, event.entity, event.entity_id) == (
        staff.operator.user_id,
        "resident",
        str(estate.residents["张三"]),
    )
    assert event.detail == {"reason": "ring them to transfer a call", "inquiry_id": 7}
    assert "13912340001" not in repr(event.detail)


def test_a_company_phone_is_revealed_the_same_way(engine, clock, staff, estate):
    number = run_write(
        engine,
        lambda s: residents.reveal_phone(
            session=s,
            actor=staff.operator,
            clock=clock,
            kind="company",
            person_id=estate.companies["杭州康宁制药有限公司"],
            reason="转接来电",
        ),
    )
    assert number == "13912340008"


def test_no_reason_no_number_and_nothing_audited(engine, clock, staff, estate):
    for reason in ("", "   ", "x" * 201):
        with pytest.raises(InvalidInput) as err:
            run_write(
                engine,
                lambda s, r=reason: residents.reveal_phone(
                    session=s,
                    actor=staff.operator,
                    clock=clock,
                    kind="resident",
                    person_id=estate.residents["张三"],
                    reason=r,
                ),
            )
        assert err.value.field == "reason"
    with pytest.raises(NotFound, match="张帅"):
        run_write(
            engine,
            lambda s: residents.reveal_phone(
                session=s,
                actor=staff.operator,
                clock=clock,
                kind="resident",
                person_id=estate.residents["张帅"],
                reason="ring",
            ),
        )
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: residents.reveal_phone(
                session=s, actor=staff.operator, clock=clock, kind="staff", person_id=1, reason="x"
            ),
        )
    reveals = run_read(
        engine, lambda s: list(s.exec(select(AuditEvent).where(AuditEvent.action.like("%reveal%"))))
    )
    assert reveals == []


def test_fill_search_keys_for_bulk_loaded_rows(engine, clock, staff, estate):
    def bulk(session):
        session.add(Resident(name="刘德华"))

    run_write(engine, bulk)
    assert run_write(engine, lambda s: residents.fill_search_keys(session=s)) == 1
    row = run_read(
        engine, lambda s: s.exec(select(Resident).where(Resident.name == "刘德华")).one()
    )
    assert (row.name_pinyin, row.name_initials, row.name_after_1) == ("liudehua", "ldh", "德华")
