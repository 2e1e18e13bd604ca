"""Repair orders with their status history, fee lines and the fee schedule (D-30 to D-38)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from deskterm.models.types import instant


class RepairClass(StrEnum):
    urgent = "urgent"  # 急修
    general = "general"  # 一般


class RepairScope(StrEnum):
    household = "household"
    public = "public"


class RepairStatus(StrEnum):
    reported = "reported"
    dispatched = "dispatched"
    on_site = "on_site"
    repaired = "repaired"
    accepted = "accepted"  # accepted (signed) by the resident
    called_back = "called_back"
    closed = "closed"
    cancelled = "cancelled"
    on_hold = "on_hold"


OPEN_REPAIR_STATUSES = (
    RepairStatus.reported,
    RepairStatus.dispatched,
    RepairStatus.on_site,
    RepairStatus.on_hold,
)


class RepairCategory(SQLModel, table=True):
    """A category of D-30, with the class it sets (urgent or general); loaded from data/."""

    __tablename__ = "repair_category"
    code: str = Field(primary_key=True, max_length=32)
    name_zh: str = Field(max_length=64)
    name_en: str = Field(max_length=128)
    repair_class: RepairClass = Field(sa_type=String(16), max_length=16)
    scope: str = Field(default="any", max_length=16)  # household | public | any
    sort: int = 0


class FeeScheduleItem(SQLModel, table=True):
    """One line of 《维修项目收费标准》; versions by validity period, prices in fen."""

    __tablename__ = "fee_schedule_item"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, index=True)
    name: str = Field(max_length=128)
    unit: str = Field(default="", max_length=16)  # 次, 个, 米 ...
    labour_fen: int = Field(default=0, ge=0)
    materials_fen: int = Field(default=0, ge=0)
    valid_from: date = Field(index=True)
    valid_to: date | None = None


class RepairOrderBase(SQLModel):
    scope: RepairScope = Field(sa_type=String(16), default=RepairScope.household, max_length=16)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    location: str = Field(default="", max_length=128)  # public facility / equipment
    reporter_name: str = Field(min_length=1, max_length=64)
    reporter_contact: str = Field(default="", max_length=64)
    category_code: str = Field(foreign_key="repair_category.code", max_length=32, index=True)
    description: str = Field(min_length=1, max_length=4000)
    appointment_at: datetime | None = instant()


class RepairOrderCreate(RepairOrderBase):
    repair_class: RepairClass | None = None  # None: as the category says
    override_reason: str | None = None
    warranty_of_id: int | None = None


class RepairOrder(RepairOrderBase, table=True):
    __tablename__ = "repair_order"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # R20261128-0003
    repair_class: RepairClass = Field(sa_type=String(16), max_length=16, index=True)
    override_reason: str | None = Field(default=None, max_length=500)
    reported_at: datetime = instant(nullable=False, index=True)
    reported_by: int = Field(foreign_key="user.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True)
    onsite_due_at: datetime | None = instant()
    fix_due_at: datetime = instant(nullable=False, index=True)
    status: RepairStatus = Field(sa_type=String(16), default=RepairStatus.reported, max_length=16, index=True)
    assignee: str | None = Field(default=None, max_length=64)
    dispatched_at: datetime | None = instant()
    arrived_at: datetime | None = instant()
    repaired_at: datetime | None = instant(index=True)
    work_done: str | None = Field(default=None, max_length=4000)
    materials: str | None = Field(default=None, max_length=2000)
    accepted_at: datetime | None = instant()
    accepted_by_name: str | None = Field(default=None, max_length=64)
    fee_form_no: str | None = Field(default=None, max_length=32)
    fee_accepted_at: datetime | None = instant()
    closed_at: datetime | None = instant()
    status_reason: str | None = Field(default=None, max_length=500)  # cancelled / on hold
    warranty_of_id: int | None = Field(default=None, foreign_key="repair_order.id")
    reopen_count: int = 0
    version: int = 1


class RepairEvent(SQLModel, table=True):
    """The status history of an order."""

    __tablename__ = "repair_event"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    at: datetime = instant(nullable=False)
    user_id: int = Field(foreign_key="user.id")
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    note: str = Field(default="", max_length=2000)


class FeeReview(StrEnum):
    not_needed = "not_needed"
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class RepairFeeLine(SQLModel, table=True):
    __tablename__ = "repair_fee_line"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    schedule_item_id: int | None = Field(default=None, foreign_key="fee_schedule_item.id")
    description: str = Field(max_length=128)
    quantity: int = Field(default=1, ge=1)
    unit_price_fen: int = Field(ge=0)
    amount_fen: int = Field(ge=0)
    review: FeeReview = Field(sa_type=String(16), default=FeeReview.not_needed, max_length=16, index=True)
    reviewed_by: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = instant()
    added_at: datetime = instant(nullable=False)
