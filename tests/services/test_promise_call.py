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
from tests.inquiry_fixtures import seed_estate


@pytest.fixture
def estate(engine, clock, staff):
    return seed_estate(engine, clock, staff.admin)


def promise(engine, clock, staff, asked_by: str, contact: str = "回电") -> int:
    return run_write(engine, lambda s: promises.make_promise(
        session=s, actor=staff.operator, clock=clock, promise_in=PromisedReplyCreate(
            question="停水几点恢复", asked_by=asked_by, contact=contact,
            due_at=clock.now() + timedelta(hours=2)))).id


def asker(engine, promise_id):
    return run_read(engine, lambda s: promises.asker_on_record(s, promise_id=promise_id))


@pytest.mark.parametrize("asked_by, contact, name", [
    ("12-1203 张三", "回电", "张三"),
    ("张建国 12-1203", "回电", "张建国"),
    ("12-1204业主", "回电", "李四"),           # the unit's one owner
    ("3-502", "回电", "欧阳娜娜"),              # the unit alone: its one owner
    ("业主", "3-1203", "王建国"),               # the unit in "reach them"
    ("A-1203 杭州康宁制药有限公司", "", "杭州康宁制药有限公司"),
])
def test_who_asked_is_found_on_record(engine, clock, staff, estate, asked_by, contact, name):
    found = asker(engine, promise(engine, clock, staff, asked_by, contact or "回电"))
    assert found is not None and found.name == name


@pytest.mark.parametrize("asked_by", ["王先生", "12-1205 业主", "12-1203 王五", "99-9999 张三",
                                      "12-1203 家属"])
def test_nobody_or_a_guess_is_none(engine, clock, staff, estate, asked_by):
    assert asker(engine, promise(engine, clock, staff, asked_by)) is None


def test_the_number_is_revealed_with_a_reason_and_audited(engine, clock, staff, estate):
    promise_id = promise(engine, clock, staff, "12-1203 张三")

    def reveal(reason, actor=staff.operator):
        return run_write(engine, lambda s: promises.reveal_asker_phone(
            session=s, actor=actor, clock=clock, promise_id=promise_id, reason=reason))

    with pytest.raises(InvalidInput) as no_reason:
        reveal("  ")
    assert no_reason.value.field == "reason"
    assert reveal("回电告知停水恢复时间") == "13912340001"
    (event,) = run_read(engine, lambda s: list(s.exec(select(AuditEvent).where(
        AuditEvent.action == "resident.reveal_phone"))))
    assert event.entity_id == str(estate.residents["张三"])
    assert event.user_id == staff.operator.user_id
    assert event.detail["reason"] == "回电告知停水恢复时间" and "0001" not in str(event.detail)


def test_nobody_on_record_is_a_sentence_and_nothing_is_audited(engine, clock, staff, estate):
    promise_id = promise(engine, clock, staff, "王先生", "13600002222")
    with pytest.raises(NotFound) as nobody:
        run_write(engine, lambda s: promises.reveal_asker_phone(
            session=s, actor=staff.operator, clock=clock, promise_id=promise_id, reason="回电"))
    assert "contact they gave" in str(nobody.value)
    assert run_read(engine, lambda s: list(s.exec(select(AuditEvent).where(
        AuditEvent.action.like("%.reveal_phone"))))) == []


def test_the_reveal_is_checked_in_the_service(engine, clock, staff, estate, monkeypatch):
    from deskterm.models.user import Role
    from deskterm.services import permissions

    promise_id = promise(engine, clock, staff, "12-1203 张三")
    monkeypatch.setitem(permissions.POLICY, "residents.reveal_phone", frozenset({Role.admin}))
    with pytest.raises(PermissionDenied):
        run_write(engine, lambda s: promises.reveal_asker_phone(
            session=s, actor=staff.operator, clock=clock, promise_id=promise_id, reason="回电"))
