"""Complaints: intake, D-42 steps, on-the-spot closing and referral (D-44), reply deadline,
callback falling due, supervisor sign-off, severe flag, stale edits; case 2 end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, PermissionDenied, StaleEdit
from deskterm.models import AuditEvent, Building, Unit
from deskterm.models.complaint import (
    Callback,
    CommunicationCreate,
    Complaint,
    ComplaintCreate,
    ComplaintStatus,
    ComplaintUpdate,
)
from deskterm.models.forms import validated
from deskterm.services import audit, callback_schedule
from deskterm.services.callbacks import outcomes as callback_outcomes
from deskterm.services.complaints import categories as complaint_categories
from deskterm.services.complaints import communications
from deskterm.services.complaints import handling as svc
from deskterm.services.complaints import queries as complaint_queries


def add_unit(engine, label="12-1203"):
    def work(s):
        b = s.exec(select(Building).where(Building.code == label.split("-")[0])).first()
        if b is None:
            b = Building(code=label.split("-")[0], name=label.split("-")[0] + "栋")
            s.add(b)
            s.flush()
        u = Unit(building_id=b.id, number=label.split("-")[1], label=label)
        s.add(u)
        s.flush()
        return u.id

    return run_write(engine, work)


def intake(engine, clock, settings, actor, **kw):
    options = {
        k: kw.pop(k)
        for k in ("unit", "steps", "close_answer", "refer_to", "reply_due_at")
        if k in kw
    }
    data = validated(  # as the form does (models.forms, issue 20)
        ComplaintCreate,
        {"who_name": "张先生", "content": "楼道灯坏了一周没人修", "category": "facilities", **kw},
    )
    return run_write(
        engine,
        lambda s: svc.intake_complaint(
            session=s, actor=actor, clock=clock, settings=settings, complaint_in=data, **options
        ),
    )


def test_intake_numbers_and_audits(engine, clock, settings, staff):
    add_unit(engine)
    first = intake(
        engine,
        clock,
        settings,
        staff.operator,
        unit="12-1203",
        steps=("listened", "sympathy"),
        contact="138 1234 5678",
    )
    second = intake(engine, clock, settings, staff.operator)
    assert first.number == "C20261128-0001" and second.number == "C20261128-0002"
    assert first.contact == "13812345678" and first.unit_id is not None
    # Every open complaint is owed a reply by a deadline (issue 21): 24 h by default.
    assert first.status == ComplaintStatus.open
    assert first.reply_due_at == clock.now() + timedelta(hours=settings.complaint_reply_hours)
    steps = run_read(engine, lambda s: complaint_queries.list_steps(s, first.id))
    assert [st.step for st in steps] == ["listened", "sympathy"]
    assert all(st.user_id == staff.operator.user_id for st in steps)
    actions = run_read(engine, lambda s: [e.action for e in s.exec(select(AuditEvent))])
    assert actions.count("complaint.create") == 2
    assert run_read(engine, audit.verify).ok


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"who_name": "  "}, "who_name"),
        ({"content": ""}, "content"),
        ({"category": "nonsense"}, "category"),
        ({"unit": "99-9999"}, "unit"),
        ({"contact": "12"}, "contact"),
    ],
)
def test_intake_refuses_bad_input_with_one_sentence(engine, clock, settings, staff, kw, field):
    with pytest.raises(InvalidInput) as err:
        intake(engine, clock, settings, staff.operator, **kw)
    assert err.value.field == field and str(err.value).endswith(".")
    assert run_read(engine, lambda s: s.exec(select(Complaint)).all()) == []


def test_closed_on_the_spot_sets_callback_due_in_three_days(engine, clock, settings, staff):
    """D-44: within the desk's authority, solved at once; a callback falls due."""
    row = intake(engine, clock, settings, staff.operator, close_answer="已通知保洁马上清理")
    assert row.status == ComplaintStatus.closed and row.answer_how == "on_the_spot"
    assert row.replied_at == clock.now() and row.closed_at == clock.now()
    cb = run_read(
        engine, lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=row.id)
    )
    assert cb.due_at == clock.now() + timedelta(days=settings.complaint_callback_days)
    assert run_read(engine, complaint_queries.list_awaiting_reply) == []


