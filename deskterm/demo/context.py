"""What every part of the demo shares: the rng, "now", the desk's day, ids, rows and the chain."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, partial
from typing import Any
from zoneinfo import ZoneInfo

from pydantic_core import PydanticUndefined
from sqlalchemy import inspect as sa_inspect
from sqlmodel import SQLModel

from deskterm.config import Settings
from deskterm.db import table_of
from deskterm.demo.chain import AuditChain
from deskterm.demo.names import NamePool
from deskterm.models.estate import Resident, name_tails
from deskterm.rules.numbering import format_number, local_day

SHIFT_HOURS = 12
DAY_SHIFT_START = 8  # 08:00-20:00 and 20:00-08:00, desk time

# counted beside visitor.checkout in a handover's "Done this shift": a slip that never came back
LOST_SLIP_DONE = "lost slip"


@cache
def _table_name(model: type[SQLModel]) -> str:
    return table_of(model).name


@cache
def _defaults(model: type[SQLModel]) -> dict[str, Callable[[], Any]]:
    """Column -> a maker of its default, from the model's fields (constructing each row through
    the model would cost more than the rest of the demo's small tables together)."""
    makers: dict[str, Callable[[], Any]] = {}
    for column in sa_inspect(model).columns:
        info = model.model_fields[column.key]
        if info.default_factory is not None:
            makers[column.key] = partial(info.get_default, call_default_factory=True)
        elif info.default is PydanticUndefined:
            makers[column.key] = _required(model, column.key)
        else:
            makers[column.key] = (lambda value: lambda: value)(info.default)
    return makers


def _required(model: type[SQLModel], key: str) -> Callable[[], Any]:
    def missing() -> Any:
        raise TypeError(f"{model.__name__}.{key} needs a value")

    return missing


@dataclass
class ShiftInfo:
    id: int
    operator_id: int
    start: datetime
    end: datetime  # every demo shift is closed (demo/shifts.py add_shifts)


@dataclass
class DemoContext:
    rng: random.Random
    now: datetime  # aware, UTC, to the minute
    settings: Settings
    tz: ZoneInfo = field(init=False)
    today: date = field(init=False)
    names: NamePool = field(default_factory=NamePool)
    chain: AuditChain = field(default_factory=AuditChain)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    last_id: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    counters: dict[tuple[str, str], int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)  # staff code -> id
    shifts: list[ShiftInfo] = field(default_factory=list)
    # Filled by the estate: what hosts, reporters and complainants are drawn from.
    units: list[dict[str, Any]] = field(default_factory=list)
    homes: list[dict[str, Any]] = field(default_factory=list)  # the residential units
    residents: list[dict[str, Any]] = field(default_factory=list)
    companies: list[dict[str, Any]] = field(default_factory=list)
    buildings: list[str] = field(default_factory=list)  # residential building codes
    categories: dict[str, str] = field(default_factory=dict)  # repair category -> class
    # (callback, order) of every repair callback, for the one that goes wrong
    callbacks: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    unhappy: tuple[dict[str, Any], dict[str, Any]] | None = None  # a dissatisfied repair callback
    # handover id -> the detail of its handover.sign event (its count of open items grows when
    # the visitors on site at the signing are known: demo.shifts.add_visitors_on_site)
    handover_signs: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tz = ZoneInfo(self.settings.timezone)
        self.today = local_day(self.now, self.settings.timezone)

    # -- time -------------------------------------------------------------------------------
    def local(self, day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
        """A wall-clock time of the desk on `day`, as a UTC instant."""
        wall = datetime.combine(day, time(hour, minute, second), tzinfo=self.tz)
        return wall.astimezone(UTC)

    def ago(self, **kwargs: float) -> datetime:
        return self.now - timedelta(**kwargs)

    def day_of(self, at: datetime) -> date:
        return local_day(at, self.settings.timezone)

    # -- records ----------------------------------------------------------------------------
    def new_id(self, table: str) -> int:
        self.last_id[table] += 1
        return self.last_id[table]

    def add(self, model: type[SQLModel], **values: Any) -> dict[str, Any]:
        """A full row of `model` (its defaults filled in), kept for the bulk insert; with an id."""
        table = _table_name(model)
        defaults = _defaults(model)
        if "id" in defaults and values.get("id") is None:
            values["id"] = self.new_id(table)
        if model is Resident:  # what the model's init listener derives from the name
            values["name_after_1"], values["name_after_2"] = name_tails(values["name"])
        row = {key: values[key] if key in values else make() for key, make in defaults.items()}
        self.rows[table].append(row)
        return row

    def number(self, prefix: str, at: datetime) -> str:
        """The next record number of `at`'s desk day, as services.numbering would give it."""
        day = self.day_of(at)
        key = (prefix, day.strftime("%Y%m%d"))
        self.counters[key] = self.counters.get(key, 0) + 1
        return format_number(prefix, day, self.counters[key])

    def audit(
        self, at: datetime, action: str, entity: str, entity_id: Any = None, **kw: Any
    ) -> None:
        self.chain.add(at, action, entity, entity_id, **kw)

    # -- people -----------------------------------------------------------------------------
    def shift_at(self, at: datetime) -> ShiftInfo | None:
        if not self.shifts or at < self.shifts[0].start:
            return None
        index = int((at - self.shifts[0].start).total_seconds() // (SHIFT_HOURS * 3600))
        return self.shifts[index] if index < len(self.shifts) else self.shifts[-1]

    def shift_end(self, at: datetime) -> datetime:
        """The end of the roster block (08:00-20:00 / 20:00-08:00 desk time) holding `at`."""
        local = at.astimezone(self.tz)
        start = datetime.combine(local.date(), time(DAY_SHIFT_START), tzinfo=self.tz)
        while start > local:
            start -= timedelta(hours=SHIFT_HOURS)
        while start + timedelta(hours=SHIFT_HOURS) <= local:
            start += timedelta(hours=SHIFT_HOURS)
        return (start + timedelta(hours=SHIFT_HOURS)).astimezone(UTC)

    def on_duty(self, at: datetime) -> tuple[int | None, int]:
        """(shift id, operator id) at an instant; before the demo's shifts, any operator."""
        shift = self.shift_at(at)
        if shift is None:
            return None, self.users[self.rng.choice(("op1", "op2", "op3"))]
        return shift.id, shift.operator_id

    def resident(self) -> dict[str, Any]:
        return self.rng.choice(self.residents)

    def company(self) -> dict[str, Any]:
        return self.rng.choice(self.companies)

    def unit_label(self, unit_id: int | None) -> str:
        return self.units[unit_id - 1]["label"] if unit_id else ""

    def fill(self, text: str) -> str:
        """Put a building, unit, floor and lift into a text template."""
        building, number = self.rng.choice(self.homes)["label"].split("-")
        floor, lift = self.rng.randint(2, 18), self.rng.randint(1, 2)
        return text.format(b=building, u=number, f=floor, e=lift)
