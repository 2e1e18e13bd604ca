"""The communication log (D-40, D-41, D-43): recorded promptly, and a dated follow-up that
becomes a due item on its day and stays one until done."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, StaleEdit
from deskterm.models import AuditEvent
from deskterm.models.complaint import CommunicationCreate
from deskterm.models.forms import validated
from deskterm.services import audit
from deskterm.services.complaints import communications as svc


def record(engine, clock, settings, actor, **kw):
    data = validated(  # as the form does (models.forms, issue 20)
        CommunicationCreate,
        {
            "at": clock.now(),
            "party_kind": "utility",
            "party_name": "自来水公司",
            "subject": "12栋停水检修",
            "agreed": "周二9点到12点停水",
            **kw,
        },
    )
    return run_write(
        engine,
        lambda s: svc.record_communication(
            session=s, actor=actor, clock=clock, settings=settings, communication_in=data
        ),
    )


def due(engine, clock):
    return [c.id for c in run_read(engine, lambda s: svc.list_due_follow_ups(s, now=clock.now()))]


def test_follow_up_appears_as_due_on_its_date(engine, clock, settings, staff):
    # due on Monday 2026-11-30 (desk time); today is Saturday the 28th, 10:00
    row = record(
        engine,
        clock,
        settings,
        staff.operator,
        follow_up="张贴停水通知",
        follow_up_due=svc.day_start(date(2026, 11, 30), settings),
    )
    assert row.follow_up_due.isoformat() == "2026-11-29T16:00:00+00:00"
    assert due(engine, clock) == []
    upcoming = run_read(engine, lambda s: svc.list_upcoming_follow_ups(s, now=clock.now()))
    assert [c.id for c in upcoming] == [row.id]
    clock.advance(hours=37)  # Sunday 23:00 desk time: not yet
    assert due(engine, clock) == []
    clock.advance(hours=1)  # Monday 00:00 desk time
    assert due(engine, clock) == [row.id]
    clock.advance(days=3)  # stays due until done
    assert due(engine, clock) == [row.id]
    run_write(
        engine,
        lambda s: svc.complete_follow_up(
            session=s,
            actor=staff.operator,
            clock=clock,
            communication_id=row.id,
            version=row.version,
            note="已张贴",
        ),
    )
    assert due(engine, clock) == []
    assert run_read(engine, audit.verify).ok
    actions = run_read(engine, lambda s: [e.action for e in s.exec(select(AuditEvent))])
    assert {"communication.create", "communication.follow_up_done"} <= set(actions)


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"party_name": " "}, "party_name"),
        ({"subject": ""}, "subject"),
        ({"follow_up": "回电"}, "follow_up_due"),
        ({"party_kind": "martians"}, "party_kind"),
    ],
)
def test_bad_input_is_refused_with_the_field(engine, clock, settings, staff, kw, field):
    with pytest.raises(InvalidInput) as err:
        record(engine, clock, settings, staff.operator, **kw)
    assert err.value.field == field


def test_date_without_follow_up_and_future_time_refused(engine, clock, settings, staff):
    with pytest.raises(InvalidInput) as err:
        record(engine, clock, settings, staff.operator, follow_up_due=clock.now())
    assert err.value.field == "follow_up"
    with pytest.raises(InvalidInput) as err:
        record(engine, clock, settings, staff.operator, at=clock.now() + timedelta(hours=2))
    assert err.value.field == "at"


def test_done_twice_and_stale_refused(engine, clock, settings, staff):
    row = record(
        engine, clock, settings, staff.operator, follow_up="回电", follow_up_due=clock.now()
    )
    run_write(
        engine,
        lambda s: svc.complete_follow_up(
            session=s,
            actor=staff.operator,
            clock=clock,
            communication_id=row.id,
            version=row.version,
        ),
    )
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: svc.complete_follow_up(
                session=s,
                actor=staff.supervisor,
                clock=clock,
                communication_id=row.id,
                version=row.version + 1,
            ),
        )
    other = record(
        engine, clock, settings, staff.operator, follow_up="回电", follow_up_due=clock.now()
    )
    run_write(
        engine,
        lambda s: svc.link_complaint(
            session=s,
            actor=staff.operator,
            clock=clock,
            communication_id=other.id,
            complaint_id=_complaint(engine, clock, settings, staff.operator),
        ),
    )
    with pytest.raises(StaleEdit) as err:
        run_write(
            engine,
            lambda s: svc.complete_follow_up(
                session=s,
                actor=staff.operator,
                clock=clock,
                communication_id=other.id,
                version=other.version,
            ),
        )
    assert "complaint_id" in err.value.changes


def _complaint(engine, clock, settings, actor):
    from deskterm.models.complaint import ComplaintCreate
    from deskterm.services.complaints import handling as complaints

    return run_write(
        engine,
        lambda s: complaints.intake_complaint(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            complaint_in=ComplaintCreate(who_name="x", content="y", category="other"),
        ),
    ).id


def test_list_filters(engine, clock, settings, staff):
    a = record(engine, clock, settings, staff.operator)
    clock.advance(hours=1)
    b = record(
        engine,
        clock,
        settings,
        staff.operator,
        party_kind="developer",
        party_name="万达地产",
        subject="交房验收遗留问题",
        agreed="",
    )
    rows = run_read(engine, lambda s: svc.list_communications(s))
    assert [r.id for r in rows] == [b.id, a.id]
    assert [
        r.id for r in run_read(engine, lambda s: svc.list_communications(s, party_kind="developer"))
    ] == [b.id]
    assert [
        r.id for r in run_read(engine, lambda s: svc.list_communications(s, search="停水"))
    ] == [a.id]
    assert [
        r.id for r in run_read(engine, lambda s: svc.list_communications(s, since=clock.now()))
    ] == [b.id]
