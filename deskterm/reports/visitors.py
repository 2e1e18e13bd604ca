"""`deskterm report visitors`: visitor traffic over a period (D-4 to D-8).

Slips and people, how long visits last, who is still on site, slips never returned, purposes
and documents, and traffic by hour of the day and by day, in the desk's time zone. Names and
phone numbers of visitors are not listed: this is a traffic report.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import table_of
from deskterm.i18n import _
from deskterm.models.visitor import VisitorSlip
from deskterm.reports.activity import v
from deskterm.reports.model import Chart, Column, Report, Table
from deskterm.reports.period import Period
from deskterm.reports.sql import minutes_between, utc_hour


def build(*, session: Session, period: Period, settings: Settings, clock: Clock) -> Report:
    from deskterm.services.visitors.checks import DOC_TYPE_LABELS, PURPOSE_LABELS

    now = as_utc(clock.now())
    dialect = session.get_bind().dialect.name
    report = Report(
        kind="visitors",
        title=_("Visitor report"),
        start=period.start,
        end=period.end,
        generated_at=now,
        timezone=settings.timezone,
    )
    during = and_(v.checked_in_at >= period.start, v.checked_in_at < period.end)
    slip = table_of(VisitorSlip)
    stay = minutes_between(v.checked_in_at, v.checked_out_at, dialect)
    slips, people, average, longest = session.execute(
        select(
            func.count(), func.coalesce(func.sum(v.headcount), 0), func.avg(stay), func.max(stay)
        )
        .select_from(slip)
        .where(during)
    ).one()
    cut = min(period.end, now)
    on_site = and_(
        during, v.checked_in_at < cut, or_(v.checked_out_at.is_(None), v.checked_out_at >= cut)
    )
    long_limit = settings.long_stay_minutes
    still, long_open = _on_site(session, slip, on_site, cut, long_limit)
    (long_done,) = session.execute(
        select(func.count())
        .select_from(slip)
        .where(during, v.checked_out_at.is_not(None), stay > long_limit)
    ).one()
    (lost,) = session.execute(
        select(func.count()).select_from(slip).where(during, v.slip_returned.is_(False))
    ).one()

    s = report.section("summary", _("Summary"))
    s.fact("slips", _("Slips issued"), slips).fact("people", _("People"), int(people))
    s.fact(
        "average_stay",
        _("Average visit"),
        timedelta(minutes=float(average)) if average is not None else None,
    )
    s.fact(
        "longest_stay",
        _("Longest visit"),
        timedelta(minutes=float(longest)) if longest is not None else None,
    )
    s.fact(
        "long_stays",
        _("Visits longer than {h} h").format(h=long_limit // 60),
        int(long_done) + int(long_open),
    )
    s.fact("on_site", _("Still on site at the end"), still)
    s.fact("lost_slips", _("Slips not returned"), lost)

    buckets = session.execute(
        select(
            utc_hour(v.checked_in_at, dialect),
            func.count(),
            func.coalesce(func.sum(v.headcount), 0),
        )
        .where(during)
        .group_by(utc_hour(v.checked_in_at, dialect))
    ).all()
    zone = ZoneInfo(settings.timezone)
    per_hour: Counter[int] = Counter()
    per_day: Counter = Counter()
    people_day: Counter = Counter()
    for key, n, heads in buckets:
        local = datetime.fromisoformat(key).replace(tzinfo=UTC).astimezone(zone)  # "YYYY-MM-DD HH"
        per_hour[local.hour] += n
        per_day[local.date()] += n
        people_day[local.date()] += int(heads)
    t = report.section("traffic", _("Traffic"))
    if per_hour:
        t.charts.append(
            Chart(
                "per_hour",
                _("Visitors per hour of the day"),
                [(f"{h:02d}:00", per_hour.get(h, 0)) for h in range(24)],
            )
        )
    days = sorted(per_day)
    if days:
        t.fact("days", _("Days with visitors"), len(days))
        t.fact("busiest_day", _("Busiest day"), max(days, key=lambda d: (per_day[d], d)))
        t.fact(
            "busiest_hour",
            _("Busiest hour"),
            f"{max(per_hour, key=lambda h: (per_hour[h], -h)):02d}:00",
        )
    t.tables.append(
        Table(
            "per_day",
            _("By day"),
            [
                Column("day", _("Day")),
                Column("slips", _("Slips"), True),
                Column("people", _("People"), True),
            ],
            [[d, per_day[d], people_day[d]] for d in days],
            empty=_("No visitors in this period."),
        )
    )

    k = report.section("kinds", _("Purposes and documents"))
    for key, title, column, labels in (
        ("by_purpose", _("By purpose"), v.purpose, PURPOSE_LABELS),
        ("by_document", _("By document"), v.doc_type, DOC_TYPE_LABELS),
    ):
        rows = session.execute(
            select(column, func.count())
            .where(during)
            .group_by(column)
            .order_by(func.count().desc(), column)
        ).all()
        k.tables.append(
            Table(
                key,
                title,
                [Column("kind", title), Column("slips", _("Slips"), True)],
                [[_(labels[c]) if c in labels else c, n] for c, n in rows],
                empty=_("None."),
            )
        )
    return report


def _on_site(session: Session, slip, on_site, cut: datetime, long_limit: int) -> tuple[int, int]:
    """(still on site at `cut`, of whom longer than the long-stay limit)."""
    (still,) = session.execute(select(func.count()).select_from(slip).where(on_site)).one()
    (long_open,) = session.execute(
        select(func.count())
        .select_from(slip)
        .where(on_site, v.checked_in_at < cut - timedelta(minutes=long_limit))
    ).one()
    return still, long_open
