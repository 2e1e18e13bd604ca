"""The estate: buildings, units, residents and company tenants (office towers).

A resident's phone is stored so the desk can ring them, but it is only ever shown masked
unless revealed (DESIGN.md "People and privacy", D-21).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import String, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper
from sqlmodel import Field, SQLModel

from deskterm.models.forms import FormModel
from deskterm.models.text import Block, Code, Line, Phone
from deskterm.rules.text import mask_personal


class BuildingKind(StrEnum):
    residential = "residential"
    office = "office"


class Building(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: Code = Field(max_length=16, unique=True)  # what people say: "12", "A"
    name: Line = Field(max_length=64)  # "12栋", "A座"
    kind: BuildingKind = Field(sa_type=String(16), default=BuildingKind.residential, max_length=16)


class Unit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    building_id: int = Field(foreign_key="building.id", index=True)
    number: Code = Field(max_length=16, index=True)  # "1203"
    label: Code = Field(max_length=32, unique=True)  # "12-1203", "A-1203"
    floor: int | None = None


class ResidentBase(SQLModel):
    name: Line = Field(max_length=64, index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    relation: Code = Field(default="owner", max_length=16)  # owner, tenant, family
    phone: Phone | None = Field(default=None, max_length=32)
    note: Block | None = Field(default=None, max_length=500)


class ResidentCreate(FormModel, ResidentBase):
    pass


class Resident(ResidentBase, table=True):
    """A person living in a unit.

    Search (services/inquiries/search.py) finds a resident as the operator types, each way by one
    indexed range scan: the start of the name (张 / 张建), the name after its first or
    first two characters (建国 finds 张建国 and 欧阳建国, 国 finds 张建国), and the
    pinyin, full or initials (zhangjianguo / zjg), stored lower case by create_resident.

    `name_after_1` / `name_after_2` are derived from `name` here, whoever builds the row
    (the constructor, an ORM flush or a bulk insert of constructed rows): see the listeners
    below. They are never edited by hand.
    """

    id: int | None = Field(default=None, primary_key=True)
    name_pinyin: Code = Field(default="", max_length=256, index=True)  # "zhangsan"
    name_initials: Code = Field(default="", max_length=64, index=True)  # "zs"
    name_after_1: Code = Field(default="", max_length=64, index=True)  # 张建国 -> 建国
    name_after_2: Code = Field(default="", max_length=64, index=True)  # 张建国 -> 国
    active: bool = True


def name_tails(name: str | None) -> tuple[str, str]:
    """The name after its first and after its first two characters (search keys), made from
    the name as stored: personal numbers masked, as in pinyin_keys."""
    text = mask_personal((name or "").strip())[0]
    return text[1:], text[2:]


@event.listens_for(Resident, "init")
def _fill_tails_on_init(_target: Resident, _args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if "name" in kwargs:
        kwargs["name_after_1"], kwargs["name_after_2"] = name_tails(kwargs["name"])


@event.listens_for(Resident, "before_insert")
@event.listens_for(Resident, "before_update")
def _fill_tails_on_flush(
    _mapper: Mapper[Resident], _connection: Connection, target: Resident
) -> None:
    target.name_after_1, target.name_after_2 = name_tails(target.name)


class Company(SQLModel, table=True):
    """A company tenant of an office tower."""

    id: int | None = Field(default=None, primary_key=True)
    name: Line = Field(max_length=128)
    name_pinyin: Code = Field(default="", max_length=512, index=True)
    name_initials: Code = Field(default="", max_length=128, index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    contact_name: Line | None = Field(default=None, max_length=64)
    phone: Phone | None = Field(default=None, max_length=32)
    active: bool = True