def test_referred_has_reply_deadline_and_goes_overdue(engine, clock, settings, staff):
    row = intake(engine, clock, settings, staff.operator, refer_to="工程部刘经理")
    assert row.status == ComplaintStatus.referred
    assert row.reply_due_at == clock.now() + timedelta(hours=24)
    assert [c.id for c in run_read(engine, complaint_queries.list_awaiting_reply)] == [row.id]
    assert (
        run_read(engine, lambda s: complaint_queries.list_overdue_replies(s, now=clock.now())) == []
    )
    clock.advance(hours=25)
    overdue = run_read(engine, lambda s: complaint_queries.list_overdue_replies(s, now=clock.now()))
    assert [c.id for c in overdue] == [row.id]
    closed = run_write(
        engine,
        lambda s: svc.close_complaint(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            complaint_id=row.id,
            version=row.version,
            answer="已更换灯管",
            how="phone",
        ),
    )
    assert closed.replied_at == clock.now()
    assert run_read(engine, complaint_queries.list_awaiting_reply) == []
    late = run_read(
        engine,
        lambda s: s.exec(select(AuditEvent).where(AuditEvent.action == "complaint.close")).one(),
    )
    assert late.detail["late"] is True


def test_reply_without_closing_meets_the_deadline_but_no_callback(engine, clock, settings, staff):
    row = intake(engine, clock, settings, staff.operator, refer_to="刘经理")
    replied = run_write(
        engine,
        lambda s: svc.close_complaint(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            complaint_id=row.id,
            version=row.version,
            answer="周一安排",
            how="phone",
            close=False,
        ),
    )
    assert replied.status == ComplaintStatus.replied and replied.closed_at is None
    assert run_read(engine, complaint_queries.list_awaiting_reply) == []
    assert run_read(engine, lambda s: s.exec(select(Callback)).all()) == []


def test_referral_deadline_setting_and_custom(engine, clock, settings, staff):
    row = intake(
        engine, clock, settings.replace(complaint_reply_hours=4), staff.operator, refer_to="刘经理"
    )
    assert row.reply_due_at == clock.now() + timedelta(hours=4)
    with pytest.raises(InvalidInput):
        intake(
            engine,
            clock,
            settings,
            staff.operator,
            refer_to="刘经理",
            reply_due_at=clock.now() - timedelta(hours=1),
        )
    with pytest.raises(InvalidInput) as err:
        intake(engine, clock, settings, staff.operator, refer_to=" ")
    assert err.value.field == "referred_to"


def test_stale_edit_is_refused_with_what_changed(engine, clock, settings, staff):
    row = intake(engine, clock, settings, staff.operator)
    run_write(
        engine,
        lambda s: svc.update_complaint(
            session=s,
            actor=staff.supervisor,
            clock=clock,
            complaint_id=row.id,
            version=row.version,
            changes=ComplaintUpdate(valid=False, department="客服部"),
        ),
    )
    with pytest.raises(StaleEdit) as err:
        run_write(
            engine,
            lambda s: svc.refer_complaint(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                complaint_id=row.id,
                version=row.version,
                to="刘经理",
            ),
        )
    assert set(err.value.changes) == {"valid", "department"}
    assert err.value.changes["department"] == ("", "客服部")
    assert "department" in str(err.value)
    fresh = run_read(engine, lambda s: complaint_queries.get_complaint(s, row.id))
    assert fresh.status == ComplaintStatus.open and fresh.valid is False


def test_steps_need_a_note_for_action(engine, clock, settings, staff):
    row = intake(engine, clock, settings, staff.operator)
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: svc.add_step(
                session=s, actor=staff.operator, clock=clock, complaint_id=row.id, step="action"
            ),
        )
    run_write(
        engine,
        lambda s: svc.add_step(
            session=s,
            actor=staff.operator,
            clock=clock,
            complaint_id=row.id,
            step="action",
            note="派保洁",
        ),
    )
    assert [
        st.step for st in run_read(engine, lambda s: complaint_queries.list_steps(s, row.id))
    ] == ["action"]


def test_sign_off_needs_supervisor_closed_and_callback_done(engine, clock, settings, staff):
    row = intake(engine, clock, settings, staff.operator, close_answer="已处理")
    with pytest.raises(PermissionDenied):
        run_write(
            engine,
            lambda s: svc.sign_off_complaint(
                session=s,
                actor=staff.operator,
                clock=clock,
                complaint_id=row.id,
                version=row.version,
            ),
        )
    with pytest.raises(InvalidInput, match="callback"):
        run_write(
            engine,
            lambda s: svc.sign_off_complaint(
                session=s,
                actor=staff.supervisor,
                clock=clock,
                complaint_id=row.id,
                version=row.version,
            ),
        )
    cb = run_read(
        engine, lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=row.id)
    )
    run_write(
        engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            callback_id=cb.id,
            version=cb.version,
            method="phone",
            result="satisfied",
            person="张先生",
        ),
    )
    signed = run_write(
        engine,
        lambda s: svc.sign_off_complaint(
            session=s,
            actor=staff.supervisor,
            clock=clock,
            complaint_id=row.id,
            version=complaint_queries.get_complaint(s, row.id).version,
        ),
    )
    assert signed.status == ComplaintStatus.signed_off
    assert signed.signed_off_by == staff.supervisor.user_id
    with pytest.raises(InvalidInput, match="signed off"):
        run_write(
            engine,
            lambda s: svc.add_step(
                session=s,
                actor=staff.operator,
                clock=clock,
                complaint_id=row.id,
                step="note",
                note="x",
            ),
        )


