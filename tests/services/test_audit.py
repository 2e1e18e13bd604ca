"""The hash-chained audit: appends in the same transaction; verify finds tampering."""

from datetime import UTC, datetime

from sqlalchemy import text

from deskterm.db import read_session, run_write
from deskterm.models.shift import LogbookEntry, LogCategory
from deskterm.services import audit
from tests.factories import sealed_rows
from tests.tamper import drop_guards


def _add_entry(engine, clock, actor, what="电梯困人"):
    def work(session):
        entry = LogbookEntry(
            occurred_at=clock.now(),
            category=LogCategory.emergency,
            what=what,
            recorded_at=clock.now(),
            user_id=actor.user_id,
        )
        audit.record(
            session=session,
            actor=actor,
            clock=clock,
            action="logbook.add",
            entity="logbook_entry",
            subject=entry,
        )
        return entry.id

    return run_write(engine, work)


def test_events_chain_and_verify(engine, clock, staff):
    for i in range(3):
        _add_entry(engine, clock, staff.operator, f"entry {i}")
    with read_session(engine) as session:
        result = audit.verify(session)
    assert result.ok, result.problem
    assert (
        result.records_checked == sealed_rows(engine) >= 6
    )  # users, entries, reference data: every sealed row
    assert result.events_checked >= 6


def test_a_failed_transaction_leaves_no_event(engine, clock, staff):
    with read_session(engine) as session:
        before = audit.head_hash(session)

    def work(session):
        audit.record(session=session, actor=staff.operator, clock=clock, action="x", entity="x")
        raise RuntimeError("boom")

    try:
        run_write(engine, work)
    except RuntimeError:
        pass
    with read_session(engine) as session:
        assert audit.head_hash(session) == before


def test_edited_logbook_row_is_detected(engine, clock, staff):
    entry_id = _add_entry(engine, clock, staff.operator)
    with engine.begin() as conn:
        drop_guards(conn)
        conn.execute(
            text("UPDATE logbook_entry SET what = 'nothing happened' WHERE id = :i"),
            {"i": entry_id},
        )
    with read_session(engine) as session:
        result = audit.verify(session)
    assert not result.ok and result.problem == f"logbook_entry {entry_id}: edited behind the app"


def test_deleted_logbook_row_is_detected(engine, clock, staff):
    entry_id = _add_entry(engine, clock, staff.operator)
    with engine.begin() as conn:
        drop_guards(conn)
        conn.execute(text("DELETE FROM logbook_entry WHERE id = :i"), {"i": entry_id})
    with read_session(engine) as session:
        result = audit.verify(session)
    assert not result.ok and result.problem == f"logbook_entry {entry_id}: deleted behind the app"


def test_edited_event_is_detected_at_its_seq(engine, clock, staff):
    _add_entry(engine, clock, staff.operator)
    with engine.begin() as conn:
        drop_guards(conn)
        conn.execute(text("UPDATE audit_event SET action = 'x.y' WHERE seq = 2"))
    with read_session(engine) as session:
        result = audit.verify(session)
    assert not result.ok and result.seq == 2


def test_truncated_tail_is_detected(engine, clock, staff):
    _add_entry(engine, clock, staff.operator)
    with engine.begin() as conn:
        drop_guards(conn)
        last = conn.execute(text("SELECT max(seq) FROM audit_event")).scalar()
        conn.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": last})
    with read_session(engine) as session:
        assert not audit.verify(session).ok


def test_digest_ignores_timezone_of_the_same_instant():
    from datetime import timedelta, timezone

    a = LogbookEntry(
        id=1,
        occurred_at=datetime(2026, 1, 1, 2, tzinfo=UTC),
        what="x",
        recorded_at=datetime(2026, 1, 1, 2, tzinfo=UTC),
        user_id=1,
    )
    shanghai = timezone(timedelta(hours=8))
    b = LogbookEntry(
        id=1,
        occurred_at=datetime(2026, 1, 1, 10, tzinfo=shanghai),
        what="x",
        recorded_at=datetime(2026, 1, 1, 10, tzinfo=shanghai),
        user_id=1,
    )
    assert audit.record_digest(a) == audit.record_digest(b)
