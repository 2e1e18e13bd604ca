"""Issue 18 A: `init` sets the schema and the reference data up in one transaction. When the
reference data cannot be read (a broken install), nothing is left behind: the database is as
empty as before, and running init again once the install is repaired finishes the job."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, inspect, text

from deskterm import schema
from deskterm.db import make_engine
from deskterm.errors import DeskError
from deskterm.services.admin import setup
from tests.conftest import PG_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request, tmp_path):
    if request.param == "sqlite":
        eng = make_engine(str(tmp_path / "empty.db"))
        yield eng
        eng.dispose()
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need DESKTERM_TEST_PG_URL")
    name = f"deskterm_init_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    eng = make_engine(PG_URL.rsplit("/", 1)[0] + f"/{name}")
    yield eng
    eng.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_broken_install_leaves_no_half_initialised_database(
    empty_engine, clock, settings, monkeypatch, tmp_path
):
    import sys

    # what a wheel without data/ looks like: not in the checkout, not importable. A None entry
    # in sys.modules is Python's own "this module cannot be imported" (ModuleNotFoundError),
    # for `import` and `importlib.import_module` alike.
    monkeypatch.setattr("deskterm.paths.__file__", str(tmp_path / "site-packages" / "paths.py"))
    monkeypatch.setitem(sys.modules, "deskterm.data", None)
    with pytest.raises(DeskError, match="reference data shipped with deskterm is missing"):
        setup.initialise(engine=empty_engine, clock=clock, settings=settings)
    monkeypatch.undo()

    assert schema.current_revision(empty_engine) is None
    assert inspect(empty_engine).get_table_names() == []

    summary = setup.initialise(engine=empty_engine, clock=clock, settings=settings)
    assert summary.categories > 0 and summary.fee_items > 0 and not summary.users_exist
    setup.create_first_admin(
        engine=empty_engine,
        clock=clock,
        settings=settings,
        code="admin1",
        name="Admin",
        password="a long admin password",
    )
    assert schema.current_revision(empty_engine) == schema.head_revision()
