"""Promised replies (D-25): recorded with a deadline, listed until kept, answering records
what was said."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, StaleEdit
from deskterm.models.audit import AuditEvent
from deskterm.models.forms import validated
from deskterm.models.inquiry import Inquiry, InquiryCreate, InquiryOutcome, PromisedReplyCreate
from deskterm.services.inquiries import log as inquiries
from deskterm.services.inquiries import promises
from deskterm.services.inquiries.promises import PromiseState, parse_due, promise_state

TZ = "Asia/Shanghai"
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def local(day, hour, minute=0):
    from zoneinfo import ZoneInfo

    return datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo(TZ)).astimezone(UTC)


@pytest.mark.parametrize(
    "text, due",
    [
        ("16:00", local(28, 16)),
        ("今天16:30", local(28, 16, 30)),
        ("16点", local(28, 16)),
        ("tomorrow 10:00", local(29, 10)),
        ("明天 9:30", local(29, 9, 30)),
        ("明天10点", local(29, 10)),
        ("+2h", NOW + timedelta(hours=2)),
        ("+30m", NOW + timedelta(minutes=30)),
        ("+1d", NOW + timedelta(days=1)),
        ("+3小时", NOW + timedelta(hours=3)),
        ("11-30 9:00", local(30, 9)),
        ("2026-11-30 09:00", local(30, 9)),
    ],
)
def test_due_times_as_typed(text, due):
    assert parse_due(text, now=NOW, tz=TZ) == due


@pytest.mark.parametrize(
    "text, words",
    [
        ("09:00", "passed"),
        ("soon", "16:00"),
        ("25:00", "16:00"),
        ("+200d", "90"),
        ("02-30 10:00", "16:00"),
    ],
)
def test_bad_due_times_say_what_to_write(text, words):
    with pytest.raises(InvalidInput, match=words) as err:
        parse_due(text, now=NOW, tz=TZ)
    assert err.value.field == "due"


def test_states():
    assert promise_state(NOW - timedelta(minutes=1), None, NOW, TZ) is PromiseState.overdue
    assert promise_state(local(28, 23, 59), None, NOW, TZ) is PromiseState.due_today
    assert promise_state(local(29, 0, 1), None, NOW, TZ) is PromiseState.later
    assert promise_state(NOW - timedelta(days=1), NOW, NOW, TZ) is PromiseState.answered


def make(engine, clock, actor, **values):
    fields = {
        "question": "下周停水几点恢复?",
        "asked_by": "3-502 业主",
        "contact": "13600002222",
        "due_at": clock.now() + timedelta(hours=4),
        **values,
    }
    return run_write(
        engine,
        lambda s: promises.make_promise(
            session=s,
            actor=actor,
            clock=clock,
            promise_in=validated(PromisedReplyCreate, fields),
        ),
    )


def test_a_promise_made_and_kept(engine, clock, staff):
    inquiry = run_write(
        engine,
        lambda s: inquiries.open_inquiry(
            session=s, actor=staff.operator, clock=clock, inquiry_in=InquiryCreate(topic="停水")
        ),
    )
    promise = make(engine, clock, staff.operator, inquiry_id=inquiry.id)
    assert run_read(engine, lambda s: s.get(Inquiry, inquiry.id)).outcome == InquiryOutcome.promised
    open_now = run_read(
        engine, lambda s: promises.list_open_promises(session=s, clock=clock, tz=TZ)
    )
    assert [(p.id, p.state) for p in open_now] == [(promise.id, PromiseState.due_today)]
    clock.advance(hours=5)
    open_later = run_read(
        engine, lambda s: promises.list_open_promises(session=s, clock=clock, tz=TZ)
    )
    assert [p.state for p in open_later] == [PromiseState.overdue]
    kept = run_write(
        engine,
        lambda s: promises.answer_promise(
            session=s,
            actor=staff.supervisor,
            clock=clock,
            promise_id=promise.id,
            answer="已电话告知:周二18:00恢复供水",
            version=promise.version,
        ),
    )
    assert (kept.answered_at, kept.answered_by, kept.answer) == (
        clock.now(),
        staff.supervisor.user_id,
        "已电话告知:周二18:00恢复供水",
    )
    assert (
        run_read(engine, lambda s: promises.list_open_promises(session=s, clock=clock, tz=TZ)) == []
    )
    details = run_read(
        engine,
        lambda s: [
            (e.action, e.detail)
            for e in s.exec(
                select(AuditEvent)
                .where(AuditEvent.entity == "promised_reply")
                .order_by(AuditEvent.seq)
            )
        ],
    )
    assert [a for a, _ in details] == ["promise.create", "promise.answer"]
    assert details[1][1] == {"late": True}


def test_open_promises_soonest_first_and_kept_ones_after(engine, clock, staff):
    late = make(engine, clock, staff.operator, due_at=clock.now() + timedelta(days=2))
    soon = make(engine, clock, staff.operator, due_at=clock.now() + timedelta(hours=1))
    kept = make(engine, clock, staff.operator)
    run_write(
        engine,
        lambda s: promises.answer_promise(
            session=s,
            actor=staff.operator,
            clock=clock,
            promise_id=kept.id,
            answer="ok",
            version=kept.version,
        ),
    )
    listed = run_read(engine, lambda s: promises.list_promises(session=s, clock=clock, tz=TZ))
    assert [p.id for p in listed] == [soon.id, late.id, kept.id]


def test_a_promise_needs_its_parts(engine, clock, staff):
    for values, field in (
        ({"question": " "}, "question"),
        ({"asked_by": ""}, "asked_by"),
        ({"contact": ""}, "contact"),
        ({"due_at": clock.now() - timedelta(minutes=1)}, "due"),
    ):
        with pytest.raises(InvalidInput) as err:
            make(engine, clock, staff.operator, **values)
        assert err.value.field == field


def test_a_promise_is_answered_once(engine, clock, staff):
    promise = make(engine, clock, staff.operator)
    run_write(
        engine,
        lambda s: promises.answer_promise(
            session=s,
            actor=staff.supervisor,
            clock=clock,
            promise_id=promise.id,
            answer="已答复",
            version=promise.version,
        ),
    )
    with pytest.raises(StaleEdit, match="已答复"):
        run_write(
            engine,
            lambda s: promises.answer_promise(
                session=s,
                actor=staff.operator,
                clock=clock,
                promise_id=promise.id,
                answer="again",
                version=promise.version,
            ),
        )
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: promises.answer_promise(
                session=s,
                actor=staff.operator,
                clock=clock,
                promise_id=promise.id,
                answer=" ",
                version=2,
            ),
        )
