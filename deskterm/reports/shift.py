"""The end-of-shift report a supervisor reads, and the daily report (every shift of a day).

Shift: who was on and their self-check (D-1), the handover and its answer (D-2, D-11), then
the desk's activity during the shift (reports/activity.py). Daily: the shifts of the desk
day with their handovers, then the same activity over the whole day.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Row, Select, bindparam, or_, select
from sqlmodel import Session

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import table_of
from deskterm.errors import NotFound
from deskterm.i18n import _
from deskterm.models.shift import Handover, Shift
from deskterm.models.user import Role, User
from deskterm.reports.activity import Window, add_activity
from deskterm.reports.model import Column, Report, Table
from deskterm.reports.period import Period

sh = table_of(Shift).c
ho = table_of(Handover).c
operator_user = table_of(User).alias("operator_user")
incoming_user = table_of(User).alias("incoming_user")


@cache
def _shift_query(by_id: bool) -> Select:
    """The shift (:shift_id, or the last one started in [:start, :end)) with its operator's
    name and code, and its last handover (handover_* columns, NULL when none was written)
    with the name and code of who answered it: the report's head in one statement."""
    later = table_of(Handover).alias("later")
    last_handover = (
        select(later.c.id)
        .where(later.c.shift_id == sh.id)
        .order_by(later.c.created_at.desc(), later.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    stmt = select(
        sh.id,
        sh.post,
        sh.operator_id,
        sh.started_at,
        sh.ended_at,
        sh.self_check,
        operator_user.c.name.label("operator_name"),
        operator_user.c.code.label("operator_code"),
        ho.id.label("handover_id"),
        ho.status.label("handover_status"),
        ho.signed_at,
        ho.incoming_user_id,
        ho.answered_at,
        ho.refusal_reason,
        ho.open_items,
        ho.notices,
        ho.physical_items,
        incoming_user.c.name.label("incoming_name"),
        incoming_user.c.code.label("incoming_code"),
    ).select_from(
        table_of(Shift)
        .outerjoin(operator_user, operator_user.c.id == sh.operator_id)
        .outerjoin(table_of(Handover), ho.id == last_handover)
        .outerjoin(incoming_user, incoming_user.c.id == ho.incoming_user_id)
    )
    if by_id:
        return stmt.where(sh.id == bindparam("shift_id"))
    return (
        stmt.where(sh.started_at >= bindparam("start"), sh.started_at < bindparam("end"))
        .order_by(sh.started_at.desc(), sh.id.desc())
        .limit(1)
    )


def latest_operator_shift(session: Session, post: str) -> int | None:
    """The shift a supervisor's on-screen report is about (issue 18 D): the latest one an
    operator started at `post`. A supervisor's or admin's own shift (signing in through
    `deskterm serve` may open one) is never it: it holds nothing of the desk's work."""
    users = table_of(User).c
    return (
        session.connection()
        .execute(
            select(sh.id)
            .join(table_of(User), users.id == sh.operator_id)
            .where(sh.post == post, users.role == Role.operator.value)
            .order_by(sh.started_at.desc(), sh.id.desc())
            .limit(1)
        )
        .scalar()
    )


def _find_shift(connection: Connection, period: Period) -> Row:
    if period.shift_id is not None:
        shift = connection.execute(_shift_query(True), {"shift_id": period.shift_id}).first()
        if shift is None:
            raise NotFound(_("There is no shift {id}.").format(id=period.shift_id))
        return shift
    shift = connection.execute(
        _shift_query(False), {"start": period.start, "end": period.end}
    ).first()
    if shift is None:
        raise NotFound(_("No shift started in that period."))
    return shift


@cache
def _shifts_of_the_day() -> Select:
    """The shifts on duty during [:start, :end) with their operator, each with its handovers
    (if any) and who answered them."""
    return (
        select(
            sh.id,
            sh.post,
            operator_user.c.name,
            operator_user.c.code,
            sh.started_at,
            sh.ended_at,
            ho.status,
            incoming_user.c.code,
        )
        .select_from(
            table_of(Shift)
            .join(operator_user, operator_user.c.id == sh.operator_id)
            .outerjoin(table_of(Handover), ho.shift_id == sh.id)
            .outerjoin(incoming_user, incoming_user.c.id == ho.incoming_user_id)
        )
        .where(
            sh.started_at < bindparam("end"),
            or_(sh.ended_at.is_(None), sh.ended_at > bindparam("start")),
        )
        .order_by(sh.started_at, sh.id)
    )


def _who(user_id: int | None, name: str | None, code: str | None) -> str:
    """A user as "name (code)", from the user's id and the name and code joined to it."""
    if user_id is None:
        return "—"
    return f"{name} ({code})" if code is not None else str(user_id)


def _due(value: str | None):
    """A handover item's deadline as kept in the snapshot (ISO text), as an instant."""
    return as_utc(datetime.fromisoformat(value)) if value else None


def build_shift(*, session: Session, period: Period, settings: Settings, clock: Clock) -> Report:
    """`deskterm report shift`: the shift `period.shift_id`, or the last one started in the period."""
    from deskterm.services.shift.duty import physical_item_label, self_check_label
    from deskterm.services.shift.handover import kind_label, status_label

    now = as_utc(clock.now())
    shift = _find_shift(session.connection(), period)  # and its last handover
    start = as_utc(shift.started_at)
    end = as_utc(shift.ended_at) if shift.ended_at else now
    operator_text = _who(shift.operator_id, shift.operator_name, shift.operator_code)
    report = Report(
        kind="shift",
        title=_("End-of-shift report"),
        start=start,
        end=end,
        generated_at=now,
        timezone=settings.timezone,
        subtitle=_("Shift {id} · {post} · {operator}").format(
            id=shift.id, post=shift.post, operator=operator_text
        ),
    )
    s = report.section("shift", _("Who was on"))
    s.fact("post", _("Post"), shift.post).fact("operator", _("Operator"), operator_text)
    s.fact("started_at", _("Started"), start)
    s.fact("ended_at", _("Ended"), as_utc(shift.ended_at) if shift.ended_at else _("still on duty"))
    not_ok = [self_check_label(k) for k, ok in (shift.self_check or {}).items() if ok is False]
    s.fact(
        "self_check",
        _("Self-check"),
        _("all in order")
        if not not_ok
        else _("not in order: {items}").format(items=", ".join(not_ok)),
    )

    h = report.section("handover", _("Handover"))
    if shift.handover_id is None:
        h.notes.append(_("No handover written for this shift yet."))
    else:
        h.fact("status", _("Status"), status_label(shift.handover_status))
        h.fact(
            "signed_at",
            _("Signed by the outgoing operator"),
            as_utc(shift.signed_at) if shift.signed_at else None,
        )
        h.fact(
            "incoming",
            _("Answered by"),
            _who(shift.incoming_user_id, shift.incoming_name, shift.incoming_code)
            if shift.incoming_user_id
            else None,
        )
        h.fact(
            "answered_at",
            _("Answered at"),
            as_utc(shift.answered_at) if shift.answered_at else None,
        )
        if shift.refusal_reason:
            h.fact("refusal_reason", _("Reason for refusing"), shift.refusal_reason)
        h.fact("open_items", _("Open items handed over"), len(shift.open_items or []))
        if shift.notices:
            h.fact("notices", _("Notices"), shift.notices)
        if shift.physical_items:
            h.tables.append(
                Table(
                    "physical_items",
                    _("Items handed over"),
                    [Column("item", _("Item")), Column("count", _("Count"), True)],
                    [[physical_item_label(k), n] for k, n in shift.physical_items.items()],
                )
            )
        # D-11: what was handed over, item by item (not only how many).
        h.tables.append(
            Table(
                "open_items",
                _("Open items handed over"),
                [
                    Column("kind", _("What")),
                    Column("ref", _("Number")),
                    Column("text", _("Item")),
                    Column("due", _("Due")),
                ],
                [
                    [
                        kind_label(item.get("kind", "")),
                        item.get("ref") or "",
                        item.get("text", ""),
                        _due(item.get("due_at")),
                    ]
                    for item in shift.open_items or []
                ],
                empty=_("Nothing was open."),
            )
        )
    add_activity(report, session=session, window=Window(start, end, now), settings=settings)
    return report


def build_daily(*, session: Session, period: Period, settings: Settings, clock: Clock) -> Report:
    """`deskterm report daily`: the desk day `period` with all its shifts."""
    from deskterm.services.shift.handover import status_label

    now = as_utc(clock.now())
    report = Report(
        kind="daily",
        title=_("Daily report"),
        start=period.start,
        end=period.end,
        generated_at=now,
        timezone=settings.timezone,
    )
    rows = (
        session.connection()
        .execute(_shifts_of_the_day(), {"start": period.start, "end": period.end})
        .all()
    )
    s = report.section("shifts", _("Shifts"))
    s.tables.append(
        Table(
            "shifts",
            _("Shifts"),
            [
                Column("id", _("Shift"), True),
                Column("post", _("Post")),
                Column("operator", _("Operator")),
                Column("start", _("Started")),
                Column("end", _("Ended")),
                Column("handover", _("Handover")),
                Column("incoming", _("Answered by")),
            ],
            [
                [
                    sid,
                    post,
                    f"{name} ({code})",
                    as_utc(st),
                    as_utc(en) if en else _("still on duty"),
                    status_label(hs) if hs else _("none"),
                    inc or "—",
                ]
                for sid, post, name, code, st, en, hs, inc in rows
            ],
            empty=_("No shift on this day."),
        )
    )
    add_activity(
        report, session=session, window=Window(period.start, period.end, now), settings=settings
    )
    return report
