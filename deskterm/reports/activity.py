"""What the desk did between two instants: the body of the shift and daily reports.

Every figure is an SQL aggregate (COUNT, COUNT FILTER, SUM), never a count of loaded objects;
lists (who is still on site, missed deadlines, open promises) are capped at LIST_LIMIT rows
with a note of how many more there are. No phone number is selected anywhere here.

The activity is asked in eight statements, not one per figure: each section's figures are
"tallies" (one-row aggregate SELECTs) and all the sections' tallies go to the database as one
statement (`_figures`, sql.side_by_side); the lists and groupings are a statement each (two
lists of the same columns stacked into one, sql.stacked). The statements are built once, with
bound parameters for the window (:start, :end, :cut, :long_since), so SQLAlchemy compiles
each once and then only runs it. (Issue 10: the shift report sent 38 statements, each built
and compiled anew, and spent ten times longer on that than the database spent answering
them; bench/bench_reports.py.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Connection,
    Executable,
    Integer,
    Row,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
)
from sqlmodel import Session

from deskterm.clock import as_utc
from deskterm.config import Settings
from deskterm.db import table_of
from deskterm.i18n import _, current_language
from deskterm.models.complaint import Callback, Complaint
from deskterm.models.inquiry import Inquiry, Message, PromisedReply
from deskterm.models.repair import OPEN_REPAIR_STATUSES, RepairCategory, RepairFeeLine, RepairOrder
from deskterm.models.shift import LogbookEntry
from deskterm.models.user import User
from deskterm.models.visitor import VisitorSlip
from deskterm.reports.model import Chart, Column, Money, Ratio, Report, Table
from deskterm.reports.sql import local_buckets, one_of, side_by_side, stacked, utc_hour

LIST_LIMIT = 50
v = table_of(VisitorSlip).c
q = table_of(Inquiry).c
m = table_of(Message).c
p = table_of(PromisedReply).c
r = table_of(RepairOrder).c
rc = table_of(RepairCategory).c
fl = table_of(RepairFeeLine).c
cb = table_of(Callback).c
cp = table_of(Complaint).c
lb = table_of(LogbookEntry).c
u = table_of(User).c

# The window, as bound parameters of every statement below (values: Window.values).
START: BindParameter[datetime] = bindparam("start")
END: BindParameter[datetime] = bindparam("end")
CUT: BindParameter[datetime] = bindparam("cut")
LONG_SINCE: BindParameter[datetime] = bindparam("long_since")


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # exclusive
    now: datetime

    @property
    def cut(self) -> datetime:
        """Where "still open" is judged: the end of the period, or now if it is not over."""
        return min(self.end, self.now)

    def values(self, settings: Settings) -> dict[str, datetime]:
        """The bound parameters' values; on site since `long_since` is a long stay."""
        return {
            "start": self.start,
            "end": self.end,
            "cut": self.cut,
            "long_since": self.cut - timedelta(minutes=settings.long_stay_minutes),
        }


def during(column):
    """The instant in `column` falls in the window [start, end)."""
    return and_(column >= START, column < END)


def count():
    return func.count()


def count_if(condition):
    """COUNT(*) FILTER (WHERE condition): SQLite has it since 3.30 (numbering.py's RETURNING
    needs 3.35), PostgreSQL since 9.4."""
    return func.count().filter(condition)


def _more(table: Table, total: int) -> list[str]:
    extra = total - len(table.rows)
    if extra <= 0:
        return []
    return [_("…and {n} more.").format(n=extra)]


def category_name(language: str | None = None):
    """The repair category's name column in `language` (default: the current one)."""
    return rc.name_zh if (language or current_language()) == "zh_CN" else rc.name_en


@dataclass(frozen=True)
class _Ask:
    """Runs the statements below in the session's transaction, with the window's values."""

    connection: Connection
    values: dict[str, datetime]
    dialect: str

    def rows(self, statement: Executable) -> Sequence[Row]:
        return self.connection.execute(statement, self.values).all()


def add_activity(report: Report, *, session: Session, window: Window, settings: Settings) -> None:
    ask = _Ask(session.connection(), window.values(settings), session.get_bind().dialect.name)
    (figures,) = ask.rows(_figures())  # the sections below read their figures from it: `f`
    visitors(report, ask, figures, settings)
    inquiries(report, ask, figures)
    messages_and_promises(report, ask, figures)
    repairs(report, ask, figures)
    fees(report, figures)
    complaints(report, figures)
    callbacks(report, figures)
    logbook(report, ask, figures)


