"""Setting a database up: the schema through Alembic, the reference data, the first admin."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import func, select

from deskterm import schema
from deskterm.clock import Clock
from deskterm.config import Settings
from deskterm.db import WriteSession, run_write
from deskterm.models.user import Role, User
from deskterm.services.admin import reference, users


@dataclass
class InitSummary:
    revision: str
    categories: int
    fee_items: int
    directory: int
    users_exist: bool


def initialise(*, engine: Engine, clock: Clock, settings: Settings) -> InitSummary:
    """The schema and the reference data in ONE transaction (issue 18 A): when the reference
    data cannot be read (a broken install) or anything else fails, nothing is kept, so the
    database is never left half set up and running init again starts from the same place.
    DDL is transactional on both engines (PostgreSQL; SQLite because deskterm issues BEGIN)."""
    with engine.execution_options(deskterm_write=True).begin() as conn:
        schema.upgrade_on(conn)
        # a write session joined to the connection's transaction: its commit seals the
        # reference rows in the audit trail (services/audit) and the DDL commits with them
        with WriteSession(bind=conn) as session:
            cats = reference.load_repair_categories(session)
            fees = reference.load_fee_schedule(session)
            dirs = reference.load_directory(session)
            has_users = session.exec(select(func.count()).select_from(User)).one() > 0
            session.commit()
    return InitSummary(schema.head_revision(), cats, fees, dirs, has_users)


def create_first_admin(
    *, engine: Engine, clock: Clock, settings: Settings, code: str, name: str, password: str
) -> User:
    return run_write(
        engine,
        lambda session: users.add_user(
            session=session,
            actor=None,
            clock=clock,
            settings=settings,
            code=code,
            name=name,
            role=Role.admin,
            password=password,
        ),
    )
