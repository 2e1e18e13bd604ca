"""Shared fixtures: isolated folders, a fixed clock, and a fresh database per test.

The database is built once per session by the real Alembic migrations and copied for each
test (SQLite), or cloned from a template database (PostgreSQL, when DESKTERM_TEST_PG_URL is
set). Tests that take `engine` run on every available engine.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, datetime

import pytest

from deskterm.clock import FixedClock
from deskterm.config import Settings
from deskterm.i18n import set_language

# One audit key for the whole run (template databases are chained with it; CLI subprocesses
# inherit it): the per-test config folder would otherwise give each test a key of its own.
os.environ.setdefault("DESKTERM_AUDIT_KEY", "deskterm-tests-audit-key-0123456789abcdef")
PG_URL = os.environ.get(
    "DESKTERM_TEST_PG_URL"
)  # e.g. postgresql+psycopg://deskterm@127.0.0.1/postgres
# Saturday 2026-11-28 10:00 in Shanghai.
FIXED_NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DESKTERM_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DESKTERM_SETTINGS", str(tmp_path / "config" / "settings.toml"))
    for var in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_USER", "DESKTERM_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture
def settings() -> Settings:
    # The tests speak English, the site too (the lines the app writes itself are in the site's
    # language, Chinese by default: tests/services/test_site_language.py).
    return Settings(site_lang="en")


# The engineering list the tests dispatch to (D-36): a site keeps its own.
ENGINEERS = (
    ("王师傅", "水电", True),
    ("李师傅", "木工", True),
    ("陈师傅", "电梯", True),
    ("老周", "综合", False),
)


def _engineering_team(engine) -> None:
    from deskterm.db import run_write
    from deskterm.models.repair import Engineer

    def add(session):
        for name, trade, on_duty in ENGINEERS:
            session.add(Engineer(name=name, trade=trade, on_duty=on_duty))

    run_write(engine, add)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    from deskterm.db import make_engine
    from deskterm.services.admin.setup import initialise

    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(str(path))
    initialise(engine=engine, clock=FixedClock(FIXED_NOW), settings=Settings())
    _engineering_team(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template():
    if not PG_URL:
        return None
    from sqlalchemy import create_engine, text

    from deskterm.db import make_engine
    from deskterm.services.admin.setup import initialise

    name = f"deskterm_tpl_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    initialise(engine=engine, clock=FixedClock(FIXED_NOW), settings=Settings())
    _engineering_team(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _engines():
    params = ["sqlite"]
    params.append(pytest.param("postgresql", marks=pytest.mark.postgres))
    return params


@pytest.fixture(params=_engines())
def engine(request, tmp_path, sqlite_template):
    """A fresh, migrated database with the reference data, per test, on each engine."""
    from deskterm.db import make_engine

    if request.param == "sqlite":
        path = tmp_path / "desk.db"
        shutil.copy(sqlite_template, path)
        eng = make_engine(str(path))
        yield eng
        eng.dispose()
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need DESKTERM_TEST_PG_URL")
    from sqlalchemy import create_engine, text

    template = request.getfixturevalue("pg_template")
    name = f"deskterm_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    eng = make_engine(PG_URL.rsplit("/", 1)[0] + f"/{name}")
    yield eng
    eng.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_engine(tmp_path, sqlite_template):
    """A fresh SQLite database only (for tests about the file itself)."""
    from deskterm.db import make_engine

    path = tmp_path / "desk.db"
    shutil.copy(sqlite_template, path)
    eng = make_engine(str(path))
    yield eng
    eng.dispose()


@pytest.fixture
def staff(engine, clock, settings):
    """One account of each role: op1, sup1, admin1 (password 'secret-pass')."""
    from tests.factories import make_staff

    return make_staff(engine, clock, settings)


def pytest_terminal_summary(terminalreporter):
    """Issue 14: CI shows how many write services the race test covers, per engine (the
    registry test fails if any service that changes rows has no race, so the services raced
    are every write service). A line only when the race test ran; works under xdist."""
    races: dict[str, dict[str, str]] = {}
    registry = None
    for reports in terminalreporter.stats.values():
        for rep in reports:
            if (
                not isinstance(rep, pytest.TestReport)
                or "test_races.py::" not in rep.nodeid
                or not (rep.when == "call" or rep.skipped)
            ):
                continue
            nodeid = rep.nodeid
            if "::test_every_service_that_changes_a_row_has_a_race[sqlite" in nodeid:
                registry = rep.outcome
            if "::test_two_desks_at_the_same_instant[" in nodeid:
                params = nodeid.rsplit("[", 1)[1].rstrip("]")
                engine = "postgresql" if "postgresql" in params else "sqlite"
                name = params.replace(engine, "").strip("-")
                races.setdefault(engine, {})[name] = rep.outcome
    if not races:
        return
    services = set().union(*races.values())
    per_engine = ", ".join(
        f"{engine}: {sum(o == 'passed' for o in got.values())} passed"
        + "".join(
            f", {n} {k}"
            for k, n in sorted(
                {k: sum(o == k for o in got.values()) for k in ("failed", "skipped")}.items()
            )
            if n
        )
        for engine, got in sorted(races.items())
    )
    terminalreporter.write_line(
        f"race test: {len(services)} write services raced by two desks ({per_engine}); "
        f"every service that changes rows has its race: {registry or 'not checked'}"
    )
