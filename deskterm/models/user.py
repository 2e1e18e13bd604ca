"""Staff accounts: operators, supervisors and admins; passwords stored as argon2id hashes."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from deskterm.i18n import N_, _
from deskterm.models.forms import FormModel
from deskterm.models.text import Code, Line
from deskterm.models.types import instant


class Role(StrEnum):
    operator = "operator"
    supervisor = "supervisor"
    admin = "admin"


def code_key(code: str) -> str:
    """What makes two staff codes the same code: NFKC (full-width ＡＢＣ is ABC) and case
    folded (OP1 is op1). Stored in `User.code_key`, whose unique index refuses a look-alike of
    an existing code even when two desks add one at once; sign-in finds a user by it."""
    return unicodedata.normalize("NFKC", code.strip()).casefold()


# A role as the desk says it: in English the word stored and typed (`--role supervisor`),
# in Chinese the desk's own word (客服, 主管, 管理员)
ROLE_LABELS: dict[str, str] = {
    Role.operator: N_("operator"),
    Role.supervisor: N_("supervisor"),
    Role.admin: N_("admin"),
}


def role_label(role: str) -> str:
    """The role in the desk's language (`users add`, `users list`, a refusal's sentence)."""
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


class UserBase(SQLModel):
    code: Code = Field(max_length=32, index=True, unique=True)  # staff code typed at sign-in
    name: Line = Field(max_length=64)
    role: Role = Field(sa_type=String(16), default=Role.operator, max_length=16)


class UserCreate(FormModel, UserBase):
    password: Code = Field(min_length=1, max_length=256)


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # code_key(code), set with the code (services/admin/users.add_user, the one way an account
    # is made); derived from the sealed code, so left out of the row's seal (services/audit
    # SEALED). Nullable only so that a SQLite database made before it gains it without
    # rebuilding the user table every record refers to (migration 0005).
    code_key: Code | None = Field(default=None, max_length=128, index=True, unique=True)
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
