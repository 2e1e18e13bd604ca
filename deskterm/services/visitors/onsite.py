"""Who is on the premises now: slips issued and not come back (D-8), long stays flagged, and
the evacuation roll call built from the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.models.visitor import SlipStatus, VisitorSlip

ON_SITE_LIMIT = 2000  # far above any desk's crowd; the roll call says if it was cut


@dataclass(frozen=True)
class OnSiteRow:
    id: int
    number: str
    visitor_name: str
    headcount: int
    host_text: str
    purpose: str
    plate: str | None
    checked_in_at: datetime
    minutes: int
    long_stay: bool
    version: int


@dataclass(frozen=True)
class OnSite:
    rows: list[OnSiteRow]
    people: int  # the sum of headcounts
    truncated: bool


def list_on_site(
    *, session: Session, clock: Clock, settings: Settings, limit: int = ON_SITE_LIMIT
) -> OnSite:
    """Slips still on site, earliest first (index ix_visitor_slip_status_in)."""
    now = as_utc(clock.now())
    stmt = (  # the columns shown, not whole records: a list refreshed every half minute
        select(  # type: ignore[call-overload]  # sqlmodel types select() up to 4 columns
            col(VisitorSlip.id),
            col(VisitorSlip.number),
            col(VisitorSlip.visitor_name),
            col(VisitorSlip.headcount),
            col(VisitorSlip.host_text),
            col(VisitorSlip.purpose),
            col(VisitorSlip.plate),
            col(VisitorSlip.checked_in_at),
            col(VisitorSlip.version),
        )
        .where(VisitorSlip.status == SlipStatus.on_site)
        .order_by(col(VisitorSlip.checked_in_at), col(VisitorSlip.id))
        .limit(limit + 1)
    )
    slips = session.exec(stmt).all()
    truncated = len(slips) > limit
    rows = []
    for slip in slips[:limit]:
        minutes = max(0, int((now - as_utc(slip.checked_in_at)).total_seconds() // 60))
        rows.append(
            OnSiteRow(
                id=slip.id,
                number=slip.number,
                visitor_name=slip.visitor_name,
                headcount=slip.headcount,
                host_text=slip.host_text,
                purpose=slip.purpose,
                plate=slip.plate,
                checked_in_at=slip.checked_in_at,
                minutes=minutes,
                long_stay=minutes >= settings.long_stay_minutes,
                version=slip.version,
            )
        )
    return OnSite(rows=rows, people=sum(r.headcount for r in rows), truncated=truncated)
