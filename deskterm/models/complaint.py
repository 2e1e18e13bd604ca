"""Complaints with their handling steps, callbacks (回访) and the communication log (D-40 to D-44)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from deskterm.models.types import instant


class ComplaintStatus(StrEnum):
    open = "open"
    referred = "referred"
    replied = "replied"
    closed = "closed"  # answer given; callback falls due
    signed_off = "signed_off"  # supervisor signed it off


class ComplaintBase(SQLModel):
    who_kind: str = Field(default="resident", max_length=16)  # resident, company, other
    who_name: str = Field(min_length=1, max_length=64)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    company_id: int | None = Field(default=None, foreign_key="company.id")
    contact: str = Field(default="", max_length=64)
    channel: str = Field(default="phone", max_length=16)  # phone, walk_in, letter, passed_down
    category: str = Field(default="other", max_length=32, index=True)
    content: str = Field(min_length=1, max_length=4000)
    severity: str = Field(default="normal", max_length=16)  # low, normal, severe
    valid: bool | None = None  # within the company's rules and promises
    department: str = Field(default="", max_length=64)


class ComplaintCreate(ComplaintBase):
    pass


class Complaint(ComplaintBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # C20261128-0001
    received_at: datetime = instant(nullable=False, index=True)
    received_by: int = Field(foreign_key="user.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True)
    status: ComplaintStatus = Field(sa_type=String(16), default=ComplaintStatus.open, max_length=16, index=True)
    referred_to: str | None = Field(default=None, max_length=64)
    reply_due_at: datetime | None = instant(index=True)
    replied_at: datetime | None = instant()
    answer: str | None = Field(default=None, max_length=4000)
    answer_how: str | None = Field(default=None, max_length=32)
    closed_at: datetime | None = instant()
    signed_off_by: int | None = Field(default=None, foreign_key="user.id")
    signed_off_at: datetime | None = instant()
    version: int = 1


class ComplaintStep(SQLModel, table=True):
    """A handling step of D-42: listened, clarified, sympathy, action, followed up, referred ..."""

    __tablename__ = "complaint_step"
    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    at: datetime = instant(nullable=False)
    user_id: int = Field(foreign_key="user.id")
    step: str = Field(max_length=32)
    note: str = Field(default="", max_length=4000)


class CallbackResult(StrEnum):
    satisfied = "satisfied"
    fairly_satisfied = "fairly_satisfied"
    dissatisfied = "dissatisfied"


class Callback(SQLModel, table=True):
    """One callback (回访) due for a repair or a complaint."""

    id: int | None = Field(default=None, primary_key=True)
    subject_kind: str = Field(max_length=16, index=True)  # repair | complaint
    subject_id: int = Field(index=True)
    due_at: datetime = instant(nullable=False, index=True)
    attempts: int = 0
    method: str | None = Field(default=None, max_length=16)  # phone, visit
    result: CallbackResult | None = Field(sa_type=String(24), default=None, max_length=24)
    comment: str | None = Field(default=None, max_length=2000)
    done_at: datetime | None = instant(index=True)
    done_by: int | None = Field(default=None, foreign_key="user.id")
    version: int = 1


class CommunicationBase(SQLModel):
    at: datetime = instant(nullable=False, index=True)
    party_kind: str = Field(max_length=24)  # developer, government, utility, owners_assembly, owners_committee, owner
    party_name: str = Field(min_length=1, max_length=128)
    subject: str = Field(min_length=1, max_length=256)
    agreed: str = Field(default="", max_length=4000)
    follow_up: str = Field(default="", max_length=1000)
    follow_up_due: datetime | None = instant(index=True)


class CommunicationCreate(CommunicationBase):
    pass


class Communication(CommunicationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    follow_up_done_at: datetime | None = instant()
    version: int = 1
