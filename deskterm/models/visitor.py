"""Visitor slips, expected visitors and the deny list (D-4 to D-8).

Identity numbers are never stored whole: only the document type and the last four characters
(`doc_masked`). Audit events about slips carry the slip number only, never a name, so that a
purge of old slips leaves no personal data behind.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from deskterm.models.text import Block, Code, Line, Phone
from deskterm.models.types import instant


class DocType(StrEnum):
    resident_id = "resident_id"
    passport = "passport"
    driving_licence = "driving_licence"
    residence_permit = "residence_permit"
    other = "other"
    sighted = "sighted"  # document seen, no number taken (D-5)
    none = "none"  # no document: identity unknown, the host must agree (D-7)


class SlipStatus(StrEnum):
    on_site = "on_site"
    left = "left"


class Purpose(StrEnum):
    visit = "visit"
    delivery = "delivery"
    renovation = "renovation"
    maintenance = "maintenance"
    business = "business"
    viewing = "viewing"
    other = "other"


class HostCallMethod(StrEnum):
    phone = "phone"
    intercom = "intercom"
    in_person = "in_person"  # the host came down to the desk


class HostCallResult(StrEnum):
    agreed = "agreed"
    refused = "refused"
    no_answer = "no_answer"


class VisitorSlipBase(SQLModel):
    visitor_name: Line = Field(min_length=1, max_length=64)
    headcount: int = Field(default=1, ge=1, le=200)
    doc_type: DocType = Field(sa_type=String(24), default=DocType.resident_id, max_length=24)
    phone: Phone | None = Field(default=None, max_length=32)
    host_resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    host_company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    host_unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    host_text: Line = Field(default="", max_length=128)  # who is visited, as shown on the slip
    purpose: Code = Field(default="visit", max_length=32)
    purpose_text: Block = Field(default="", max_length=256)
    plate: Line | None = Field(default=None, max_length=16)
    host_call_method: Code | None = Field(default=None, max_length=32)
    host_call_result: HostCallResult | None = Field(sa_type=String(16), default=None, max_length=16)


class VisitorSlipCreate(VisitorSlipBase):
    doc_number: Code | None = Field(default=None, max_length=32)  # validated, then masked
    expected_id: int | None = None


class VisitorSlipUpdate(SQLModel):
    """A correction of a slip's details (typos); None leaves a field as it is."""

    visitor_name: Line | None = Field(default=None, min_length=1, max_length=64)
    headcount: int | None = Field(default=None, ge=1, le=200)
    phone: Phone | None = Field(default=None, max_length=32)
    purpose: Code | None = Field(default=None, max_length=32)
    purpose_text: Block | None = Field(default=None, max_length=256)
    plate: Line | None = Field(default=None, max_length=16)


class VisitorSlip(VisitorSlipBase, table=True):
    __tablename__ = "visitor_slip"
    # The on-site list reads slips of one status in arrival order.
    __table_args__ = (Index("ix_visitor_slip_status_in", "status", "checked_in_at"),)
    id: int | None = Field(default=None, primary_key=True)
    number: Code = Field(max_length=20, unique=True)  # V20261128-0007: the check-out lookup
    doc_masked: Code | None = Field(default=None, max_length=32)  # "resident_id ****1234"
    expected_id: int | None = Field(default=None, foreign_key="expected_visitor.id")
    checked_in_at: datetime = instant(nullable=False, index=True)
    checked_in_by: int = Field(foreign_key="user.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True)
    status: SlipStatus = Field(sa_type=String(16), default=SlipStatus.on_site, max_length=16)
    checked_out_at: datetime | None = instant(index=True)
    checked_out_by: int | None = Field(default=None, foreign_key="user.id")
    slip_returned: bool | None = None  # False = lost slip
    deny_entry_id: int | None = Field(default=None, foreign_key="deny_entry.id")
    deny_decided_by: int | None = Field(default=None, foreign_key="user.id")  # the supervisor
    version: int = 1


class ExpectedVisitorBase(SQLModel):
    visitor_name: Line = Field(min_length=1, max_length=64)
    headcount: int = Field(default=1, ge=1, le=200)
    expected_on: date = Field(index=True)
    host_resident_id: int | None = Field(default=None, foreign_key="resident.id")
    host_company_id: int | None = Field(default=None, foreign_key="company.id")
    host_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    host_text: Line = Field(default="", max_length=128)
    purpose: Code = Field(default="visit", max_length=32)
    note: Block = Field(default="", max_length=256)


class ExpectedVisitorCreate(ExpectedVisitorBase):
    pass


class ExpectedVisitor(ExpectedVisitorBase, table=True):
    """A visitor announced in advance by a resident or tenant: arrival is a two-key check-in."""

    __tablename__ = "expected_visitor"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = instant(nullable=False)
    created_by: int = Field(foreign_key="user.id")
    arrived_slip_id: int | None = None  # the slip issued on arrival (no FK: a cycle)
    cancelled: bool = False


class DenyEntry(SQLModel, table=True):
    """A name on the supervisors' deny list; a match at registration needs a supervisor."""

    __tablename__ = "deny_entry"
    id: int | None = Field(default=None, primary_key=True)
    name: Line = Field(max_length=64, index=True)
    reason: Line = Field(max_length=500)
    created_at: datetime = instant(nullable=False)
    created_by: int = Field(foreign_key="user.id")
    active: bool = True
