"""The demo's staff and estate: accounts of every role, buildings, units, residents, tenants."""

from __future__ import annotations

from datetime import timedelta

from deskterm.demo.context import DemoContext
from deskterm.demo.names import company_names, mobile, person_name
from deskterm.models.estate import Building, BuildingKind, Company, Resident, Unit
from deskterm.models.user import Role, User, code_key
from deskterm.services.admin.users import hash_password

DEMO_PASSWORD = "demo1234"
# (code, name, role): the accounts the demo's report names, and the rest of the team.
STAFF = (
    ("admin1", "陈晓东", Role.admin),
    ("sup1", "王强", Role.supervisor),
    ("sup2", "赵建国", Role.supervisor),  # engineering supervisor: reviews off-schedule fees
    ("op1", "李静", Role.operator),
    ("op2", "张敏", Role.operator),
    ("op3", "刘洋", Role.operator),
)
TOWERS = "ABCDEFGH"


def add_staff(ctx: DemoContext) -> None:
    password_hash = hash_password(DEMO_PASSWORD)  # argon2 is slow on purpose: hash once
    created = ctx.ago(days=400)
    for code, name, role in STAFF:
        row = ctx.add(
            User,
            code=code,
            code_key=code_key(code),
            name=name,
            role=role,
            password_hash=password_hash,
            created_at=created,
        )
        ctx.users[code] = row["id"]
        ctx.audit(
            created,
            "user.create",
            "user",
            row["id"],
            user_id=ctx.users.get("admin1"),
            detail={"code": code, "role": role.value},
        )
    # One former colleague, disabled, so the user list shows both states.
    row = ctx.add(
        User,
        code="op9",
        code_key=code_key("op9"),
        name="孙丽",
        role=Role.operator,
        password_hash=password_hash,
        created_at=created,
        active=False,
    )
    ctx.audit(
        created,
        "user.create",
        "user",
        row["id"],
        user_id=ctx.users["admin1"],
        detail={"code": "op9", "role": "operator"},
    )
    ctx.audit(
        ctx.ago(days=90),
        "user.disable",
        "user",
        row["id"],
        user_id=ctx.users["admin1"],
        detail={"code": "op9"},
    )


def _plan(number: int) -> tuple[int, int]:
    """(floors, units per floor) of residential building `number`: about 60 units each."""
    return (15, 4) if number % 2 == 0 else (30, 2)


def add_estate(ctx: DemoContext, scale: int) -> None:
    rng = ctx.rng
    for number in range(1, 12 * scale + 1):
        code = str(number)
        row = ctx.add(Building, code=code, name=f"{code}栋", kind=BuildingKind.residential)
        ctx.buildings.append(code)
        floors, per_floor = _plan(number)
        for floor in range(1, floors + 1):
            for index in range(1, per_floor + 1):
                unit = _unit(ctx, row["id"], code, floor, index)
                ctx.homes.append(unit)
                _household(ctx, unit)
    towers = TOWERS[: min(scale, len(TOWERS))]
    tower_units = []
    for code in towers:
        row = ctx.add(Building, code=code, name=f"{code}座", kind=BuildingKind.office)
        for floor in range(1, 26):
            for index in range(1, 5):
                tower_units.append(_unit(ctx, row["id"], code, floor, index))
    offices = rng.sample(tower_units[8:], min(40 * scale, len(tower_units) - 8))  # floors 3+
    offices.sort(key=lambda u: u["id"])
    for name, unit in zip(company_names(rng, len(offices)), offices, strict=True):
        full, initials = ctx.names.keys(name)
        contact = person_name(rng)
        row = ctx.add(
            Company,
            name=name,
            name_pinyin=full,
            name_initials=initials,
            unit_id=unit["id"],
            contact_name=contact,
            phone=mobile(rng),
        )
        ctx.companies.append({**row, "label": unit["label"]})
    at = ctx.ago(days=365)
    for table, count in (
        ("building", len(ctx.rows["building"])),
        ("unit", len(ctx.units)),
        ("resident", len(ctx.residents)),
        ("company", len(ctx.companies)),
    ):
        ctx.audit(
            at + timedelta(minutes=len(table)),
            "demo.bulk_insert",
            table,
            user_id=ctx.users["admin1"],
            detail={"table": table, "rows": count},
        )


def _unit(ctx: DemoContext, building_id: int, code: str, floor: int, index: int) -> dict:
    number = f"{floor}{index:02d}"
    row = ctx.add(
        Unit, building_id=building_id, number=number, label=f"{code}-{number}", floor=floor
    )
    ctx.units.append(row)
    return row


def _household(ctx: DemoContext, unit: dict) -> None:
    """About 2 people a unit: an owner with family, or tenants; 8% of the units stand empty."""
    rng = ctx.rng
    roll = rng.random()
    if roll < 0.08:
        return
    if roll < 0.78:
        owner = person_name(rng)
        people = [(owner, "owner")]
        surname = owner[0]
        for _ in range(rng.choices((0, 1, 2, 3), weights=(2, 4, 4, 2))[0]):
            given = person_name(rng)[1:]
            people.append((surname + given if rng.random() < 0.6 else person_name(rng), "family"))
    else:
        people = [(person_name(rng), "tenant") for _ in range(rng.choice((1, 1, 2, 3)))]
    for index, (name, relation) in enumerate(people):
        full, initials = ctx.names.keys(name)
        note = None
        if rng.random() < 0.01:
            note = rng.choice(
                ("行动不便,需要时请上门服务", "听力较弱,请当面沟通", "常年出差,紧急情况联系家属")
            )
        row = ctx.add(
            Resident,
            name=name,
            unit_id=unit["id"],
            relation=relation,
            phone=mobile(rng) if index < 2 or rng.random() < 0.5 else None,
            note=note,
            name_pinyin=full,
            name_initials=initials,
            active=rng.random() > 0.02,
        )
        ctx.residents.append(
            {
                "id": row["id"],
                "name": name,
                "unit_id": unit["id"],
                "label": unit["label"],
                "relation": relation,
            }
        )
