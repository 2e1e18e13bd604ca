"""SQL helpers for report aggregates: the few expressions SQLite and PostgreSQL spell
differently, and two ways to ask several things in one statement.

Instants are stored in UTC (SQLite: text 'YYYY-MM-DD HH:MM:SS.ffffff'; PostgreSQL:
timestamptz). Grouping by the desk's local hour or day is done by grouping on the UTC hour in
SQL and moving each hour to the desk's zone in Python (a few hundred groups, not rows).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CompoundSelect,
    FromClause,
    Select,
    func,
    literal,
    literal_column,
    select,
    true,
    union_all,
)


def utc_hour(column, dialect: str):
    """The UTC hour of an instant column as text 'YYYY-MM-DD HH'."""
    if dialect == "sqlite":
        return func.substr(column, 1, 13)
    return func.to_char(
        func.timezone(literal_column("'UTC'"), column), literal_column("'YYYY-MM-DD HH24'")
    )


def minutes_between(start, end, dialect: str):
    """Minutes from `start` to `end` (two instant columns), as a number."""
    if dialect == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 1440.0
    return func.extract("epoch", end - start) / 60.0


def one_of(column, values):
    """`column IN (values)` with a bound parameter per value. (`column.in_(list)` binds the
    list as one "expanding" parameter, whose SQL is spliced again at every run.)"""
    return column.in_([literal(value) for value in values])


def side_by_side(*tallies: Select) -> Select:
    """One SELECT returning the columns of several one-row aggregate SELECTs ("tallies").

    Each tally keeps its own FROM and WHERE (and so its own index): it becomes a derived table,
    joined to the others ON TRUE, one row to one row. Many counts over different tables and
    windows then cost one statement, and each tally reads its rows once. (Each column as a
    scalar subquery instead plans faster, ~1 ms less on PostgreSQL for the shift report's 21
    tallies, but reads a tally's rows once per column: slower over a whole day.) The tallies'
    column labels name the result's columns, so they must be unique.
    """
    parts = [tally.subquery(f"tally_{i}") for i, tally in enumerate(tallies)]
    columns = [column for part in parts for column in part.c]
    names = [column.key for column in columns]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"tallies share the column names {repeated}")
    joined: FromClause = parts[0]
    for part in parts[1:]:
        joined = joined.join(part, true())
    return select(*columns).select_from(joined)


def stacked(*lists: Select) -> CompoundSelect:
    """One statement for several short lists of the same columns: UNION ALL of `lists`, each
    kept whole with its own ORDER BY and LIMIT (in a subquery, as SQLite requires). The rows
    come list after list; order them in Python if they are shown merged."""
    return union_all(*(select(*part.subquery(f"list_{i}").c) for i, part in enumerate(lists)))


def local_buckets(rows: Any, tz: str) -> tuple[Counter, Counter]:
    """(count per local hour 0-23, count per local day) from (utc 'YYYY-MM-DD HH', n) rows."""
    per_utc_hour: Counter[str] = Counter()
    for key, n in rows:
        if key is not None:
            per_utc_hour[key] += int(n)
    zone = ZoneInfo(tz)
    hours: Counter[int] = Counter()
    days: Counter[date] = Counter()
    for key, n in per_utc_hour.items():  # each hour moved to the desk's zone once
        moment = datetime.fromisoformat(key).replace(tzinfo=UTC).astimezone(zone)  # 'YYYY-MM-DD HH'
        hours[moment.hour] += n
        days[moment.date()] += n
    return hours, days
