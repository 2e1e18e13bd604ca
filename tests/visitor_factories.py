"""Test data for the visitor-slip tests (services, CLI and TUI): a small estate and valid IDs."""

from __future__ import annotations

from dataclasses import dataclass

from deskterm.db import run_write
from deskterm.models.estate import Building, BuildingKind, Company, Resident, Unit
from deskterm.models.forms import validated
from deskterm.models.visitor import VisitorSlipCreate
from deskterm.rules.pinyin import pinyin_keys

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def valid_resident_id(serial: int, born: str = "19900307", area: str = "440305") -> str:
    """An 18-character resident ID number with a correct check character (GB 11643)."""
    body = f"{area}{born}{serial % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


@dataclass
class Estate:
    unit_1203: int
    unit_1204: int
    unit_a1203: int
    zhang_san: int  # 张三, 12-1203
    li_si: int  # 李四, 12-1203
    zhang_shan: int  # 张珊, 12-1204
    company: int  # 华为技术 (A-1203)


def make_estate(engine) -> Estate:
    def build(session):
        b12 = Building(code="12", name="12栋")
        ba = Building(code="A", name="A座", kind=BuildingKind.office)
        session.add_all([b12, ba])
        session.flush()
        units = [
            Unit(building_id=b12.id, number="1203", label="12-1203", floor=12),
            Unit(building_id=b12.id, number="1204", label="12-1204", floor=12),
            Unit(building_id=ba.id, number="1203", label="A-1203", floor=12),
        ]
        session.add_all(units)
        session.flush()
        people = []
        for name, unit in (("张三", units[0]), ("李四", units[0]), ("张珊", units[1])):
            full, initials = pinyin_keys(name)
            people.append(
                Resident(
                    name=name,
                    unit_id=unit.id,
                    phone="13812345678",
                    name_pinyin=full,
                    name_initials=initials,
                )
            )
        full, initials = pinyin_keys("华为技术")
        company = Company(
            name="华为技术",
            unit_id=units[2].id,
            name_pinyin=full,
            name_initials=initials,
            phone="075528780808",
        )
        session.add_all([*people, company])
        session.flush()
        return Estate(
            units[0].id,
            units[1].id,
            units[2].id,
            people[0].id,
            people[1].id,
            people[2].id,
            company.id,
        )

    return run_write(engine, build)


def walk_in(estate: Estate, **overrides) -> VisitorSlipCreate:
    values = dict(
        visitor_name="王五",
        headcount=1,
        doc_type="resident_id",
        doc_number=valid_resident_id(1),
        host_resident_id=estate.zhang_san,
        purpose="visit",
        host_call_method="phone",
        host_call_result="agreed",
    )
    values.update(overrides)
    today = values.pop("today", None)  # the desk's day, for an ID's birth date (D-5)
    return validated(VisitorSlipCreate, values, **({"today": today} if today else {}))
