"""Small builders for test data, through the same services the app uses."""

from __future__ import annotations

from dataclasses import dataclass

from deskterm.db import run_write
from deskterm.models.user import Role
from deskterm.services.actor import Actor
from deskterm.services.admin import users

PASSWORD = "secret-pass"


@dataclass
class Staff:
    operator: Actor
    supervisor: Actor
    admin: Actor


def make_user(engine, clock, settings, code: str, role: Role, name: str | None = None) -> Actor:
    user = run_write(
        engine,
        lambda s: users.add_user(
            session=s,
            actor=None,
            clock=clock,
            settings=settings,
            code=code,
            name=name or code,
            role=role,
            password=PASSWORD,
        ),
    )
    return Actor.from_user(user)


def make_staff(engine, clock, settings) -> Staff:
    return Staff(
        operator=make_user(engine, clock, settings, "op1", Role.operator, "李静"),
        supervisor=make_user(engine, clock, settings, "sup1", Role.supervisor, "王强"),
        admin=make_user(engine, clock, settings, "admin1", Role.admin, "赵敏"),
    )


def sealed_rows(engine) -> int:
    """How many rows the sealed tables hold: what `audit verify` checks, one by one."""
    from sqlalchemy import text

    from deskterm.db import run_read
    from deskterm.services.audit import SEALED

    return run_read(
        engine,
        lambda s: sum(
            s.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one() for table in SEALED
        ),
    )