def test_severe_complaint_flagged_until_acknowledged(engine, clock, settings, staff):
    row = intake(engine, clock, settings, staff.operator, severity="severe")
    normal = intake(engine, clock, settings, staff.operator)
    assert [c.id for c in run_read(engine, complaint_queries.list_severe_unacknowledged)] == [
        row.id
    ]
    flagged = run_read(
        engine,
        lambda s: s.exec(
            select(AuditEvent).where(AuditEvent.action == "complaint.severe_flagged")
        ).all(),
    )
    assert [e.entity_id for e in flagged] == [str(row.id)]
    # raising severity later flags it too
    run_write(
        engine,
        lambda s: svc.update_complaint(
            session=s,
            actor=staff.operator,
            clock=clock,
            complaint_id=normal.id,
            version=normal.version,
            changes=ComplaintUpdate(severity="severe"),
        ),
    )
    assert len(run_read(engine, complaint_queries.list_severe_unacknowledged)) == 2
    with pytest.raises(PermissionDenied):
        run_write(
            engine,
            lambda s: svc.acknowledge_severe(
                session=s, actor=staff.operator, clock=clock, complaint_id=row.id
            ),
        )
    run_write(
        engine,
        lambda s: svc.acknowledge_severe(
            session=s, actor=staff.supervisor, clock=clock, complaint_id=row.id
        ),
    )
    assert [c.id for c in run_read(engine, complaint_queries.list_severe_unacknowledged)] == [
        normal.id
    ]


def test_category_list_is_configurable(engine, clock, staff):
    run_write(
        engine,
        lambda s: complaint_categories.save_category(
            session=s,
            actor=staff.admin,
            clock=clock,
            code="pets",
            name_zh="宠物",
            name_en="Pets",
            new=True,
        ),
    )
    run_write(
        engine,
        lambda s: complaint_categories.save_category(
            session=s,
            actor=staff.admin,
            clock=clock,
            code="landscaping",
            name_zh="绿化",
            name_en="Landscaping",
            active=False,  # a shipped category withdrawn
        ),
    )
    codes = [c.code for c in run_read(engine, complaint_categories.list_categories)]
    assert "pets" in codes and "landscaping" not in codes and codes[0] == "facilities"
    with pytest.raises(PermissionDenied):
        run_write(
            engine,
            lambda s: complaint_categories.save_category(
                session=s,
                actor=staff.operator,
                clock=clock,
                code="x",
                name_zh="x",
                name_en="x",
                new=True,
            ),
        )


def test_two_admins_editing_one_category_cannot_lose_an_update(engine, clock, staff):
    """Issue 14 (found by the outside test): the second admin's stale form is refused,
    naming what the category is now, and nothing of theirs is written."""
    from deskterm.services.complaints.categories import category_rows

    opened = {r.code: r for r in run_read(engine, category_rows)}["facilities"]
    run_write(
        engine,
        lambda s: complaint_categories.save_category(
            session=s,
            actor=staff.admin,
            clock=clock,
            code="facilities",
            name_zh="设施设备(含电梯)",
            name_en="Facilities",
            version=opened.version,
        ),
    )
    with pytest.raises(StaleEdit) as stale:
        run_write(
            engine,
            lambda s: complaint_categories.save_category(
                session=s,
                actor=staff.admin,
                clock=clock,
                code="facilities",
                name_zh=opened.name_zh,
                name_en=opened.name_en,
                active=False,
                version=opened.version,
            ),
        )
    assert "设施设备(含电梯)" in str(stale.value)
    now = {r.code: r for r in run_read(engine, category_rows)}["facilities"]
    assert (now.name_zh, now.active, now.version) == ("设施设备(含电梯)", True, 1)