@cache
def _figures() -> Select:
    """Every count and sum of the sections below, as one statement of one row."""
    return side_by_side(
        *_visitor_tallies(),
        *_inquiry_tallies(),
        *_message_tallies(),
        *_repair_tallies(),
        *_fee_tallies(),
        *_complaint_tallies(),
        *_callback_tallies(),
        *_logbook_tallies(),
    )


# -- Visitors -----------------------------------------------------------------------------------
# On site at the cut: in before it, and not out (NULL) or out only after it. Asked as these two
# parts, each found through the checked_out_at index; the single condition
# `in < cut AND (out IS NULL OR out >= cut)` made SQLite walk the checked_in_at index over every
# slip before the cut (2 s a query on a million slips, bench/bench_reports.py).
ON_SITE_PARTS = (
    and_(v.checked_out_at.is_(None), v.checked_in_at < CUT),
    and_(v.checked_out_at >= CUT, v.checked_in_at < CUT),
)


def _visitor_tallies() -> list[Select]:
    slips = table_of(VisitorSlip)
    return [
        select(count().label("slips"), func.coalesce(func.sum(v.headcount), 0).label("people"))
        .select_from(slips)
        .where(during(v.checked_in_at)),
        select(
            count().label("checked_out"), count_if(v.slip_returned.is_(False)).label("lost_slips")
        )
        .select_from(slips)
        .where(during(v.checked_out_at)),
        *(
            select(
                count().label(f"on_site_{i}"),
                count_if(v.checked_in_at < LONG_SINCE).label(f"long_stays_{i}"),
            )
            .select_from(slips)
            .where(part)
            for i, part in enumerate(ON_SITE_PARTS)
        ),
    ]


@cache
def _arrivals(dialect: str) -> Select:
    """Slips issued in the window by purpose and UTC hour, in the order of the purposes."""
    hour = utc_hour(v.checked_in_at, dialect)
    return (
        select(v.purpose, hour, count())
        .where(during(v.checked_in_at))
        .group_by(v.purpose, hour)
        .order_by(v.purpose)
    )


def _by_purpose(arrivals: Sequence[Row]) -> list[tuple[str, int]]:
    """(purpose, slips), most slips first; a tie keeps the database's order of the purposes
    (as `ORDER BY count(*) DESC, purpose` would)."""
    per_purpose: dict[str, int] = {}
    for purpose, _hour, n in arrivals:
        per_purpose[purpose] = per_purpose.get(purpose, 0) + n
    return sorted(per_purpose.items(), key=lambda item: -item[1])


@cache
def _still_on_site() -> CompoundSelect:
    # Ordered by an expression, not the column: ORDER BY checked_in_at ... LIMIT would send
    # SQLite down the checked_in_at index again to spare the sort of a few rows.
    arrived = func.coalesce(v.checked_in_at, v.checked_in_at)
    return stacked(
        *(
            select(v.number, v.visitor_name, v.host_text, v.checked_in_at)
            .where(part)
            .order_by(arrived, v.number)
            .limit(LIST_LIMIT)
            for part in ON_SITE_PARTS
        )
    )


