"""Retention purge as a service, on every engine: batches, counts, audit, what stays."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, PermissionDenied
from deskterm.models.audit import AuditEvent
from deskterm.models.visitor import VisitorSlip
from deskterm.services import audit
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.purge import purge_visitors
from tests.factories import make_estate, walk_in


def test_purge_in_batches_keeps_recent_slips(engine, staff, clock, settings):
    estate = make_estate(engine)
    for n in range(7):
        run_write(
            engine,
            lambda s, n=n: visitors.register_slip(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                slip_in=walk_in(estate, visitor_name=f"old{n}"),
            ),
        )
    clock.advance(days=30)
    keep = run_write(
        engine,
        lambda s: visitors.register_slip(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            slip_in=walk_in(estate, visitor_name="recent"),
        ),
    )
    clock.advance(days=1)
    with pytest.raises(PermissionDenied):
        purge_visitors(
            engine=engine,
            actor=staff.supervisor,
            clock=clock,
            settings=settings,
            older_than_days=10,
        )
    with pytest.raises(InvalidInput):
        purge_visitors(
            engine=engine, actor=staff.admin, clock=clock, settings=settings, older_than_days=0
        )
    seen = []
    report = purge_visitors(
        engine=engine,
        actor=staff.admin,
        clock=clock,
        settings=settings,
        older_than_days=10,
        batch=3,
        progress=lambda _what, d, t: seen.append((d, t)),
    )
    assert (report.counts.slips, report.counts.on_site, report.slips) == (7, 7, 7)
    assert report.compacted and seen == [(3, 7), (6, 7), (7, 7)]
    assert [s.id for s in run_read(engine, lambda s: s.exec(select(VisitorSlip)).all())] == [
        keep.id
    ]
    events = run_read(
        engine,
        lambda s: s.exec(
            select(AuditEvent).where(AuditEvent.action == "visitor.purge").order_by(AuditEvent.seq)
        ).all(),
    )
    assert [e.detail["slips"] for e in events] == [3, 3, 1]
    assert all(e.user_id == staff.admin.user_id for e in events)
    assert run_read(engine, audit.verify).ok
    again = purge_visitors(
        engine=engine, actor=staff.admin, clock=clock, settings=settings, older_than_days=10
    )
    assert again.slips == 0
