"""Complaints linked to what they concern (issue 21, case 1 and case 2): the repair orders
(each shows the other), the resident or company on record, and public-area requests kept as
records of their own, searchable, with precedents found for a later request."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput
from deskterm.models import AuditEvent, Company, Resident, Unit
from deskterm.models.public_area import AreaDecision, PublicAreaRequestCreate
from deskterm.models.repair import RepairOrder
from deskterm.services.complaints import links, public_areas
from deskterm.services.complaints import queries as complaint_queries
from tests.services.test_complaints import add_unit, intake
from tests.services.test_dashboard import add_repair


def number_of(engine, repair_id):
    return run_read(engine, lambda s: s.get(RepairOrder, repair_id).number)


def test_a_complaint_and_its_repairs_show_each_other(engine, clock, settings, staff):
    heating = add_repair(engine, clock, staff.operator, "general", description="暖气不热")
    other = add_repair(engine, clock, staff.operator, "general", description="门锁坏")
    c = intake(engine, clock, settings, staff.operator, content="暖气不热,你们管不管")
    typed = " " + number_of(engine, heating).lower() + " "  # as the operator types it
    run_write(
        engine,
        lambda s: links.link_repair(
            session=s, actor=staff.operator, clock=clock, complaint_id=c.id, repair=typed
        ),
    )
    detail = run_read(engine, lambda s: complaint_queries.complaint_detail(s, c.id))
    assert [r.description for r in detail.repairs] == ["暖气不热"]
    assert [
        x.number for x in run_read(engine, lambda s: links.complaints_of_repair(s, heating))
    ] == [c.number]
    assert run_read(engine, lambda s: links.complaints_of_repair(s, other)) == []
    with pytest.raises(InvalidInput, match="already linked"):
        run_write(
            engine,
            lambda s: links.link_repair(
                session=s, actor=staff.operator, clock=clock, complaint_id=c.id, repair=heating
            ),
        )
    with pytest.raises(InvalidInput, match="No repair order has that number") as err:
        run_write(
            engine,
            lambda s: links.link_repair(
                session=s,
                actor=staff.operator,
                clock=clock,
                complaint_id=c.id,
                repair="R20261128-9999",
            ),
        )
    assert err.value.field == "repair"
    run_write(
        engine,
        lambda s: links.unlink_repair(
            session=s, actor=staff.operator, clock=clock, complaint_id=c.id, repair=heating
        ),
    )
    assert run_read(engine, lambda s: links.repairs_of(s, c.id)) == []
    actions = run_read(
        engine,
        lambda s: [
            e.action for e in s.exec(select(AuditEvent).where(AuditEvent.entity == "complaint"))
        ],
    )
    assert "complaint.link_repair" in actions and "complaint.unlink_repair" in actions


def test_a_repair_of_another_unit_is_linked_only_when_confirmed(engine, clock, settings, staff):
    """Issue 21, finding 9: C… of 9-102 was linked to R… of 10-1404 with no warning. The
    link is refused once with both units named; confirmed, it is made and records that it
    crosses units (row, audit, the complaint's list). The same unit links as before."""
    heating = add_repair(engine, clock, staff.operator, "general", description="暖气不热")
    ours = run_read(engine, lambda s: s.get(RepairOrder, heating).unit_id)
    ours_label = run_read(engine, lambda s: s.get(Unit, ours).label)
    add_unit(engine, "9-102")
    c = intake(engine, clock, settings, staff.operator, unit="9-102", content="楼上漏水")
    number = number_of(engine, heating)
    with pytest.raises(links.OtherUnitLink) as warned:
        run_write(
            engine,
            lambda s: links.link_repair(
                session=s, actor=staff.operator, clock=clock, complaint_id=c.id, repair=number
            ),
        )
    sentence = str(warned.value)
    assert number in sentence and ours_label in sentence and "9-102" in sentence
    assert warned.value.field == "repair" and isinstance(warned.value, InvalidInput)
    assert run_read(engine, lambda s: links.repairs_of(s, c.id)) == []
    run_write(
        engine,
        lambda s: links.link_repair(
            session=s,
            actor=staff.operator,
            clock=clock,
            complaint_id=c.id,
            repair=number,
            other_unit=True,
        ),
    )
    [linked] = run_read(engine, lambda s: links.repairs_of(s, c.id))
    assert linked.cross_unit is True
    event = run_read(
        engine,
        lambda s: s.exec(
            select(AuditEvent).where(AuditEvent.action == "complaint.link_repair")
        ).one(),
    )
    assert event.detail["cross_unit"] is True and event.detail["repair_unit"] == ours_label
    # the same unit: linked at once, not marked
    same = intake(engine, clock, settings, staff.operator, unit=ours_label, content="暖气不热")
    run_write(
        engine,
        lambda s: links.link_repair(
            session=s, actor=staff.operator, clock=clock, complaint_id=same.id, repair=number
        ),
    )
    assert [r.cross_unit for r in run_read(engine, lambda s: links.repairs_of(s, same.id))] == [
        False
    ]


def test_a_complaint_born_from_a_repair_is_linked_at_intake(engine, clock, settings, staff):
    order = add_repair(engine, clock, staff.operator, "general", description="暖气不热")
    c = intake(engine, clock, settings, staff.operator, repair_id=order)
    assert [r.id for r in run_read(engine, lambda s: links.repairs_of(s, c.id))] == [order]


def test_the_complainant_on_record(engine, clock, settings, staff):
    unit = add_unit(engine, "A-1203")
    rid = run_write(engine, lambda s: _add(s, Resident(name="王建国", unit_id=unit)))
    cid = run_write(engine, lambda s: _add(s, Company(name="康宁制药", unit_id=unit)))
    by_resident = intake(engine, clock, settings, staff.operator, resident_id=rid)
    by_company = intake(engine, clock, settings, staff.operator, who_kind="company", company_id=cid)
    assert (
        run_read(engine, lambda s: complaint_queries.complaint_detail(s, by_resident.id)).party
        == "resident 王建国 (A-1203)"
    )
    assert (
        run_read(engine, lambda s: complaint_queries.complaint_detail(s, by_company.id)).party
        == "company 康宁制药"
    )
    mine = run_read(engine, lambda s: links.complaints_of_party(s, company_id=cid))
    assert [x.number for x in mine] == [by_company.number]


def _add(s, row):
    s.add(row)
    s.flush()
    return row.id


def lion_dance(engine, clock, settings, actor, **kw):
    data = PublicAreaRequestCreate(
        **{
            "applicant_name": "某制药公司",
            "area": "大堂",
            "request": "开业典礼办公时间在大堂舞狮表演、放气球",
            **kw,
        }
    )
    return run_write(
        engine,
        lambda s: public_areas.record_request(
            session=s, actor=actor, clock=clock, settings=settings, request_in=data
        ),
    )


def test_case_2_request_decision_precedent_and_complaint(engine, clock, settings, staff):
    first = lion_dance(engine, clock, settings, staff.operator)
    assert first.number == "PA20261128-0001" and first.precedent_id is None
    with pytest.raises(InvalidInput, match="Name the rule") as err:
        run_write(
            engine,
            lambda s: public_areas.decide(
                session=s,
                actor=staff.operator,
                clock=clock,
                request_id=first.id,
                version=first.version,
                decision="refused",
            ),
        )
    assert err.value.field == "rule_cited"
    decided = run_write(
        engine,
        lambda s: public_areas.decide(
            session=s,
            actor=staff.operator,
            clock=clock,
            request_id=first.id,
            version=first.version,
            decision=AreaDecision.refused,
            rule_cited="《大厦用户手册》:办公时间公共区域禁止喧哗",
            help_offered="大堂设欢迎及引导标志、安排保安保洁、同意使用大堂讲话",
        ),
    )
    assert decided.decision == "refused" and decided.decided_by == staff.operator.user_id
    # the tenant's letter: a complaint that refers to the request
    c = intake(
        engine,
        clock,
        settings,
        staff.operator,
        who_kind="company",
        channel="letter",
        content="管理处凭什么不批准舞狮",
    )
    run_write(
        engine,
        lambda s: public_areas.refer_complaint(
            session=s,
            actor=staff.operator,
            clock=clock,
            complaint_id=c.id,
            version=c.version,
            request="pa20261128-0001",
        ),
    )
    detail = run_read(engine, lambda s: complaint_queries.complaint_detail(s, c.id))
    assert detail.public_request == "PA20261128-0001 大堂 · refused"
    assert [
        x.id for x in run_read(engine, lambda s: public_areas.complaints_about(s, first.id))
    ] == [c.id]
    # a later request for a lion dance finds the precedent, on its own and by search
    clock.advance(days=30)
    later = lion_dance(
        engine,
        clock,
        settings,
        staff.operator,
        applicant_name="另一家公司",
        request="周年庆在广场舞狮",
    )
    assert later.precedent_id == first.id
    hits = run_read(engine, lambda s: public_areas.search(s, "舞狮"))
    assert [h.request.id for h in hits] == [later.id, first.id]
    assert run_read(engine, lambda s: public_areas.search(s, "用户手册"))[0].request.id == first.id
    assert (
        run_read(engine, lambda s: public_areas.search(s, later.number))[0].request.id == later.id
    )
    assert run_read(engine, lambda s: public_areas.search(s, "游泳池")) == []


def test_requests_refuse_what_is_missing(engine, clock, settings, staff):
    for field, values in (
        ("applicant", {"applicant_name": " "}),
        ("area", {"area": ""}),
        ("request", {"request": "  "}),
    ):
        with pytest.raises(InvalidInput) as err:
            lion_dance(engine, clock, settings, staff.operator, **values)
        assert err.value.field == field


def test_pieces_cut_chinese_into_pairs():
    assert public_areas.pieces("舞狮表演 Lobby") == {"舞狮", "狮表", "表演", "lobby"}
    assert public_areas.pieces("狮") == {"狮"}


def test_taken_at_the_desk_the_complainant_is_linked_to_who_is_on_record(
    engine, clock, settings, staff
):
    """Issue 21 (outside test): a complaint or public-area request typed at the desk with a
    unit and a name that match one resident or company on record is linked to them (the
    service does it, so every door gets it); an ambiguous or unknown name stays unlinked."""
    unit = add_unit(engine, "A-1203")
    other = add_unit(engine, "A-1204")
    rid = run_write(engine, lambda s: _add(s, Resident(name="王建国", unit_id=unit)))
    cid = run_write(engine, lambda s: _add(s, Company(name="康宁制药", unit_id=unit)))
    run_write(engine, lambda s: _add(s, Resident(name="李红", unit_id=other)))
    run_write(engine, lambda s: _add(s, Resident(name="李红", unit_id=other)))
    by_resident = intake(
        engine, clock, settings, staff.operator, who_name=" 王建国 ", unit="A-1203"
    )
    assert (by_resident.resident_id, by_resident.company_id) == (rid, None)
    assert (
        run_read(engine, lambda s: complaint_queries.complaint_detail(s, by_resident.id)).party
        == "resident 王建国 (A-1203)"
    )
    by_company = intake(
        engine,
        clock,
        settings,
        staff.operator,
        who_kind="company",
        who_name="康宁制药",
        unit="A-1203",
    )
    assert (by_company.resident_id, by_company.company_id) == (None, cid)
    for who, where in (("王建国", "A-1204"), ("李红", "A-1204"), ("张先生", "A-1203")):
        c = intake(engine, clock, settings, staff.operator, who_name=who, unit=where)
        assert (c.resident_id, c.company_id) == (None, None), who
    req = run_write(
        engine,
        lambda s: public_areas.record_request(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            request_in=PublicAreaRequestCreate(
                applicant_name="康宁制药", unit_id=unit, area="大堂", request="周五在大堂办年会"
            ),
        ),
    )
    assert (req.resident_id, req.company_id, req.applicant_kind) == (None, cid, "company")
    req = run_write(
        engine,
        lambda s: public_areas.record_request(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            request_in=PublicAreaRequestCreate(
                applicant_name="王建国",
                unit_id=unit,
                applicant_kind="resident",
                area="广场",
                request="周六在广场摆摊",
            ),
        ),
    )
    assert (req.resident_id, req.company_id, req.applicant_kind) == (rid, None, "resident")


def test_a_public_area_is_asked_for_a_time_to_come(engine, clock, settings, staff):
    """The re-test saved a request for yesterday 10:00 without a word."""
    from datetime import timedelta

    def record(wanted):
        return run_write(
            engine,
            lambda s: public_areas.record_request(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                request_in=PublicAreaRequestCreate(
                    applicant_name="王建国", area="广场", request="周六在广场摆摊", wanted_at=wanted
                ),
            ),
        )

    with pytest.raises(InvalidInput, match="That time has passed") as refused:
        record(clock.now() - timedelta(days=1))
    assert refused.value.field == "wanted_at"
    assert record(clock.now() + timedelta(days=2)).wanted_at is not None
    assert record(None).wanted_at is None
