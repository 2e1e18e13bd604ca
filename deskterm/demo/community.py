"""The communication log (D-40, D-41) and the estate's events (D-23)."""

from __future__ import annotations

from datetime import timedelta

from deskterm.demo import texts
from deskterm.demo.context import DemoContext
from deskterm.models.complaint import Communication
from deskterm.models.directory import Event
from deskterm.rules.pinyin import pinyin_keys

# Days from today of each event's start, and its hour: some past, some to come.
EVENT_DAYS = ((-40, 18), (-12, 9), (-5, 8), (3, 9), (10, 15), (18, 19))


def add_communications(ctx: DemoContext) -> None:
    rng = ctx.rng
    users = (ctx.users["sup1"], ctx.users["op1"], ctx.users["op2"])
    entries = list(texts.COMMUNICATIONS)
    days_back = sorted((rng.uniform(0.5, 60) for _ in entries), reverse=True)
    for index, (entry, back) in enumerate(zip(entries, days_back, strict=True)):
        kind, party, subject, agreed, follow_up = entry
        at = ctx.ago(days=back).replace(second=0, microsecond=0)
        due = at + timedelta(days=rng.choice((3, 7, 14))) if follow_up else None
        done = None
        if due is not None and index % 3 != 0:
            done = due - timedelta(hours=rng.randint(2, 48))
            done = done if done <= ctx.now else None
        user = users[index % len(users)]
        how = {"utility": "notice", "government": "meeting", "owner": "phone"}.get(kind, "meeting")
        recorded = min(at + timedelta(minutes=rng.randint(10, 90)), ctx.now)
        row = ctx.add(
            Communication,
            at=at,
            party_kind=kind,
            party_name=ctx.fill(party),
            how=how,
            subject=ctx.fill(subject),
            agreed=agreed,
            follow_up=follow_up,
            follow_up_due=due,
            user_id=user,
            recorded_at=recorded,
            follow_up_done_at=done,
            follow_up_done_by=user if done else None,
            follow_up_note="已办结" if done else "",
            version=2 if done else 1,
        )
        ctx.audit(
            recorded,
            "communication.create",
            "communication",
            row["id"],
            user_id=user,
            detail={"party_kind": kind},
        )
        if done:
            ctx.audit(
                done, "communication.follow_up_done", "communication", row["id"], user_id=user
            )
    # One follow-up that is due soon, whatever the draw.
    at = ctx.ago(days=2)
    row = ctx.add(
        Communication,
        at=at,
        party_kind="owners_committee",
        party_name="业主委员会",
        subject="电梯更新改造方案征求意见",
        agreed="物业三日内提交两家维保单位报价",
        follow_up="提交报价给业委会",
        follow_up_due=ctx.now + timedelta(days=1),
        user_id=ctx.users["sup1"],
        recorded_at=at + timedelta(minutes=30),
    )
    ctx.audit(
        at,
        "communication.create",
        "communication",
        row["id"],
        user_id=ctx.users["sup1"],
        detail={"party_kind": "owners_committee"},
    )


def add_events(ctx: DemoContext) -> None:
    for (title, place, content), (day, hour) in zip(texts.EVENTS, EVENT_DAYS, strict=True):
        starts = ctx.local(ctx.today + timedelta(days=day), hour)
        full, initials = pinyin_keys(title)
        row = ctx.add(
            Event,
            title=title,
            place=place,
            starts_at=starts,
            title_pinyin=full,
            title_initials=initials,
            ends_at=starts + timedelta(hours=2),
            content=content,
        )
        created = min(starts - timedelta(days=7), ctx.now)
        ctx.audit(created, "event.create", "event", row["id"], user_id=ctx.users["admin1"])
