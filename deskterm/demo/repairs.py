"""Repair orders (D-30 to D-38) as written: numbers, SLA deadlines, status history, fee lines
(on and off the schedule, D-34, D-36), warranty repeats (D-35) and callbacks (回访).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from deskterm.demo import texts
from deskterm.demo.context import DemoContext
from deskterm.demo.repair_story import ACTIONS, Spec, callback_due, plan_repairs
from deskterm.models.complaint import Callback
from deskterm.models.repair import (
    Engineer,
    FeeReview,
    RepairAttempt,
    RepairChannel,
    RepairEvent,
    RepairFeeLine,
    RepairOrder,
)
from deskterm.rules.money import line_amount
from deskterm.rules.sla import deadlines_for
from deskterm.rules.warranty import in_warranty


def add_repairs(ctx: DemoContext, scale: int, fee_items: dict[str, dict[str, Any]]) -> None:
    """`fee_items`: the fee schedule by code (D-34)."""
    engineers = {
        name: ctx.add(Engineer, name=name, trade=trade, on_duty=on_duty)["id"]
        for name, trade, on_duty in texts.ENGINEERS
    }
    for spec in plan_repairs(ctx, scale):
        _order(ctx, spec, ctx.categories[spec.category], fee_items, engineers)
    _unhappy_callback(ctx)
    _reopened_once(ctx)


def _order(
    ctx: DemoContext,
    spec: Spec,
    repair_class: str,
    fee_items: dict[str, dict],
    engineers: dict[str, int],
) -> None:
    rng = ctx.rng
    times = spec.times
    status = list(times)[-1]
    shift_id, operator = ctx.on_duty(spec.reported_at)
    due = deadlines_for(repair_class, spec.reported_at, ctx.settings.sla)
    worker = rng.choice(texts.WORKERS)
    warranty = spec.warranty_of.row if spec.warranty_of and spec.warranty_of.row else None
    if warranty and not in_warranty(
        warranty["repaired_at"],
        spec.reported_at,
        ctx.settings.warranty_months,
        ctx.settings.timezone,
    ):
        warranty = None
    fee = fee_items.get(
        spec.fee_code or (warranty and spec.warranty_of and spec.warranty_of.fee_code) or ""
    )
    order_id = ctx.new_id("repair_order")
    lines = _fee_lines(ctx, spec, order_id, fee, bool(warranty))
    charged = sum(
        line["amount_fen"]
        for line in lines
        if not line["waived"] and line["review"] in ("not_needed", "approved")
    )
    # D-34: the reporter signs the fee before the work is marked done.
    fee_signed = None
    if charged and "repaired" in times:
        fee_signed = times["on_site"] + timedelta(minutes=20)
    channel = RepairChannel.patrol
    if spec.reporter not in ("巡查保安", "保洁员"):
        channel = rng.choice(
            (RepairChannel.phone, RepairChannel.phone, RepairChannel.walk_in, RepairChannel.app)
        )
    row = ctx.add(
        RepairOrder,
        id=order_id,
        number=ctx.number("R", spec.reported_at),
        scope=spec.scope,
        unit_id=spec.unit_id,
        location=spec.location,
        channel=channel,
        reporter_name=spec.reporter,
        reporter_contact="" if spec.scope == "household" else "对讲机3频道",
        category_code=spec.category,
        description=spec.description,
        repair_class=repair_class,
        reported_at=spec.reported_at,
        reported_by=operator,
        shift_id=shift_id,
        onsite_due_at=due.onsite_due,
        fix_due_at=due.fix_due,
        status=status,
        resume_status="dispatched" if status == "on_hold" else None,
        assignee=worker if "dispatched" in times else None,
        engineer_id=engineers[worker] if "dispatched" in times else None,
        settlement="paid" if charged and "closed" in times else "unpaid",
        settled_at=times["closed"] if charged and "closed" in times else None,
        receipt_no=f"SJ{spec.reported_at:%Y%m%d}-{rng.randint(100, 999)}"
        if charged and "closed" in times
        else None,
        cost_bearer=("owner" if charged else "service_fee") if "repaired" in times else None,
        dispatched_at=times.get("dispatched"),
        arrived_at=times.get("on_site"),
        repaired_at=times.get("repaired"),
        work_done=_work_done(worker, fee, warranty) if "repaired" in times else None,
        materials=fee["name"] if fee and "repaired" in times else None,
        accepted_at=times.get("accepted"),
        accepted_by_name=spec.reporter if "accepted" in times else None,
        fee_form_no=f"WX{spec.reported_at:%Y%m%d}-{rng.randint(100, 999)}" if fee_signed else None,
        fee_accepted_at=fee_signed,
        fee_accepted_by_name=spec.reporter if fee_signed else None,
        fee_accepted_fen=charged if fee_signed else None,
        closed_at=times.get("closed") or times.get("cancelled"),
        status_reason=(
            rng.choice(texts.HOLD_REASONS)
            if status == "on_hold"
            else rng.choice(texts.CANCEL_REASONS)
            if status == "cancelled"
            else None
        ),
        warranty_of_id=warranty["id"] if warranty else None,
        version=len(times),
    )
    spec.row = row
    _history(ctx, spec, row, worker)
    for line in lines:
        ctx.add(RepairFeeLine, **line)
        ctx.audit(
            line["added_at"],
            "repair.fee_add",
            "repair_order",
            order_id,
            user_id=line["added_by"],
            detail={"line": line["id"], "code": line["code"]},
        )
        if line["reviewed_at"]:
            ctx.audit(
                line["reviewed_at"],
                "repair.fee_review",
                "repair_order",
                order_id,
                user_id=line["reviewed_by"],
                detail={"line": line["id"], "review": "approved"},
            )
    if fee_signed:
        ctx.audit(
            fee_signed,
            "repair.fee_accept",
            "repair_order",
            order_id,
            user_id=ctx.on_duty(fee_signed)[1],
            detail={"total_fen": charged},
        )
    if spec.scope == "household" and "repaired" in times:
        _callback(ctx, spec, row)


def _history(ctx: DemoContext, spec: Spec, row: dict[str, Any], worker: str) -> None:
    previous = None
    for version, (step, at) in enumerate(spec.times.items(), 1):
        who = ctx.users["sup1"] if step == "closed" else ctx.on_duty(at)[1]
        note = {
            "reported": row["override_reason"] or "",
            "dispatched": f"派工:{worker}",
            "on_site": f"{worker}到场",
            "repaired": row["work_done"] or "",
            "accepted": "报修人签字确认",
            "called_back": "回访完成",
            "closed": "结单",
            "on_hold": row["status_reason"] or "",
            "cancelled": row["status_reason"] or "",
        }[step]
        action = ACTIONS[step]
        ctx.add(
            RepairEvent,
            order_id=row["id"],
            at=at,
            user_id=who,
            action=action,
            from_status=previous,
            to_status=step,
            note=note,
            version=version,
            changes={} if previous is None else {"status": [previous, step]},
        )
        detail = {"number": row["number"]}
        if previous is None:
            detail.update({"class": row["repair_class"], "category": row["category_code"]})
        ctx.audit(at, f"repair.{action}", "repair_order", row["id"], user_id=who, detail=detail)
        previous = step


def _fee_lines(
    ctx: DemoContext, spec: Spec, order_id: int, fee: dict | None, warranty: bool
) -> list[dict[str, Any]]:
    """Lines added on site: from the schedule, off it (reviewed, D-36), or waived (D-35)."""
    if "on_site" not in spec.times or spec.scope != "household":
        return []
    added = spec.times["on_site"] + timedelta(minutes=10)
    if added > ctx.now:
        return []
    by = ctx.on_duty(added)[1]
    lines = []
    if fee:
        quantity = 2 if ctx.rng.random() < 0.15 else 1
        price = fee["labour_fen"] + fee["materials_fen"]
        lines.append(
            {
                "code": fee["code"],
                "schedule_item_id": fee["id"],
                "description": fee["name"],
                "unit": fee["unit"],
                "unit_labour_fen": fee["labour_fen"],
                "unit_materials_fen": fee["materials_fen"],
                "quantity": quantity,
                "unit_price_fen": price,
                "amount_fen": line_amount(price, quantity),
                "labour_amount_fen": line_amount(fee["labour_fen"], quantity),
                "materials_amount_fen": line_amount(fee["materials_fen"], quantity),
                "waived": warranty,
                "review": FeeReview.not_needed,
            }
        )
    if spec.off_schedule:
        description, price = texts.OFF_SCHEDULE
        lines.append(
            {
                "code": "",
                "schedule_item_id": None,
                "description": description,
                "unit": "套",
                "unit_labour_fen": 6000,
                "unit_materials_fen": price - 6000,
                "quantity": 1,
                "unit_price_fen": price,
                "amount_fen": line_amount(price, 1),
                "labour_amount_fen": 6000,
                "materials_amount_fen": price - 6000,
                "waived": False,
                "review": FeeReview(spec.off_schedule),
            }
        )
    for line in lines:
        approved = line["review"] == FeeReview.approved
        line.update(
            id=ctx.new_id("repair_fee_line"),
            order_id=order_id,
            added_at=added,
            added_by=by,
            reviewed_at=added + timedelta(minutes=50) if approved else None,
            reviewed_by=ctx.users["sup2"] if approved else None,
            review_note="非标项目,价格经工程部主管核定" if approved else None,
        )
    return lines


def _work_done(worker: str, fee: dict | None, warranty: dict | None) -> str:
    what = fee["name"] if fee else "现场检修,故障已排除"
    return f"{worker}:" + ("保修期内返修(D-35)," if warranty else "") + what


def _callback(ctx: DemoContext, spec: Spec, row: dict[str, Any]) -> None:
    """The callback (回访) falls due when the work is done; called back, or still due."""
    rng = ctx.rng
    repaired = spec.times["repaired"]
    done = spec.times.get("called_back")
    result = None
    if done:
        result = rng.choices(("satisfied", "fairly_satisfied"), weights=(85, 15))[0]
        if spec.category == "heating_not_warm":
            result = "satisfied"  # case 1: "已经热了,谢谢你们"
    due = callback_due(ctx, spec, repaired)
    cb = ctx.add(
        Callback,
        subject_kind="repair",
        subject_id=row["id"],
        created_at=repaired,
        due_at=due,
        attempts=(1 if rng.random() < 0.8 else 2) if done else 0,
        last_attempt_at=done,
        method=rng.choice(("phone", "phone", "visit")) if done else None,
        person=spec.reporter if done else "",
        result=result,
        comment=(
            texts.HEATING_THANKS
            if spec.category == "heating_not_warm"
            else rng.choice(texts.CALLBACK_COMMENTS[result])
        )
        if result
        else None,
        done_at=done,
        done_by=ctx.on_duty(done)[1] if done else None,
        version=2 if done else 1,
    )
    ctx.audit(
        repaired,
        "callback.due",
        "callback",
        cb["id"],
        user_id=ctx.on_duty(repaired)[1],
        detail={"subject": "repair", "number": row["number"], "due_at": due},
    )
    ctx.callbacks.append((cb, row))


def _reopened_once(ctx: DemoContext) -> None:
    """One order reopened after its callback and repaired again: its first attempt is kept
    (D-31: the SLA report counts both)."""
    closed = [
        row
        for row in ctx.rows["repair_order"]
        if row["status"] == "closed"
        and row["scope"] == "household"
        and row["closed_at"]
        and row["closed_at"] + timedelta(days=6) < ctx.now
    ]
    if not closed:
        return
    row = closed[len(closed) // 3]
    ended = row["closed_at"]
    ctx.add(
        RepairAttempt,
        order_id=row["id"],
        attempt=1,
        started_at=row["reported_at"],
        onsite_due_at=row["onsite_due_at"],
        fix_due_at=row["fix_due_at"],
        assignee=row["assignee"],
        dispatched_at=row["dispatched_at"],
        arrived_at=row["arrived_at"],
        repaired_at=row["repaired_at"],
        ended_at=ended,
        outcome="reopened",
        note="回访时住户反映问题又出现",
    )
    due = deadlines_for(row["repair_class"], ended, ctx.settings.sla)
    row.update(
        reopen_count=1,
        reopened_at=ended,
        onsite_due_at=due.onsite_due,
        fix_due_at=due.fix_due,
        dispatched_at=ended + timedelta(minutes=10),
        arrived_at=ended + timedelta(hours=1),
        repaired_at=ended + timedelta(hours=3),
        accepted_at=ended + timedelta(hours=3, minutes=10),
        closed_at=ended + timedelta(days=2),
    )
    ctx.audit(
        ended,
        "repair.reopen",
        "repair_order",
        row["id"],
        user_id=row["reported_by"],
        detail={"number": row["number"], "attempt": 2},
    )


def _unhappy_callback(ctx: DemoContext) -> None:
    """One resident was not satisfied; the complaint it becomes is added with the complaints."""
    done = [
        (cb, order)
        for cb, order in ctx.callbacks
        if cb["result"] and order["status"] == "called_back"
    ]
    if done:
        cb, order = done[len(done) // 2]
        cb["result"], cb["comment"] = "dissatisfied", texts.CALLBACK_COMMENTS["dissatisfied"][0]
        ctx.unhappy = (cb, order)
    for cb, order in ctx.callbacks:
        if cb["done_at"]:
            ctx.audit(
                cb["done_at"],
                "callback.record",
                "callback",
                cb["id"],
                user_id=cb["done_by"],
                detail={"number": order["number"], "result": cb["result"], "method": cb["method"]},
            )
