"""Inquiries by phone and in person (D-20 to D-27): contact attempts, messages, promises."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import accumulate

from deskterm.demo import texts
from deskterm.demo.context import DemoContext
from deskterm.demo.names import mobile, person_name
from deskterm.models.inquiry import ContactAttempt, Inquiry, Message, PromisedReply

HISTORY_DAYS = 14
DELIVERY = ("电话通知", "当面转告", "留言条放入信箱", "微信告知")
# Calls and walk-ins by hour, 07:00 to 21:00 (cumulative weights).
CALL_HOURS = tuple(accumulate((1, 3, 5, 6, 5, 3, 4, 5, 5, 4, 3, 2, 2, 1, 1)))


def add_inquiries(ctx: DemoContext, scale: int, directory: list[tuple[int, str]]) -> None:
    rng = ctx.rng
    times = []
    for back in range(HISTORY_DAYS, -1, -1):
        day = ctx.today - timedelta(days=back)
        for _ in range(rng.randint(6, 12) * scale):
            hour = rng.choices(range(7, 22), cum_weights=CALL_HOURS)[0]
            at = ctx.local(day, hour, rng.randrange(60), rng.randrange(60))
            if at < ctx.now - timedelta(minutes=5):
                times.append(at)
    times.sort()
    promises = 0
    for index, at in enumerate(times):
        kind = rng.choices(("find", "info", "promise", "decline"), weights=(50, 35, 9, 6))[0]
        if index in (len(times) - 3, len(times) // 2, len(times) // 3, 5):
            kind = "promise"  # promises due, overdue and kept, whatever the draw
        if kind == "find":
            _find_person(ctx, at)
        elif kind == "info":
            _information(ctx, at, directory)
        elif kind == "promise":
            _promise(ctx, at, promises)
            promises += 1
        else:
            _inquiry(ctx, at, rng.choice(texts.INQUIRY_TOPICS_DECLINE), "declined")
    _staff_messages(ctx)


def _inquiry(ctx: DemoContext, at: datetime, topic: str, outcome: str, **values) -> dict:
    shift_id, operator = ctx.on_duty(at)
    channel = values.pop("channel", None) or ctx.rng.choice(("phone", "phone", "walk_in"))
    row = ctx.add(
        Inquiry,
        at=at,
        user_id=operator,
        shift_id=shift_id,
        channel=channel,
        topic=topic,
        inquirer=values.pop("inquirer", None) or person_name(ctx.rng),
        outcome=outcome,
        **values,
    )
    ctx.audit(
        at,
        "inquiry.create",
        "inquiry",
        row["id"],
        user_id=operator,
        detail={"channel": channel, "outcome": outcome},
    )
    return row


def _find_person(ctx: DemoContext, at: datetime) -> None:
    """Ring the person asked for; transfer with consent, else try again, else take a message."""
    rng = ctx.rng
    by_company = rng.random() < 0.35
    target = ctx.company() if by_company else ctx.resident()
    label = f"{target['label']} {target['name'] if not by_company else target['contact_name']}"
    tries = rng.choices(
        (
            ("transferred",),
            ("no_answer", "transferred"),
            ("absent",),
            ("no_answer", "no_answer", "no_answer"),
            ("declined",),
        ),
        weights=(45, 15, 20, 15, 5),
    )[0]
    outcome = {
        "transferred": "transferred",
        "absent": "message_taken",
        "declined": "message_taken",
    }.get(tries[-1], "message_taken")
    if tries[-1] == "no_answer" and rng.random() < 0.3:
        outcome = "not_found"  # the inquirer would not leave a message (D-22)
    row = _inquiry(
        ctx,
        at,
        rng.choice(("找人", "转接电话", "来访找人")),
        outcome,
        target_kind="company" if by_company else "resident",
        target_id=target["id"],
        target_text=label,
    )
    attempt_at = at
    for result in tries:
        attempt_at += timedelta(minutes=rng.randint(1, 6))
        ctx.add(
            ContactAttempt,
            inquiry_id=row["id"],
            at=attempt_at,
            outcome=result,
            user_id=row["user_id"],
        )
    if outcome == "message_taken":
        kind = "company" if by_company else "resident"
        _message(
            ctx, attempt_at + timedelta(minutes=1), row, kind, target["id"], label, row["inquirer"]
        )


def _message(
    ctx: DemoContext,
    at: datetime,
    inquiry: dict | None,
    for_kind: str,
    for_id: int | None,
    for_name: str,
    from_name: str,
) -> None:
    rng = ctx.rng
    taken_by = inquiry["user_id"] if inquiry else ctx.on_duty(at)[1]
    would_be = at + timedelta(minutes=rng.randint(20, 600))
    # None: still waiting, some of them for days
    delivered = None if would_be > ctx.now or rng.random() < 0.06 else would_be
    row = ctx.add(
        Message,
        inquiry_id=inquiry["id"] if inquiry else None,
        for_kind=for_kind,
        for_id=for_id,
        for_name=for_name,
        from_name=from_name,
        from_contact=mobile(rng) if rng.random() < 0.7 else "",
        text=rng.choice(texts.MESSAGE_TEXTS),
        taken_at=at,
        taken_by=taken_by,
        delivered_at=delivered,
        delivered_by=ctx.on_duty(delivered)[1] if delivered else None,
        delivered_how=rng.choice(DELIVERY) if delivered else None,
    )
    ctx.audit(at, "message.create", "message", row["id"], user_id=taken_by)
    if delivered:
        ctx.audit(delivered, "message.deliver", "message", row["id"], user_id=row["delivered_by"])


def _information(ctx: DemoContext, at: datetime, directory: list[tuple[int, str]]) -> None:
    kind, topic, target = ctx.rng.choice(texts.INQUIRY_TOPICS_INFO)
    entry = next((e for e in directory if target in e[1]), None) if kind else None
    _inquiry(
        ctx,
        at,
        topic,
        "answered",
        target_kind="directory" if entry else None,
        target_id=entry[0] if entry else None,
        target_text=entry[1] if entry else target,
    )


def _promise(ctx: DemoContext, at: datetime, index: int) -> None:
    """A promise to answer later (D-25): kept, due, or overdue and still open."""
    rng = ctx.rng
    question = rng.choice(texts.INQUIRY_TOPICS_PROMISE)
    row = _inquiry(ctx, at, question, "promised")
    due = at + timedelta(hours=rng.choice((4, 24, 48, 72)))
    would_be = at + timedelta(hours=rng.randint(2, 40))
    # None: overdue once the due time passes, or simply not yet due
    answered = None if index == 1 or would_be > ctx.now else would_be
    promise = ctx.add(
        PromisedReply,
        inquiry_id=row["id"],
        question=question,
        asked_by=row["inquirer"],
        contact=mobile(rng),
        due_at=due,
        created_at=at,
        created_by=row["user_id"],
        answered_at=answered,
        answered_by=ctx.users["sup1"] if answered else None,
        answer=rng.choice(texts.PROMISE_ANSWERS) if answered else None,
    )
    ctx.audit(
        at,
        "promise.create",
        "promised_reply",
        promise["id"],
        user_id=row["user_id"],
        detail={"due_at": due},
    )
    if answered:
        ctx.audit(
            answered, "promise.answer", "promised_reply", promise["id"], user_id=ctx.users["sup1"]
        )


def _staff_messages(ctx: DemoContext) -> None:
    """Messages for colleagues left at the desk, without an inquiry."""
    for hours, for_name, sender in (
        (30, "工程部 刘师傅", "5-802业主"),
        (3, "客服主管 王强", "业委会 主任"),
    ):
        _message(ctx, ctx.ago(hours=hours), None, "staff", None, for_name, sender)
