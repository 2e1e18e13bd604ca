"""Builders for test data, through the same services the app uses: accounts (`make_staff`),
the visitor desk's small estate and slips (`make_estate`, `walk_in`, `valid_resident_id`), and
the inquiry desk's estate of residents, companies and directory entries (`seed_estate`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import delete

from deskterm.db import run_write
from deskterm.models.directory import DirectoryEntry, DirectoryKind, Event
from deskterm.models.estate import Building, BuildingKind, Company, Resident, ResidentCreate, Unit
from deskterm.models.forms import validated
from deskterm.models.user import Role
from deskterm.models.visitor import VisitorSlipCreate
from deskterm.rules.pinyin import pinyin_keys
from deskterm.services.actor import Actor
from deskterm.services.admin import users
from deskterm.services.estate.residents import create_resident

PASSWORD = "secret-pass"


@dataclass
class Staff:
    operator: Actor
    supervisor: Actor
    admin: Actor


def make_user(engine, clock, settings, code: str, role: Role, name: str | None = None) -> Actor:
    user = run_write(
        engine,
        lambda s: users.add_user(
            session=s,
            actor=None,
            clock=clock,
            settings=settings,
            code=code,
            name=name or code,
            role=role,
            password=PASSWORD,
        ),
    )
    return Actor.from_user(user)


def make_staff(engine, clock, settings) -> Staff:
    return Staff(
        operator=make_user(engine, clock, settings, "op1", Role.operator, "李静"),
        supervisor=make_user(engine, clock, settings, "sup1", Role.supervisor, "王强"),
        admin=make_user(engine, clock, settings, "admin1", Role.admin, "赵敏"),
    )


def sealed_rows(engine) -> int:
    """How many rows the sealed tables hold: what `audit verify` checks, one by one."""
    from sqlalchemy import text

    from deskterm.db import run_read
    from deskterm.services.audit import SEALED

    return run_read(
        engine,
        lambda s: sum(
            s.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one() for table in SEALED
        ),
    )


# -- the visitor desk ------------------------------------------------------------------------

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


# -- the inquiry desk ------------------------------------------------------------------------

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
class InquiryEstate:
    residents: dict[str, int] = field(default_factory=dict)  # name -> id
    units: dict[str, int] = field(default_factory=dict)  # label -> id
    companies: dict[str, int] = field(default_factory=dict)
    directory: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)


def seed_estate(engine, clock, actor) -> InquiryEstate:
    estate = InquiryEstate()

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