def test_case_2_lion_dance_end_to_end(engine, clock, settings, staff):
    """Case 2: a refused request, the tenant's complaint letter, the manager's meeting, the
    outcome, the callback and the sign-off: all recorded and linked."""
    add_unit(engine, "A-1501")
    op, sup = staff.operator, staff.supervisor
    # 1. the refused request, recorded as a communication with the tenant
    request = run_write(
        engine,
        lambda s: communications.record_communication(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            communication_in=CommunicationCreate(
                at=clock.now(),
                party_kind="tenant",
                party_name="华信科技有限公司",
                how="meeting",
                subject="开业庆典请舞狮队在大堂表演",
                agreed="依据《用户手册》办公时间不得喧哗，婉拒舞狮；可提供欢迎牌、保安、保洁、大堂使用",
            ),
        ),
    )
    clock.advance(days=1)
    # 2. the complaint letter
    letter = intake(
        engine,
        clock,
        settings,
        op,
        who_kind="company",
        who_name="华信科技有限公司",
        unit="A-1501",
        channel="letter",
        category="service_attitude",
        content="来函投诉管理处拒绝开业舞狮，态度生硬",
        severity="important",
        valid=False,
        department="客服部",
        steps=("listened",),
        refer_to="管理处张经理",
    )
    run_write(
        engine,
        lambda s: communications.link_complaint(
            session=s, actor=op, clock=clock, communication_id=request.id, complaint_id=letter.id
        ),
    )
    # 3. the manager's meeting
    clock.advance(hours=5)
    meeting = run_write(
        engine,
        lambda s: communications.record_communication(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            communication_in=CommunicationCreate(
                at=clock.now(),
                party_kind="tenant",
                party_name="华信科技有限公司",
                how="meeting",
                subject="张经理约见租户，解释舞狮规定",
                agreed="改在周六上午非办公时间舞狮",
                complaint_id=letter.id,
            ),
        ),
    )
    run_write(
        engine,
        lambda s: svc.add_step(
            session=s,
            actor=op,
            clock=clock,
            complaint_id=letter.id,
            step="action",
            note="张经理约见租户，达成一致",
        ),
    )
    # 4. the outcome
    closed = run_write(
        engine,
        lambda s: svc.close_complaint(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            complaint_id=letter.id,
            version=complaint_queries.get_complaint(s, letter.id).version,
            answer="周六上午非办公时间舞狮，其余协助照常",
            how="in_person",
        ),
    )
    assert closed.replied_at <= closed.reply_due_at  # replied in time
    clock.advance(days=2)
    cb = run_read(
        engine, lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=letter.id)
    )
    run_write(
        engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            callback_id=cb.id,
            version=cb.version,
            method="phone",
            result="satisfied",
            person="王总",
        ),
    )
    run_write(
        engine,
        lambda s: svc.sign_off_complaint(
            session=s,
            actor=sup,
            clock=clock,
            complaint_id=letter.id,
            version=complaint_queries.get_complaint(s, letter.id).version,
        ),
    )
    linked = run_read(
        engine, lambda s: communications.list_communications(s, complaint_id=letter.id)
    )
    assert {c.id for c in linked} == {request.id, meeting.id}
    steps = [
        st.step for st in run_read(engine, lambda s: complaint_queries.list_steps(s, letter.id))
    ]
    assert steps == ["listened", "referred", "action", "closed", "signed_off"]
    assert run_read(engine, audit.verify).ok


def test_a_new_category_never_takes_the_code_of_one_on_the_list(engine, clock, staff):
    """Found by the outside test: "new" with the code of a shipped category (parking) saved
    over its names. A new one with a listed code is refused naming the code; a change is made
    from the list, and the audit keeps what each value was before."""
    from deskterm.models.audit import AuditEvent
    from deskterm.services.complaints.categories import category_rows

    def save(**kw):
        return lambda s: complaint_categories.save_category(
            session=s, actor=staff.admin, clock=clock, **kw
        )

    before = {r.code: r for r in run_read(engine, category_rows)}["parking"]
    with pytest.raises(InvalidInput) as refused:
        run_write(engine, save(code="parking", name_zh="被覆盖", name_en="", sort=1, new=True))
    assert refused.value.field == "code" and "parking" in str(refused.value)
    run_write(engine, save(code="pets", name_zh="宠物", name_en="Pets", new=True))
    with pytest.raises(InvalidInput):
        run_write(engine, save(code="pets", name_zh="猫", name_en="Cats", new=True))
    with pytest.raises(InvalidInput):  # a change of a code nobody added
        run_write(engine, save(code="nosuch", name_zh="无", name_en="None"))
    after = {r.code: r for r in run_read(engine, category_rows)}
    assert (after["parking"].name_zh, after["pets"].name_zh) == (before.name_zh, "宠物")
    run_write(
        engine,
        save(
            code="parking", name_zh="停车", name_en=before.name_en, sort=5, version=before.version
        ),
    )
    events = run_read(
        engine,
        lambda s: list(
            s.exec(select(AuditEvent).where(AuditEvent.action == "complaint_category.save"))
        ),
    )
    changed = events[-1].detail["changes"]
    assert changed["name_zh"] == [before.name_zh, "停车"] and changed["sort"] == [before.sort, 5]
