"""The desk's reference material (D-23): services, layout, nearby places, events, office phones."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper
from sqlmodel import Field, SQLModel

from deskterm.models.text import Block, Code, Line, Phone
from deskterm.models.types import instant
from deskterm.rules.pinyin import pinyin_keys


class DirectoryKind(StrEnum):
    service = "service"  # the project's service functions
    layout = "layout"  # areas of the project
    transport = "transport"
    shop = "shop"
    entertainment = "entertainment"
    bank = "bank"
    phone = "phone"  # offices and departments of the project, never residents


class DirectoryEntry(SQLModel, table=True):
    __tablename__ = "directory_entry"
    id: int | None = Field(default=None, primary_key=True)
    kind: DirectoryKind = Field(sa_type=String(16), max_length=16, index=True)
    name: Line = Field(max_length=128)
    name_pinyin: Code = Field(default="", max_length=512, index=True)
    name_initials: Code = Field(default="", max_length=128, index=True)
    location: Line | None = Field(default=None, max_length=256)
    phone: Phone | None = Field(default=None, max_length=64)
    hours: Line | None = Field(default=None, max_length=128)
    notes: Block | None = Field(default=None, max_length=1000)


class Event(SQLModel, table=True):
    """An event on the estate: time, place and content (D-23)."""

    id: int | None = Field(default=None, primary_key=True)
    title: Line = Field(max_length=128)
    # pinyin keys of the title, so "zqwh" finds 中秋晚会: derived from the title at every
    # flush, whoever writes the row (the listener below); bulk inserts fill them themselves
    title_pinyin: Code = Field(default="", max_length=512, index=True)
    title_initials: Code = Field(default="", max_length=128, index=True)
    place: Line = Field(max_length=128)
    starts_at: datetime = instant(nullable=False, index=True)
    ends_at: datetime | None = instant()
    content: Block | None = Field(default=None, max_length=2000)


@event.listens_for(Event, "before_insert")
@event.listens_for(Event, "before_update")
def _fill_title_keys(_mapper: Mapper[Event], _connection: Connection, target: Event) -> None:
    target.title_pinyin, target.title_initials = pinyin_keys(target.title or "")
