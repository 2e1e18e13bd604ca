"""Complaints in every status with their handling steps (D-42), callbacks, and case 2 of the
source: the office tenant whose lion dance was refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from deskterm.demo import texts
from deskterm.demo.context import DemoContext
from deskterm.demo.names import CASE2_COMPANY, mobile
from deskterm.models.complaint import (
    Callback,
    Communication,
    Complaint,
    ComplaintCategory,
    ComplaintRepair,
    ComplaintStep,
)
from deskterm.models.public_area import PublicAreaRequest

HISTORY_DAYS = 30
ORDER = ("open", "referred", "replied", "closed", "signed_off")


def add_complaints(ctx: DemoContext, scale: int) -> None:
    rng = ctx.rng
    # An admin's addition to the built-in categories, used by case 2.
    added = ctx.ago(days=90)
    ctx.add(
        ComplaintCategory,
        code="event_approval",
        name_zh="活动审批",
        name_en="Event approval",
        sort=125,
        active=True,
    )
    ctx.audit(
        added,
        "complaint_category.save",
        "complaint_category",
        "event_approval",
        user_id=ctx.users["admin1"],
        detail={"name_zh": "活动审批"},
    )
    stories: list[tuple[datetime, str, str]] = []  # (received, fate, stop at)
    while len(stories) < 18 * scale:  # in office hours, mostly
        day = ctx.today - timedelta(days=rng.randint(0, HISTORY_DAYS))
        received = ctx.local(day, rng.randint(8, 21), rng.randrange(60))
        if received < ctx.ago(hours=5):
            stories.append((received, "normal", "signed_off"))
    stories += [
        (ctx.ago(hours=2), "normal", "open"),
        (ctx.ago(hours=30), "normal", "open"),  # reply overdue
        (ctx.ago(hours=10), "referred", "referred"),
        (ctx.ago(days=2), "normal", "replied"),
        (ctx.ago(days=2, hours=6), "normal", "closed"),  # callback due
        (ctx.ago(days=7), "normal", "closed"),  # callback overdue
        (ctx.ago(days=12), "referred", "signed_off"),
    ]
    stories.sort()
    case2_at: datetime | None = ctx.local(ctx.today - timedelta(days=9), 15, 40)
    for received, fate, stop in stories:
        if case2_at is not None and case2_at <= received:
            _case2(ctx, case2_at)
            case2_at = None
        _complaint(ctx, received, fate, stop)
    if case2_at is not None:
        _case2(ctx, case2_at)
    if ctx.unhappy:
        _from_callback(ctx, *ctx.unhappy)


def _times(ctx: DemoContext, received: datetime, referred: bool) -> dict[str, datetime]:
    rng = ctx.rng
    t = received
    times = {"open": t}
    if referred:
        t += timedelta(minutes=rng.randint(30, 180))
        times["referred"] = t
    t += timedelta(hours=rng.randint(2, 20))
    times["replied"] = t
    t += timedelta(hours=rng.randint(1, 24))
    times["closed"] = t
    t += timedelta(days=ctx.settings.complaint_callback_days, hours=-rng.randint(1, 20))
    times["called_back"] = t
    t += timedelta(hours=rng.randint(1, 8))
    times["signed_off"] = t
    return times


def _complaint(
    ctx: DemoContext,
    received: datetime,
    fate: str,
    stop: str,
    about: tuple[str, str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    rng = ctx.rng
    times = _times(ctx, received, fate == "referred" or rng.random() < 0.3)
    keep = ORDER.index(stop)

    def reached(step: str) -> bool:  # the callback comes before the sign-off
        return keep >= 4 if step == "called_back" else ORDER.index(step) <= keep

    times = {k: v for k, v in times.items() if v <= ctx.now and reached(k)}
    category, content, department = about or rng.choice(texts.COMPLAINTS)
    resident = extra.pop("resident", None) or ctx.resident()
    shift_id, operator = ctx.on_duty(received)
    status = [k for k in times if k in ORDER][-1]
    replied = times.get("replied")
    severity = rng.choices(("normal", "important", "severe"), weights=(75, 20, 5))[0]
    row = ctx.add(
        Complaint,
        number=ctx.number("C", received),
        who_kind="resident",
        who_name=resident["name"],
        unit_id=resident["unit_id"],
        resident_id=resident["id"],
        contact=resident["label"],
        channel=rng.choice(("phone", "phone", "walk_in")),
        category=category,
        content=ctx.fill(content),
        severity=severity,
        valid=None if not replied else rng.random() < 0.7,
        department=department,
        received_at=received,
        received_by=operator,
        shift_id=shift_id,
        status=status,
        referred_to="客服主管 王强" if "referred" in times else None,
        referred_at=times.get("referred"),
        reply_due_at=received + timedelta(hours=ctx.settings.complaint_reply_hours),
        replied_at=replied,
        answer=rng.choice(texts.COMPLAINT_ANSWERS) if replied else None,
        answer_how=rng.choice(("phone", "phone", "in_person", "on_the_spot")) if replied else None,
        closed_at=times.get("closed"),
        signed_off_by=ctx.users["sup1"] if "signed_off" in times else None,
        signed_off_at=times.get("signed_off"),
        severe_ack_by=ctx.users["sup1"] if severity == "severe" else None,
        severe_ack_at=received + timedelta(minutes=25) if severity == "severe" else None,
        **extra,
    )
    _audit(ctx, row, times)
    at = received
    for step, note in texts.COMPLAINT_STEPS[: 3 if status == "open" else 5]:
        at += timedelta(minutes=rng.randint(2, 15))
        if at <= ctx.now:
            ctx.add(
                ComplaintStep, complaint_id=row["id"], at=at, user_id=operator, step=step, note=note
            )
    for step in ("referred", "replied", "closed"):
        if step in times:
            ctx.add(
                ComplaintStep,
                complaint_id=row["id"],
                at=times[step],
                user_id=ctx.on_duty(times[step])[1],
                step=step,
                note={
                    "referred": "转客服主管处理",
                    "replied": row["answer"] or "",
                    "closed": "答复业主,业主接受",
                }[step],
            )
    _callback(ctx, row, times)
    return row


def _from_callback(ctx: DemoContext, callback: dict[str, Any], order: dict[str, Any]) -> None:
    """A dissatisfied repair callback (C) becomes a complaint about the repair."""
    resident = next((r for r in ctx.residents if r["unit_id"] == order["unit_id"]), None)
    resident = resident or ctx.resident()
    received = callback["done_at"] + timedelta(minutes=5)
    row = _complaint(
        ctx,
        received,
        "referred",
        "referred",
        about=texts.REPAIR_COMPLAINT,
        resident=resident,
        repair_id=order["id"],
    )
    callback["complaint_id"] = row["id"]
    # the complaint and its repair show each other (case 1, services.complaints.links)
    ctx.add(
        ComplaintRepair,
        complaint_id=row["id"],
        repair_id=order["id"],
        linked_at=received,
        linked_by=row["received_by"],
    )


def _audit(ctx: DemoContext, row: dict[str, Any], times: dict[str, datetime]) -> None:
    ctx.audit(
        row["received_at"],
        "complaint.create",
        "complaint",
        row["id"],
        user_id=row["received_by"],
        detail={"number": row["number"]},
    )
    actions = {
        "referred": "complaint.refer",
        "replied": "complaint.reply",
        "closed": "complaint.close",
        "signed_off": "complaint.sign_off",
    }
    for step, action in actions.items():
        if step in times:
            who = ctx.users["sup1"] if step == "signed_off" else ctx.on_duty(times[step])[1]
            ctx.audit(times[step], action, "complaint", row["id"], user_id=who)


def _callback(ctx: DemoContext, row: dict[str, Any], times: dict[str, datetime]) -> None:
    if "closed" not in times:
        return
    done = times.get("called_back")
    result = ctx.rng.choice(("satisfied", "satisfied", "fairly_satisfied")) if done else None
    cb = ctx.add(
        Callback,
        subject_kind="complaint",
        subject_id=row["id"],
        created_at=times["closed"],
        due_at=times["closed"] + timedelta(days=ctx.settings.complaint_callback_days),
        attempts=1 if done else 0,
        last_attempt_at=done,
        method="phone" if done else None,
        person=row["who_name"] if done else "",
        result=result,
        comment="业主对处理结果表示认可" if done else None,
        done_at=done,
        done_by=ctx.on_duty(done)[1] if done else None,
        version=2 if done else 1,
    )
    ctx.audit(
        times["closed"],
        "callback.schedule",
        "callback",
        cb["id"],
        user_id=ctx.on_duty(times["closed"])[1],
        detail={"kind": "complaint", "subject_id": row["id"], "due_at": cb["due_at"]},
    )
    if done:
        ctx.audit(
            done,
            "callback.done",
            "callback",
            cb["id"],
            user_id=cb["done_by"],
            detail={"kind": "complaint", "result": result},
        )


def _case2(ctx: DemoContext, received: datetime) -> None:
    """DOMAIN.md case 2: hold the rule, keep the relationship, record it all."""
    company = next(c for c in ctx.companies if c["name"] == CASE2_COMPANY)
    supervisor = ctx.users["sup1"]
    shift_id, operator = ctx.on_duty(received)
    after = {
        "open": (0, 0),
        "referred": (0, 50),
        "replied": (1, 60),
        "closed": (1, 120),
        "called_back": (3, 0),
        "signed_off": (3, 120),
    }  # (days, minutes) after the letter
    times = {step: received + timedelta(days=d, minutes=m) for step, (d, m) in after.items()}
    # the request itself, a record of its own (services.complaints.public_areas)
    asked = received - timedelta(days=2, hours=3)
    request = ctx.add(
        PublicAreaRequest,
        number=ctx.number("PA", asked),
        applicant_kind="company",
        applicant_name=company["name"],
        company_id=company["id"],
        unit_id=company["unit_id"],
        area="大堂",
        wanted_at=received + timedelta(days=5),
        request=texts.CASE2_REQUEST,
        received_at=asked,
        received_by=operator,
        decision="refused",
        rule_cited="《大厦用户手册》:办公时间公共场所不得进行锣鼓等喧闹活动",
        help_offered="大堂设欢迎及引导标志;安排保安、保洁协助;同意使用大堂做开业讲话",
        decided_at=asked + timedelta(hours=4),
        decided_by=supervisor,
        version=2,
    )
    ctx.audit(
        asked,
        "public_area.create",
        "public_area_request",
        request["id"],
        user_id=operator,
        detail={"number": request["number"], "area": "大堂"},
    )
    ctx.audit(
        asked + timedelta(hours=4),
        "public_area.decide",
        "public_area_request",
        request["id"],
        user_id=supervisor,
        detail={"decision": "refused"},
    )
    row = ctx.add(
        Complaint,
        number=ctx.number("C", received),
        who_kind="company",
        who_name=f"{company['name']} 策划部负责人",
        unit_id=company["unit_id"],
        company_id=company["id"],
        contact=mobile(ctx.rng),
        channel="letter",
        category="event_approval",
        content=texts.CASE2_CONTENT,
        severity="important",
        valid=False,
        department="客户服务中心",
        received_at=received,
        received_by=operator,
        shift_id=shift_id,
        status="signed_off",
        referred_to="公司客服主管 王强",
        referred_at=times["referred"],
        reply_due_at=received + timedelta(hours=ctx.settings.complaint_reply_hours),
        replied_at=times["replied"],
        answer=texts.CASE2_ANSWER,
        answer_how="in_person",
        closed_at=times["closed"],
        signed_off_by=supervisor,
        signed_off_at=times["signed_off"],
        public_request_id=request["id"],
    )
    _audit(ctx, row, times)
    offsets = (
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(minutes=50),
        timedelta(days=1),
        timedelta(days=1, hours=1, minutes=30),
    )
    for (step, note), offset in zip(texts.CASE2_STEPS, offsets, strict=True):
        ctx.add(
            ComplaintStep,
            complaint_id=row["id"],
            at=received + offset,
            user_id=supervisor if step in ("action", "followed_up") else operator,
            step=step,
            note=note,
        )
    for step in ("replied", "closed"):
        ctx.add(
            ComplaintStep,
            complaint_id=row["id"],
            at=times[step],
            user_id=supervisor,
            step=step,
            note=texts.CASE2_ANSWER if step == "replied" else "用户书面确认接受处理结果",
        )
    cb = ctx.add(
        Callback,
        subject_kind="complaint",
        subject_id=row["id"],
        created_at=times["closed"],
        due_at=times["closed"] + timedelta(days=ctx.settings.complaint_callback_days),
        attempts=1,
        last_attempt_at=times["called_back"],
        method="visit",
        person=company["contact_name"],
        result="satisfied",
        comment="典礼顺利举行,用户感谢管理处的配合",
        done_at=times["called_back"],
        done_by=supervisor,
        version=2,
    )
    ctx.audit(
        times["called_back"],
        "callback.done",
        "callback",
        cb["id"],
        user_id=supervisor,
        detail={"kind": "complaint", "result": "satisfied"},
    )
    meeting = received + timedelta(days=1)
    ctx.add(
        Communication,
        at=meeting,
        party_kind="tenant",
        party_name=company["name"],
        how="meeting",
        subject="开业典礼安排(舞狮表演)投诉面谈",
        agreed="管理处设欢迎及引导标志、安排保安保洁、同意大堂讲话;舞狮依《大厦用户手册》不予批准",
        follow_up="典礼当天现场配合",
        follow_up_due=meeting + timedelta(days=2),
        complaint_id=row["id"],
        user_id=supervisor,
        recorded_at=meeting + timedelta(hours=1),
        follow_up_done_at=meeting + timedelta(days=2),
        follow_up_done_by=supervisor,
        follow_up_note="典礼顺利举行",
    )
    ctx.audit(
        meeting + timedelta(hours=1),
        "communication.create",
        "communication",
        ctx.last_id["communication"],
        user_id=supervisor,
        detail={"party_kind": "tenant"},
    )
