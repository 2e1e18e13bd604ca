"""History of visitor slips: search by date range, name, unit, host or slip number, a page at
a time from the database (keyset pagination on checked_in_at, id: never loads the table).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from deskterm.clock import Clock
from deskterm.config import Settings
from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.estate import Unit
from deskterm.models.visitor import SlipStatus, VisitorSlip
from deskterm.services.actor import Actor
from deskterm.services.permissions import require
from deskterm.services.visitors.checks import canonical_slip_number
from deskterm.services.visitors.hosts import find_hosts

PAGE_SIZE = 15
_UNIT = re.compile(r"([A-Za-z0-9]{1,4})[-\s]+([A-Za-z0-9]{2,6})")


@dataclass(frozen=True)
class SlipQuery:
    date_from: date | None = None  # the desk's local days, inclusive
    date_to: date | None = None
    name: str = ""  # part of the visitor's name
    unit: str = ""  # 12-1203 or 1203
    host: str = ""  # host name, pinyin or initials
    number: str = ""  # a slip number, typed or scanned


@dataclass(frozen=True)
class PageCursor:
    """Where the next page starts: after this (checked_in_at, id), going back in time."""

    checked_in_at: datetime
    id: int


@dataclass(frozen=True)
class HistoryRow:
    id: int
    number: str
    visitor_name: str
    headcount: int
    host_text: str
    purpose: str
    doc_masked: str | None
    plate: str | None
    checked_in_at: datetime
    checked_out_at: datetime | None
    status: SlipStatus
    slip_returned: bool | None


@dataclass
class SlipPage:
    rows: list[HistoryRow] = field(default_factory=list)
    next_cursor: PageCursor | None = None  # None: this is the last page


def parse_day(text: str, *, field: str) -> date | None:
    """A day typed as 2026-11-28, 20261128 or 2026/11/28; empty gives None."""
    value = unicodedata.normalize("NFKC", text or "").strip().replace("/", "-").replace(".", "-")
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{8}", value):
            day = date(int(value[:4]), int(value[4:6]), int(value[6:]))
        else:
            day = date.fromisoformat(value)
        if not 1900 <= day.year <= 2200:  # the search turns it into instants
            raise ValueError(value)
        return day
    except ValueError:
        raise InvalidInput(_("A date is written like 2026-11-28."), field=field) from None


def local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _unit_ids(session: Session, text: str) -> list[int]:
    value = unicodedata.normalize("NFKC", text).strip().upper()
    match = _UNIT.fullmatch(value)
    if match:
        stmt = select(col(Unit.id)).where(Unit.label == f"{match[1]}-{match[2]}")
    else:
        stmt = select(col(Unit.id)).where(or_(col(Unit.number) == value, col(Unit.label) == value))
    return [i for i in session.exec(stmt.limit(500)) if i is not None]  # a key: never None


def _conditions(
    session: Session, actor: Actor, clock: Clock, settings: Settings, query: SlipQuery
) -> list[ColumnElement[bool]] | None:
    """The WHERE terms of a query, or None when it cannot match anything."""
    terms: list[ColumnElement[bool]] = []
    if query.number.strip():
        terms.append(col(VisitorSlip.number) == canonical_slip_number(query.number))
    if query.date_from:
        terms.append(
            col(VisitorSlip.checked_in_at) >= local_midnight(query.date_from, settings.timezone)
        )
    if query.date_to:
        end = local_midnight(query.date_to + timedelta(days=1), settings.timezone)
        terms.append(col(VisitorSlip.checked_in_at) < end)
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise InvalidInput(_("The first day comes after the last day."), field="date_from")
    name = unicodedata.normalize("NFKC", query.name).strip()
    if name:
        terms.append(col(VisitorSlip.visitor_name).icontains(name, autoescape=True))
    if query.unit.strip():
        ids = _unit_ids(session, query.unit)
        if not ids:
            return None
        terms.append(col(VisitorSlip.host_unit_id).in_(ids))
    host = unicodedata.normalize("NFKC", query.host).strip()
    if host:
        hosts = find_hosts(session=session, actor=actor, clock=clock, text=host, limit=50)
        residents = [h.id for h in hosts if h.kind == "resident"]
        companies = [h.id for h in hosts if h.kind == "company"]
        either = [col(VisitorSlip.host_text).icontains(host, autoescape=True)]
        if residents:
            either.append(col(VisitorSlip.host_resident_id).in_(residents))
        if companies:
            either.append(col(VisitorSlip.host_company_id).in_(companies))
        terms.append(or_(*either))
    return terms


def search_slips(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    query: SlipQuery,
    after: PageCursor | None = None,
    limit: int = PAGE_SIZE,
) -> SlipPage:
    """One page of matching slips, newest first, starting after `after`."""
    require(actor, "visitors.register")
    terms = _conditions(session, actor, clock, settings, query)
    if terms is None:
        return SlipPage()
    if after is not None:
        terms.append(
            or_(
                col(VisitorSlip.checked_in_at) < after.checked_in_at,
                and_(
                    col(VisitorSlip.checked_in_at) == after.checked_in_at,
                    col(VisitorSlip.id) < after.id,
                ),
            )
        )
    stmt = (  # the columns shown, not whole records
        select(  # type: ignore[call-overload]  # sqlmodel types select() up to 4 columns
            col(VisitorSlip.id),
            col(VisitorSlip.number),
            col(VisitorSlip.visitor_name),
            col(VisitorSlip.headcount),
            col(VisitorSlip.host_text),
            col(VisitorSlip.purpose),
            col(VisitorSlip.doc_masked),
            col(VisitorSlip.plate),
            col(VisitorSlip.checked_in_at),
            col(VisitorSlip.checked_out_at),
            col(VisitorSlip.status),
            col(VisitorSlip.slip_returned),
        )
        .where(*terms)
        .order_by(col(VisitorSlip.checked_in_at).desc(), col(VisitorSlip.id).desc())
        .limit(limit + 1)
    )
    slips = session.exec(stmt).all()
    rows = [
        HistoryRow(
            id=s.id,
            number=s.number,
            visitor_name=s.visitor_name,
            headcount=s.headcount,
            host_text=s.host_text,
            purpose=s.purpose,
            doc_masked=s.doc_masked,
            plate=s.plate,
            checked_in_at=s.checked_in_at,
            checked_out_at=s.checked_out_at,
            status=SlipStatus(s.status),
            slip_returned=s.slip_returned,
        )
        for s in slips[:limit]
    ]
    more = len(slips) > limit
    cursor = PageCursor(rows[-1].checked_in_at, rows[-1].id) if more and rows else None
    return SlipPage(rows=rows, next_cursor=cursor)
