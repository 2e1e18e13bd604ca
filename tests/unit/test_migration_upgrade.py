"""Promise 6: a database made by the initial migration and filled by `deskterm demo` upgrades
to head keeping every row, index and trigger, and `alembic check` is clean afterwards."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import deskterm.models  # noqa: F401
from deskterm import schema
from deskterm.config import Settings
from deskterm.db import make_engine
from deskterm.services.admin import maintenance


def _indexes(engine) -> set[tuple[str, str]]:
    insp = inspect(engine)
    return {(t, ix["name"]) for t in insp.get_table_names() for ix in insp.get_indexes(t)}


def _triggers(engine) -> set[str]:
    with engine.connect() as conn:
        return {
            r[0] for r in conn.execute(text("select name from sqlite_master where type='trigger'"))
        }


def test_initial_schema_with_demo_data_upgrades_to_head(tmp_path, monkeypatch):
    from datetime import UTC, datetime

    from deskterm.demo.build import build_demo

    engine = make_engine(str(tmp_path / "old.db"))
    schema.upgrade(engine, "0001")
    # the demo runs `init`, which would upgrade: hold it at the initial revision
    monkeypatch.setattr(schema, "upgrade", lambda eng, revision="head": None)
    monkeypatch.setattr(schema, "upgrade_on", lambda conn, revision="head": None)  # init's own
    build_demo(
        engine=engine, settings=Settings(), visitors=3000, now=datetime(2026, 11, 28, 2, tzinfo=UTC)
    )
    monkeypatch.undo()
    assert schema.current_revision(engine) == "0001"
    rows_before = maintenance.row_counts(engine)
    indexes_before = _indexes(engine)
    assert _triggers(engine) == set()

    schema.upgrade(engine)

    assert schema.current_revision(engine) == schema.head_revision() != "0001"
    assert maintenance.row_counts(engine) == rows_before
    assert _indexes(engine) == indexes_before
    assert _triggers(engine) >= {
        "audit_event_no_update",
        "audit_event_no_delete",
        "logbook_entry_no_update",
        "logbook_entry_no_delete",
        "handover_no_delete",
    }
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    assert maintenance.check(engine).ok


def _legacy_desk(tmp_path, monkeypatch):
    """A database as a release before the audit key left it: chained with plain SHA-256, no
    row sealed outside the logbook's and handovers' record digests."""
    from deskterm.clock import FixedClock
    from deskterm.db import run_write
    from deskterm.models.shift import LogbookEntry, LogCategory
    from deskterm.services import audit
    from tests.conftest import FIXED_NOW
    from tests.factories import make_staff

    engine = make_engine(str(tmp_path / "legacy.db"))
    schema.upgrade(engine, "0002")
    with monkeypatch.context() as m:
        m.setattr(audit, "event_hash", audit.legacy_event_hash)
        m.setattr(
            audit,
            "_take_seals",
            lambda session: session.info.pop(audit.PENDING_SEALS, None) and None,
        )
        clock = FixedClock(FIXED_NOW)
        staff = make_staff(engine, clock, Settings())
        for i in range(3):
            run_write(
                engine,
                lambda s, i=i: audit.record(
                    session=s,
                    actor=staff.operator,
                    clock=clock,
                    action="logbook.add",
                    entity="logbook_entry",
                    subject=LogbookEntry(
                        occurred_at=clock.now(),
                        category=LogCategory.other,
                        what=f"第{i}条",
                        recorded_at=clock.now(),
                        user_id=staff.operator.user_id,
                    ),
                ),
            )
    return engine


def test_a_chain_made_before_the_key_is_rekeyed_and_sealed_by_the_upgrade(tmp_path, monkeypatch):
    from deskterm.db import read_session
    from deskterm.services import audit

    engine = _legacy_desk(tmp_path, monkeypatch)
    with read_session(engine) as session:
        assert not audit.verify(session).ok  # not keyed, nothing sealed
    schema.upgrade(engine)
    with read_session(engine) as session:
        result = audit.verify(session)
        assert result.ok, result.problems
        assert result.records_checked == 6  # 3 staff + 3 logbook entries, all sealed now
        rekey = session.execute(
            text("select detail from audit_event where action = 'audit.rekey'")
        ).scalar()
    import json

    assert json.loads(rekey)["rekeyed"] is True


def test_an_upgrade_refuses_to_rekey_a_chain_that_was_tampered_with(tmp_path, monkeypatch):
    import pytest

    engine = _legacy_desk(tmp_path, monkeypatch)
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_event_no_update"))
        conn.execute(text("UPDATE audit_event SET action = 'x.y' WHERE seq = 2"))
    from deskterm.errors import DeskError

    with pytest.raises(DeskError, match="does not verify"):
        schema.upgrade(engine)
    assert schema.current_revision(engine) == "0002"


def test_staff_codes_made_before_code_key_get_one_and_look_alikes_still_sign_in(tmp_path):
    """0005: a database whose user table has no code_key (releases before it) gets one from
    each stored code; of stored look-alikes (op1, OP1) the oldest keeps the code and the later
    one still signs in with its code as stored; the seals still verify."""
    from alembic.operations import Operations

    from deskterm.clock import FixedClock
    from deskterm.db import read_session, run_write
    from deskterm.models.user import User
    from deskterm.services import audit
    from deskterm.services.admin import users
    from tests.conftest import FIXED_NOW
    from tests.factories import PASSWORD, make_staff

    engine = make_engine(str(tmp_path / "before.db"))
    schema.upgrade(engine)
    clock, settings = FixedClock(FIXED_NOW), Settings()
    staff = make_staff(engine, clock, settings)
    # a look-alike stored (and sealed) by a release that did not compare codes
    hashed = users.hash_password(PASSWORD)
    run_write(
        engine,
        lambda s: audit.record(
            session=s,
            actor=staff.admin,
            clock=clock,
            action="user.create",
            entity="user",
            subject=User(
                code="OP1",
                code_key="then-unchecked",
                name="Later",
                password_hash=hashed,
                created_at=clock.now(),
            ),
        ),
    )
    with engine.begin() as conn:  # the user table as 0004 left it: no code_key
        with Operations.context(MigrationContext.configure(conn)) as op:
            op.drop_index("ix_user_code_key", table_name="user")
            op.drop_column("user", "code_key")
        conn.execute(text("update alembic_version set version_num = '0004'"))

    schema.upgrade(engine)

    with engine.connect() as conn:
        keys = dict(conn.execute(text("select code, code_key from user")).all())
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    later_id = keys["OP1"].split("#")[1]
    assert keys["op1"] == "op1" and keys["OP1"] == f"op1#{later_id}" and keys["sup1"] == "sup1"
    assert diff == []  # the column and its unique index as the models declare them
    for typed, code in (("op1", "op1"), ("ｏｐ１", "op1"), ("OP1", "OP1")):
        user = users.sign_in(
            engine=engine, clock=clock, settings=settings, code=typed, password=PASSWORD
        )
        assert user.code == code
    with read_session(engine) as session:
        assert audit.verify(session).ok
