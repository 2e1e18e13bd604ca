"""Repair orders with their status history, fee lines and the fee schedule (D-30 to D-38)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from deskterm.db import Hundredths
from deskterm.models.forms import FormModel
from deskterm.models.text import Block, Code, Line, Phone
from deskterm.models.types import instant, json_field


class RepairClass(StrEnum):
    urgent = "urgent"  # 急修
    general = "general"  # 一般


class RepairScope(StrEnum):
    household = "household"  # 住户家庭
    public = "public"  # 公共设施设备


class RepairChannel(StrEnum):
    """How the request reached the desk (报修方式)."""

    phone = "phone"
    walk_in = "walk_in"
    app = "app"
    patrol = "patrol"  # found on a round (巡查发现)


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


# Not yet repaired: these carry live deadlines and stay on the deadline board (D-31).
OPEN_REPAIR_STATUSES = (
    RepairStatus.reported,
    RepairStatus.dispatched,
    RepairStatus.on_site,
    RepairStatus.on_hold,
)
# Repaired: the fee and the warranty (D-35) count from repaired_at.
DONE_REPAIR_STATUSES = (
    RepairStatus.repaired,
    RepairStatus.accepted,
    RepairStatus.called_back,
    RepairStatus.closed,
)


class Settlement(StrEnum):
    """Where the money of an order stands (D-37 fee settlement)."""

    unpaid = "unpaid"
    paid = "paid"  # paid at the desk: a receipt number
    finance = "finance"  # handed to the finance office (a receipt or voucher number)


class CostBearer(StrEnum):
    """Who bears the cost of the work (按规定列支)."""

    owner = "owner"
    public_fund = "public_fund"  # public maintenance fund (公共维修基金)
    service_fee = "service_fee"  # the property service fee (物业服务费)
    developer = "developer"  # the developer's warranty (开发商保修)


# Fee lines whose amount is charged or counted: on the schedule, or reviewed and approved.
# Lines awaiting review or rejected are never counted as charged (exports, reports, totals).
COUNTED_REVIEWS = ("not_needed", "approved")


class Engineer(SQLModel, table=True):
    """A maintenance engineer the desk dispatches to (D-36): name, trade, on duty or not."""

    __tablename__ = "engineer"
    id: int | None = Field(default=None, primary_key=True)
    name: Line = Field(max_length=64, unique=True)
    trade: Line = Field(default="", max_length=32)  # 水电, 木工, 电梯 ...
    on_duty: bool = True
    active: bool = True


class RepairCategory(SQLModel, table=True):
    """A category of D-30, with the class it sets (urgent or general); loaded from data/."""

    __tablename__ = "repair_category"
    code: Code = Field(primary_key=True, max_length=32)
    name_zh: Line = Field(max_length=64)
    name_en: Line = Field(max_length=128)
    repair_class: RepairClass = Field(sa_type=String(16), max_length=16)
    scope: Code = Field(default="any", max_length=16)  # household | public | any
    sort: int = 0
    active: bool = True  # False: retired by an admin; new orders cannot choose it, old keep it
    version: int = 1  # raised by every change: two admins editing one category (issue 21)


class FeeScheduleItem(SQLModel, table=True):
    """One line of 《维修项目收费标准》 in one version: valid from a day until the next version.

    Prices are per unit in fen. A new version of an item closes the old one (valid_to), so an
    order keeps the price that was in force when its line was added.
    """

    __tablename__ = "fee_schedule_item"
    id: int | None = Field(default=None, primary_key=True)
    code: Code = Field(max_length=32, index=True)
    name: Line = Field(max_length=128)
    unit: Code = Field(default="", max_length=16)  # 次, 个, 米 ...
    labour_fen: int = Field(default=0, ge=0)
    materials_fen: int = Field(default=0, ge=0)
    valid_from: date = Field(index=True)
    valid_to: date | None = None  # exclusive; None = still in force


class RepairOrderBase(SQLModel):
    scope: RepairScope = Field(sa_type=String(16), default=RepairScope.household, max_length=16)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    location: Line = Field(default="", max_length=128)  # public facility / equipment
    channel: RepairChannel = Field(sa_type=String(16), default=RepairChannel.phone, max_length=16)
    reporter_name: Line = Field(min_length=1, max_length=64)
    reporter_contact: Phone = Field(default="", max_length=64)  # shown masked (rules.phone)
    category_code: Code = Field(foreign_key="repair_category.code", max_length=32, index=True)
    description: Block = Field(min_length=1, max_length=4000)
    appointment_at: datetime | None = instant()


class RepairOrderCreate(FormModel, RepairOrderBase):
    repair_class: RepairClass | None = None  # None: as the category says
    override_reason: Line | None = Field(default=None, max_length=500)
    warranty_of_id: int | None = None
    # D-35: a repeat in warranty links by default; not linking it needs this reason.
    warranty_opt_out_reason: Line | None = Field(default=None, max_length=500)
    # D-31: when the resident called (None: now); the clocks start here.
    reported_at: datetime | None = None
    # An appointment after the fix deadline is taken only when the resident chose it.
    resident_chose_later: bool = False


class RepairOrderUpdate(FormModel):
    """What a desk may correct on an open order; None leaves a field as it is."""

    location: Line | None = Field(default=None, max_length=128)
    reporter_name: Line | None = Field(default=None, min_length=1, max_length=64)
    reporter_contact: Phone | None = Field(default=None, max_length=64)
    description: Block | None = Field(default=None, min_length=1, max_length=4000)
    appointment_at: datetime | None = None


class RepairOrder(RepairOrderBase, table=True):
    __tablename__ = "repair_order"
    __table_args__ = (
        # The deadline board: open orders by status, soonest deadline first.
        Index("ix_repair_order_status_fix_due_at", "status", "fix_due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: Code = Field(max_length=20, unique=True)  # R20261128-0003
    repair_class: RepairClass = Field(sa_type=String(16), max_length=16, index=True)
    override_reason: Line | None = Field(default=None, max_length=500)
    reported_at: datetime = instant(nullable=False, index=True)  # the call; clocks start here
    entered_at: datetime | None = instant()  # when the desk typed it (later when backdated)
    reported_by: int = Field(foreign_key="user.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True)
    onsite_due_at: datetime | None = instant(index=True)  # reports: on-site deadlines due
    fix_due_at: datetime = instant(nullable=False, index=True)
    status: RepairStatus = Field(
        sa_type=String(16), default=RepairStatus.reported, max_length=16, index=True
    )
    resume_status: Code | None = Field(default=None, max_length=16)  # where "on hold" returns to
    assignee: Line | None = Field(default=None, max_length=64)
    engineer_id: int | None = Field(default=None, foreign_key="engineer.id")
    appointment_after_deadline: bool = False  # the resident chose a time after fix_due_at
    dispatched_at: datetime | None = instant()
    arrived_at: datetime | None = instant()
    repaired_at: datetime | None = instant(index=True)
    work_done: Block | None = Field(default=None, max_length=4000)
    materials: Block | None = Field(default=None, max_length=2000)
    accepted_at: datetime | None = instant()
    accepted_by_name: Line | None = Field(default=None, max_length=64)
    fee_form_no: Code | None = Field(default=None, max_length=32)  # the paper form signed
    fee_accepted_at: datetime | None = instant()
    fee_accepted_by_name: Line | None = Field(default=None, max_length=64)
    fee_accepted_fen: int | None = None  # the total the reporter accepted
    closed_at: datetime | None = instant()
    status_reason: Line | None = Field(default=None, max_length=500)  # cancelled / on hold
    warranty_of_id: int | None = Field(default=None, foreign_key="repair_order.id")
    warranty_opt_out_reason: Line | None = Field(default=None, max_length=500)
    reopen_count: int = 0
    reopened_at: datetime | None = instant()
    # Money settled (D-34, D-37).
    settlement: Settlement = Field(sa_type=String(16), default=Settlement.unpaid, max_length=16)
    settled_at: datetime | None = instant()
    receipt_no: Code | None = Field(default=None, max_length=32)
    cost_bearer: CostBearer | None = Field(default=None, sa_type=String(16), max_length=16)
    estimate_days: Decimal | None = Field(default=None, sa_type=Hundredths)  # labour, work-days
    quote_fen: int | None = None  # the quotation of a job of 2 work-days or more (D-34)
    quote_no: Code | None = Field(default=None, max_length=32)
    quote_accepted_at: datetime | None = instant()
    quote_accepted_by_name: Line | None = Field(default=None, max_length=64)
    version: int = 1


class RepairAttempt(SQLModel, table=True):
    """A finished attempt of an order that was reopened: its deadlines and outcome kept as
    they were (D-31), so that a reopened order never hides its first miss."""

    __tablename__ = "repair_attempt"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    attempt: int = 1  # 1 = the first attempt
    started_at: datetime = instant(nullable=False, index=True)  # report, or the reopening
    onsite_due_at: datetime | None = instant()
    fix_due_at: datetime = instant(nullable=False)
    assignee: Line | None = Field(default=None, max_length=64)
    dispatched_at: datetime | None = instant()
    arrived_at: datetime | None = instant()
    repaired_at: datetime | None = instant()
    appointment_after_deadline: bool = False
    ended_at: datetime = instant(nullable=False)  # when it was reopened
    outcome: Code = Field(default="reopened", max_length=16)
    note: Block = Field(default="", max_length=2000)


class RepairEvent(SQLModel, table=True):
    """The status history of an order: one row per change, with the fields it changed."""

    __tablename__ = "repair_event"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    at: datetime = instant(nullable=False)
    user_id: int = Field(foreign_key="user.id")
    action: Code = Field(default="", max_length=24)  # create, dispatch, fee_add, reopen ...
    from_status: Code | None = Field(default=None, max_length=16)
    to_status: Code = Field(max_length=16)
    note: Block = Field(default="", max_length=2000)
    version: int = 1  # the order's version after this change
    changes: dict[str, Any] = json_field()  # field -> [before, after]


class FeeReview(StrEnum):
    not_needed = "not_needed"  # on the schedule
    pending = "pending"  # off the schedule: waits for the engineering supervisor (D-36)
    approved = "approved"
    rejected = "rejected"


class RepairFeeLine(SQLModel, table=True):
    """One fee line of an order, its prices copied from the schedule version in force."""

    __tablename__ = "repair_fee_line"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    schedule_item_id: int | None = Field(default=None, foreign_key="fee_schedule_item.id")
    code: Code = Field(default="", max_length=32)  # schedule code; "" when off the schedule
    description: Block = Field(max_length=128)
    unit: Code = Field(default="", max_length=16)
    quantity: Decimal = Field(default=Decimal(1), sa_type=Hundredths)  # 1.5 h, 2.35 m
    unit_labour_fen: int = Field(default=0, ge=0)
    unit_materials_fen: int = Field(default=0, ge=0)
    unit_price_fen: int = Field(ge=0)  # labour + materials
    labour_amount_fen: int = Field(default=0, ge=0)  # unit labour x quantity, to the fen
    materials_amount_fen: int = Field(default=0, ge=0)  # unit materials x quantity, to the fen
    amount_fen: int = Field(ge=0)  # labour amount + materials amount
    waived: bool = False  # warranty work (D-35): recorded, charged nothing
    review: FeeReview = Field(
        sa_type=String(16), default=FeeReview.not_needed, max_length=16, index=True
    )
    review_note: Block | None = Field(default=None, max_length=500)
    reviewed_by: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = instant()
    added_at: datetime = instant(nullable=False, index=True)  # reports: fee lines of a shift
    added_by: int | None = Field(default=None, foreign_key="user.id")
