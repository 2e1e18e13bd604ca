"""Builders shared by the repair tests (services and TUI): a small estate and orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from deskterm.db import run_read, run_write
from deskterm.models.estate import Building, Resident, Unit
from deskterm.models.forms import validated
from deskterm.models.repair import RepairOrder, RepairOrderCreate, RepairScope
from deskterm.services.repairs import intake, status

SH = ZoneInfo("Asia/Shanghai")


def sh(*args: int) -> datetime:
    """A Shanghai wall time as a UTC instant."""
    return datetime(*args, tzinfo=SH).astimezone(UTC)


@dataclass
class RepairEstate:
    unit_1203: int
    unit_1204: int
    zhang: str = "张伟"


def make_repair_estate(engine) -> RepairEstate:
    def build(session):
        building = Building(code="3", name="3栋")
        session.add(building)
        session.flush()
        units = [
            Unit(building_id=building.id, number="1203", label="3-1203", floor=12),
            Unit(building_id=building.id, number="1204", label="3-1204", floor=12),
        ]
        session.add_all(units)
        session.flush()
        session.add(
            Resident(
                name="张伟",
                unit_id=units[0].id,
                phone="13812345678",
                name_pinyin="zhangwei",
                name_initials="zw",
            )
        )
        session.flush()
        return RepairEstate(units[0].id, units[1].id)

    return run_write(engine, build)


def order_in(unit_id: int | None, category: str = "heating_not_warm", **kw) -> RepairOrderCreate:
    values = dict(
        scope=RepairScope.household,
        unit_id=unit_id,
        reporter_name="张伟",
        reporter_contact="13812345678",
        category_code=category,
        description="暖气不热",
    )
    values.update(kw)
    return validated(RepairOrderCreate, values)


def create(engine, clock, settings, actor, data: RepairOrderCreate) -> RepairOrder:
    return run_write(
        engine,
        lambda s: intake.create_repair_order(
            session=s, actor=actor, clock=clock, settings=settings, order_in=data
        ),
    )


def reload(engine, order_id: int) -> RepairOrder:
    return run_read(engine, lambda s: s.get(RepairOrder, order_id))


def repair_fully(
    engine, clock, settings, actor, order_id: int, *, assignee="王师傅"
) -> RepairOrder:
    """Dispatch, arrive and repair an order (no fees), advancing the clock a little each step."""
    order = reload(engine, order_id)
    run_write(
        engine,
        lambda s: status.dispatch(
            session=s,
            actor=actor,
            clock=clock,
            order_id=order_id,
            version=order.version,
            assignee=assignee,
        ),
    )
    clock.advance(minutes=20)
    run_write(
        engine,
        lambda s: status.record_arrival(
            session=s, actor=actor, clock=clock, order_id=order_id, version=None
        ),
    )
    clock.advance(minutes=40)
    return run_write(
        engine,
        lambda s: status.mark_repaired(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            order_id=order_id,
            version=None,
            work_done="放气阀排气，恢复供暖",
            materials="",
        ),
    )
