"""The estate: buildings, units, residents and company tenants (office towers).

A resident's phone is stored so the desk can ring them, but it is only ever shown masked
unless revealed (DESIGN.md "People and privacy", D-21).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel


class BuildingKind(StrEnum):
    residential = "residential"
    office = "office"


class Building(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)  # what people say: "12", "A"
    name: str = Field(max_length=64)  # "12栋", "A座"
    kind: BuildingKind = Field(sa_type=String(16), default=BuildingKind.residential, max_length=16)


class Unit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    building_id: int = Field(foreign_key="building.id", index=True)
    number: str = Field(max_length=16, index=True)  # "1203"
    label: str = Field(max_length=32, unique=True)  # "12-1203", "A-1203"
    floor: int | None = None


class ResidentBase(SQLModel):
    name: str = Field(max_length=64)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    relation: str = Field(default="owner", max_length=16)  # owner, tenant, family
    phone: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, max_length=500)


class ResidentCreate(ResidentBase):
    pass


class Resident(ResidentBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name_pinyin: str = Field(default="", max_length=256, index=True)  # "zhangsan"
    name_initials: str = Field(default="", max_length=64, index=True)  # "zs"
    active: bool = True


class Company(SQLModel, table=True):
    """A company tenant of an office tower."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128)
    name_pinyin: str = Field(default="", max_length=512, index=True)
    name_initials: str = Field(default="", max_length=128, index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    contact_name: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    active: bool = True
