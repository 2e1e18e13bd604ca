"""The stories of the demo's repair orders, before they are written: what was reported, when
each step happened (cut at "now"), and the cases a supervisor must find (D-30, D-31, D-35).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from deskterm.demo import texts
from deskterm.demo.context import DemoContext

HISTORY_DAYS = 75
_FEE_OF = {c: f for c, _d, f in texts.REPAIR_HOUSEHOLD if f}
FLOW = ("reported", "dispatched", "on_site", "repaired", "accepted", "called_back", "closed")
# The services' action for each step (RepairEvent.action, audit "repair.<action>").
ACTIONS = {
    "reported": "create",
    "dispatched": "dispatch",
    "on_site": "arrive",
    "repaired": "repair",
    "accepted": "accept",
    "called_back": "called_back",
    "closed": "close",
    "cancelled": "cancel",
    "on_hold": "hold",
}


@dataclass
class Spec:
    """An order before it is numbered: what was reported, and how its story goes."""

    reported_at: datetime
    scope: str
    category: str
    description: str
    unit_id: int | None = None
    location: str = ""
    reporter: str = ""
    fee_code: str | None = None
    fate: str = "normal"  # normal | stalled | on_hold | cancelled | late_callback
    stall_at: str = "dispatched"
    off_schedule: str | None = None  # an off-schedule fee line: "approved" | "pending"
    warranty_of: Spec | None = None
    times: dict[str, datetime] = field(default_factory=dict)
    row: dict[str, Any] | None = None


def plan_repairs(ctx: DemoContext, scale: int) -> list[Spec]:
    """Every order's story, oldest report first, each step timed (none after now)."""
    specs = sorted(_specs(ctx, scale), key=lambda s: s.reported_at)
    for spec in specs:
        _timeline(ctx, spec)
    return specs


def _specs(ctx: DemoContext, scale: int) -> list[Spec]:
    rng = ctx.rng
    specs = []
    for back in range(HISTORY_DAYS, -1, -1):
        day = ctx.today - timedelta(days=back)
        for _ in range(rng.randint(2, 6) * scale):
            at = ctx.local(day, rng.randint(7, 21), rng.randrange(60))
            if at < ctx.now - timedelta(minutes=30):
                specs.append(_draw(ctx, at))
    # The stories a supervisor must see, whatever the draw (relative to now).
    urgent_unit = ctx.rng.choice(ctx.homes)["id"]
    specs += [
        _public(
            ctx,
            ctx.ago(minutes=12),
            "light_bulb",
            "{b}栋{f}层走廊",
            "走廊灯管不亮",
            fate="stalled",
            stall_at="reported",
        ),
        _household(
            ctx,
            ctx.ago(hours=19),
            "burst_pipe",
            "水表处水管爆裂,屋内积水",
            urgent_unit,
            fate="stalled",
            stall_at="on_site",
        ),  # urgent, 5 h to go: near breach
        _public(
            ctx,
            ctx.ago(minutes=100),
            "lift_failure",
            "{b}栋1号电梯",
            "电梯停在{f}层,门打不开",
            fate="stalled",
            stall_at="dispatched",
        ),  # not on site yet, 20 min left
        _household(
            ctx,
            ctx.ago(days=4),
            "door_window",
            "阳台推拉门脱轨",
            None,
            fate="stalled",
            stall_at="dispatched",
        ),  # general, a day overdue
        _household(
            ctx,
            ctx.ago(hours=5),
            "sanitary_fitting",
            "淋浴花洒漏水",
            None,
            fate="stalled",
            stall_at="repaired",
        ),  # waiting for the resident to sign
        _household(
            ctx,
            ctx.ago(days=4),
            "sanitary_fitting",
            "马桶水箱一直流水",
            None,
            fate="stalled",
            stall_at="accepted",
        ),  # callback overdue
        _household(
            ctx,
            ctx.ago(hours=10),
            "light_bulb",
            "客厅吸顶灯不亮",
            None,
            fate="stalled",
            stall_at="accepted",
        ),  # callback due
        _household(
            ctx,
            ctx.ago(days=3),
            "drain_blocked",
            "厨房下水管堵塞",
            None,
            fate="stalled",
            stall_at="called_back",
        ),
        _household(ctx, ctx.ago(days=2), "lock_handle", "入户门锁芯卡住", None, fate="on_hold"),
        _household(ctx, ctx.ago(days=1), "minor_other", "开关面板松动", None, fate="cancelled"),
        _household(
            ctx, ctx.ago(days=8), "sanitary_fitting", "马桶水箱配件损坏", None, fate="late_callback"
        ),
        _household(ctx, ctx.ago(hours=3), "heating_not_warm", "暖气不热,业主很着急", None),
        _household(
            ctx,
            ctx.ago(hours=6),
            "minor_other",
            "橱柜铰链断裂,拉篮脱落",
            None,
            fate="stalled",
            stall_at="on_site",
            off_schedule="pending",
        ),
        _household(
            ctx,
            ctx.ago(days=20),
            "minor_other",
            "橱柜铰链断裂,拉篮脱落",
            None,
            off_schedule="approved",
        ),
    ]
    for spec in specs[-14:]:
        if spec.scope == "household":
            spec.fee_code = _fee_of(spec.category)
    original = _household(ctx, ctx.ago(days=55), "tap_leak_severe", "厨房水龙头断裂,水流不止", None)
    repeat = _household(
        ctx,
        ctx.ago(days=1, hours=3),
        "tap_leak_severe",
        "上次换的水龙头又漏水了",
        original.unit_id,
        fate="stalled",
        stall_at="on_site",
    )
    original.fee_code = "F001"
    repeat.reporter, repeat.warranty_of = original.reporter, original
    specs += [original, repeat]
    return specs


