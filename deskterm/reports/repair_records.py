"""The five repair records of D-38 as row generators, and the `repairs` report built from them.

    iter_resident_repair_log     《住户报修记录表》        household orders reported in the period
    iter_household_orders        《住户家庭安装/维修单》    one row per household order
    iter_public_repair_log       《公共设施设备报修记录表》  public-facility orders reported
    iter_public_cost_statistics  《公共设施设备安装/维修费用统计表》 public orders repaired, free/paid
    iter_public_cost_summary     the same by month: free vs paid counts and amounts
    iter_engineering_notices     《公共设施设备安装/维修工程通知单》 one row per public order

Each is `iter_x(*, session, since=None, until=None, include_pii=False)` over [since, until),
streamed from the cursor, yielding dicts whose keys are the stable English names in the
`*_COLUMNS` tuples (name, kind) — kinds as in deskterm.export: instants are aware datetimes in
UTC, money is whole fen (`*_fen`). The reporter's contact comes masked already ("text": do not
mask it again) unless `include_pii`; the `repairs` report leaves it out altogether.
Category names follow the language in use.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import table_of
from deskterm.i18n import N_, _, current_language
from deskterm.models.complaint import Callback
from deskterm.models.estate import Unit
from deskterm.models.repair import COUNTED_REVIEWS, RepairCategory, RepairFeeLine, RepairOrder
from deskterm.models.user import User
from deskterm.rules.phone import mask_phone
from deskterm.services.repairs.labels import (
    SETTLEMENT,
    bearer_label,
    channel_label,
    class_label,
    result_label,
    settlement_label,
    status_label,
)

BATCH = 500
FREE, PAID, PENDING = "free", "paid", "pending_review"

RESIDENT_LOG_COLUMNS = (
    ("no", "int"),
    ("reported_at", "instant"),
    ("channel", "text"),
    ("reporter_name", "text"),
    ("unit", "text"),
    ("contact", "text"),
    ("description", "text"),
    ("category", "text"),
    ("repair_class", "text"),
    ("appointment_at", "instant"),
    ("charge", "text"),
    ("number", "text"),
    ("dispatched_at", "instant"),
    ("assignee", "text"),
    ("repaired_at", "instant"),
    ("callback_result", "text"),
    ("clerk", "text"),
    ("status", "text"),
)
HOUSEHOLD_ORDER_COLUMNS = (
    ("number", "text"),
    ("issued_at", "instant"),
    ("issued_by", "text"),
    ("reporter_name", "text"),
    ("unit", "text"),
    ("contact", "text"),
    ("description", "text"),
    ("category", "text"),
    ("repair_class", "text"),
    ("appointment_at", "instant"),
    ("charge", "text"),
    ("assignee", "text"),
    ("arrived_at", "instant"),
    ("work_done", "text"),
    ("materials", "text"),
    ("labour_fen", "money"),
    ("materials_fen", "money"),
    ("total_fen", "money"),
    ("repaired_at", "instant"),
    ("accepted_by", "text"),
    ("accepted_at", "instant"),
    ("fee_form_no", "text"),
    ("fee_accepted_by", "text"),
    ("fee_accepted_at", "instant"),
    ("settlement", "text"),
    ("receipt_no", "text"),
    ("cost_bearer", "text"),
    ("callback_result", "text"),
    ("warranty_of", "text"),
    ("status", "text"),
)
PUBLIC_LOG_COLUMNS = (
    ("no", "int"),
    ("reported_at", "instant"),
    ("reporter_name", "text"),
    ("location", "text"),
    ("description", "text"),
    ("category", "text"),
    ("repair_class", "text"),
    ("notice_no", "text"),
    ("assignee", "text"),
    ("repaired_at", "instant"),
    ("result", "text"),
    ("verified_by", "text"),
    ("status", "text"),
)
PUBLIC_COST_COLUMNS = (
    ("no", "int"),
    ("repaired_at", "instant"),
    ("number", "text"),
    ("job", "text"),
    ("materials", "text"),
    ("cost_fen", "money"),
    ("charged_fen", "money"),
    ("settlement", "text"),
    ("cost_bearer", "text"),
    ("remarks", "text"),
)
PUBLIC_COST_SUMMARY_COLUMNS = (
    ("period", "text"),
    ("free_orders", "int"),
    ("free_cost_fen", "money"),
    ("paid_orders", "int"),
    ("paid_cost_fen", "money"),
    ("charged_fen", "money"),
    ("orders", "int"),
    ("cost_fen", "money"),
)
ENGINEERING_NOTICE_COLUMNS = (
    ("notice_no", "text"),
    ("issued_at", "instant"),
    ("issued_by", "text"),
    ("title", "text"),
    ("location", "text"),
    ("scope", "text"),
    ("repair_class", "text"),
    ("required_by", "instant"),
    ("assignee", "text"),
    ("started_at", "instant"),
    ("finished_at", "instant"),
    ("materials", "text"),
    ("cost_fen", "money"),
    ("result", "text"),
    ("accepted_by", "text"),
    ("status", "text"),
)

# -- shared SQL pieces --------------------------------------------------------------------------
r = table_of(RepairOrder).c
f = table_of(RepairFeeLine).c
cb = table_of(Callback).c
NO_FEES = {"charged_fen": 0, "cost_fen": 0, "labour_fen": 0, "materials_fen": 0, "pending_lines": 0}


def _sum_if(condition, expr) -> Any:
    return func.coalesce(func.sum(case((condition, expr), else_=0)), 0)


_counted = f.review.in_(COUNTED_REVIEWS)
_charged = and_(_counted, f.waived.is_(False))
FEE_SUMS = (
    _sum_if(_charged, f.amount_fen).label("charged_fen"),
    _sum_if(_counted, f.amount_fen).label("cost_fen"),
    _sum_if(_charged, f.labour_amount_fen).label("labour_fen"),
    _sum_if(_charged, f.materials_amount_fen).label("materials_fen"),
    _sum_if(f.review == "pending", 1).label("pending_lines"),
)


def _base(scope: str):
    clerk = aliased(User)
    previous = aliased(RepairOrder)
    stmt = (
        select(
            *r,
            col(Unit.label).label("unit_label"),
            col(RepairCategory.name_zh).label("cat_zh"),
            col(RepairCategory.name_en).label("cat_en"),
            col(clerk.name).label("clerk_name"),
            col(previous.number).label("warranty_number"),
        )
        .select_from(table_of(RepairOrder))
        .outerjoin(Unit, col(Unit.id) == r.unit_id)
        .outerjoin(RepairCategory, col(RepairCategory.code) == r.category_code)
        .outerjoin(clerk, col(clerk.id) == r.reported_by)
        .outerjoin(previous, col(previous.id) == r.warranty_of_id)
        .where(r.scope == scope)
    )
    return stmt


def _window(stmt, column, since: datetime | None, until: datetime | None):
    if since is not None:
        stmt = stmt.where(column >= as_utc(since))
    if until is not None:
        stmt = stmt.where(column < as_utc(until))
    return stmt


def _rows(session: Session, stmt) -> Iterator[dict[str, Any]]:
    """The orders from the cursor, a batch at a time, each with its fee sums and the result
    of its latest callback (two grouped queries per batch, not subqueries per row)."""
    result = session.execute(stmt.execution_options(yield_per=BATCH)).mappings()
    for batch in result.partitions():
        ids = [row["id"] for row in batch]
        sums = {
            row["order_id"]: dict(row)
            for row in session.execute(
                select(f.order_id, *FEE_SUMS).where(f.order_id.in_(ids)).group_by(f.order_id)
            ).mappings()
        }
        results: dict[int, str] = {}
        for subject_id, value in session.execute(
            select(cb.subject_id, cb.result)
            .where(cb.subject_kind == "repair", cb.subject_id.in_(ids), cb.done_at.is_not(None))
            .order_by(cb.id)
        ):
            results[subject_id] = value  # the latest wins
        for row in batch:
            merged = dict(row)
            merged.update(
                {k: int(v) for k, v in sums.get(row["id"], NO_FEES).items() if k != "order_id"}
            )
            merged["callback_result"] = results.get(row["id"])
            yield merged


def _t(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _category(row) -> str:
    name = row["cat_zh"] if current_language() == "zh_CN" else row["cat_en"]
    return name or row["category_code"]


@lru_cache(maxsize=4096)
def _masked(value: str) -> str:
    return mask_phone(value)


def _contact(row, include_pii: bool) -> str:
    value = row["reporter_contact"] or ""
    return value if include_pii else _masked(value)


def _charge(row) -> str:
    if row["pending_lines"]:
        return PENDING
    return PAID if row["charged_fen"] else FREE


def _settled(row) -> str:
    """The settlement of an order: free when nothing is charged, else unpaid / paid / sent to
    finance as recorded (D-37), not merely "has a charge"."""
    if row["pending_lines"]:
        return PENDING
    return row["settlement"] if row["charged_fen"] else FREE


def charge_label(value: str) -> str:
    return {FREE: _("free"), PAID: _("paid"), PENDING: _("fee under review")}.get(value, value)


# -- the records -------------------------------------------------------------------------------
def iter_resident_repair_log(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    include_pii: bool = False,
) -> Iterator[dict[str, Any]]:
    """《住户报修记录表》: household requests in the order they were reported."""
    stmt = _base(scope="household")
    stmt = _window(stmt, r.reported_at, since, until).order_by(r.reported_at, r.id)
    for no, row in enumerate(_rows(session, stmt), 1):
        yield {
            "no": no,
            "reported_at": _t(row["reported_at"]),
            "channel": row["channel"],
            "reporter_name": row["reporter_name"],
            "unit": row["unit_label"] or "",
            "contact": _contact(row, include_pii),
            "description": row["description"],
            "category": _category(row),
            "repair_class": row["repair_class"],
            "appointment_at": _t(row["appointment_at"]),
            "charge": _charge(row),
            "number": row["number"],
            "dispatched_at": _t(row["dispatched_at"]),
            "assignee": row["assignee"] or "",
            "repaired_at": _t(row["repaired_at"]),
            "callback_result": row["callback_result"] or "",
            "clerk": row["clerk_name"] or "",
            "status": row["status"],
        }


def iter_household_orders(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    include_pii: bool = False,
) -> Iterator[dict[str, Any]]:
    """《住户家庭安装/维修单》: every household order issued in the period, with its fee."""
    stmt = _base(scope="household")
    stmt = _window(stmt, r.reported_at, since, until).order_by(r.reported_at, r.id)
    for row in _rows(session, stmt):
        yield {
            "number": row["number"],
            "issued_at": _t(row["reported_at"]),
            "issued_by": row["clerk_name"] or "",
            "reporter_name": row["reporter_name"],
            "unit": row["unit_label"] or "",
            "contact": _contact(row, include_pii),
            "description": row["description"],
            "category": _category(row),
            "repair_class": row["repair_class"],
            "appointment_at": _t(row["appointment_at"]),
            "charge": _charge(row),
            "assignee": row["assignee"] or "",
            "arrived_at": _t(row["arrived_at"]),
            "work_done": row["work_done"] or "",
            "materials": row["materials"] or "",
            "labour_fen": int(row["labour_fen"]),
            "materials_fen": int(row["materials_fen"]),
            "total_fen": int(row["charged_fen"]),
            "repaired_at": _t(row["repaired_at"]),
            "accepted_by": row["accepted_by_name"] or "",
            "accepted_at": _t(row["accepted_at"]),
            "fee_form_no": row["fee_form_no"] or "",
            "fee_accepted_by": row["fee_accepted_by_name"] or "",
            "fee_accepted_at": _t(row["fee_accepted_at"]),
            "settlement": _settled(row),
            "receipt_no": row["receipt_no"] or "",
            "cost_bearer": row["cost_bearer"] or "",
            "callback_result": row["callback_result"] or "",
            "warranty_of": row["warranty_number"] or "",
            "status": row["status"],
        }


def iter_public_repair_log(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    include_pii: bool = False,
) -> Iterator[dict[str, Any]]:
    """《公共设施设备报修记录表》: public-facility requests in the order they were reported."""
    stmt = _window(_base(scope="public"), r.reported_at, since, until).order_by(r.reported_at, r.id)
    for no, row in enumerate(_rows(session, stmt), 1):
        yield {
            "no": no,
            "reported_at": _t(row["reported_at"]),
            "reporter_name": row["reporter_name"],
            "location": row["location"],
            "description": row["description"],
            "category": _category(row),
            "repair_class": row["repair_class"],
            "notice_no": row["number"],
            "assignee": row["assignee"] or "",
            "repaired_at": _t(row["repaired_at"]),
            "result": row["work_done"] or "",
            "verified_by": row["accepted_by_name"] or "",
            "status": row["status"],
        }


def iter_public_cost_statistics(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    include_pii: bool = False,
) -> Iterator[dict[str, Any]]:
    """《公共设施设备安装/维修费用统计表》: public orders repaired in the period, cost, free/paid."""
    stmt = _base(scope="public").where(r.repaired_at.is_not(None))
    stmt = _window(stmt, r.repaired_at, since, until).order_by(r.repaired_at, r.id)
    for no, row in enumerate(_rows(session, stmt), 1):
        remarks = (
            _("warranty of {number}").format(number=row["warranty_number"])
            if row["warranty_number"]
            else ""
        )
        yield {
            "no": no,
            "repaired_at": _t(row["repaired_at"]),
            "number": row["number"],
            "job": f"{_category(row)}: {row['description']}",
            "materials": row["materials"] or "",
            "cost_fen": int(row["cost_fen"]),
            "charged_fen": int(row["charged_fen"]),
            "settlement": _settled(row),
            "cost_bearer": row["cost_bearer"] or "",
            "remarks": remarks,
        }


def iter_public_cost_summary(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    tz: str = "Asia/Shanghai",
    include_pii: bool = False,
) -> Iterator[dict[str, Any]]:
    """The cost statistics by month of the desk's calendar: free vs paid orders and amounts."""
    zone = ZoneInfo(tz)
    months: dict[str, dict[str, int]] = {}
    for row in iter_public_cost_statistics(session=session, since=since, until=until):
        key = row["repaired_at"].astimezone(zone).strftime("%Y-%m")
        month = months.setdefault(
            key,
            dict.fromkeys(
                ("free_orders", "free_cost_fen", "paid_orders", "paid_cost_fen", "charged_fen"), 0
            ),
        )
        kind = "paid" if row["charged_fen"] else "free"
        month[f"{kind}_orders"] += 1
        month[f"{kind}_cost_fen"] += row["cost_fen"]
        month["charged_fen"] += row["charged_fen"]
    for key in sorted(months):
        m = months[key]
        yield {
            "period": key,
            **m,
            "orders": m["free_orders"] + m["paid_orders"],
            "cost_fen": m["free_cost_fen"] + m["paid_cost_fen"],
        }


