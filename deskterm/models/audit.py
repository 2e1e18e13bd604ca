"""The append-only, hash-chained audit trail and the per-day record counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from deskterm.models.text import Code
from deskterm.models.types import instant, json_field


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)  # position in the chain, 1, 2, 3 ...
    at: datetime = instant(nullable=False, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    action: Code = Field(max_length=48, index=True)  # "visitor.create", "handover.sign" ...
    entity: Code = Field(max_length=32)
    entity_id: Code | None = Field(default=None, max_length=32, index=True)
    detail: dict[str, Any] = json_field()
    record_digest: Code | None = Field(default=None, max_length=64)  # the record as written
    # {table: {id: digest or null}}: every sealed row the event's transaction wrote (services/audit)
    seals: dict[str, Any] | None = json_field(nullable=True)
    prev_hash: Code = Field(max_length=64)
    hash: Code = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """One row: the chain's last seq and hash. Locking it serialises appends on PostgreSQL."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: Code = Field(default="0" * 64, max_length=64)


class Counter(SQLModel, table=True):
    """The last number given per prefix and day: V20261128-0007 comes from (V, 20261128) = 7."""

    prefix: Code = Field(primary_key=True, max_length=4)
    day: Code = Field(primary_key=True, max_length=8)
    last: int = 0
