"""Calling back who asked for a promised reply is the desk's own call (D-21, D-25, issue 21):
the number on record of who asked (named by unit and name, or as the unit's owner) is given
with a reason, through the desk's one reveal, audited with who, whose and why, never the
number; nobody on record, or more than one, is a sentence, not a guess."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, NotFound, PermissionDenied
from deskterm.models.audit import AuditEvent
from deskterm.models.inquiry import PromisedReplyCreate
from deskterm.services.inquiries import promises
from tests.factories import seed_estate


@pytest.fixture
def estate(engine, clock, staff):
    return seed_estate(engine, clock, staff.admin)


def promise(engine, clock, staff, asked_by: str, contact: str = "回电") -> int:
    return run_write(
        engine,
        lambda s: promises.make_promise(
            session=s,
            actor=staff.operator,
            clock=clock,
            promise_in=PromisedReplyCreate(
                question="停水几点恢复",
                asked_by=asked_by,
                contact=contact,
                due_at=clock.now() + timedelta(hours=2),
            ),
        ),
    ).id


def asker(engine, promise_id):
    return run_read(engine, lambda s: promises.asker_on_record(s, promise_id=promise_id))


@pytest.mark.parametrize(
    "asked_by, contact, name",
    [
        ("12-1203 张三", "回电", "张三"),
        ("张建国 12-1203", "回电", "张建国"),
        ("12-1204业主", "回电", "李四"),  # says they are the unit's one owner
        ("owner of 12-1204", "回电", "李四"),
        ("业主", "3-1203", "王建国"),  # the owner, the unit in "reach them"
        ("A-1203 杭州康宁制药有限公司", "", "杭州康宁制药有限公司"),
        # Issue 21 #1 (outside test): the name asked, the unit to reach them (李平俊/10-1304
        # found nobody: the two fields were never read together).
        ("李四", "12-1204", "李四"),
        # 林静洁 (family at 9-102) asked: her own number, never the owner's.
        ("张建国", "12-1203", "张建国"),
        ("周晓明", "13600002222", "周晓明"),  # no unit given: the one 周晓明 on record
    ],
)
def test_who_asked_is_found_on_record(engine, clock, staff, estate, asked_by, contact, name):
    found = asker(engine, promise(engine, clock, staff, asked_by, contact or "回电"))
    assert found is not None and found.name == name


@pytest.mark.parametrize(
    "asked_by, contact",
    [
        ("王先生", "回电"),
        ("12-1205 业主", "回电"),
        ("12-1203 王五", "回电"),
        ("99-9999 张三", "回电"),
        ("12-1203 家属", "回电"),
        # Issue 21 #1 (outside test): a bare unit in either field is not a person.
        ("3-502", "回电"),
        ("12-1203", "回电"),
        ("回电", "12-1203"),
        ("王五", "12-1203"),  # 张三/9-102: a name not on record offered the owner's number
        ("张", "12-1203"),  # 林/9-102: part of a name
        ("李四", "12-1203"),  # on record, but at another unit than the one given
        ("12-1203 张三", "12-1204"),  # two units: which one?
        ("业主", "回电"),  # the owner of no unit
        ("12-1203业主", "回电"),  # not one owner: 张三 is, but 12-1203 has a second below
    ],
)
def test_nobody_or_a_guess_is_none(engine, clock, staff, estate, asked_by, contact):
    if asked_by == "12-1203业主":  # a second owner of 12-1203 makes "the owner" nobody
        from deskterm.models.estate import ResidentCreate
        from deskterm.services.estate.residents import create_resident

        run_write(
            engine,
            lambda s: create_resident(
                session=s,
                actor=staff.admin,
                clock=clock,
                resident_in=ResidentCreate(
                    name="张太太",
                    unit_id=estate.units["12-1203"],
                    relation="owner",
                    phone="13912349999",
                ),
            ),
        )
    assert asker(engine, promise(engine, clock, staff, asked_by, contact)) is None


def test_the_number_is_revealed_with_a_reason_and_audited(engine, clock, staff, estate):
    promise_id = promise(engine, clock, staff, "12-1203 张三")

    def reveal(reason, actor=staff.operator):
        return run_write(
            engine,
            lambda s: promises.reveal_asker_phone(
                session=s, actor=actor, clock=clock, promise_id=promise_id, reason=reason
            ),
        )

    with pytest.raises(InvalidInput) as no_reason:
        reveal("  ")
    assert no_reason.value.field == "reason"
    assert reveal("回电告知停水恢复时间") == "13912340001"
    (event,) = run_read(
        engine,
        lambda s: list(
            s.exec(select(AuditEvent).where(AuditEvent.action == "resident.reveal_phone"))
        ),
    )
    assert event.entity_id == str(estate.residents["张三"])
    assert event.user_id == staff.operator.user_id
    assert event.detail["reason"] == "回电告知停水恢复时间" and "0001" not in str(event.detail)


def test_nobody_on_record_is_a_sentence_and_nothing_is_audited(engine, clock, staff, estate):
    promise_id = promise(engine, clock, staff, "王先生", "13600002222")
    with pytest.raises(NotFound) as nobody:
        run_write(
            engine,
            lambda s: promises.reveal_asker_phone(
                session=s, actor=staff.operator, clock=clock, promise_id=promise_id, reason="回电"
            ),
        )
    assert "contact they gave" in str(nobody.value)
    assert (
        run_read(
            engine,
            lambda s: list(
                s.exec(select(AuditEvent).where(AuditEvent.action.like("%.reveal_phone")))
            ),
        )
        == []
    )


def test_the_reveal_is_checked_in_the_service(engine, clock, staff, estate, monkeypatch):
    from deskterm.models.user import Role
    from deskterm.services import permissions

    promise_id = promise(engine, clock, staff, "12-1203 张三")
    monkeypatch.setitem(permissions.POLICY, "residents.reveal_phone", frozenset({Role.admin}))
    with pytest.raises(PermissionDenied):
        run_write(
            engine,
            lambda s: promises.reveal_asker_phone(
                session=s, actor=staff.operator, clock=clock, promise_id=promise_id, reason="回电"
            ),
        )
