"""Promise 3: a save that hits a full disk gets a plain message, writes nothing partial, and
the next save after space returns works without a restart."""

import pytest
from sqlalchemy import text

from deskterm.db import read_session, run_write
from deskterm.errors import StorageFull
from deskterm.models.shift import LogbookEntry, LogCategory
from deskterm.services import audit


def _save(engine, clock, actor, what):
    def work(session):
        # The entry fits its column (models.guard refuses longer text); the bulk that needs
        # new pages rides in the audit event's detail (JSON, no length limit).
        entry = LogbookEntry(
            occurred_at=clock.now(),
            category=LogCategory.other,
            what=what[:4000],
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
            detail={"attachment": what},
        )
        return entry.id

    return run_write(engine, work)


def _counts(engine):
    with engine.connect() as conn:
        return (
            conn.execute(text("select count(*) from logbook_entry")).scalar(),
            conn.execute(text("select count(*) from audit_event")).scalar(),
        )


def test_full_disk_then_space_returns(sqlite_engine, clock, settings):
    from tests.factories import make_staff

    staff = make_staff(sqlite_engine, clock, settings)
    _save(sqlite_engine, clock, staff.operator, "before")
    before = _counts(sqlite_engine)
    # Cap the file at its current size on every pooled connection: the next page allocation fails.
    sqlite_engine.dispose()
    from sqlalchemy import event

    def cap(dbapi_conn, _):
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(sqlite_engine, "connect", cap)
    big = "满" * 200_000  # needs new pages
    with pytest.raises(StorageFull) as err:
        _save(sqlite_engine, clock, staff.operator, big)
    assert str(err.value) == "The disk is full: nothing was saved. Free some space and try again."
    assert _counts(sqlite_engine) == before  # nothing partial: neither the entry nor its event
    event.remove(sqlite_engine, "connect", cap)
    sqlite_engine.dispose()  # space returns (a new connection has no cap); same engine, no restart
    assert _save(sqlite_engine, clock, staff.operator, big)
    assert _counts(sqlite_engine) == (before[0] + 1, before[1] + 1)
    with read_session(sqlite_engine) as session:
        assert audit.verify(session).ok
