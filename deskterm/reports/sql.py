"""The few SQL expressions that SQLite and PostgreSQL spell differently, for report aggregates.

Instants are stored in UTC (SQLite: text 'YYYY-MM-DD HH:MM:SS.ffffff'; PostgreSQL:
timestamptz). Grouping by the desk's local hour or day is done by grouping on the UTC hour in
SQL and moving each hour to the desk's zone in Python (a few hundred groups, not rows).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal_column


def utc_hour(column, dialect: str):
    """The UTC hour of an instant column as text 'YYYY-MM-DD HH'."""
    if dialect == "sqlite":
        return func.substr(column, 1, 13)
    return func.to_char(func.timezone(literal_column("'UTC'"), column), literal_column("'YYYY-MM-DD HH24'"))


def minutes_between(start, end, dialect: str):
    """Minutes from `start` to `end` (two instant columns), as a number."""
    if dialect == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 1440.0
    return func.extract("epoch", end - start) / 60.0


def local_buckets(rows: Any, tz: str) -> tuple[Counter, Counter]:
    """(count per local hour 0-23, count per local day) from (utc 'YYYY-MM-DD HH', n) rows."""
    zone = ZoneInfo(tz)
    hours: Counter[int] = Counter()
    days: Counter[date] = Counter()
    for key, n in rows:
        if key is None:
            continue
        moment = datetime.strptime(key, "%Y-%m-%d %H").replace(tzinfo=UTC).astimezone(zone)
        hours[moment.hour] += int(n)
        days[moment.date()] += int(n)
    return hours, days