def _draw(ctx: DemoContext, at: datetime) -> Spec:
    rng = ctx.rng
    fate = rng.choices(("normal", "stalled", "on_hold", "cancelled"), weights=(88, 4, 3, 5))[0]
    if fate in ("stalled", "on_hold") and at < ctx.ago(days=10):
        fate = "normal"  # older orders were all finished: only recent ones still hang
    if rng.random() < 0.75:
        category, description, fee = rng.choice(texts.REPAIR_HOUSEHOLD)
        spec = _household(ctx, at, category, description, None, fate=fate)
        spec.fee_code = fee
        return spec
    category, location, description = rng.choice(texts.REPAIR_PUBLIC)
    return _public(ctx, at, category, location, description, fate=fate)


def _fee_of(category: str) -> str | None:
    return _FEE_OF.get(category)


def _household(
    ctx: DemoContext, at: datetime, category: str, description: str, unit_id: int | None, **kw: Any
) -> Spec:
    resident = next((r for r in ctx.residents if r["unit_id"] == unit_id), None) or ctx.resident()
    return Spec(
        at,
        "household",
        category,
        description,
        unit_id=resident["unit_id"],
        reporter=resident["name"],
        **kw,
    )


def _public(
    ctx: DemoContext, at: datetime, category: str, location: str, description: str, **kw: Any
) -> Spec:
    reporter = ctx.rng.choice(("巡查保安", "保洁员", ctx.resident()["name"]))
    location, description = ctx.fill(location + "|" + description).split("|")
    return Spec(at, "public", category, description, location=location, reporter=reporter, **kw)


def _timeline(ctx: DemoContext, spec: Spec) -> None:
    """When each step happens; steps after now (or after a stall) do not happen."""
    rng = ctx.rng
    t = spec.reported_at
    steps = {"reported": t}
    t += timedelta(minutes=rng.randint(5, 20))
    steps["dispatched"] = t
    t += _soon_or_later(rng, (25, 110))
    steps["on_site"] = t
    t += timedelta(minutes=rng.randint(30, 180))
    steps["repaired"] = repaired = t
    # The resident signs at once, or when back home.
    t += _soon_or_later(rng, (0, 15))
    steps["accepted"] = t
    if spec.scope == "household":  # called back before the callback falls due, or late
        due = callback_due(ctx, spec, repaired)
        if spec.fate == "late_callback":
            called = due + timedelta(hours=30)
        else:
            called = repaired + (due - repaired) * rng.uniform(0.3, 0.9)
        t = steps["called_back"] = max(called, t + timedelta(minutes=10)).replace(microsecond=0)
    t += timedelta(hours=rng.randint(1, 24))
    steps["closed"] = t
    if spec.fate == "cancelled":
        steps = {
            "reported": spec.reported_at,
            "cancelled": spec.reported_at + timedelta(minutes=rng.randint(10, 240)),
        }
    elif spec.fate == "on_hold":
        steps = {k: steps[k] for k in ("reported", "dispatched")}
        steps["on_hold"] = steps["dispatched"] + timedelta(hours=rng.randint(1, 6))
    elif spec.fate == "stalled":
        steps = {k: v for k, v in steps.items() if FLOW.index(k) <= FLOW.index(spec.stall_at)}
        last = steps[spec.stall_at]
        latest = ctx.now - timedelta(minutes=40)
        if last > latest > spec.reported_at:  # squeeze the story in: it got that far by now
            share = (latest - spec.reported_at) / (last - spec.reported_at)
            steps = {
                k: (spec.reported_at + (v - spec.reported_at) * share).replace(microsecond=0)
                for k, v in steps.items()
            }
    spec.times = {k: v for k, v in steps.items() if v <= ctx.now}


def _soon_or_later(rng, minutes: tuple[int, int]) -> timedelta:
    """Mostly within `minutes`; three times in ten, hours later (nobody free, nobody home)."""
    if rng.random() < 0.7:
        return timedelta(minutes=rng.randint(*minutes))
    return timedelta(hours=rng.randint(2, 30))


def callback_due(ctx: DemoContext, spec: Spec, repaired: datetime) -> datetime:
    """As services.repair_status says: urgent the same shift, others within the set hours."""
    general = repaired + timedelta(hours=ctx.settings.repair_callback_hours)
    if ctx.categories[spec.category] != "urgent":
        return general
    return min(max(ctx.shift_end(repaired), repaired), general)
