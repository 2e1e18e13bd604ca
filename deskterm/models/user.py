"""Staff accounts: operators, supervisors and admins; passwords stored as argon2id hashes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

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


class UserCreate(UserBase):
    password: Code = Field(min_length=1, max_length=256)


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: Code = Field(max_length=256)
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = instant()
    created_at: datetime = instant(nullable=False)
