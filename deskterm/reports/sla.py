"""`deskterm report sla`: deadline compliance over a period (D-31, D-25, D-42).

Repairs reported in the period, by class and category: the on-site deadline of urgent repairs
(2 h) and the repair deadline (24 h urgent, 72 h general). A deadline is met when the work
was done by it, missed when it was done later or is still not done after it, and pending
while its time has not come. Every breach is listed. Then the other promises the desk makes:
complaint replies, promised replies and callbacks.
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.i18n import _
from deskterm.models.complaint import Callback, Complaint
from deskterm.models.estate import Unit
from deskterm.models.inquiry import PromisedReply
from deskterm.models.repair import RepairCategory, RepairOrder
from deskterm.reports.activity import category_name, cb, cp, p, r, rc
from deskterm.reports.model import Chart, Column, Ratio, Report, Table
from deskterm.reports.period import Period

un = Unit.__table__.c


def _states(due, done, now):
    """SUM expressions: (met, missed, pending) of one deadline column against its done column."""
    def total(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    has = due.is_not(None)
    met = and_(has, done.is_not(None), done <= due)
    missed = and_(has, or_(and_(done.is_not(None), done > due), and_(done.is_(None), due < now)))
    pending = and_(has, done.is_(None), due >= now)
    return total(met), total(missed), total(pending)


def build(*, session: Session, period: Period, settings: Settings, clock: Clock) -> Report:
    from deskterm.services.repairs.labels import class_label, status_label

    now = as_utc(clock.now())
    report = Report(kind="sla", title=_("Deadline compliance"), start=period.start, end=period.end,
                    generated_at=now, timezone=settings.timezone)
    in_period = and_(r.reported_at >= period.start, r.reported_at < period.end, r.status != "cancelled")
    joined = RepairOrder.__table__.outerjoin(RepairCategory.__table__, rc.code == r.category_code)
    name = func.coalesce(category_name(), r.category_code)
    rows = session.execute(
        select(r.repair_class, name, func.count(), *_states(r.onsite_due_at, r.arrived_at, now),
               *_states(r.fix_due_at, r.repaired_at, now))
        .select_from(joined).where(in_period)
        .group_by(r.repair_class, category_name(), r.category_code)
        .order_by(r.repair_class.desc(), name)).all()

    s = report.section("repairs", _("Repairs by class and category"))
    totals = [0] * 7
    table_rows, bars = [], []
    for klass, category, n, *states in rows:
        o_met, o_missed, o_pending, f_met, f_missed, f_pending = (int(x) for x in states)
        for i, x in enumerate((n, o_met, o_missed, o_pending, f_met, f_missed, f_pending)):
            totals[i] += x
        both = Ratio(o_met + f_met, o_met + f_met + o_missed + f_missed)
        table_rows.append([class_label(klass), category, n, Ratio(o_met, o_met + o_missed),
                           Ratio(f_met, f_met + f_missed), o_pending + f_pending, both])
        if both.percent is not None:
            bars.append((category, both.percent))
    s.fact("orders", _("Repairs reported"), totals[0])
    s.fact("onsite", _("On site within 2 h (urgent)"), Ratio(totals[1], totals[1] + totals[2]))
    s.fact("repaired", _("Repaired within the deadline"), Ratio(totals[4], totals[4] + totals[5]))
    s.fact("pending", _("Deadlines still running"), totals[3] + totals[6])
    s.tables.append(Table("by_category", _("By class and category"), [
        Column("class", _("Class")), Column("category", _("Category")), Column("orders", _("Orders"), True),
        Column("onsite", _("On site in time"), True), Column("repaired", _("Repaired in time"), True),
        Column("pending", _("Running"), True), Column("compliance", _("All deadlines"), True)],
        table_rows, empty=_("No repairs reported in this period.")))
    if bars:
        s.charts.append(Chart("compliance", _("Deadlines met by category"), bars, percent=True))

    b = report.section("breaches", _("Every missed deadline"))
    breaches = []
    for kind, due, done in ((_("arrival on site"), r.onsite_due_at, r.arrived_at),
                            (_("repair done"), r.fix_due_at, r.repaired_at)):
        late = and_(in_period, due.is_not(None),
                    or_(and_(done.is_not(None), done > due), and_(done.is_(None), due < now)))
        for number, reported, klass, category, where, loc, d, x, status in session.execute(
            select(r.number, r.reported_at, r.repair_class, name, un.label, r.location, due, done, r.status)
            .select_from(joined.outerjoin(Unit.__table__, un.id == r.unit_id)).where(late)
        ).all():
            d = as_utc(d)
            finished = as_utc(x) if x else None
            breaches.append([number, as_utc(reported), class_label(klass), category, where or loc, kind,
                             d, finished, (finished or now) - d, status_label(status)])
    breaches.sort(key=lambda row: (row[6], row[0]))
    b.fact("count", _("Missed deadlines"), len(breaches))
    b.tables.append(Table("breaches", _("Every missed deadline"), [
        Column("number", _("Order")), Column("reported", _("Reported")), Column("class", _("Class")),
        Column("category", _("Category")), Column("where", _("Where")), Column("deadline", _("Deadline")),
        Column("due", _("Due")), Column("done", _("Done")), Column("late", _("Late by"), True),
        Column("status", _("Status"))], breaches, empty=_("No deadline was missed.")))

    o = report.section("other", _("Other promises"))
    other_rows = []
    for key, label, table, due, done, when in (
        ("complaint_replies", _("Complaint replies"), Complaint.__table__, cp.reply_due_at, cp.replied_at, cp.received_at),
        ("promised_replies", _("Promised replies"), PromisedReply.__table__, p.due_at, p.answered_at, p.created_at),
        ("callbacks", _("Callbacks"), Callback.__table__, cb.due_at, cb.done_at, cb.due_at),
    ):
        met, missed, pending = (int(x) for x in session.execute(
            select(*_states(due, done, now)).select_from(table)
            .where(when >= period.start, when < period.end)).one())
        other_rows.append([label, met, missed, pending, Ratio(met, met + missed)])
        o.fact(key, label, Ratio(met, met + missed))
    o.tables.append(Table("other", _("Other promises"), [
        Column("what", _("Promise")), Column("met", _("Met"), True), Column("missed", _("Missed"), True),
        Column("pending", _("Running"), True), Column("compliance", _("Met"), True)], other_rows))
    return report