def iter_engineering_notices(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    include_pii: bool = False,
) -> Iterator[dict[str, Any]]:
    """《公共设施设备安装/维修工程通知单》: one notice per public order issued in the period."""
    stmt = _base(scope="public")
    stmt = _window(stmt, r.reported_at, since, until).order_by(r.reported_at, r.id)
    for row in _rows(session, stmt):
        yield {
            "notice_no": row["number"],
            "issued_at": _t(row["reported_at"]),
            "issued_by": row["clerk_name"] or "",
            "title": _category(row),
            "location": row["location"],
            "scope": row["description"],
            "repair_class": row["repair_class"],
            "required_by": _t(row["fix_due_at"]),
            "assignee": row["assignee"] or "",
            "started_at": _t(row["arrived_at"]),
            "finished_at": _t(row["repaired_at"]),
            "materials": row["materials"] or "",
            "cost_fen": int(row["cost_fen"]),
            "result": row["work_done"] or "",
            "accepted_by": row["accepted_by_name"] or "",
            "status": row["status"],
        }


# name -> (title, generator, columns): what `deskterm report/export repairs` can offer
RECORDS = {
    "resident_log": (N_("Resident repair log"), iter_resident_repair_log, RESIDENT_LOG_COLUMNS),
    "household_orders": (
        N_("Household install / repair orders"),
        iter_household_orders,
        HOUSEHOLD_ORDER_COLUMNS,
    ),
    "public_log": (N_("Public-facility repair log"), iter_public_repair_log, PUBLIC_LOG_COLUMNS),
    "public_costs": (
        N_("Public-facility install / repair cost statistics"),
        iter_public_cost_statistics,
        PUBLIC_COST_COLUMNS,
    ),
    "engineering_notices": (
        N_("Public-facility engineering notices"),
        iter_engineering_notices,
        ENGINEERING_NOTICE_COLUMNS,
    ),
}


