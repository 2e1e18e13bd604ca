"""`deskterm report complaints`: complaints received and how they were handled and fed back
(D-41, D-42), with the callbacks due in the period, from the rows reports/complaints.py
streams. The complainant's contact never appears (those rows leave it out).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.i18n import N_, _
from deskterm.reports.model import Chart, Column, Ratio, Report, Table
from deskterm.reports.period import Period

STATUS = {
    "open": N_("open"),
    "referred": N_("referred"),
    "replied": N_("replied"),
    "closed": N_("closed"),
    "signed_off": N_("signed off"),
}
SEVERITY = {"normal": N_("normal"), "important": N_("important"), "severe": N_("severe")}
RESULT = {
    "satisfied": N_("satisfied"),
    "fairly_satisfied": N_("fairly satisfied"),
    "dissatisfied": N_("dissatisfied"),
}
KIND = {"repair": N_("repair"), "complaint": N_("complaint")}


def _word(table: dict[str, str], value) -> str:
    return _(table[value]) if value in table else (value or "")


def _at(text: str | None) -> datetime | None:
    return as_utc(datetime.fromisoformat(text)) if text else None


def build(*, session: Session, period: Period, settings: Settings, clock: Clock) -> Report:
    from deskterm.reports.complaints import (
        callback_on_time_share,
        complaint_counts,
        iter_callbacks,
        iter_complaints,
    )
    from deskterm.services.complaints.categories import list_categories

    now = as_utc(clock.now())
    report = Report(
        kind="complaints",
        title=_("Complaints report"),
        start=period.start,
        end=period.end,
        generated_at=now,
        timezone=settings.timezone,
    )
    counts = complaint_counts(session=session, since=period.start, until=period.end, now=now)
    labels = {c.code: c.label for c in list_categories(session, include_withdrawn=True)}
    s = report.section("summary", _("Summary"))
    s.fact("received", _("Received"), counts["received"])
    s.fact("on_the_spot", _("Settled on the spot"), counts["closed_on_the_spot"])
    s.fact("referred", _("Referred"), counts["referred"])
    s.fact("severe", _("Severe"), counts["severe"])
    s.fact("replied_late", _("Replied after the deadline"), counts["replied_late"])
    s.fact(
        "late_replies",
        _("Late replies (replied late or still owed past the deadline)"),
        counts["late_replies"],
    )
    s.fact("awaiting_reply", _("Still waiting for a reply"), counts["awaiting_reply"])
    share = callback_on_time_share(
        session=session, since=period.start, until=period.end, now=now, kind="complaint"
    )
    s.fact(
        "callbacks_on_time",
        _("Complaint callbacks made on time"),
        Ratio(share["on_time"], share["due"]),
    )
    s.tables.append(
        Table(
            "by_category",
            _("By category"),
            [Column("category", _("Category")), Column("count", _("Count"), True)],
            [[labels.get(code, code), n] for code, n in counts["by_category"].items()],
            empty=_("No complaints in this period."),
        )
    )
    if counts["by_category"]:
        s.charts.append(
            Chart(
                "by_category",
                _("Complaints by category"),
                [
                    (labels.get(code, code), n)
                    for code, n in sorted(counts["by_category"].items(), key=lambda kv: -kv[1])
                ],
            )
        )

    c = report.section("complaints", _("Complaints"))
    c.tables.append(
        Table(
            "complaints",
            _("Complaints"),
            [
                Column("number", _("Number")),
                Column("received_at", _("Received")),
                Column("who", _("Complainant")),
                Column("unit", _("Unit")),
                Column("category", _("Category")),
                Column("severity", _("Severity")),
                Column("content", _("Complaint")),
                Column("status", _("Status")),
                Column("reply_due", _("Reply due")),
                Column("replied", _("Replied")),
                Column("late", _("Late")),
                Column("answer", _("Answer")),
            ],
            [
                [
                    row["number"],
                    _at(row["received_at"]),
                    row["who_name"],
                    row["unit"],
                    labels.get(row["category"], row["category"]),
                    _word(SEVERITY, row["severity"]),
                    row["content"],
                    _word(STATUS, row["status"]),
                    _at(row["reply_due_at"]),
                    _at(row["replied_at"]),
                    row["reply_late"],
                    row["answer"] or "",
                ]
                for row in iter_complaints(
                    session=session, since=period.start, until=period.end, now=now
                )
            ],
            empty=_("No complaints in this period."),
        )
    )

    b = report.section("callbacks", _("Callbacks due in the period"))
    b.tables.append(
        Table(
            "callbacks",
            _("Callbacks due in the period"),
            [
                Column("kind", _("For")),
                Column("number", _("Number")),
                Column("unit", _("Unit")),
                Column("due", _("Due")),
                Column("done", _("Done")),
                Column("result", _("Result")),
                Column("on_time", _("On time")),
            ],
            [
                [
                    _word(KIND, row["kind"]),
                    row["number"],
                    row["unit"],
                    _at(row["due_at"]),
                    _at(row["done_at"]),
                    _word(RESULT, row["result"]),
                    row["on_time"],
                ]
                for row in iter_callbacks(session=session, since=period.start, until=period.end)
            ],
            empty=_("No callback fell due in this period."),
        )
    )
    return report
