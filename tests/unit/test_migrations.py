"""Alembic owns the schema: head matches the models, and init is idempotent."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import deskterm.models  # noqa: F401
from deskterm import schema
from deskterm.db import make_engine


def test_head_matches_models(tmp_path):
    engine = make_engine(str(tmp_path / "m.db"))
    schema.upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_upgrade_twice_is_a_no_op(tmp_path):
    engine = make_engine(str(tmp_path / "m.db"))
    schema.upgrade(engine)
    schema.upgrade(engine)
    assert schema.current_revision(engine) == schema.head_revision()


def test_old_schema_is_refused_with_the_command(tmp_path):
    import pytest

    from deskterm.errors import SchemaOutdated

    engine = make_engine(str(tmp_path / "empty.db"))
    with pytest.raises(SchemaOutdated, match="deskterm init"):
        schema.ensure_current(engine)
