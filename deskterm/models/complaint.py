"""Complaints with their handling steps, callbacks (回访) and the communication log (D-40 to D-44).

A complaint is open while no reply has reached the complainant: `replied_at IS NULL` and
status `open` or `referred`; `reply_due_at` is the deadline for that reply (D-44). Closing
records the answer and how it was given, and a callback falls due. Callbacks serve repairs and
complaints alike (one queue). Phone numbers typed here are shown masked, like residents'.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import field_validator
from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from deskterm.i18n import _
from deskterm.models.forms import FormModel
from deskterm.models.text import Block, Code, Line, Phone
from deskterm.models.types import instant
from deskterm.models.visitor import phone_digits


class ComplaintStatus(StrEnum):
    open = "open"  # received, not yet answered
    referred = "referred"  # passed to a named person with a reply deadline (D-44)
    replied = "replied"  # the complainant has an answer; the matter is still being dealt with
    closed = "closed"  # answer given and the matter settled; callback falls due
    signed_off = "signed_off"  # a supervisor signed it off


OPEN_COMPLAINT_STATUSES = (ComplaintStatus.open, ComplaintStatus.referred)


class ComplainantKind(StrEnum):
    resident = "resident"
    company = "company"  # a tenant company of an office tower
    other = "other"


class ComplaintChannel(StrEnum):
    phone = "phone"
    walk_in = "walk_in"
    letter = "letter"
    passed_down = "passed_down"  # passed down by a superior (record whose opinion)


class Severity(StrEnum):
    normal = "normal"  # 一般
    important = "important"  # 重要
    severe = "severe"  # 重大: flagged to supervisors at once


class StepKind(StrEnum):
    """D-42: listen, clarify, sympathise, act, follow up; and what the record itself adds."""

    listened = "listened"
    clarified = "clarified"
    sympathy = "sympathy"
    action = "action"
    followed_up = "followed_up"
    referred = "referred"
    replied = "replied"
    closed = "closed"
    reopened = "reopened"
    signed_off = "signed_off"
    note = "note"


D42_STEPS = (
    StepKind.listened,
    StepKind.clarified,
    StepKind.sympathy,
    StepKind.action,
    StepKind.followed_up,
)


class AnswerHow(StrEnum):
    on_the_spot = "on_the_spot"
    phone = "phone"
    in_writing = "in_writing"
    in_person = "in_person"  # a meeting or a visit


class ComplaintBase(SQLModel):
    who_kind: ComplainantKind = Field(
        sa_type=String(16), default=ComplainantKind.resident, max_length=16
    )
    who_name: Line = Field(max_length=64)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    resident_id: int | None = Field(default=None, foreign_key="resident.id")
    company_id: int | None = Field(default=None, foreign_key="company.id")
    contact: Phone = Field(default="", max_length=64)  # shown masked; never in reports or exports
    channel: ComplaintChannel = Field(
        sa_type=String(16), default=ComplaintChannel.phone, max_length=16
    )
    passed_down_by: Line = Field(default="", max_length=64)  # whose opinion came with it
    category: Code = Field(default="other", max_length=32, index=True)
    content: Block = Field(max_length=4000)
    severity: Severity = Field(sa_type=String(16), default=Severity.normal, max_length=16)
    valid: bool | None = None  # within the company's rules and promises; None = not judged yet
    department: Line = Field(default="", max_length=64)  # the department (or staff) concerned


def contact_as_stored(value: Any) -> Any:
    """A complainant's contact number as its digits; blank is none given (""); None (an
    edit) leaves it as it is."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        return ""
    return phone_digits(value, _("A contact number has 5 to 20 digits."))


class ComplaintCreate(FormModel, ComplaintBase):
    who_name: Line = Field(min_length=1, max_length=64)  # who is complaining
    content: Block = Field(min_length=1, max_length=4000)  # what they said
    repair_id: int | None = None  # when a repair callback turned into this complaint

    _contact = field_validator("contact", mode="before")(contact_as_stored)


class ComplaintUpdate(FormModel):
    """Intake details corrected or judged later; None leaves a field as it is."""

    category: Code | None = Field(default=None, max_length=32)
    severity: Severity | None = None
    valid: bool | None = None
    department: Line | None = Field(default=None, max_length=64)
    content: Block | None = Field(default=None, min_length=1, max_length=4000)
    contact: Phone | None = Field(default=None, max_length=64)

    _contact = field_validator("contact", mode="before")(contact_as_stored)


