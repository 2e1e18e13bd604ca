"""Complaint and callback rows for reports and exports, streamed from the cursor.

No phone number appears here (DESIGN "People and privacy"): the complainant's contact is left
out. Columns have stable English keys; values are plain (ISO instants in UTC, booleans, text).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from deskterm.clock import as_utc
from deskterm.db import table_of
from deskterm.models.complaint import Callback, CallbackKind, Complaint
from deskterm.models.estate import Unit
from deskterm.models.repair import RepairOrder
from deskterm.models.user import User
from deskterm.reports.sql import one_of

BATCH = 500

COMPLAINT_COLUMNS = (
    "number",
    "received_at",
    "received_by",
    "who_kind",
    "who_name",
    "unit",
    "channel",
    "category",
    "severity",
    "valid",
    "department",
    "content",
    "status",
    "referred_to",
    "reply_due_at",
    "replied_at",
    "reply_late",
    "answer",
    "answer_how",
    "closed_at",
    "signed_off_by",
    "signed_off_at",
    "reopen_count",
)

CALLBACK_COLUMNS = (
    "kind",
    "number",
    "unit",
    "due_at",
    "attempts",
    "method",
    "person",
    "result",
    "comment",
    "done_at",
    "done_by",
    "on_time",
)


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value is not None else None


def _window(stmt, column, since: datetime | None, until: datetime | None):
    if since is not None:
        stmt = stmt.where(column >= as_utc(since))
    if until is not None:
        stmt = stmt.where(column < as_utc(until))
    return stmt


def iter_complaints(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """Complaints received in [since, until), oldest first; a reply not made by its deadline
    is late as of `now` too."""
    c = table_of(Complaint).c
    receiver, signer = aliased(User), aliased(User)
    stmt = (
        select(
            *c,
            col(Unit.label).label("unit_label"),
            col(receiver.code).label("receiver_code"),
            col(signer.code).label("signer_code"),
        )
        .select_from(table_of(Complaint))
        .outerjoin(Unit, col(Unit.id) == c.unit_id)
        .outerjoin(receiver, col(receiver.id) == c.received_by)
        .outerjoin(signer, col(signer.id) == c.signed_off_by)
        .order_by(c.received_at, c.id)
    )
    stmt = _window(stmt, c.received_at, since, until)
    for row in session.execute(stmt.execution_options(yield_per=BATCH)).mappings():
        due, replied = row["reply_due_at"], row["replied_at"]
        late = None
        if due is not None and replied is not None:
            late = as_utc(replied) > as_utc(due)
        elif due is not None and now is not None and row["status"] in ("open", "referred"):
            late = as_utc(due) < as_utc(now)
        yield {
            "number": row["number"],
            "received_at": _iso(row["received_at"]),
            "received_by": row["receiver_code"],
            "who_kind": row["who_kind"],
            "who_name": row["who_name"],
            "unit": row["unit_label"] or "",
            "channel": row["channel"],
            "category": row["category"],
            "severity": row["severity"],
            "valid": row["valid"],
            "department": row["department"],
            "content": row["content"],
            "status": row["status"],
            "referred_to": row["referred_to"],
            "reply_due_at": _iso(due),
            "replied_at": _iso(replied),
            "reply_late": late,
            "answer": row["answer"],
            "answer_how": row["answer_how"],
            "closed_at": _iso(row["closed_at"]),
            "signed_off_by": row["signer_code"],
            "signed_off_at": _iso(row["signed_off_at"]),
            "reopen_count": row["reopen_count"],
        }


def iter_callbacks(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """Callbacks due in [since, until), for repairs and complaints, earliest due first."""
    cb = table_of(Callback).c
    repair_unit, complaint_unit = aliased(Unit), aliased(Unit)
    r, k = table_of(RepairOrder).c, table_of(Complaint).c
    is_repair = cb.subject_kind == CallbackKind.repair.value
    stmt = (
        select(
            *cb,
            func.coalesce(r.number, k.number).label("number"),
            func.coalesce(col(repair_unit.label), col(complaint_unit.label), r.location).label(
                "unit_label"
            ),
            col(User.code).label("done_by_code"),
        )
        .select_from(table_of(Callback))
        .outerjoin(table_of(RepairOrder), and_(is_repair, r.id == cb.subject_id))
        .outerjoin(
            table_of(Complaint),
            and_(cb.subject_kind == CallbackKind.complaint.value, k.id == cb.subject_id),
        )
        .outerjoin(repair_unit, col(repair_unit.id) == r.unit_id)
        .outerjoin(complaint_unit, col(complaint_unit.id) == k.unit_id)
        .outerjoin(User, col(User.id) == cb.done_by)
        .order_by(cb.due_at, cb.id)
    )
    stmt = _window(stmt, cb.due_at, since, until)
    for row in session.execute(stmt.execution_options(yield_per=BATCH)).mappings():
        done = row["done_at"]
        yield {
            "kind": row["subject_kind"],
            "number": row["number"] or "",
            "unit": row["unit_label"] or "",
            "due_at": _iso(row["due_at"]),
            "attempts": row["attempts"],
            "method": row["method"],
            "person": row["person"],
            "result": row["result"],
            "comment": row["comment"],
            "done_at": _iso(done),
            "done_by": row["done_by_code"],
            "on_time": None if done is None else as_utc(done) <= as_utc(row["due_at"]),
        }


def callback_on_time_share(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
    kind: str | None = None,
) -> dict[str, Any]:
    """Of the callbacks that fell due in [since, until) (and by `now`), how many were done by
    their due time. {"due": n, "done": n, "on_time": n, "share": 0..1 or None when none fell due}."""
    cb = table_of(Callback).c
    stmt = select(
        func.count(),
        func.count(cb.done_at),
        func.coalesce(
            func.sum(case((and_(cb.done_at.is_not(None), cb.done_at <= cb.due_at), 1), else_=0)), 0
        ),
    ).select_from(table_of(Callback))
    stmt = _window(stmt, cb.due_at, since, until)
    if now is not None:
        stmt = stmt.where(cb.due_at <= as_utc(now))
    if kind:
        stmt = stmt.where(cb.subject_kind == CallbackKind(kind).value)
    due, done, on_time = session.execute(stmt).one()
    return {
        "due": due,
        "done": done,
        "on_time": int(on_time),
        "share": (int(on_time) / due) if due else None,
    }


def complaint_totals(now: Any = None):
    """The totals of `complaint_counts` as labelled aggregates over all complaints (add a
    WHERE for the period); the shift and daily reports ask them with their other figures.

    A reply is late when it came after its deadline, or when it has not come and the deadline
    passed before `now` (an instant or a bind parameter): `late_replies` counts both."""
    c = table_of(Complaint).c
    late = and_(
        c.replied_at.is_not(None), c.reply_due_at.is_not(None), c.replied_at > c.reply_due_at
    )
    overdue = and_(
        c.replied_at.is_(None),
        c.reply_due_at.is_not(None),
        one_of(c.status, ("open", "referred")),
        c.reply_due_at < (now if now is not None else c.reply_due_at),
    )
    return select(
        func.count().label("received"),
        func.coalesce(func.sum(case((c.answer_how == "on_the_spot", 1), else_=0)), 0).label(
            "closed_on_the_spot"
        ),
        func.count(c.referred_at).label("referred"),
        func.coalesce(func.sum(case((late, 1), else_=0)), 0).label("replied_late"),
        func.coalesce(func.sum(case((overdue, 1), else_=0)), 0).label("overdue_unreplied"),
        func.coalesce(
            func.sum(
                case(
                    (and_(c.replied_at.is_(None), one_of(c.status, ("open", "referred"))), 1),
                    else_=0,
                )
            ),
            0,
        ).label("awaiting_reply"),
        func.coalesce(func.sum(case((c.severity == "severe", 1), else_=0)), 0).label("severe"),
    ).select_from(table_of(Complaint))


def complaint_counts(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Totals for the shift and daily reports: received, closed on the spot, referred, replied
    late, late and still not replied (as of `now`), still awaiting a reply, severe; and the
    count per category."""
    c = table_of(Complaint).c
    stmt = _window(complaint_totals(as_utc(now) if now else None), c.received_at, since, until)
    received, on_spot, referred, replied_late, overdue, awaiting, severe = session.execute(
        stmt
    ).one()
    per_category = _window(
        select(c.category, func.count())
        .group_by(c.category)
        .order_by(func.count().desc(), c.category),
        c.received_at,
        since,
        until,
    )
    return {
        "received": received,
        "closed_on_the_spot": int(on_spot),
        "referred": referred,
        "replied_late": int(replied_late),
        "overdue_unreplied": int(overdue),
        "late_replies": int(replied_late) + int(overdue),
        "awaiting_reply": int(awaiting),
        "severe": int(severe),
        "by_category": {cat: n for cat, n in session.execute(per_category)},
    }
