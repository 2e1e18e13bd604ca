"""Requests to use public areas (case 2 of the source: a tenant's opening ceremony with a lion
dance in the lobby). Each request is a record of its own: who asked, for what, when and where,
the decision, the rule it rests on and the help offered instead, so that a later request
finds the precedent and a complaint can refer to it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from deskterm.models.forms import FormModel
from deskterm.models.text import Block, Code, Line
from deskterm.models.types import instant


class AreaDecision(StrEnum):
    pending = "pending"
    approved = "approved"
    partly = "partly"  # approved in part, with conditions or without some items
    refused = "refused"


class PublicAreaRequestBase(SQLModel):
    applicant_kind: Code = Field(default="company", max_length=16)  # resident | company | other
    applicant_name: Line = Field(max_length=128)
    resident_id: int | None = Field(default=None, foreign_key="resident.id")
    company_id: int | None = Field(default=None, foreign_key="company.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    area: Line = Field(max_length=64)  # 大堂, 广场 ...
    wanted_at: datetime | None = instant()  # when the applicant wants to use it
    request: Block = Field(max_length=2000)  # what they want to do there


class PublicAreaRequestCreate(FormModel, PublicAreaRequestBase):
    pass


class PublicAreaRequest(PublicAreaRequestBase, table=True):
    __tablename__ = "public_area_request"
    id: int | None = Field(default=None, primary_key=True)
    number: Code = Field(max_length=20, unique=True)  # A20261128-0001
    received_at: datetime = instant(nullable=False, index=True)
    received_by: int = Field(foreign_key="user.id")
    decision: AreaDecision = Field(
        sa_type=String(16), default=AreaDecision.pending, max_length=16, index=True
    )
    rule_cited: Line = Field(default="", max_length=500)  # 《大厦用户手册》第…条
    help_offered: Block = Field(default="", max_length=2000)  # 欢迎标志、保安、保洁、使用大堂讲话
    decision_note: Block = Field(default="", max_length=2000)
    decided_at: datetime | None = instant()
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    precedent_id: int | None = Field(default=None, foreign_key="public_area_request.id")
    version: int = 1