class Complaint(ComplaintBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: Code = Field(max_length=20, unique=True)  # C20261128-0001
    received_at: datetime = instant(nullable=False, index=True)
    received_by: int = Field(foreign_key="user.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True)
    repair_id: int | None = Field(default=None, foreign_key="repair_order.id")
    status: ComplaintStatus = Field(
        sa_type=String(16), default=ComplaintStatus.open, max_length=16, index=True
    )
    referred_to: Line | None = Field(default=None, max_length=64)
    referred_at: datetime | None = instant()
    reply_due_at: datetime | None = instant(index=True)
    replied_at: datetime | None = instant()
    answer: Block | None = Field(default=None, max_length=4000)
    answer_how: AnswerHow | None = Field(sa_type=String(16), default=None, max_length=16)
    closed_at: datetime | None = instant()
    signed_off_by: int | None = Field(default=None, foreign_key="user.id")
    signed_off_at: datetime | None = instant()
    severe_ack_by: int | None = Field(default=None, foreign_key="user.id")
    severe_ack_at: datetime | None = instant()
    reopen_count: int = 0
    # Case 2: the public-area request (services.complaints.public_areas) this complaint is about
    public_request_id: int | None = Field(default=None, foreign_key="public_area_request.id")
    version: int = 1


class ComplaintRepair(SQLModel, table=True):
    """A complaint linked to a repair order it concerns (case 1: the heating complaint and its
    repair); each shows the other. Unlinking deletes the row (the audit trail keeps both)."""

    __tablename__ = "complaint_repair"
    __table_args__ = (UniqueConstraint("complaint_id", "repair_id"),)
    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    repair_id: int = Field(foreign_key="repair_order.id", index=True)
    linked_at: datetime = instant(nullable=False)
    linked_by: int = Field(foreign_key="user.id")
    # the repair is of another unit than the complaint's, linked after the desk confirmed it
    # (issue 21: a link across units is never made silently)
    cross_unit: bool = False


class ComplaintStep(SQLModel, table=True):
    """A handling step of D-42 (listened, clarified, sympathy, action, followed up) or a
    record step (referred, replied, closed, reopened, signed off), with who and when."""

    __tablename__ = "complaint_step"
    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    at: datetime = instant(nullable=False)
    user_id: int = Field(foreign_key="user.id")
    step: StepKind = Field(sa_type=String(32), max_length=32)
    note: Block = Field(default="", max_length=4000)


class ComplaintCategory(SQLModel, table=True):
    """An admin's change to the complaint category list: a new code, a rename, or a code
    withdrawn (active=False). The built-in list (services.complaints) applies otherwise."""

    __tablename__ = "complaint_category"
    code: Code = Field(primary_key=True, max_length=32)
    name_zh: Line = Field(max_length=64)
    name_en: Line = Field(max_length=128)
    sort: int = 0
    active: bool = True
    version: int = 0  # two admins editing one category: the second is refused (issue 14)


class CallbackKind(StrEnum):
    repair = "repair"
    complaint = "complaint"


class CallbackMethod(StrEnum):
    phone = "phone"
    visit = "visit"


class CallbackResult(StrEnum):
    satisfied = "satisfied"  # A 满意
    fairly_satisfied = "fairly_satisfied"  # B 较满意
    dissatisfied = "dissatisfied"  # C 不满意: back to the order, or a complaint
    not_reached = "not_reached"  # given up after several attempts


class Callback(SQLModel, table=True):
    """One callback (回访) due for a repair or a complaint."""

    __table_args__ = (
        # The queue: callbacks not done (done_at NULL) of one kind, earliest due first. Without
        # it SQLite read every callback of the kind (a year of repairs) to find the few open.
        Index("ix_callback_open", "done_at", "subject_kind", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    subject_kind: CallbackKind = Field(sa_type=String(16), max_length=16, index=True)
    subject_id: int = Field(index=True)
    created_at: datetime | None = instant()
    due_at: datetime = instant(nullable=False, index=True)
    attempts: int = 0
    last_attempt_at: datetime | None = instant()
    method: CallbackMethod | None = Field(sa_type=String(16), default=None, max_length=16)
    person: Line = Field(default="", max_length=64)  # who was spoken to (受访人)
    result: CallbackResult | None = Field(sa_type=String(24), default=None, max_length=24)
    comment: Block | None = Field(default=None, max_length=2000)
    done_at: datetime | None = instant(index=True)
    done_by: int | None = Field(default=None, foreign_key="user.id")
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")  # what C became
    version: int = 1


class PartyKind(StrEnum):
    developer = "developer"
    government = "government"
    utility = "utility"
    owners_assembly = "owners_assembly"
    owners_committee = "owners_committee"
    owner = "owner"
    tenant = "tenant"
    other = "other"


class CommunicationHow(StrEnum):
    meeting = "meeting"
    phone = "phone"
    letter = "letter"
    notice = "notice"
    other = "other"


class CommunicationBase(SQLModel):
    at: datetime = instant(nullable=False, index=True)
    party_kind: PartyKind = Field(sa_type=String(24), max_length=24)
    party_name: Line = Field(max_length=128)
    how: CommunicationHow = Field(
        sa_type=String(16), default=CommunicationHow.meeting, max_length=16
    )
    subject: Line = Field(max_length=256)
    agreed: Block = Field(default="", max_length=4000)
    follow_up: Block = Field(default="", max_length=1000)
    follow_up_due: datetime | None = instant(index=True)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")


class CommunicationCreate(FormModel, CommunicationBase):
    party_name: Line = Field(min_length=1, max_length=128)  # with whom
    subject: Line = Field(min_length=1, max_length=256)  # what it was about


class Communication(CommunicationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = instant(nullable=False)
    follow_up_done_at: datetime | None = instant()
    follow_up_done_by: int | None = Field(default=None, foreign_key="user.id")
    follow_up_note: Block = Field(default="", max_length=1000)
    version: int = 1
