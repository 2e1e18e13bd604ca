"""Expected visitors: a resident or tenant phones ahead, the desk writes the visitor down, and
arrival becomes a two-key check-in (services.visitors.check_in_expected).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_row
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import _
from deskterm.models.visitor import ExpectedVisitor, ExpectedVisitorCreate
from deskterm.rules.numbering import local_day
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require
from deskterm.services.visitors.checks import resolve_host


def add_expected(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    expected_in: ExpectedVisitorCreate,
) -> ExpectedVisitor:
    """Write down an announced visitor. `expected_in` is validated (models.forms.validated):
    here only the day against the desk's calendar and the host on record are checked."""
    require(actor, "visitors.expect")
    today = local_day(as_utc(clock.now()), settings.timezone)
    if expected_in.expected_on < today:
        raise InvalidInput(_("The expected day is today or later."), field="expected_on")
    resident_id, company_id, unit_id, host_text = resolve_host(session, expected_in)
    expected = ExpectedVisitor(
        visitor_name=expected_in.visitor_name,
        headcount=expected_in.headcount,
        expected_on=expected_in.expected_on,
        host_resident_id=resident_id,
        host_company_id=company_id,
        host_unit_id=unit_id,
        host_text=host_text,
        purpose=expected_in.purpose,
        note=expected_in.note,
        created_at=as_utc(clock.now()),
        created_by=actor.author_id,
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="visitor.expect",
        entity="expected_visitor",
        subject=expected,
        detail={"expected_on": expected.expected_on},
    )
    return expected


def list_expected(
    *, session: Session, clock: Clock, settings: Settings, day: date | None = None
) -> list[ExpectedVisitor]:
    """Today's (or `day`'s) announced visitors who have not arrived yet."""
    day = day or local_day(as_utc(clock.now()), settings.timezone)
    stmt = (
        select(ExpectedVisitor)
        .where(
            ExpectedVisitor.expected_on == day,
            col(ExpectedVisitor.arrived_slip_id).is_(None),
            ExpectedVisitor.cancelled == False,  # noqa: E712
        )
        .order_by(col(ExpectedVisitor.created_at), col(ExpectedVisitor.id))
    )
    return list(session.exec(stmt))


def cancel_expected(
    *, session: Session, actor: Actor, clock: Clock, expected_id: int
) -> ExpectedVisitor:
    require(actor, "visitors.expect")
    expected = lock_row(session, ExpectedVisitor, expected_id)
    if expected is None or expected.cancelled:
        raise NotFound(_("That expected visitor is no longer on the list."))
    if expected.arrived_slip_id is not None:
        raise InvalidInput(_("That expected visitor has already arrived and has a slip."))
    expected.cancelled = True
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="visitor.expect_cancel",
        entity="expected_visitor",
        subject=expected,
    )
    return expected
