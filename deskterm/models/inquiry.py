"""Inquiries, contact attempts, messages (留言) and promised replies (D-20 to D-27).

No phone number of a resident is ever copied into these records (D-21).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import field_validator
from sqlalchemy import String
from sqlmodel import Field, SQLModel

from deskterm.i18n import _
from deskterm.models.forms import FormModel, refuse
from deskterm.models.text import Block, Code, Line, Phone
from deskterm.models.types import instant


class Channel(StrEnum):
    phone = "phone"
    walk_in = "walk_in"


class ContactOutcome(StrEnum):
    transferred = "transferred"  # reached and agreed to take the call (D-20)
    declined = "declined"
    absent = "absent"
    no_answer = "no_answer"


class InquiryOutcome(StrEnum):
    answered = "answered"
    transferred = "transferred"
    message_taken = "message_taken"
    promised = "promised"  # promise to answer later (D-25)
    declined = "declined"  # unreasonable request declined politely (D-27)
    not_found = "not_found"


# Whom an inquiry asks for, and whom a message is for (the rules of those fields).
TARGET_KINDS = ("resident", "company", "staff", "directory", "event", "unit")
FOR_KINDS = ("resident", "company", "staff", "other")


def _one_of(kinds: tuple[str, ...], value: Any, blank: str | None) -> Any:
    if not isinstance(value, str):
        return value
    value = value.strip() or blank
    if value is not None and value not in kinds:
        raise refuse(_("Choose one from the list."))
    return value


class InquiryBase(SQLModel):
    channel: Channel = Field(sa_type=String(16), default=Channel.phone, max_length=16)
    topic: Line = Field(default="", max_length=256)
    inquirer: Line = Field(default="", max_length=64)
    target_kind: Code | None = Field(default=None, max_length=16)  # resident, company, directory
    target_id: int | None = None
    target_text: Line = Field(default="", max_length=128)
    outcome: InquiryOutcome | None = Field(sa_type=String(16), default=None, max_length=16)


class InquiryCreate(FormModel, InquiryBase):
    @field_validator("target_kind", mode="before")
    @classmethod
    def known_target(cls, value: Any) -> Any:
        return _one_of(TARGET_KINDS, value, None)


class Inquiry(InquiryBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = instant(nullable=False, index=True)
    user_id: int = Field(foreign_key="user.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True)
    # D-22: what the desk took when the person was not reached: the inquirer's own contact
    # (theirs to give, never a resident's number), or that the inquirer declined to leave one.
    inquirer_contact: Phone = Field(default="", max_length=64)
    inquirer_declined: bool = False


class ContactAttempt(SQLModel, table=True):
    __tablename__ = "contact_attempt"
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(foreign_key="inquiry.id", index=True)
    at: datetime = instant(nullable=False)
    outcome: ContactOutcome = Field(sa_type=String(16), max_length=16)
    user_id: int = Field(foreign_key="user.id")
    # A wrong outcome recorded (an unintended "transferred") is corrected by a new attempt
    # pointing at it, with the reason; the original stays as it was (services.inquiries.log).
    corrects_id: int | None = Field(default=None, foreign_key="contact_attempt.id")
    reason: Block = Field(default="", max_length=1000)


class MessageBase(SQLModel):
    for_kind: Code = Field(default="resident", max_length=16)  # resident, company, staff, other
    for_id: int | None = None
    for_name: Line = Field(min_length=1, max_length=128)
    from_name: Line = Field(min_length=1, max_length=64)
    from_contact: Phone = Field(default="", max_length=64)  # the sender's own, theirs to give
    text: Block = Field(min_length=1, max_length=2000)


class MessageCreate(FormModel, MessageBase):
    inquiry_id: int | None = None

    @field_validator("for_kind", mode="before")
    @classmethod
    def known_recipient(cls, value: Any) -> Any:
        return _one_of(FOR_KINDS, value, "other")


class Message(MessageBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int | None = Field(default=None, foreign_key="inquiry.id")
    taken_at: datetime = instant(nullable=False, index=True)
    taken_by: int = Field(foreign_key="user.id")
    delivered_at: datetime | None = instant(index=True)
    delivered_by: int | None = Field(default=None, foreign_key="user.id")
    delivered_how: Code | None = Field(default=None, max_length=64)
    version: int = 1


class PromisedReplyBase(SQLModel):
    question: Block = Field(min_length=1, max_length=2000)
    asked_by: Line = Field(min_length=1, max_length=64)
    contact: Phone = Field(default="", max_length=64)
    due_at: datetime = instant(nullable=False, index=True)


class PromisedReplyCreate(FormModel, PromisedReplyBase):
    contact: Phone = Field(min_length=1, max_length=64)  # how to reach them with the answer
    inquiry_id: int | None = None


class PromisedReply(PromisedReplyBase, table=True):
    """A promise to answer later (D-25): recorded with a deadline and followed up until kept."""

    __tablename__ = "promised_reply"
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int | None = Field(default=None, foreign_key="inquiry.id")
    created_at: datetime = instant(nullable=False)
    created_by: int = Field(foreign_key="user.id")
    answered_at: datetime | None = instant(index=True)
    answered_by: int | None = Field(default=None, foreign_key="user.id")
    answer: Block | None = Field(default=None, max_length=2000)
    version: int = 1
