"""`deskterm report sla`: deadline compliance over a period (D-31, D-25, D-42).

Repair attempts started in the period, by class and category: the on-site deadline of urgent
repairs (2 h) and the repair deadline (24 h urgent, 72 h general). An order reopened after its
callback keeps its first attempt (repair_attempt): the first miss and the reopened attempt are
counted apart. A deadline is met when the work was done by it, missed when it was done later
or is still not done after it, and pending while its time has not come. A fix deadline passed
because the resident chose a later appointment is counted apart, not hidden. Every breach is
listed by number, and so is every missed complaint reply, promised reply and callback.
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlmodel import Session

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import table_of
from deskterm.i18n import _
from deskterm.models.complaint import Callback, Complaint
from deskterm.models.estate import Unit
from deskterm.models.inquiry import PromisedReply
from deskterm.models.repair import RepairAttempt, RepairCategory, RepairOrder
from deskterm.reports.activity import category_name, cb, cp, p, r, rc
from deskterm.reports.model import Chart, Column, Ratio, Report, Table
from deskterm.reports.period import Period

un = table_of(Unit).c
ra = table_of(RepairAttempt).c


def _states(due, done, now):
    """SUM expressions: (met, missed, pending) of one deadline column against its done column."""

    def total(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    has = due.is_not(None)
    met = and_(has, done.is_not(None), done <= due)
    missed = and_(has, or_(and_(done.is_not(None), done > due), and_(done.is_(None), due < now)))
    pending = and_(has, done.is_(None), due >= now)
    return total(met), total(missed), total(pending)


def _attempts(period: Period):
    """Every repair attempt started in the period, one row each: the current attempt of every
    order (started at its report or its reopening) and every earlier attempt kept on reopening."""
    current = select(
        r.id.label("order_id"),
        (r.reopen_count + 1).label("attempt"),
        func.coalesce(r.reopened_at, r.reported_at).label("started_at"),
        r.onsite_due_at,
        r.arrived_at,
        r.fix_due_at,
        r.repaired_at,
        r.appointment_after_deadline.label("chosen"),
        r.status,
    ).where(r.status != "cancelled")
    earlier = select(
        ra.order_id,
        ra.attempt,
        ra.started_at,
        ra.onsite_due_at,
        ra.arrived_at,
        ra.fix_due_at,
        ra.repaired_at,
        ra.appointment_after_deadline.label("chosen"),
        literal("reopened").label("status"),
    )
    rows = union_all(current, earlier).subquery("attempts")
    return rows, and_(rows.c.started_at >= period.start, rows.c.started_at < period.end)


def _repairs(report: Report, session: Session, period: Period, now) -> None:
    from deskterm.services.repairs.labels import class_label, status_label

    a, in_period = _attempts(period)
    joined = a.join(table_of(RepairOrder), r.id == a.c.order_id).outerjoin(
        table_of(RepairCategory), rc.code == r.category_code
    )
    name = func.coalesce(category_name(), r.category_code)
    # The fix deadline of an attempt whose resident chose a later time is counted apart.
    fix_due = case((a.c.chosen.is_(True), None), else_=a.c.fix_due_at)
    chosen_fix = case((a.c.chosen.is_(True), a.c.fix_due_at), else_=None)
    rows = session.execute(
        select(
            r.repair_class,
            name,
            func.count(),
            func.coalesce(func.sum(case((a.c.attempt > 1, 1), else_=0)), 0),
            *_states(a.c.onsite_due_at, a.c.arrived_at, now),
            *_states(fix_due, a.c.repaired_at, now),
            _states(chosen_fix, a.c.repaired_at, now)[1],
        )
        .select_from(joined)
        .where(in_period)
        .group_by(r.repair_class, category_name(), r.category_code)
        .order_by(r.repair_class.desc(), name)
    ).all()

    s = report.section("repairs", _("Repairs by class and category"))
    totals = [0] * 9
    table_rows, bars = [], []
    for klass, category, n, reopened, *states in rows:
        o_met, o_missed, o_pending, f_met, f_missed, f_pending, chosen = (int(x) for x in states)
        for i, x in enumerate(
            (n, o_met, o_missed, o_pending, f_met, f_missed, f_pending, int(reopened), chosen)
        ):
            totals[i] += x
        both = Ratio(o_met + f_met, o_met + f_met + o_missed + f_missed)
        table_rows.append(
            [
                class_label(klass),
                category,
                n,
                Ratio(o_met, o_met + o_missed),
                Ratio(f_met, f_met + f_missed),
                o_pending + f_pending,
                both,
                chosen,
            ]
        )
        if both.percent is not None:
            bars.append((category, both.percent))
    s.fact("orders", _("Repairs reported"), totals[0] - totals[7])
    s.fact("reopened", _("Reopened attempts"), totals[7])
    s.fact("onsite", _("On site within 2 h (urgent)"), Ratio(totals[1], totals[1] + totals[2]))
    s.fact("repaired", _("Repaired within the deadline"), Ratio(totals[4], totals[4] + totals[5]))
    s.fact("pending", _("Deadlines still running"), totals[3] + totals[6])
    s.fact("resident_chose_later", _("Passed at a later time the resident chose"), totals[8])
    s.tables.append(
        Table(
            "by_category",
            _("By class and category"),
            [
                Column("class", _("Class")),
                Column("category", _("Category")),
                Column("orders", _("Attempts"), True),
                Column("onsite", _("On site in time"), True),
                Column("repaired", _("Repaired in time"), True),
                Column("pending", _("Running"), True),
                Column("compliance", _("All deadlines"), True),
                Column("chosen", _("Resident's later time"), True),
            ],
            table_rows,
            empty=_("No repairs reported in this period."),
        )
    )
    if bars:
        s.charts.append(Chart("compliance", _("Deadlines met by category"), bars, percent=True))

    b = report.section("breaches", _("Every missed deadline"))
    breaches = []
    place = func.coalesce(un.label, r.location)
    for kind, due, done in (
        (_("arrival on site"), a.c.onsite_due_at, a.c.arrived_at),
        (_("repair done"), a.c.fix_due_at, a.c.repaired_at),
    ):
        late = and_(
            in_period,
            due.is_not(None),
            or_(and_(done.is_not(None), done > due), and_(done.is_(None), due < now)),
        )
        for (
            number,
            attempt,
            started,
            klass,
            category,
            where,
            d,
            x,
            status,
            chosen,
        ) in session.execute(
            select(
                r.number,
                a.c.attempt,
                a.c.started_at,
                r.repair_class,
                name,
                place,
                due,
                done,
                a.c.status,
                a.c.chosen,
            )
            .select_from(joined.outerjoin(table_of(Unit), un.id == r.unit_id))
            .where(late)
        ).all():
            d = as_utc(d)
            finished = as_utc(x) if x else None
            cause = ""
            if chosen and done is a.c.repaired_at:
                cause = _("resident chose a later time")
            breaches.append(
                [
                    number,
                    attempt,
                    as_utc(started),
                    class_label(klass),
                    category,
                    where,
                    kind,
                    d,
                    finished,
                    (finished or now) - d,
                    _("reopened") if status == "reopened" else status_label(status),
                    cause,
                ]
            )
    breaches.sort(key=lambda row: (row[7], row[0], row[1]))
    b.fact("count", _("Missed deadlines"), len(breaches))
    b.fact(
        "first_attempts_reopened",
        _("Missed in an attempt that was reopened"),
        sum(1 for row in breaches if row[10] == _("reopened")),
    )
    b.tables.append(
        Table(
            "breaches",
            _("Every missed deadline"),
            [
                Column("number", _("Order")),
                Column("attempt", _("Attempt"), True),
                Column("reported", _("Started")),
                Column("class", _("Class")),
                Column("category", _("Category")),
                Column("where", _("Where")),
                Column("deadline", _("Deadline")),
                Column("due", _("Due")),
                Column("done", _("Done")),
                Column("late", _("Late by"), True),
                Column("status", _("Status")),
                Column("cause", _("Cause")),
            ],
            breaches,
            empty=_("No deadline was missed."),
        )
    )


def _other(report: Report, session: Session, period: Period, now) -> None:
    """Complaint replies, promised replies and callbacks: counted, and every miss listed."""
    o = report.section("other", _("Other promises"))
    other_rows = []
    missed_rows = []
    rep = table_of(RepairOrder).alias("cb_repair")
    com = table_of(Complaint).alias("cb_complaint")
    subject = case((cb.subject_kind == "repair", rep.c.number), else_=com.c.number)
    sources = (
        (
            "complaint_replies",
            _("Complaint replies"),
            table_of(Complaint),
            cp.reply_due_at,
            cp.replied_at,
            cp.received_at,
            cp.number,
            cp.who_name,
        ),
        (
            "promised_replies",
            _("Promised replies"),
            table_of(PromisedReply),
            p.due_at,
            p.answered_at,
            p.created_at,
            p.id,
            p.asked_by,
        ),
        (
            "callbacks",
            _("Callbacks"),
            table_of(Callback)
            .outerjoin(rep, and_(cb.subject_kind == "repair", rep.c.id == cb.subject_id))
            .outerjoin(com, and_(cb.subject_kind == "complaint", com.c.id == cb.subject_id)),
            cb.due_at,
            cb.done_at,
            cb.due_at,
            subject,
            cb.subject_kind,
        ),
    )
    for key, label, table, due, done, when, number, who in sources:
        window = and_(when >= period.start, when < period.end)
        met, missed, pending = (
            int(x)
            for x in session.execute(
                select(*_states(due, done, now)).select_from(table).where(window)
            ).one()
        )
        other_rows.append([label, met, missed, pending, Ratio(met, met + missed)])
        o.fact(key, label, Ratio(met, met + missed))
        late = and_(
            window,
            due.is_not(None),
            or_(and_(done.is_not(None), done > due), and_(done.is_(None), due < now)),
        )
        for num, whom, d, x in session.execute(
            select(number, who, due, done).select_from(table).where(late)
        ).all():
            d = as_utc(d)
            finished = as_utc(x) if x else None
            if key == "promised_replies":  # a promise has no number of its own: its record id
                num = f"#{num}"
            missed_rows.append(
                [label, num or "", _who(key, whom), d, finished, (finished or now) - d]
            )
    missed_rows.sort(key=lambda row: (row[3], row[1]))
    o.tables.append(
        Table(
            "other",
            _("Other promises"),
            [
                Column("what", _("Promise")),
                Column("met", _("Met"), True),
                Column("missed", _("Missed"), True),
                Column("pending", _("Running"), True),
                Column("compliance", _("Met"), True),
            ],
            other_rows,
        )
    )
    o.fact("missed", _("Missed promises"), len(missed_rows))
    o.tables.append(
        Table(
            "missed",
            _("Every missed promise"),
            [
                Column("what", _("Promise")),
                Column("number", _("Number")),
                Column("who", _("About")),
                Column("due", _("Due")),
                Column("done", _("Done")),
                Column("late", _("Late by"), True),
            ],
            missed_rows,
            empty=_("No promise was missed."),
        )
    )


def _who(key: str, value: str | None) -> str:
    """Who a missed promise was to (a name, never a phone), or what a callback was about."""
    if key == "callbacks":
        return {"repair": _("repair"), "complaint": _("complaint")}.get(value or "", value or "")
    return value or ""


def build(*, session: Session, period: Period, settings: Settings, clock: Clock) -> Report:
    now = as_utc(clock.now())
    report = Report(
        kind="sla",
        title=_("Deadline compliance"),
        start=period.start,
        end=period.end,
        generated_at=now,
        timezone=settings.timezone,
    )
    _repairs(report, session, period, now)
    _other(report, session, period, now)
    return report