# -- the report --------------------------------------------------------------------------------
def _shown(key: str, kind: str, value: Any) -> Any:
    """A cell for the report model: money as Money, codes as the desk's words."""
    from deskterm.reports.model import Money

    if kind == "money":
        return Money(int(value or 0))
    if key == "repair_class":
        return class_label(value)
    if key == "status":
        return status_label(value)
    if key == "channel":
        return channel_label(value)
    if key == "callback_result":
        return result_label(value) if value else ""
    if key == "charge":
        return charge_label(value)
    if key == "settlement":
        return settlement_label(value) if value in SETTLEMENT else charge_label(value)
    if key == "cost_bearer":
        return bearer_label(value) if value else ""
    return value


COLUMN_LABELS = {
    "no": N_("No."),
    "reported_at": N_("Reported"),
    "channel": N_("Channel"),
    "reporter_name": N_("Reporter"),
    "unit": N_("Unit"),
    "contact": N_("Contact"),
    "description": N_("Fault"),
    "category": N_("Category"),
    "repair_class": N_("Class"),
    "appointment_at": N_("Appointment"),
    "charge": N_("Charge"),
    "number": N_("Order no."),
    "dispatched_at": N_("Dispatched"),
    "assignee": N_("Engineer"),
    "repaired_at": N_("Repaired"),
    "callback_result": N_("Callback"),
    "clerk": N_("Clerk"),
    "status": N_("Status"),
    "issued_at": N_("Issued"),
    "issued_by": N_("Issued by"),
    "arrived_at": N_("On site"),
    "work_done": N_("Work done"),
    "materials": N_("Materials"),
    "labour_fen": N_("Labour"),
    "materials_fen": N_("Materials cost"),
    "total_fen": N_("Total"),
    "accepted_by": N_("Accepted by"),
    "accepted_at": N_("Accepted"),
    "fee_form_no": N_("Fee form"),
    "fee_accepted_by": N_("Fee accepted by"),
    "fee_accepted_at": N_("Fee accepted"),
    "warranty_of": N_("Warranty of"),
    "location": N_("Location"),
    "notice_no": N_("Notice no."),
    "result": N_("Result"),
    "verified_by": N_("Verified by"),
    "job": N_("Job"),
    "cost_fen": N_("Cost"),
    "charged_fen": N_("Charged"),
    "settlement": N_("Settlement"),
    "remarks": N_("Remarks"),
    "receipt_no": N_("Receipt no."),
    "cost_bearer": N_("Cost borne by"),
    "period": N_("Month"),
    "free_orders": N_("Free orders"),
    "free_cost_fen": N_("Free cost"),
    "paid_orders": N_("Paid orders"),
    "paid_cost_fen": N_("Paid cost"),
    "orders": N_("Orders"),
    "title": N_("Job"),
    "scope": N_("Scope"),
    "required_by": N_("Required by"),
    "started_at": N_("Work started"),
    "finished_at": N_("Finished"),
}


