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
        return {r[0] for r in conn.execute(text("select name from sqlite_master where type='trigger'"))}


def test_initial_schema_with_demo_data_upgrades_to_head(tmp_path, monkeypatch):
    from datetime import UTC, datetime

    from deskterm.demo import build_demo

    engine = make_engine(str(tmp_path / "old.db"))
    schema.upgrade(engine, "0001")
    # the demo runs `init`, which would upgrade: hold it at the initial revision
    monkeypatch.setattr(schema, "upgrade", lambda eng, revision="head": None)
    monkeypatch.setattr(schema, "upgrade_on", lambda conn, revision="head": None)  # init's own
    build_demo(engine=engine, settings=Settings(), visitors=3000,
               now=datetime(2026, 11, 28, 2, tzinfo=UTC))
    monkeypatch.undo()
    assert schema.current_revision(engine) == "0001"
    rows_before = maintenance.row_counts(engine)
    indexes_before = _indexes(engine)
    assert _triggers(engine) == set()

    schema.upgrade(engine)

    assert schema.current_revision(engine) == schema.head_revision() != "0001"
    assert maintenance.row_counts(engine) == rows_before
    assert _indexes(engine) == indexes_before
    assert _triggers(engine) >= {"audit_event_no_update", "audit_event_no_delete",
                                 "logbook_entry_no_update", "logbook_entry_no_delete",
                                 "handover_no_delete"}
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    assert maintenance.check(engine).ok
