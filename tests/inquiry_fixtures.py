"""A small estate for the inquiry desk's tests: buildings, units, residents, companies,
directory entries and an event, each resident with a distinctive phone number.

Residents are made through services.residents.create_resident (the pinyin keys come from
there); buildings and units are reference data, added as rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import delete

from deskterm.db import run_write
from deskterm.models.directory import DirectoryEntry, DirectoryKind, Event
from deskterm.models.estate import Building, BuildingKind, Company, ResidentCreate, Unit
from deskterm.rules.pinyin import pinyin_keys
from deskterm.services.estate.residents import create_resident

# (unit label, name, relation, phone): phones are distinctive so a leak is easy to spot.
PEOPLE = (
    ("12-1203", "张三", "owner", "13912340001"),
    ("12-1203", "张建国", "family", "13912340002"),
    ("12-1204", "李四", "owner", "13912340003"),
    ("12-801", "赵山", "tenant", "13912340004"),
    ("3-1203", "王建国", "owner", "13912340005"),
    ("3-502", "欧阳娜娜", "owner", "13912340006"),
    ("3-502", "张帅", "family", None),
    ("5-1101", "周晓明", "owner", "13912340007"),
)
EMPTY_UNITS = ("12-1205",)
COMPANIES = (
    ("A-1203", "杭州康宁制药有限公司", "陈经理", "13912340008"),
    ("A-1501", "云帆网络科技有限公司", "刘洋", "13912340009"),
)
DIRECTORY = (
    (
        DirectoryKind.service,
        "客户服务中心",
        "1栋大堂",
        "0571-8888 0001",
        "24小时",
        "报修、投诉、问询",
    ),
    (
        DirectoryKind.bank,
        "中国工商银行(文二西路支行)",
        "南门商业街12号",
        "0571-9558 8000",
        "09:00-17:00",
        "",
    ),
    (DirectoryKind.layout, "会所与健身房", "中心花园西侧", None, "06:30-22:00", "凭业主卡"),
    (DirectoryKind.phone, "工程部主管", "地下一层B1-03", "0571-8888 0102", "08:00-20:00", ""),
)
PHONES = tuple(p[3] for p in PEOPLE if p[3]) + tuple(c[3] for c in COMPANIES)


@dataclass
class Estate:
    residents: dict[str, int] = field(default_factory=dict)  # name -> id
    units: dict[str, int] = field(default_factory=dict)  # label -> id
    companies: dict[str, int] = field(default_factory=dict)
    directory: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)


def seed_estate(engine, clock, actor) -> Estate:
    estate = Estate()

    def build(session):
        buildings = {}
        for code, kind in (
            ("12", BuildingKind.residential),
            ("3", BuildingKind.residential),
            ("5", BuildingKind.residential),
            ("A", BuildingKind.office),
        ):
            row = Building(
                code=code, name=f"{code}{'座' if kind == BuildingKind.office else '栋'}", kind=kind
            )
            session.add(row)
            session.flush()
            buildings[code] = row.id
        labels = {p[0] for p in PEOPLE} | set(EMPTY_UNITS) | {c[0] for c in COMPANIES}
        for label in sorted(labels):
            code, number = label.split("-")
            unit = Unit(
                building_id=buildings[code], number=number, label=label, floor=int(number[:-2])
            )
            session.add(unit)
            session.flush()
            estate.units[label] = unit.id
        for label, name, relation, phone in PEOPLE:
            resident = create_resident(
                session=session,
                actor=actor,
                clock=clock,
                resident_in=ResidentCreate(
                    name=name, unit_id=estate.units[label], relation=relation, phone=phone
                ),
            )
            estate.residents[name] = resident.id
        for label, name, contact, phone in COMPANIES:
            full, initials = pinyin_keys(name)
            company = Company(
                name=name,
                name_pinyin=full,
                name_initials=initials,
                unit_id=estate.units[label],
                contact_name=contact,
                phone=phone,
            )
            session.add(company)
            session.flush()
            estate.companies[name] = company.id
        for kind, name, location, phone, hours, notes in DIRECTORY:
            full, initials = pinyin_keys(name)
            entry = DirectoryEntry(
                kind=kind,
                name=name,
                name_pinyin=full,
                name_initials=initials,
                location=location,
                phone=phone,
                hours=hours,
                notes=notes or None,
            )
            session.add(entry)
            session.flush()
            estate.directory[name] = entry.id
        event = Event(
            title="社区中秋晚会",
            place="中心花园",
            starts_at=clock.now() + timedelta(days=2),
            content="猜灯谜、品月饼,欢迎业主参加",
        )
        old = Event(title="消防演练", place="1栋大堂", starts_at=clock.now() - timedelta(days=30))
        session.add(event)
        session.add(old)
        session.flush()
        estate.events[event.title] = event.id
        estate.events[old.title] = old.id

    def clear_directory(session):
        session.exec(delete(DirectoryEntry))

    run_write(engine, clear_directory)  # `deskterm init` loaded the sample directory
    run_write(engine, build)
    return estate