def column_label(key: str) -> str:
    return _(COLUMN_LABELS.get(key, key))


def build(*, session: Session, period, settings: Settings, clock: Clock):
    """`deskterm report repairs`: the D-38 records of a period, with cost statistics by month."""
    from collections import Counter

    from deskterm.reports.model import Chart, Column, Report, Table

    report = Report(
        kind="repairs",
        title=_("Repair records"),
        start=period.start,
        end=period.end,
        generated_at=as_utc(clock.now()),
        timezone=settings.timezone,
    )
    sources = [(key, *RECORDS[key]) for key in RECORDS]
    sources.insert(
        4,
        (
            "public_cost_summary",
            N_("Public-facility costs by month, free vs paid"),
            lambda **kw: iter_public_cost_summary(tz=settings.timezone, **kw),
            PUBLIC_COST_SUMMARY_COLUMNS,
        ),
    )
    for key, title, generator, columns in sources:
        columns = tuple(c for c in columns if c[0] != "contact")  # no phone in a report
        section = report.section(key, _(title))
        table = Table(
            key=key,
            title=_(title),
            columns=[
                Column(name, column_label(name), numeric=kind in ("money", "int"))
                for name, kind in columns
            ],
            empty=_("No records in this period."),
        )
        by_category: Counter[str] = Counter()
        counted = any(name == "category" for name, _kind in columns) and key in CHARTED
        for row in generator(session=session, since=period.start, until=period.end):
            shown = [_shown(name, kind, row[name]) for name, kind in columns]
            table.rows.append(shown)
            if counted:
                by_category[str(shown[[n for n, _k in columns].index("category")] or "—")] += 1
        section.tables.append(table)
        if by_category:  # the records of the period at a glance (a bar per category)
            section.charts.append(
                Chart(
                    f"{key}_by_category",
                    _("Repairs by category"),
                    [(name, n) for name, n in by_category.most_common()],
                )
            )
    return report


CHARTED = ("resident_log", "public_log")
