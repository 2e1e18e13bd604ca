"""Staff accounts: operators, supervisors and admins; passwords stored as argon2id hashes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from deskterm.models.forms import FormModel
from deskterm.models.text import Code, Line
from deskterm.models.types import instant


class Role(StrEnum):
    operator = "operator"
    supervisor = "supervisor"
    admin = "admin"


class UserBase(SQLModel):
    code: Code = Field(max_length=32, index=True, unique=True)  # staff code typed at sign-in
    name: Line = Field(max_length=64)
    role: Role = Field(sa_type=String(16), default=Role.operator, max_length=16)


class UserCreate(FormModel, UserBase):
    password: Code = Field(min_length=1, max_length=256)


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: Code = Field(max_length=256)
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = instant()  # unused since sign-in throttles per terminal
    created_at: datetime = instant(nullable=False)
    must_change_password: bool = False  # made or reset by an admin: changed at first sign-in


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins counted per (code at a terminal), per code and per terminal, each key a
    keyed hash (no code typed is stored); past a threshold each failure delays the next try,
    the delay doubling (services/admin/users.py)."""

    __tablename__ = "sign_in_throttle"
    key: Code = Field(primary_key=True, max_length=64)
    failures: int = 0
    until: datetime | None = instant()
