"""Two weeks of shifts: self-checks, the duty logbook (D-10) and signed handovers (D-2, D-11)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from deskterm.demo import texts
from deskterm.demo.context import (
    DAY_SHIFT_START,
    LOST_SLIP_DONE,
    SHIFT_HOURS,
    DemoContext,
    ShiftInfo,
)
from deskterm.models.shift import (
    Handover,
    HandoverItem,
    HandoverStatus,
    LogbookEntry,
    Shift,
    ShiftStatus,
)
from deskterm.services.shift.dashboard import AttentionItem
from deskterm.services.shift.handover import summarise_done

OPERATORS = ("op1", "op2", "op3")
HISTORY_DAYS = 14


HANDED_OVER_MINUTES = 3  # the last shift was handed over this long before the demo's present
SHORTEST_LAST_SHIFT = timedelta(minutes=15)


def add_shifts(ctx: DemoContext) -> None:
    """Shifts from 14 days ago up to now. The last one (op3's) has just been handed over
    and nobody is on duty: op1, who signs in first (README), meets the check-in, the
    self-check and the review of that handover before the dashboard (issue 16)."""
    start = ctx.local(ctx.today - timedelta(days=HISTORY_DAYS), DAY_SHIFT_START)
    starts = []
    while start <= ctx.now:
        starts.append(start)
        start += timedelta(hours=SHIFT_HOURS)
    handed_over = ctx.now - timedelta(minutes=HANDED_OVER_MINUTES)
    if len(starts) > 1 and handed_over - starts[-1] < SHORTEST_LAST_SHIFT:
        starts.pop()  # the roster's next shift began a moment ago: the one before is the last
    last = len(starts) - 1
    items = ctx.settings.self_check_items
    for index, begun in enumerate(starts):
        code = OPERATORS[(index - last - 1) % len(OPERATORS)]  # op1 comes after the last
        operator = ctx.users[code]
        ended = min(begun + timedelta(hours=SHIFT_HOURS), handed_over)
        check: dict[str, bool | str] = {item: True for item in items}
        if index == last - 5 and "equipment" in check:  # what is not in order needs a note
            check["equipment"] = False
            check["note"] = "对讲机电池电量不足,已换备用电池并报工程部"
        row = ctx.add(
            Shift,
            post=ctx.settings.post,
            operator_id=operator,
            started_at=begun,
            ended_at=ended,
            self_check=check,
            status=ShiftStatus.closed,
        )
        ctx.shifts.append(ShiftInfo(row["id"], operator, begun, ended))
        ctx.audit(
            begun,
            "shift.start",
            "shift",
            row["id"],
            user_id=operator,
            detail={"post": ctx.settings.post, "self_check": check},
        )
        ctx.audit(ended, "shift.end", "shift", row["id"], user_id=operator)
    for shift in ctx.shifts:
        _logbook(ctx, shift)


def _logbook(ctx: DemoContext, shift: ShiftInfo) -> None:
    rng = ctx.rng
    end = shift.end
    span = int((end - shift.start).total_seconds() // 60)
    count = rng.choices((0, 1, 2, 3, 4), weights=(1, 3, 4, 2, 1))[0]
    times = sorted(rng.randrange(5, max(span - 30, 6)) for _ in range(count))
    entries = []
    for minute in times:
        occurred = shift.start + timedelta(minutes=minute)
        recorded = occurred + timedelta(minutes=rng.randint(3, 25))
        if recorded > ctx.now:
            continue
        category, place, what, action, notified = rng.choice(texts.LOGBOOK)
        place, what = ctx.fill(place + "|" + what).split("|")
        entries.append(
            _entry(ctx, shift, occurred, recorded, category, place, what, action, notified)
        )
    if rng.random() < 0.3:
        at = shift.end - timedelta(minutes=40)
        entries.append(
            _entry(
                ctx,
                shift,
                at,
                at + timedelta(minutes=5),
                "other",
                "大堂",
                "交班前巡查大堂及岗位,一切正常",
                "",
                "",
                abnormal=False,
            )
        )
    if entries and len(ctx.shifts) > 4 and shift is ctx.shifts[-4]:
        wrong = entries[0]
        at = wrong["recorded_at"] + timedelta(minutes=30)
        if at <= ctx.now:
            _entry(
                ctx,
                shift,
                wrong["occurred_at"],
                at,
                wrong["category"],
                wrong["location"],
                "更正:" + wrong["what"] + "(时间记错,应为实际发生时间)",
                wrong["action_taken"],
                wrong["notified"],
                corrects_id=wrong["id"],
            )


def _entry(
    ctx: DemoContext,
    shift: ShiftInfo,
    occurred: datetime,
    recorded: datetime,
    category: str,
    location: str,
    what: str,
    action: str,
    notified: str,
    abnormal: bool = True,
    corrects_id: int | None = None,
) -> dict[str, Any]:
    row = ctx.add(
        LogbookEntry,
        occurred_at=occurred,
        recorded_at=recorded,
        category=category,
        location=location,
        what=what,
        action_taken=action,
        notified=notified,
        user_id=shift.operator_id,
        shift_id=shift.id,
        corrects_id=corrects_id,
        abnormal=abnormal,
    )
    ctx.audit(
        recorded,
        "logbook.correct" if corrects_id else "logbook.add",
        "logbook_entry",
        row["id"],
        user_id=shift.operator_id,
        detail={"category": category},
        seal=(LogbookEntry, row, {}),
    )
    return row


def add_handovers(ctx: DemoContext, open_at) -> None:
    """A signed handover at the end of every shift, accepted by the next; one refused first;
    the last one signed and waiting for the next operator to review it.

    `open_at(at)` lists what was open at an instant: services.shift.dashboard AttentionItems.
    """
    refused_index = len(ctx.shifts) - 10
    shift_rows = {row["id"]: row for row in ctx.rows["shift"]}
    for index, shift in enumerate(ctx.shifts[:-1]):
        following = ctx.shifts[index + 1]
        signed = shift.end - timedelta(minutes=ctx.rng.randint(5, 15))
        if index == refused_index:
            first = _handover(
                ctx,
                shift,
                following,
                signed,
                open_at,
                keys=12,
                answered=following.start + timedelta(minutes=4),
                refused=True,
            )
            signed = first["answered_at"] + timedelta(minutes=15)
            answered = signed + timedelta(minutes=5)
            notice = "钥匙实点11把:5栋设备间钥匙由工程部借出未还,已登记"
        else:
            answered = min(following.start + timedelta(minutes=ctx.rng.randint(1, 8)), ctx.now)
            notice = None
        row = _handover(
            ctx,
            shift,
            following,
            signed,
            open_at,
            keys=11 if notice else 12,
            answered=answered,
            extra_notice=notice,
        )
        shift_rows[following.id]["accepted_handover_id"] = row["id"]
    if ctx.shifts:
        last = ctx.shifts[-1]
        _handover(ctx, last, None, last.end - timedelta(minutes=1), open_at, keys=12, answered=None)


def _handover(
    ctx: DemoContext,
    shift: ShiftInfo,
    following: ShiftInfo | None,
    signed: datetime,
    open_at,
    *,
    keys: int,
    answered: datetime | None,
    refused: bool = False,
    extra_notice: str | None = None,
) -> dict[str, Any]:
    """A signed handover; answered by `following` (accepted or refused), or waiting (None)."""
    rng = ctx.rng
    notices = [ctx.fill(rng.choice(texts.HANDOVER_NOTICES))] if rng.random() < 0.7 else []
    if extra_notice:
        notices.append(extra_notice)
    open_items = open_at(signed)
    physical = {name: 0 for name in ctx.settings.physical_items}
    physical.update(
        {
            "keys": keys,
            "blank_slips": rng.randint(30, 80),
            "temporary_passes": 10,
            "parcels": rng.randint(0, 6),
        }
    )
    physical = {k: v for k, v in physical.items() if k in ctx.settings.physical_items}
    row = ctx.add(
        Handover,
        post=ctx.settings.post,
        shift_id=shift.id,
        outgoing_user_id=shift.operator_id,
        created_at=signed - timedelta(minutes=10),
        signed_at=signed,
        notices="\n".join(notices),
        open_items=[item.snapshot() for item in open_items],  # as handover.sign stores them
        physical_items=physical,
        status=(
            HandoverStatus.signed
            if following is None
            else HandoverStatus.refused
            if refused
            else HandoverStatus.accepted
        ),
        incoming_user_id=following.operator_id if following else None,
        answered_at=answered,
        refusal_reason=texts.HANDOVER_REFUSAL if refused else None,
    )
    for text in notices:
        ctx.add(HandoverItem, handover_id=row["id"], kind="notice", text=text)
    for item in open_items:
        ctx.add(
            HandoverItem,
            handover_id=row["id"],
            kind="open",
            ref_kind=item.kind,
            ref_id=item.id,
            text=f"{item.ref} {item.text}".strip(),
        )
    for name, count in physical.items():
        ctx.add(HandoverItem, handover_id=row["id"], kind="physical", text=name, count=count)

    def note_head(seq: int, head: str) -> None:
        row["audit_head_seq"], row["audit_head_hash"] = seq, head

    as_signed = {
        "status": HandoverStatus.signed,
        "incoming_user_id": None,
        "answered_at": None,
        "refusal_reason": None,
    }
    detail = {"shift_id": shift.id, "open_items": len(open_items)}
    ctx.handover_signs[row["id"]] = detail
    ctx.audit(
        signed,
        "handover.sign",
        "handover",
        row["id"],
        user_id=shift.operator_id,
        detail=detail,
        seal=(Handover, row, as_signed),
        before=note_head,
    )
    if following is None:
        return row
    if answered is None:
        raise ValueError("a handover the next shift answered needs the time of the answer")
    ctx.audit(
        answered,
        "handover.refuse" if refused else "handover.accept",
        "handover",
        row["id"],
        user_id=following.operator_id,
        detail={"reason": row["refusal_reason"]} if refused else {},
        seal=(Handover, row, {}),
    )
    return row


def add_visitors_on_site(
    ctx: DemoContext, on_site: dict[int, list[tuple[int, str, str, str, int]]]
) -> None:
    """The visitors on site at each handover's signing, listed first as the desk's own
    handover lists them (services.shift.dashboard: visitors come after repairs; D-8, D-11).

    The slips are generated as a stream after the handovers are planned, so the stream hands
    back, per signing instant (epoch seconds), the slips on site then: (id, number, name, host,
    checked in at). Each is stored as dashboard.page_visitors makes it: the slip number in
    `ref`, the long-stay mark as `due_at`.
    Call before the audit chain is built: the handovers' seals and sign events count them.
    """
    long_stay = timedelta(minutes=ctx.settings.long_stay_minutes)
    for row in ctx.rows["handover"]:
        visitors = on_site.get(int(row["signed_at"].timestamp()), [])
        if not visitors:
            continue
        items = [
            AttentionItem(
                "visitor",
                slip_id,
                number,
                f"{name} → {host}",
                due_at=datetime.fromtimestamp(at, UTC) + long_stay,
            ).snapshot()
            for slip_id, number, name, host, at in visitors
        ]
        repairs = [i for i in row["open_items"] if i["kind"] == "repair"]
        others = [i for i in row["open_items"] if i["kind"] != "repair"]
        row["open_items"] = repairs + items + others
        for item in items:
            ctx.add(
                HandoverItem,
                handover_id=row["id"],
                kind="open",
                ref_kind="visitor",
                ref_id=item["id"],
                text=f"{item['ref']} {item['text']}",
            )
        ctx.handover_signs[row["id"]]["open_items"] = len(row["open_items"])


def add_done_summaries(ctx: DemoContext, visitors_done: dict[int, dict[str, int]]) -> None:
    """D-2: each handover's "Done this shift", counted as handover.sign counts it
    (services.shift.handover.summarise_done): the outgoing operator's audit events from the
    shift's start to the signing, by group. The demo's visitor slips are written in bulk,
    not one event each: the stream counts the slips each handover's operator issued and
    took back (`visitors_done`, handover id -> visitor.register / visitor.checkout counts).
    Call when every event is an intent, before the chain is built: the seals include it."""
    starts = {s.id: s.start for s in ctx.shifts}
    by_user: dict[int | None, list[tuple[datetime, str]]] = {}
    for intent in ctx.chain.intents:
        by_user.setdefault(intent.user_id, []).append((intent.at, intent.action))
    for row in ctx.rows["handover"]:
        since, until = starts[row["shift_id"]], row["signed_at"]
        counts = Counter(
            action
            for at, action in by_user.get(row["outgoing_user_id"], [])
            if since <= at <= until
        )
        counts.update(visitors_done.get(row["id"], {}))
        lost = counts.pop(LOST_SLIP_DONE, 0)
        row["done_summary"] = summarise_done(counts.items(), lost=lost)
