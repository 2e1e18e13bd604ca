"""Record numbers people read aloud or scan (V20261128-0007): a per-day counter, incremented
atomically in the saving transaction, so concurrent desks never get the same number.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from deskterm.models.audit import Counter
from deskterm.rules.numbering import format_number, local_day


def next_number(*, session: Session, prefix: str, at: datetime, tz: str) -> str:
    day = local_day(at, tz)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(Counter)
        .values(prefix=prefix, day=day.strftime("%Y%m%d"), last=1)
        .on_conflict_do_update(
            index_elements=["prefix", "day"], set_={"last": col(Counter.last) + 1}
        )
        .returning(col(Counter.last))
    )
    seq = session.execute(stmt).scalar_one()
    return format_number(prefix, day, seq)
