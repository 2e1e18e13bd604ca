"""build_demo: a new database filled with a reproducible estate, a year of visitors and two
weeks of desk work, with an audit chain that `deskterm audit verify` accepts.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, col

from deskterm.bulk import roomy_cache
from deskterm.clock import FixedClock
from deskterm.config import Settings
from deskterm.db import table_of
from deskterm.demo import store
from deskterm.demo.community import add_communications, add_events
from deskterm.demo.complaints import add_complaints
from deskterm.demo.context import DemoContext
from deskterm.demo.estate import add_estate, add_staff
from deskterm.demo.inquiries import add_inquiries
from deskterm.demo.repairs import add_repairs
from deskterm.demo.report import DemoReport
from deskterm.demo.shifts import (
    add_done_summaries,
    add_handovers,
    add_shifts,
    add_visitors_on_site,
)
from deskterm.demo.visitors import (
    COLUMNS,
    VisitorPlan,
    VisitorRows,
    add_expected_and_denied,
    plan_visitors,
)
from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.models.audit import AuditEvent, AuditHead
from deskterm.models.directory import DirectoryEntry
from deskterm.models.repair import FeeScheduleItem, RepairCategory
from deskterm.models.user import User
from deskterm.progress import Progress
from deskterm.services import audit
from deskterm.services.admin import maintenance, setup
from deskterm.services.shift.dashboard import AttentionItem

VISITORS_PER_SCALE = 20_000
SQLITE_BULK_CACHE_KIB = 65_536  # page cache while the visitor indexes grow


def build_demo(
    *,
    engine: Engine,
    settings: Settings,
    scale: int = 1,
    seed: int = 7,
    visitors: int | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> DemoReport:
    """Fill a new (or freshly initialised) database; the same seed and `now` give the same data.

    `now` (default: this minute) is the demo's present: everything is placed relative to it.
    """
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(second=0, microsecond=0)
    setup.initialise(engine=engine, clock=FixedClock(now), settings=settings)
    reference = _reference_and_check_empty(engine)
    ctx = DemoContext(random.Random(seed), now, settings, categories=reference["categories"])
    ctx.chain.seq, ctx.chain.head = reference[
        "head"
    ]  # after the set-up's seals of the reference data
    add_staff(ctx)
    add_estate(ctx, scale)
    add_shifts(ctx)
    plan = plan_visitors(ctx, VISITORS_PER_SCALE * scale if visitors is None else visitors)
    add_expected_and_denied(ctx, plan)
    add_inquiries(ctx, scale, reference["directory"])
    add_repairs(ctx, scale, reference["fees"])
    add_complaints(ctx, scale)
    add_communications(ctx)
    add_events(ctx)
    add_handovers(ctx, lambda at: _open_at(ctx, at))
    _write(engine, ctx, plan, progress)
    return DemoReport(maintenance.row_counts(engine), time.perf_counter() - started, seed, scale)


class DemoAlreadyBuilt(DeskError):
    """The database holds the demo already: nothing to add, and that is not a failure."""

    exit_code = 0


# Every table the demo fills: a row in any of them (a site's engineering list, say) is a
# record of someone else's, and the demo's explicit ids would collide with it.
DEMO_TABLES = (*store.TABLE_ORDER, "visitor_slip", "counter", "audit_event", "audit_head")


def _holds_records(conn) -> bool:
    """Anything the demo would write is there already; a new database holds only the set-up's
    `audit.seal` events (the reference data sealed) and the head they moved."""
    if conn.execute(
        select(literal(1))
        .select_from(AuditEvent)
        .where(col(AuditEvent.action) != "audit.seal")
        .limit(1)
    ).first():
        return True
    return any(
        conn.execute(
            select(literal(1)).select_from(SQLModel.metadata.tables[name]).limit(1)
        ).first()
        for name in DEMO_TABLES
        if name not in ("audit_event", "audit_head")
    )


def _reference_and_check_empty(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        if _holds_records(conn):
            if conn.execute(
                select(func.count()).select_from(User).where(col(User.code) == "admin1")
            ).scalar_one():
                raise DemoAlreadyBuilt(
                    _(
                        "This database holds the demo already; nothing was added (sign in as op1, password demo1234)."
                    )
                )
            raise DeskError(
                _("This database already holds records; the demo needs a new, empty database.")
            )
        directory = [
            tuple(r) for r in conn.execute(select(col(DirectoryEntry.id), col(DirectoryEntry.name)))
        ]
        categories = dict(
            conn.execute(select(col(RepairCategory.code), col(RepairCategory.repair_class))).all()
        )
        fees = {
            r["code"]: dict(r)
            for r in conn.execute(
                select(
                    col(FeeScheduleItem.id),
                    col(FeeScheduleItem.code),
                    col(FeeScheduleItem.name),
                    col(FeeScheduleItem.unit),
                    col(FeeScheduleItem.labour_fen),
                    col(FeeScheduleItem.materials_fen),
                )
            ).mappings()
        }
        head = conn.execute(
            select(col(AuditHead.seq), col(AuditHead.hash)).where(col(AuditHead.id) == 1)
        ).first()
    return {
        "directory": directory,
        "categories": categories,
        "fees": fees,
        "head": (head.seq, head.hash) if head else (0, audit.GENESIS),
    }


def _open_at(ctx: DemoContext, at: datetime) -> list[AttentionItem]:
    """What a handover signed at `at` lists as open (D-11), kind by kind as the desk's own
    handover does (services.shift.dashboard.open_items): repairs, messages, promises, callbacks
    due by the end of that day, communications to follow up, complaints awaiting a reply.
    Nothing cut (issue 21: the last handover listed only messages and promises while repairs
    and complaints were open). Each is the service's own AttentionItem, with the number in
    `ref` and the deadline in `due_at`, so it is stored as the desk stores it (`snapshot`;
    issue 21, finding 10: the report showed "—" for the demo's numbers and due times). The
    visitors on site are added when the slips are written as a stream
    (`add_visitors_on_site`, from what the stream saw at each signing)."""
    items = []
    for row in ctx.rows["repair_order"]:
        done = row["repaired_at"] or row["closed_at"]
        if row["reported_at"] <= at and (done is None or done > at):
            where = ctx.unit_label(row["unit_id"]) or row["location"]
            arrived = row["arrived_at"] is not None and row["arrived_at"] <= at
            due = (
                row["fix_due_at"]
                if arrived or row["onsite_due_at"] is None
                else row["onsite_due_at"]
            )  # as dashboard.page_repairs: on site, else fixed
            items.append(
                AttentionItem(
                    "repair",
                    row["id"],
                    row["number"],
                    f"{where} {row['description']} 未完成",
                    due_at=due,
                    started_at=row["reported_at"],
                    at=row["reported_at"],
                )
            )
    for row in ctx.rows["message"]:
        if row["taken_at"] <= at and (row["delivered_at"] is None or row["delivered_at"] > at):
            items.append(
                AttentionItem(
                    "message", row["id"], "", f"留言未转达:{row['for_name']}", at=row["taken_at"]
                )
            )
    for row in ctx.rows["promised_reply"]:
        if row["created_at"] <= at and (row["answered_at"] is None or row["answered_at"] > at):
            items.append(
                AttentionItem(
                    "promise",
                    row["id"],
                    "",
                    f"待答复:{row['question']}",
                    due_at=row["due_at"],
                    started_at=row["created_at"],
                    at=row["created_at"],
                )
            )
    day_end = desk_day_end(ctx, at)
    numbers = {
        (kind, row["id"]): row["number"]
        for kind, table in (("repair", "repair_order"), ("complaint", "complaint"))
        for row in ctx.rows[table]
    }
    for row in ctx.rows["callback"]:
        created = row.get("created_at") or row["due_at"]
        if (
            created <= at
            and row["due_at"] < day_end
            and (row["done_at"] is None or row["done_at"] > at)
        ):
            number = numbers.get((row["subject_kind"], row["subject_id"]), f"#{row['subject_id']}")
            items.append(
                AttentionItem("callback", row["id"], number, "待回访", due_at=row["due_at"])
            )
    for row in ctx.rows["communication"]:
        due = row.get("follow_up_due")
        if (
            due is not None
            and row["at"] <= at
            and due < day_end
            and (row.get("follow_up_done_at") is None or row["follow_up_done_at"] > at)
        ):
            items.append(
                AttentionItem(
                    "communication",
                    row["id"],
                    "",
                    f"待跟进:{row.get('subject') or ''}",
                    due_at=due,
                    started_at=row["at"],
                    at=row["at"],
                )
            )
    for row in ctx.rows["complaint"]:
        answered = row["replied_at"] or row["closed_at"]
        if row["received_at"] <= at and (answered is None or answered > at):
            items.append(
                AttentionItem(
                    "complaint",
                    row["id"],
                    row["number"],
                    f"{row['who_name']}:{row['content']} 待答复",
                    due_at=row["reply_due_at"],
                    started_at=row["received_at"],
                    at=row["received_at"],
                )
            )
    return items


def desk_day_end(ctx: DemoContext, at: datetime) -> datetime:
    """The end of the desk day of `at` (the site's timezone), as a UTC instant."""
    zone = ZoneInfo(ctx.settings.timezone)
    local = at.astimezone(zone)
    return datetime.combine(
        local.date() + timedelta(days=1), datetime.min.time(), tzinfo=zone
    ).astimezone(UTC)


def _write(engine: Engine, ctx: DemoContext, plan: VisitorPlan, progress: Progress | None) -> None:
    """One write transaction: records, visitor slips, then the audit chain that covers them.

    Handovers go in after the chain is built: each carries the chain's head at its signing.
    """
    sealed_late = ("handover", "handover_item")
    sqlite = engine.dialect.name == "sqlite"
    with engine.execution_options(deskterm_write=True).begin() as conn:
        for name in store.TABLE_ORDER:
            if name not in sealed_late:
                store.insert_rows(conn, name, ctx.rows.get(name, []))
        rows = VisitorRows(ctx, plan, store.sqlite_stamp() if sqlite else store.aware_stamp)
        with roomy_cache(conn, SQLITE_BULK_CACHE_KIB):
            store.insert_tuples(
                conn,
                "visitor_slip",
                COLUMNS,
                store.iter_batches(rows.iter_days()),
                plan.total,
                progress,
                _("visitor slips"),
            )
        add_visitors_on_site(ctx, rows.on_site_at)  # before the chain: the seals count them
        _audit_bulk(ctx, plan)
        add_done_summaries(ctx, rows.visitors_done)  # every event is an intent by now
        events = ctx.chain.build()
        for name in sealed_late:
            store.insert_rows(conn, name, ctx.rows.get(name, []))
        store.insert_rows(
            conn,
            "counter",
            [
                {"prefix": prefix, "day": day, "last": last}
                for (prefix, day), last in sorted(ctx.counters.items())
            ],
        )
        # every sealed row as written, sealed in the chain's last events (services/audit SEALED)
        seals = audit.seal_events(
            conn, seq=ctx.chain.seq, prev=ctx.chain.head, at=ctx.now, reason="demo"
        )
        events.extend({"id": e["seq"], **e} for e in seals)
        store.insert_rows(conn, "audit_event", events)
        head = (
            {"seq": events[-1]["seq"], "hash": events[-1]["hash"]}
            if events
            else {"seq": ctx.chain.seq, "hash": ctx.chain.head}
        )
        table = table_of(AuditHead)
        if conn.execute(select(table.c.id).where(table.c.id == 1)).first():
            conn.execute(table.update().where(table.c.id == 1).values(**head))
        else:
            conn.execute(table.insert().values(id=1, **head))
        store.reset_sequences(conn)


def _audit_bulk(ctx: DemoContext, plan: VisitorPlan) -> None:
    """One event per batch of slips (ids only: no names in the trail), and the exceptions."""
    for first in range(1, plan.total + 1, store.BATCH):
        last = min(first + store.BATCH - 1, plan.total)
        ctx.audit(
            ctx.now,
            "demo.bulk_insert",
            "visitor_slip",
            detail={
                "table": "visitor_slip",
                "first_id": first,
                "last_id": last,
                "rows": last - first + 1,
            },
        )
    if plan.deny_override and plan.deny_override_at is not None:
        slip_id, entry = plan.deny_override
        at = datetime.fromtimestamp(plan.deny_override_at, UTC)
        ctx.audit(
            at,
            "visitor.deny_override",
            "visitor_slip",
            slip_id,
            user_id=ctx.users["sup1"],
            detail={"deny_entry_id": entry["id"]},
        )
    ctx.audit(
        ctx.now,
        "demo.bulk_insert",
        "counter",
        detail={"table": "counter", "rows": len(ctx.counters)},
    )
