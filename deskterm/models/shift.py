"""Shifts, the handover book and the duty logbook (D-1, D-2, D-10, D-11)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from deskterm.models.forms import FormModel
from deskterm.models.text import Block, Code, Line
from deskterm.models.types import instant, json_field


class ShiftStatus(StrEnum):
    open = "open"
    closed = "closed"


class Shift(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    post: Code = Field(max_length=32, index=True)
    operator_id: int = Field(foreign_key="user.id", index=True)
    started_at: datetime = instant(nullable=False, index=True)
    ended_at: datetime | None = instant()
    self_check: dict[str, Any] = json_field()  # item -> bool (D-1, D-9)
    accepted_handover_id: int | None = None  # the handover this shift accepted (no FK: a cycle)
    status: ShiftStatus = Field(sa_type=String(16), default=ShiftStatus.open, max_length=16)


class HandoverStatus(StrEnum):
    draft = "draft"
    signed = "signed"  # signed by the outgoing operator, waiting for the next shift
    accepted = "accepted"  # countersigned by the incoming operator (D-2)
    refused = "refused"  # refused with a reason: the outgoing operator stays responsible


class Handover(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    post: Code = Field(max_length=32, index=True)
    shift_id: int = Field(foreign_key="shift.id", index=True)
    outgoing_user_id: int = Field(foreign_key="user.id")
    created_at: datetime = instant(nullable=False)
    signed_at: datetime | None = instant(index=True)
    notices: Block = Field(default="", max_length=4000)
    open_items: list[dict[str, Any]] = json_field(list)  # snapshot of what is open (D-11)
    physical_items: dict[str, int] = json_field()  # keys, blank slips, passes ... with counts
    # what the counts should be by the records (blank slips: the start count less the slips
    # issued, services.shift.handover.expected_counts), kept beside what was counted
    expected_items: dict[str, int] = json_field()
    done_summary: dict[str, int] = json_field()  # what the shift did (D-2), from the audit trail
    audit_head_hash: Code | None = Field(default=None, max_length=64)
    audit_head_seq: int | None = None  # the anchor: the chain's head (seq, hash) at signing
    status: HandoverStatus = Field(
        sa_type=String(16), default=HandoverStatus.draft, max_length=16, index=True
    )
    incoming_user_id: int | None = Field(default=None, foreign_key="user.id")
    answered_at: datetime | None = instant()
    refusal_reason: Block | None = Field(default=None, max_length=1000)
    version: int = 1


class HandoverItem(SQLModel, table=True):
    """One line of a handover: a notice, an open record, or a physical item with its count."""

    __tablename__ = "handover_item"

    id: int | None = Field(default=None, primary_key=True)
    handover_id: int = Field(foreign_key="handover.id", index=True)
    kind: Code = Field(max_length=16)  # notice | open | physical
    ref_kind: Code | None = Field(default=None, max_length=32)  # visitor, repair, message ...
    ref_id: int | None = None
    text: Block = Field(default="", max_length=2000)
    count: int | None = None


class LogCategory(StrEnum):
    equipment = "equipment"
    security = "security"
    fire = "fire"
    water_power = "water_power"
    noise_dispute = "noise_dispute"
    emergency = "emergency"
    other = "other"


class LogbookEntryBase(SQLModel):
    occurred_at: datetime = instant(nullable=False, index=True)
    category: LogCategory = Field(
        sa_type=String(16), default=LogCategory.other, max_length=16, index=True
    )
    location: Line = Field(default="", max_length=128)
    what: Block = Field(min_length=1, max_length=4000)
    action_taken: Block = Field(default="", max_length=4000)
    notified: Line = Field(default="", max_length=256)


class LogbookEntryCreate(FormModel, LogbookEntryBase):
    corrects_id: int | None = None


class LogbookEntry(LogbookEntryBase, table=True):
    """Append-only (D-10): a correction is a new entry pointing at the one it corrects."""

    __tablename__ = "logbook_entry"
    id: int | None = Field(default=None, primary_key=True)
    recorded_at: datetime = instant(nullable=False)
    user_id: int = Field(foreign_key="user.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True)
    corrects_id: int | None = Field(default=None, foreign_key="logbook_entry.id")
    abnormal: bool = True
