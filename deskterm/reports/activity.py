"""What the desk did between two instants: the body of the shift and daily reports.

Every figure is an SQL aggregate (COUNT / SUM with CASE), never a count of loaded objects;
lists (who is still on site, missed deadlines, open promises) are capped at LIST_LIMIT rows
with a note of how many more there are. No phone number is selected anywhere here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from deskterm.clock import as_utc
from deskterm.config import Settings
from deskterm.i18n import _, current_language
from deskterm.models.complaint import Callback, Complaint
from deskterm.models.inquiry import Inquiry, Message, PromisedReply
from deskterm.models.repair import OPEN_REPAIR_STATUSES, RepairCategory, RepairFeeLine, RepairOrder
from deskterm.models.shift import LogbookEntry
from deskterm.models.user import User
from deskterm.models.visitor import VisitorSlip
from deskterm.reports.model import Chart, Column, Money, Ratio, Report, Table
from deskterm.reports.sql import local_buckets, utc_hour

LIST_LIMIT = 50
v = VisitorSlip.__table__.c
q = Inquiry.__table__.c
m = Message.__table__.c
p = PromisedReply.__table__.c
r = RepairOrder.__table__.c
rc = RepairCategory.__table__.c
fl = RepairFeeLine.__table__.c
cb = Callback.__table__.c
cp = Complaint.__table__.c
lb = LogbookEntry.__table__.c
u = User.__table__.c


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # exclusive
    now: datetime

    @property
    def cut(self) -> datetime:
        """Where "still open" is judged: the end of the period, or now if it is not over."""
        return min(self.end, self.now)

    def during(self, column):
        return and_(column >= self.start, column < self.end)


def _one(session: Session, *columns, where=None, table=None):
    stmt = select(*columns)
    if table is not None:
        stmt = stmt.select_from(table)
    if where is not None:
        stmt = stmt.where(where)
    return session.execute(stmt).one()


def _sum_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _more(table: Table, total: int) -> list[str]:
    extra = total - len(table.rows)
    if extra <= 0:
        return []
    return [_("…and {n} more.").format(n=extra)]


def category_name():
    return rc.name_zh if current_language() == "zh_CN" else rc.name_en


def add_activity(report: Report, *, session: Session, window: Window, settings: Settings) -> None:
    dialect = session.get_bind().dialect.name
    visitors(report, session, window, settings, dialect)
    inquiries(report, session, window)
    messages_and_promises(report, session, window)
    repairs(report, session, window)
    fees(report, session, window)
    complaints(report, session, window)
    callbacks(report, session, window)
    logbook(report, session, window)


def visitors(report, session, w: Window, settings: Settings, dialect: str) -> None:
    from deskterm.services.visitors import PURPOSE_LABELS

    s = report.section("visitors", _("Visitors"))
    slips, people = _one(session, func.count(), func.coalesce(func.sum(v.headcount), 0),
                         where=w.during(v.checked_in_at), table=VisitorSlip.__table__)
    (left,) = _one(session, func.count(), where=w.during(v.checked_out_at), table=VisitorSlip.__table__)
    (lost,) = _one(session, func.count(), table=VisitorSlip.__table__,
                   where=and_(w.during(v.checked_out_at), v.slip_returned.is_(False)))
    # On site at the cut: in before it, and not out (NULL) or out only after it. Asked as
    # these two parts, each found through the checked_out_at index; the single condition
    # `in < cut AND (out IS NULL OR out >= cut)` made SQLite walk the checked_in_at index
    # over every slip before the cut (2 s a query on a million slips, bench/bench_reports.py).
    on_site_parts = (and_(v.checked_out_at.is_(None), v.checked_in_at < w.cut),
                     and_(v.checked_out_at >= w.cut, v.checked_in_at < w.cut))
    still = sum(_one(session, func.count(), where=part, table=VisitorSlip.__table__)[0]
                for part in on_site_parts)
    long_since = w.cut - timedelta(minutes=settings.long_stay_minutes)
    long_stays = sum(_one(session, func.count(), table=VisitorSlip.__table__,
                          where=and_(part, v.checked_in_at < long_since))[0]
                     for part in on_site_parts)
    s.fact("checked_in", _("Slips issued"), slips).fact("people", _("People"), int(people))
    s.fact("checked_out", _("Slips returned (checked out)"), left)
    s.fact("on_site", _("Still on site at the end"), still)
    s.fact("long_stays", _("On site longer than {h} h").format(h=settings.long_stay_minutes // 60), long_stays)
    s.fact("lost_slips", _("Slips not returned"), lost)

    purposes = session.execute(
        select(v.purpose, func.count()).where(w.during(v.checked_in_at))
        .group_by(v.purpose).order_by(func.count().desc(), v.purpose)).all()
    if purposes:
        s.tables.append(Table("by_purpose", _("By purpose"),
                              [Column("purpose", _("Purpose")), Column("slips", _("Slips"), True)],
                              [[_(PURPOSE_LABELS.get(k, k)), n] for k, n in purposes]))
    hours = session.execute(
        select(utc_hour(v.checked_in_at, dialect), func.count()).where(w.during(v.checked_in_at))
        .group_by(utc_hour(v.checked_in_at, dialect))).all()
    per_hour, _days = local_buckets(hours, report.timezone)
    if per_hour:
        first, last = min(per_hour), max(per_hour)  # the hours with visitors, and those between
        s.charts.append(Chart("per_hour", _("Visitors per hour"),
                              [(f"{h:02d}:00", float(per_hour.get(h, 0))) for h in range(first, last + 1)]))
    # Ordered by an expression, not the column: ORDER BY checked_in_at ... LIMIT would send
    # SQLite down the checked_in_at index again to spare the sort of a few rows.
    arrived = func.coalesce(v.checked_in_at, v.checked_in_at)
    rows = sorted((row for part in on_site_parts for row in session.execute(
        select(v.number, v.visitor_name, v.host_text, v.checked_in_at).where(part)
        .order_by(arrived, v.number).limit(LIST_LIMIT)).all()),
        key=lambda row: (as_utc(row[3]), row[0]))[:LIST_LIMIT]
    table = Table("still_on_site", _("Still on site"),
                  [Column("number", _("Slip")), Column("visitor", _("Visitor")),
                   Column("host", _("Visiting")), Column("since", _("Arrived"))],
                  [[n, name, host, as_utc(at)] for n, name, host, at in rows],
                  empty=_("Nobody."))
    s.tables.append(table)
    s.notes += _more(table, still)


def inquiries(report, session, w: Window) -> None:
    from deskterm.services.inquiries import OUTCOME_LABELS

    s = report.section("inquiries", _("Inquiries"))
    (total,) = _one(session, func.count(), where=w.during(q.at), table=Inquiry.__table__)
    s.fact("total", _("Inquiries"), total)
    outcomes = session.execute(
        select(q.outcome, func.count()).where(w.during(q.at)).group_by(q.outcome)
        .order_by(func.count().desc(), q.outcome)).all()
    s.tables.append(Table("outcomes", _("Outcomes"),
                          [Column("outcome", _("Outcome")), Column("count", _("Count"), True)],
                          [[_(OUTCOME_LABELS[k]) if k in OUTCOME_LABELS else (k or _("open")), n]
                           for k, n in outcomes],
                          empty=_("No inquiries.")))


def messages_and_promises(report, session, w: Window) -> None:
    s = report.section("messages", _("Messages and promised replies"))
    (taken,) = _one(session, func.count(), where=w.during(m.taken_at), table=Message.__table__)
    (delivered,) = _one(session, func.count(), where=w.during(m.delivered_at), table=Message.__table__)
    (open_messages,) = _one(session, func.count(), table=Message.__table__, where=and_(
        m.taken_at < w.cut, or_(m.delivered_at.is_(None), m.delivered_at >= w.cut)))
    open_promise = and_(p.created_at < w.cut, or_(p.answered_at.is_(None), p.answered_at >= w.cut))
    (made,) = _one(session, func.count(), where=w.during(p.created_at), table=PromisedReply.__table__)
    (kept,) = _one(session, func.count(), where=w.during(p.answered_at), table=PromisedReply.__table__)
    open_n, overdue = _one(session, func.count(), _sum_if(p.due_at < w.cut), where=open_promise,
                           table=PromisedReply.__table__)
    s.fact("messages_taken", _("Messages taken"), taken)
    s.fact("messages_delivered", _("Messages passed on"), delivered)
    s.fact("messages_open", _("Messages not yet passed on"), open_messages)
    s.fact("promises_made", _("Replies promised"), made)
    s.fact("promises_kept", _("Promised replies given"), kept)
    s.fact("promises_open", _("Promised replies still open"), open_n)
    s.fact("promises_overdue", _("…of which past their deadline"), int(overdue))
    rows = session.execute(select(p.due_at, p.asked_by, p.question).where(open_promise)
                           .order_by(p.due_at).limit(LIST_LIMIT)).all()
    table = Table("open_promises", _("Open promised replies"),
                  [Column("due", _("Due")), Column("asked_by", _("Asked by")), Column("question", _("Question"))],
                  [[as_utc(due), who, text] for due, who, text in rows], empty=_("None open."))
    s.tables.append(table)
    s.notes += _more(table, open_n)


def repairs(report, session, w: Window) -> None:
    from deskterm.services.repair_labels import class_label, status_label

    s = report.section("repairs", _("Repairs"))
    live = r.status != "cancelled"
    received = session.execute(
        select(r.repair_class, func.coalesce(category_name(), r.category_code), func.count())
        .select_from(RepairOrder.__table__.outerjoin(RepairCategory.__table__, rc.code == r.category_code))
        .where(w.during(r.reported_at)).group_by(r.repair_class, category_name(), r.category_code)
        .order_by(r.repair_class.desc(), func.count().desc())).all()
    s.fact("received", _("Repairs received"), sum(n for *_k, n in received))
    s.tables.append(Table("received", _("Received by class and category"),
                          [Column("class", _("Class")), Column("category", _("Category")),
                           Column("count", _("Count"), True)],
                          [[class_label(k), name, n] for k, name, n in received], empty=_("None received.")))
    if received:
        s.charts.append(Chart("by_category", _("Repairs by category"),
                              [(name, float(n)) for _k, name, n in received]))
    for key, due, done, label in (("onsite", r.onsite_due_at, r.arrived_at, _("On-site deadlines (urgent)")),
                                  ("fix", r.fix_due_at, r.repaired_at, _("Repair deadlines"))):
        fell_due = and_(live, due >= w.start, due < w.cut)
        n, met = _one(session, func.count(), _sum_if(and_(done.is_not(None), done <= due)),
                      where=fell_due, table=RepairOrder.__table__)
        s.fact(f"{key}_deadlines", label, Ratio(int(met), n))
    missed = []
    for kind, due, done in ((_("arrival on site"), r.onsite_due_at, r.arrived_at), (_("repair done"), r.fix_due_at, r.repaired_at)):
        late = and_(live, due >= w.start, due < w.cut, or_(done.is_(None), done > due))
        missed += [[num, cat or code, kind, as_utc(d), as_utc(x) if x else None, status_label(st)]
                   for num, code, cat, d, x, st in session.execute(
                       select(r.number, r.category_code, category_name(), due, done, r.status)
                       .select_from(RepairOrder.__table__.outerjoin(RepairCategory.__table__, rc.code == r.category_code))
                       .where(late).order_by(due).limit(LIST_LIMIT)).all()]
    missed.sort(key=lambda row: row[3])
    s.tables.append(Table("missed", _("Deadlines missed"),
                          [Column("number", _("Order")), Column("category", _("Category")),
                           Column("deadline", _("Deadline")), Column("due", _("Due")),
                           Column("done", _("Done")), Column("status", _("Status"))],
                          missed[:LIST_LIMIT], empty=_("None missed.")))
    (overdue,) = _one(session, func.count(), table=RepairOrder.__table__, where=and_(
        r.status.in_([st.value for st in OPEN_REPAIR_STATUSES]), r.fix_due_at < w.cut))
    s.fact("open_overdue", _("Open repairs past their deadline"), overdue)


def fees(report, session, w: Window) -> None:
    s = report.section("fees", _("Repair fees"))
    charged = and_(fl.waived.is_(False), fl.review.in_(("not_needed", "approved")))
    lines, amount, pending, waived = _one(
        session, func.count(), func.coalesce(func.sum(case((charged, fl.amount_fen), else_=0)), 0),
        _sum_if(fl.review == "pending"), _sum_if(fl.waived.is_(True)),
        where=w.during(fl.added_at), table=RepairFeeLine.__table__)
    s.fact("lines", _("Fee lines added"), lines).fact("charged", _("Charged (yuan)"), Money(int(amount)))
    s.fact("pending_review", _("Waiting for the supervisor's review"), int(pending))
    s.fact("waived", _("Waived"), int(waived))


def complaints(report, session, w: Window) -> None:
    from deskterm.reports.complaints import complaint_counts

    s = report.section("complaints", _("Complaints"))
    counts = complaint_counts(session=session, since=w.start, until=w.end)
    s.fact("received", _("Received"), counts["received"])
    s.fact("on_the_spot", _("Settled on the spot"), counts["closed_on_the_spot"])
    s.fact("referred", _("Referred"), counts["referred"])
    s.fact("severe", _("Severe"), counts["severe"])
    s.fact("replied_late", _("Replied after the deadline"), counts["replied_late"])
    (awaiting,) = _one(session, func.count(), table=Complaint.__table__, where=and_(
        cp.received_at < w.cut, cp.replied_at.is_(None), cp.status.in_(("open", "referred"))))
    s.fact("awaiting_reply", _("Still waiting for a reply"), awaiting)


def callbacks(report, session, w: Window) -> None:
    s = report.section("callbacks", _("Callbacks"))
    (done,) = _one(session, func.count(), where=w.during(cb.done_at), table=Callback.__table__)
    n, on_time = _one(session, func.count(), _sum_if(and_(cb.done_at.is_not(None), cb.done_at <= cb.due_at)),
                      where=and_(cb.due_at >= w.start, cb.due_at < w.cut), table=Callback.__table__)
    (overdue,) = _one(session, func.count(), where=and_(cb.done_at.is_(None), cb.due_at < w.cut),
                      table=Callback.__table__)
    s.fact("done", _("Callbacks made"), done)
    s.fact("due_on_time", _("Due in the period and made on time"), Ratio(int(on_time), n))
    s.fact("overdue", _("Overdue, not yet made"), overdue)


def logbook(report, session, w: Window) -> None:
    from deskterm.services.logbook import category_label

    s = report.section("logbook", _("Duty logbook: abnormal events"))
    where = and_(w.during(lb.occurred_at), lb.abnormal.is_(True))
    (total,) = _one(session, func.count(), where=where, table=LogbookEntry.__table__)
    rows = session.execute(
        select(lb.occurred_at, lb.category, lb.location, lb.what, lb.action_taken, u.code)
        .select_from(LogbookEntry.__table__.outerjoin(User.__table__, u.id == lb.user_id))
        .where(where).order_by(lb.occurred_at, lb.id).limit(LIST_LIMIT)).all()
    table = Table("entries", _("Entries"),
                  [Column("at", _("Time")), Column("category", _("Category")), Column("location", _("Location")),
                   Column("what", _("What happened")), Column("action", _("Action taken")), Column("by", _("By"))],
                  [[as_utc(at), category_label(cat), loc, what, action, by] for at, cat, loc, what, action, by in rows],
                  empty=_("No abnormal events."))
    s.fact("entries", _("Entries"), total)
    s.tables.append(table)
    s.notes += _more(table, total)
