"""Importing the estate: units (with their buildings) and residents or company tenants.

A unit is named by its label, building-room ("12-1203"), or building-section-room when the
file has a 单元 column ("3-2-1203"). Buildings and units a resident list mentions are created
when missing, so one resident list can set a new estate up. A resident is matched by unit and
name: a second import updates phone, relation and note instead of adding the person twice.
Phones are stored for the desk to ring, never written to the audit (D-21).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.models.estate import Building, BuildingKind, Company, Resident, ResidentCreate, Unit
from deskterm.services import audit
from deskterm.services.importer import ImportResult, RowProblem, Sheet

RELATIONS = {"业主": "owner", "房主": "owner", "产权人": "owner", "owner": "owner",
             "租户": "tenant", "租客": "tenant", "承租人": "tenant", "tenant": "tenant",
             "家属": "family", "家庭成员": "family", "亲属": "family", "family": "family", "": "owner"}
KINDS = {"住宅": "residential", "residential": "residential", "": "residential",
         "写字楼": "office", "办公": "office", "商务楼": "office", "office": "office"}


class BadRow(DeskError):
    pass


def _code(value: Any, suffixes: tuple[str, ...]) -> str:
    """"12栋" -> "12", "A座" -> "A", "2单元" -> "2", "1203室" -> "1203"."""
    text = str(value or "").strip().upper()
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)].strip()
    return text


def unit_label(cells: dict[str, Any]) -> tuple[str, str, str]:
    """(label, building code, room) from the building, section and unit columns."""
    room = _code(cells.get("unit"), ("室", "号", "房"))
    building = _code(cells.get("building"), ("号楼", "栋", "幢", "座", "号"))
    section = _code(cells.get("section"), ("单元",))
    if not room:
        raise BadRow(_("The unit (房号) is empty."))
    if not building:
        if "-" not in room:
            raise BadRow(_("“{unit}” names no building: fill 楼栋 or write the unit as 12-1203.").format(unit=room))
        building, room = room.split("-", 1)
    label = "-".join(p for p in (building, section, room) if p)
    if len(label) > 32 or len(room) > 16 or len(building) > 16:
        raise BadRow(_("The unit “{label}” is too long.").format(label=label))
    return label, building, room


def _floor(room: str, given: Any) -> int | None:
    if str(given or "").strip():
        try:
            return int(str(given).strip().removesuffix("层").removesuffix("楼"))
        except ValueError:
            raise BadRow(_("The floor “{floor}” is not a number.").format(floor=given)) from None
    digits = room.split("-")[-1]
    return int(digits[:-2]) if digits.isdigit() and len(digits) >= 3 else None


@dataclass
class _Places:
    """Buildings and units by code and label, created on demand (only when writing)."""

    session: Session
    write: bool
    result: ImportResult

    def __post_init__(self) -> None:
        self.buildings = {b.code: b for b in self.session.exec(select(Building))}
        self.units = {u.label: u for u in self.session.exec(select(Unit))}

    def unit(self, label: str, building: str, room: str, *, floor: int | None, kind: str = "residential",
             name: str = "", actor=None, clock=None) -> Unit | None:
        if label in self.units:
            return self.units[label]
        if building not in self.buildings:
            self.result.extra["buildings_created"] = self.result.extra.get("buildings_created", 0) + 1
            b = Building(code=building, name=name or (f"{building}座" if kind == "office" else f"{building}栋"),
                         kind=BuildingKind(kind))
            if self.write:
                self.session.add(b)
                self.session.flush()
                audit.record(session=self.session, actor=actor, clock=clock, action="building.create",
                             entity="building", entity_id=b.id, detail={"code": building, "source": "import"})
            self.buildings[building] = b
        unit = Unit(building_id=self.buildings[building].id or 0, number=room, label=label, floor=floor)
        if self.write:
            self.session.add(unit)
            self.session.flush()
            audit.record(session=self.session, actor=actor, clock=clock, action="unit.create",
                         entity="unit", entity_id=unit.id, detail={"label": label, "source": "import"})
        self.units[label] = unit
        return unit


def _plan(sheet: Sheet, result: ImportResult, check) -> list[tuple[int, dict[str, Any]]]:
    """Check every row; the good ones with what they mean, the bad ones into result.problems."""
    good, seen = [], {}
    for line, cells in sheet.rows:
        try:
            item = check(cells)
        except BadRow as exc:
            result.problems.append(RowProblem(line, str(exc)))
            continue
        key = item["key"]
        if key in seen:
            result.problems.append(RowProblem(line, _("The same entry is already on line {line}.").format(line=seen[key])))
            continue
        seen[key] = line
        good.append((line, item))
    return good


def _go(result: ImportResult, skip_bad: bool) -> bool:
    """Whether to write: not in a dry run, and not when a row is bad (unless skipping those)."""
    return not result.dry_run and (skip_bad or not result.problems)


def import_units(*, session: Session, actor, clock, sheet: Sheet, result: ImportResult, skip_bad: bool) -> None:
    def check(cells):
        label, building, room = unit_label(cells)
        kind = KINDS.get(str(cells.get("kind", "")).strip().lower())
        if kind is None:
            raise BadRow(_("The type “{kind}” is neither 住宅 (residential) nor 写字楼 (office).").format(kind=cells["kind"]))
        return {"key": label, "label": label, "building": building, "room": room, "kind": kind,
                "floor": _floor(room, cells.get("floor")), "name": str(cells.get("building_name", "")).strip()}

    plan = _plan(sheet, result, check)
    write = _go(result, skip_bad)
    places = _Places(session, write, result)
    for _line, item in plan:
        existing = places.units.get(item["label"])
        if existing is None:
            places.unit(item["label"], item["building"], item["room"], floor=item["floor"], kind=item["kind"],
                        name=item["name"], actor=actor, clock=clock)
            result.created += 1
        elif item["floor"] is not None and existing.floor != item["floor"]:
            result.updated += 1
            if write:
                existing.floor = item["floor"]
                session.add(existing)
                audit.record(session=session, actor=actor, clock=clock, action="unit.update", entity="unit",
                             entity_id=existing.id, detail={"fields": ["floor"], "source": "import"})
        else:
            result.unchanged += 1
    result.applied = write


def _phone(value: Any) -> str | None:
    from deskterm.rules.phone import normalise_phone

    text = str(value or "").strip()
    if not text:
        return None
    phone = normalise_phone(text)
    if not 5 <= len(phone.lstrip("+")) <= 20:
        raise BadRow(_("“{phone}” is not a phone number (5 to 20 digits).").format(phone=text))
    return phone


def import_residents(*, session: Session, actor, clock, sheet: Sheet, result: ImportResult, skip_bad: bool) -> None:
    from deskterm.services.residents import create_residents

    def check(cells):
        name = " ".join(str(cells.get("name", "")).split())
        company = " ".join(str(cells.get("company", "")).split())
        if not name and not company:
            raise BadRow(_("The name (姓名) is empty."))
        if len(name) > 64 or len(company) > 128:
            raise BadRow(_("The name is too long."))
        label, building, room = unit_label(cells)
        relation = RELATIONS.get(str(cells.get("relation", "")).strip().lower())
        if relation is None and not company:
            raise BadRow(_("“{value}” is not 业主, 租户 or 家属 (owner, tenant, family).").format(value=cells["relation"]))
        note = str(cells.get("note", "")).strip() or None
        if note and len(note) > 500:
            raise BadRow(_("The note is longer than 500 characters."))
        return {"key": (label, company or name, bool(company)), "name": name, "company": company,
                "label": label, "building": building, "room": room, "relation": relation or "owner",
                "phone": _phone(cells.get("phone")), "note": note}

    plan = _plan(sheet, result, check)
    write = _go(result, skip_bad)
    places = _Places(session, write, result)
    before = len(places.units)
    # Who lives where already, read once: (unit id, name) -> the first such resident's id.
    known: dict[tuple[int, str], int] = {}
    for rid, unit_id, name in session.exec(select(Resident.id, Resident.unit_id, Resident.name).order_by(Resident.id)):
        known.setdefault((unit_id, name), rid)
    new: list[ResidentCreate] = []  # created together at the end (residents.create_residents)
    for _line, item in plan:
        unit = places.unit(item["label"], item["building"], item["room"], floor=_floor(item["room"], None),
                           actor=actor, clock=clock)
        if item["company"]:
            _company(session, unit, item, result, write, actor, clock)
        else:
            _resident(session, unit, item, result, write, actor, clock, known, new)
    if new:
        create_residents(session=session, actor=actor, clock=clock, residents_in=new)
    if len(places.units) > before:
        result.extra["units_created"] = len(places.units) - before
    result.applied = write


def _resident(session, unit, item, result, write, actor, clock, known, new) -> None:
    existing = None
    if unit.id is not None and (unit.id, item["name"]) in known:
        existing = session.get(Resident, known[(unit.id, item["name"])])
    if existing is None:
        result.created += 1
        if write:
            new.append(ResidentCreate(name=item["name"], unit_id=unit.id, relation=item["relation"],
                                      phone=item["phone"], note=item["note"]))
        return
    wanted = {"relation": item["relation"], "phone": item["phone"] or existing.phone, "note": item["note"] or existing.note}
    changed = [k for k, v in wanted.items() if getattr(existing, k) != v]
    if not changed:
        result.unchanged += 1
        return
    result.updated += 1
    if write:
        for key in changed:
            setattr(existing, key, wanted[key])
        session.add(existing)
        audit.record(session=session, actor=actor, clock=clock, action="resident.update", entity="resident",
                     entity_id=existing.id, detail={"fields": changed, "source": "import"})


def _company(session, unit, item, result, write, actor, clock) -> None:
    from deskterm.rules.pinyin import pinyin_keys

    existing = None
    if unit.id is not None:
        existing = session.exec(select(Company).where(Company.unit_id == unit.id, Company.name == item["company"])).first()
    wanted = {"contact_name": item["name"] or None, "phone": item["phone"]}
    if existing is None:
        result.created += 1
        if write:
            full, initials = pinyin_keys(item["company"])
            row = Company(name=item["company"], name_pinyin=full, name_initials=initials, unit_id=unit.id, **wanted)
            session.add(row)
            session.flush()
            audit.record(session=session, actor=actor, clock=clock, action="company.create", entity="company",
                         entity_id=row.id, detail={"unit_id": unit.id, "source": "import"})
        return
    changed = [k for k, v in wanted.items() if v is not None and getattr(existing, k) != v]
    if not changed:
        result.unchanged += 1
        return
    result.updated += 1
    if write:
        for key in changed:
            setattr(existing, key, wanted[key])
        session.add(existing)
        audit.record(session=session, actor=actor, clock=clock, action="company.update", entity="company",
                     entity_id=existing.id, detail={"fields": changed, "source": "import"})