def visitors(report: Report, ask: _Ask, f: Row, settings: Settings) -> None:
    from deskterm.services.visitors.checks import PURPOSE_LABELS

    s = report.section("visitors", _("Visitors"))
    still = f.on_site_0 + f.on_site_1
    s.fact("checked_in", _("Slips issued"), f.slips).fact("people", _("People"), int(f.people))
    s.fact("checked_out", _("Slips returned (checked out)"), f.checked_out)
    s.fact("on_site", _("Still on site at the end"), still)
    s.fact(
        "long_stays",
        _("On site longer than {h} h").format(h=settings.long_stay_minutes // 60),
        f.long_stays_0 + f.long_stays_1,
    )
    s.fact("lost_slips", _("Slips not returned"), f.lost_slips)

    arrivals = ask.rows(_arrivals(ask.dialect))
    purposes = _by_purpose(arrivals)
    if purposes:
        labels = {str(purpose): text for purpose, text in PURPOSE_LABELS.items()}  # by value
        s.tables.append(
            Table(
                "by_purpose",
                _("By purpose"),
                [Column("purpose", _("Purpose")), Column("slips", _("Slips"), True)],
                [[_(labels.get(k, k)), n] for k, n in purposes],
            )
        )
    per_hour, _days = local_buckets([(hour, n) for _purpose, hour, n in arrivals], report.timezone)
    if per_hour:
        first, last = min(per_hour), max(per_hour)  # the hours with visitors, and those between
        s.charts.append(
            Chart(
                "per_hour",
                _("Visitors per hour"),
                [(f"{h:02d}:00", float(per_hour.get(h, 0))) for h in range(first, last + 1)],
            )
        )
    rows = sorted(ask.rows(_still_on_site()), key=lambda row: (as_utc(row[3]), row[0]))[:LIST_LIMIT]
    table = Table(
        "still_on_site",
        _("Still on site"),
        [
            Column("number", _("Slip")),
            Column("visitor", _("Visitor")),
            Column("host", _("Visiting")),
            Column("since", _("Arrived")),
        ],
        [[n, name, host, as_utc(at)] for n, name, host, at in rows],
        empty=_("Nobody."),
    )
    s.tables.append(table)
    s.notes += _more(table, still)


# -- Inquiries ----------------------------------------------------------------------------------
def _inquiry_tallies() -> list[Select]:
    return [select(count().label("inquiries")).select_from(table_of(Inquiry)).where(during(q.at))]


@cache
def _outcomes() -> Select:
    return (
        select(q.outcome, count())
        .where(during(q.at))
        .group_by(q.outcome)
        .order_by(count().desc(), q.outcome)
    )


def inquiries(report: Report, ask: _Ask, f: Row) -> None:
    from deskterm.services.inquiries.log import OUTCOME_LABELS

    s = report.section("inquiries", _("Inquiries"))
    s.fact("total", _("Inquiries"), f.inquiries)
    s.tables.append(
        Table(
            "outcomes",
            _("Outcomes"),
            [Column("outcome", _("Outcome")), Column("count", _("Count"), True)],
            [
                [_(OUTCOME_LABELS[k]) if k in OUTCOME_LABELS else (k or _("open")), n]
                for k, n in ask.rows(_outcomes())
            ],
            empty=_("No inquiries."),
        )
    )


# -- Messages and promised replies --------------------------------------------------------------
OPEN_PROMISE = and_(p.created_at < CUT, or_(p.answered_at.is_(None), p.answered_at >= CUT))


def _message_tallies() -> list[Select]:
    messages, promises = table_of(Message), table_of(PromisedReply)
    return [
        select(count().label("messages_taken")).select_from(messages).where(during(m.taken_at)),
        select(count().label("messages_delivered"))
        .select_from(messages)
        .where(during(m.delivered_at)),
        select(count().label("messages_open"))
        .select_from(messages)
        .where(and_(m.taken_at < CUT, or_(m.delivered_at.is_(None), m.delivered_at >= CUT))),
        select(count().label("promises_made")).select_from(promises).where(during(p.created_at)),
        select(count().label("promises_kept")).select_from(promises).where(during(p.answered_at)),
        select(count().label("promises_open"), count_if(p.due_at < CUT).label("promises_overdue"))
        .select_from(promises)
        .where(OPEN_PROMISE),
    ]


@cache
def _open_promises() -> Select:
    return (
        select(p.due_at, p.asked_by, p.question)
        .where(OPEN_PROMISE)
        .order_by(p.due_at)
        .limit(LIST_LIMIT)
    )


def messages_and_promises(report: Report, ask: _Ask, f: Row) -> None:
    s = report.section("messages", _("Messages and promised replies"))
    s.fact("messages_taken", _("Messages taken"), f.messages_taken)
    s.fact("messages_delivered", _("Messages passed on"), f.messages_delivered)
    s.fact("messages_open", _("Messages not yet passed on"), f.messages_open)
    s.fact("promises_made", _("Replies promised"), f.promises_made)
    s.fact("promises_kept", _("Promised replies given"), f.promises_kept)
    s.fact("promises_open", _("Promised replies still open"), f.promises_open)
    s.fact("promises_overdue", _("…of which past their deadline"), f.promises_overdue)
    table = Table(
        "open_promises",
        _("Open promised replies"),
        [
            Column("due", _("Due")),
            Column("asked_by", _("Asked by")),
            Column("question", _("Question")),
        ],
        [[as_utc(due), who, text] for due, who, text in ask.rows(_open_promises())],
        empty=_("None open."),
    )
    s.tables.append(table)
    s.notes += _more(table, f.promises_open)


# -- Repairs ------------------------------------------------------------------------------------
LIVE = r.status != "cancelled"
# (the deadline, the moment that meets it) of the urgent on-site visit and of the repair
DEADLINES = (("onsite", r.onsite_due_at, r.arrived_at), ("fix", r.fix_due_at, r.repaired_at))


def _repair_tallies() -> list[Select]:
    fell_due = [  # deadlines that fell due in the window (by the cut), and of them those met
        select(
            count().label(f"{key}_due"),
            count_if(and_(done.is_not(None), done <= due)).label(f"{key}_met"),
        )
        .select_from(table_of(RepairOrder))
        .where(and_(LIVE, due >= START, due < CUT))
        for key, due, done in DEADLINES
    ]
    overdue = (
        select(count().label("repairs_open_overdue"))
        .select_from(table_of(RepairOrder))
        .where(one_of(r.status, [st.value for st in OPEN_REPAIR_STATUSES]), r.fix_due_at < CUT)
    )
    return [*fell_due, overdue]


def _with_category():
    return table_of(RepairOrder).outerjoin(table_of(RepairCategory), rc.code == r.category_code)


@cache
def _received(language: str) -> Select:
    name = category_name(language)
    return (
        select(r.repair_class, func.coalesce(name, r.category_code), count())
        .select_from(_with_category())
        .where(during(r.reported_at))
        .group_by(r.repair_class, name, r.category_code)
        .order_by(r.repair_class.desc(), count().desc())
    )


@cache
def _missed(language: str) -> CompoundSelect:
    """Deadlines missed (each kind's first LIST_LIMIT), with the kind's index in DEADLINES."""
    return stacked(
        *(
            select(
                literal_column(str(i), Integer).label("kind"),
                r.number,
                r.category_code,
                category_name(language),
                due.label("due"),
                done.label("done"),
                r.status,
            )
            .select_from(_with_category())
            .where(and_(LIVE, due >= START, due < CUT, or_(done.is_(None), done > due)))
            .order_by(due)
            .limit(LIST_LIMIT)
            for i, (_key, due, done) in enumerate(DEADLINES)
        )
    )


def repairs(report: Report, ask: _Ask, f: Row) -> None:
    from deskterm.services.repairs.labels import class_label, status_label

    s = report.section("repairs", _("Repairs"))
    received = ask.rows(_received(current_language()))
    s.fact("received", _("Repairs received"), sum(n for *_k, n in received))
    s.tables.append(
        Table(
            "received",
            _("Received by class and category"),
            [
                Column("class", _("Class")),
                Column("category", _("Category")),
                Column("count", _("Count"), True),
            ],
            [[class_label(k), name, n] for k, name, n in received],
            empty=_("None received."),
        )
    )
    if received:
        s.charts.append(
            Chart("by_category", _("Repairs by category"), [(name, n) for _k, name, n in received])
        )
    s.fact("onsite_deadlines", _("On-site deadlines (urgent)"), Ratio(f.onsite_met, f.onsite_due))
    s.fact("fix_deadlines", _("Repair deadlines"), Ratio(f.fix_met, f.fix_due))
    kinds = (_("arrival on site"), _("repair done"))
    missed = sorted(ask.rows(_missed(current_language())), key=lambda row: (as_utc(row[4]), row[0]))
    s.tables.append(
        Table(
            "missed",
            _("Deadlines missed"),
            [
                Column("number", _("Order")),
                Column("category", _("Category")),
                Column("deadline", _("Deadline")),
                Column("due", _("Due")),
                Column("done", _("Done")),
                Column("status", _("Status")),
            ],
            [
                [
                    num,
                    cat or code,
                    kinds[kind],
                    as_utc(due),
                    as_utc(done) if done else None,
                    status_label(st),
                ]
                for kind, num, code, cat, due, done, st in missed[:LIST_LIMIT]
            ],
            empty=_("None missed."),
        )
    )
    s.fact("open_overdue", _("Open repairs past their deadline"), f.repairs_open_overdue)


# -- Fees, complaints, callbacks ----------------------------------------------------------------
def _fee_tallies() -> list[Select]:
    charged = and_(fl.waived.is_(False), one_of(fl.review, ("not_needed", "approved")))
    return [
        select(
            count().label("fee_lines"),
            func.coalesce(func.sum(fl.amount_fen).filter(charged), 0).label("fees_charged"),
            count_if(fl.review == "pending").label("fees_pending"),
            count_if(fl.waived.is_(True)).label("fees_waived"),
        )
        .select_from(table_of(RepairFeeLine))
        .where(during(fl.added_at))
    ]


def fees(report: Report, f: Row) -> None:
    s = report.section("fees", _("Repair fees"))
    s.fact("lines", _("Fee lines added"), f.fee_lines).fact(
        "charged", _("Charged (yuan)"), Money(int(f.fees_charged))
    )
    s.fact("pending_review", _("Waiting for the supervisor's review"), f.fees_pending)
    s.fact("waived", _("Waived"), f.fees_waived)


def _complaint_tallies() -> list[Select]:
    from deskterm.reports.complaints import complaint_totals

    return [
        complaint_totals(CUT).where(during(cp.received_at)),  # received, closed_on_the_spot, ...
        select(count().label("complaints_awaiting"))
        .select_from(table_of(Complaint))
        .where(
            and_(
                cp.received_at < CUT,
                cp.replied_at.is_(None),
                one_of(cp.status, ("open", "referred")),
            )
        ),
    ]


def complaints(report: Report, f: Row) -> None:
    s = report.section("complaints", _("Complaints"))
    s.fact("received", _("Received"), f.received)
    s.fact("on_the_spot", _("Settled on the spot"), int(f.closed_on_the_spot))
    s.fact("referred", _("Referred"), f.referred)
    s.fact("severe", _("Severe"), int(f.severe))
    s.fact("replied_late", _("Replied after the deadline"), int(f.replied_late))
    s.fact(
        "late_replies",
        _("Late replies (replied late or still owed past the deadline)"),
        int(f.replied_late) + int(f.overdue_unreplied),
    )
    s.fact("awaiting_reply", _("Still waiting for a reply"), f.complaints_awaiting)


def _callback_tallies() -> list[Select]:
    callbacks = table_of(Callback)
    return [
        select(count().label("callbacks_done")).select_from(callbacks).where(during(cb.done_at)),
        select(
            count().label("callbacks_due"),
            count_if(and_(cb.done_at.is_not(None), cb.done_at <= cb.due_at)).label(
                "callbacks_on_time"
            ),
        )
        .select_from(callbacks)
        .where(and_(cb.due_at >= START, cb.due_at < CUT)),
        select(count().label("callbacks_overdue"))
        .select_from(callbacks)
        .where(and_(cb.done_at.is_(None), cb.due_at < CUT)),
    ]


def callbacks(report: Report, f: Row) -> None:
    s = report.section("callbacks", _("Callbacks"))
    s.fact("done", _("Callbacks made"), f.callbacks_done)
    s.fact(
        "due_on_time",
        _("Due in the period and made on time"),
        Ratio(f.callbacks_on_time, f.callbacks_due),
    )
    s.fact("overdue", _("Overdue, not yet made"), f.callbacks_overdue)


# -- Duty logbook -------------------------------------------------------------------------------
ABNORMAL = and_(during(lb.occurred_at), lb.abnormal.is_(True))


def _logbook_tallies() -> list[Select]:
    return [
        select(count().label("logbook_entries")).select_from(table_of(LogbookEntry)).where(ABNORMAL)
    ]


@cache
def _abnormal_entries() -> Select:
    return (
        select(lb.occurred_at, lb.category, lb.location, lb.what, lb.action_taken, u.code)
        .select_from(table_of(LogbookEntry).outerjoin(table_of(User), u.id == lb.user_id))
        .where(ABNORMAL)
        .order_by(lb.occurred_at, lb.id)
        .limit(LIST_LIMIT)
    )


def logbook(report: Report, ask: _Ask, f: Row) -> None:
    from deskterm.services.shift.logbook import category_label

    s = report.section("logbook", _("Duty logbook: abnormal events"))
    table = Table(
        "entries",
        _("Entries"),
        [
            Column("at", _("Time")),
            Column("category", _("Category")),
            Column("location", _("Location")),
            Column("what", _("What happened")),
            Column("action", _("Action taken")),
            Column("by", _("By")),
        ],
        [
            [as_utc(at), category_label(cat), loc, what, action, by]
            for at, cat, loc, what, action, by in ask.rows(_abnormal_entries())
        ],
        empty=_("No abnormal events."),
    )
    s.fact("entries", _("Entries"), f.logbook_entries)
    s.tables.append(table)
    s.notes += _more(table, f.logbook_entries)
