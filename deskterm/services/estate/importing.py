"""Importing the estate: units (with their buildings) and residents or company tenants.

A unit is named by its label, building-room ("12-1203"), or building-section-room when the
file has a 单元 column ("3-2-1203"). Buildings and units a resident list mentions are created
when missing, so one resident list can set a new estate up. A row with a key (住户编号, the
`id` column of `deskterm export residents`: a resident's id, or C and a company's) updates that
very record, name and unit included, and a cell of an exported column left empty clears it (a
masked phone is unchanged); a key of a moved-out or deleted record is a bad row. A row without
a key is matched by unit and name among the residents living there: a second import updates
phone, relation and note instead of adding the person twice, and a renamed or moved person is
added as new (the old record stays; import the exported file, with its keys, to rename or move).
Phones are stored for the desk to ring, never written to the audit (D-21).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from sqlalchemy import select as core_select
from sqlmodel import Session, SQLModel, col, select

from deskterm.bulk import NewIds, insert_rows
from deskterm.clock import Clock
from deskterm.db import lock_row, table_of
from deskterm.errors import DeskError, InvalidInput, NotFound
from deskterm.i18n import N_, _
from deskterm.models.estate import Building, BuildingKind, Company, Resident, Unit
from deskterm.models.guard import NOTICES, check_values
from deskterm.progress import Progress
from deskterm.rules.text import controls
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.sheets import COMPANY_KEY, ImportResult, RowProblem, Sheet

if TYPE_CHECKING:  # imported when rows are read: it loads the pinyin dictionary
    from deskterm.services.estate.residents import CheckedResident

RELATIONS = {
    "业主": "owner",
    "房主": "owner",
    "产权人": "owner",
    "owner": "owner",
    "租户": "tenant",
    "租客": "tenant",
    "承租人": "tenant",
    "tenant": "tenant",
    "家属": "family",
    "家庭成员": "family",
    "亲属": "family",
    "family": "family",
    "": "owner",
}
KINDS = {
    "住宅": "residential",
    "residential": "residential",
    "": "residential",
    "写字楼": "office",
    "办公": "office",
    "商务楼": "office",
    "office": "office",
}


class BadRow(DeskError):
    pass


@lru_cache(maxsize=8192)  # an estate's files repeat the same buildings and rooms
def _code(value: Any, suffixes: tuple[str, ...]) -> str:
    """ "12栋" -> "12", "A座" -> "A", "2单元" -> "2", "1203室" -> "1203"; inner spaces go and
    a number loses its leading zeros ("0501" -> "501", "01栋" -> "1"): the same unit however
    it was typed (full-width digits are plain already: sheets._cell)."""
    text = "".join(str(value or "").split()).upper()
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return "-".join(p.lstrip("0") or "0" if p.isdigit() else p for p in text.split("-"))


def match_name(value: Any) -> str:
    """A person's or company's name as it is matched and stored: NFKC (sheets._cell), runs of
    spaces as one, and no space next to a Chinese character ("李  娜" -> "李娜", "Li  Na" ->
    "Li Na")."""
    words = str(value or "").split()
    if len(words) < 2:
        return words[0] if words else ""
    out = words[0]
    for word in words[1:]:
        out += word if _wide(out[-1]) or _wide(word[0]) else " " + word
    return out


def _wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in "WF"


def unit_label(cells: dict[str, Any]) -> tuple[str, str, str]:
    """(label, building code, room) from the building, section and unit columns."""
    room = _code(cells.get("unit"), ("室", "号", "房"))
    building = _code(cells.get("building"), ("号楼", "栋", "幢", "座", "号"))
    section = _code(cells.get("section"), ("单元",))
    if not room:
        raise BadRow(_("The unit (房号) is empty."))
    if not building:
        if "-" not in room:
            raise BadRow(
                _("“{unit}” names no building: fill 楼栋 or write the unit as 12-1203.").format(
                    unit=room
                )
            )
        building, room = room.split("-", 1)
    label = "-".join(p for p in (building, section, room) if p)
    if len(label) > 32 or len(room) > 16 or len(building) > 16:
        raise BadRow(_("The unit “{label}” is too long.").format(label=label))
    bad = controls(label)
    if bad:  # what every write refuses (models/guard.py)
        raise BadRow(
            _("{column}: {problem}").format(
                column="楼栋 / 房号",
                problem=_("Control characters ({chars}) cannot be stored; remove them.").format(
                    chars=", ".join(bad)
                ),
            )
        )
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
    """Buildings and units by code and label -> id, read as plain columns (not 30,000 ORM
    objects) and made on demand. When writing, a new one gets its id at once (bulk.NewIds) and
    is written with the others by `flush` (one executemany each, their events with
    audit.record_many, in the order they were made); in a dry run it has no id."""

    session: Session
    write: bool
    result: ImportResult
    actor: Actor | None
    clock: Clock

    def __post_init__(self) -> None:
        self.buildings: dict[str, int | None] = dict(
            self.session.execute(select(Building.code, Building.id)).all()
        )
        self.units: dict[str, int | None] = {}
        self.floors: dict[str, int | None] = {}
        for label, unit_id, floor in self.session.execute(select(Unit.label, Unit.id, Unit.floor)):
            self.units[label], self.floors[label] = unit_id, floor
        self.loaded = len(self.units)
        self.new_buildings: list[tuple[int, str, str, str]] = []
        self.new_units: list[tuple[int, int | None, str, str, int | None]] = []
        self.events: list[tuple[str, str, int, dict[str, Any]]] = []
        if self.write:
            self.building_ids = NewIds(self.session, table_of(Building))
            self.unit_ids = NewIds(self.session, table_of(Unit))

    def unit(
        self,
        label: str,
        building: str,
        room: str,
        *,
        floor: int | None,
        kind: str = "residential",
        name: str = "",
    ) -> int | None:
        if label in self.units:
            return self.units[label]
        if building not in self.buildings:
            self.result.extra["buildings_created"] = (
                self.result.extra.get("buildings_created", 0) + 1
            )
            building_id = None
            if self.write:
                building_id = self.building_ids()
                name = name or (f"{building}座" if kind == "office" else f"{building}栋")
                self.new_buildings.append((building_id, building, name, BuildingKind(kind).value))
                self.events.append(
                    (
                        "building.create",
                        "building",
                        building_id,
                        {"code": building, "source": "import"},
                    )
                )
            self.buildings[building] = building_id
        unit_id = None
        if self.write:
            unit_id = self.unit_ids()
            self.new_units.append((unit_id, self.buildings[building], room, label, floor))
            self.events.append(
                ("unit.create", "unit", unit_id, {"label": label, "source": "import"})
            )
        self.units[label], self.floors[label] = unit_id, floor
        return unit_id

    def flush(self) -> None:
        """Write the buildings and units made so far, and their events."""
        self._insert(Building, _BUILDING_COLUMNS, self.new_buildings)
        self._insert(Unit, _UNIT_COLUMNS, self.new_units)
        if self.events:
            audit.record_many(
                session=self.session, actor=self.actor, clock=self.clock, events=self.events
            )
        self.new_buildings, self.new_units, self.events = [], [], []

    def _insert(
        self, model: type[SQLModel], columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        # what an ORM flush would refuse, or store masked (models/guard.py)
        checked = [
            tuple(check_values(model, dict(zip(columns, row, strict=True))).values())
            for row in rows
        ]
        if checked:
            insert_rows(self.session, table_of(model), columns, checked)


_BUILDING_COLUMNS = ("id", "code", "name", "kind")
_UNIT_COLUMNS = ("id", "building_id", "number", "label", "floor")


def _fits(model: type[SQLModel], values: dict[str, Any], column: str) -> None:
    """The column limits every write meets (models/guard.py), as a bad row of the file."""
    try:
        check_values(model, values)
    except InvalidInput as exc:
        raise BadRow(
            _("{column}: {problem}").format(column=column, problem=exc.context.get("problem", exc))
        ) from None


_Item = TypeVar("_Item")


def _apply(
    *,
    session: Session,
    actor: Actor | None,
    clock: Clock,
    sheet: Sheet,
    result: ImportResult,
    skip_bad: bool,
    check: Callable[[dict[str, Any], int], tuple[Hashable, _Item]],
    apply: Callable[[_Places, _Item, bool], None],
    progress: Progress | None = None,
) -> _Places:
    """Check every row as it is read (the bad ones into result.problems with their line); then,
    unless this is a dry run or a bad row stops it, `apply(places, item, write)` each good one in
    file order (a dry run applies them too, writing nothing, to count what would change).
    `check(cells, line)` gives (key, item): a row whose key came before is a bad row."""
    good: list[_Item] = []
    seen: dict[Hashable, int] = {}
    for line, cells in sheet.rows:
        result.rows += 1
        if progress is not None and result.rows % 1000 == 0:
            progress(_("Checking"), result.rows, None)
        try:
            key, item = check(cells, line)
        except BadRow as exc:
            result.problems.append(RowProblem(line, str(exc)))
            continue
        if key in seen:
            result.problems.append(
                RowProblem(
                    line, _("The same entry is already on line {line}.").format(line=seen[key])
                )
            )
            continue
        seen[key] = line
        good.append(item)
    del seen
    write = not result.dry_run and (skip_bad or not result.problems)
    places = _Places(session, write, result, actor, clock)
    for done, item in enumerate(good, start=1):
        apply(places, item, write)
        if progress is not None and done % 1000 == 0:
            progress(_("Importing"), done, len(good))
    if write:
        places.flush()
    result.applied = write
    return places


class _UnitRow(NamedTuple):
    label: str
    building: str
    room: str
    kind: (
        str | None
    )  # None: the cell is empty (a new building is residential, an old one keeps its kind)
    floor: int | None
    name: str  # "": the cell is empty (kept; a new building is named after its code)


def import_units(
    *,
    session: Session,
    actor: Actor | None,
    clock: Clock,
    sheet: Sheet,
    result: ImportResult,
    skip_bad: bool,
    progress: Progress | None = None,
) -> None:
    """Units, and the building columns of each row (楼栋名称, 类型): every column the units
    export writes changes what it names, so an edited export imports as edited. A building's
    name and type are the same on each of its rows: a row that says otherwise is a bad row."""
    stated: dict[str, tuple[int, str, str | None]] = {}  # building -> first line, name, kind
    buildings = {
        code: (bid, name, kind)
        for bid, code, name, kind in session.execute(
            select(Building.id, Building.code, Building.name, Building.kind)
        )
    }
    done: set[str] = set()  # buildings compared (and changed) already

    def check(cells: dict[str, Any], line: int) -> tuple[str, _UnitRow]:
        label, building, room = unit_label(cells)
        typed = str(cells.get("kind", "")).strip()
        kind = KINDS.get(typed.lower()) if typed else None
        if typed and kind is None:
            raise BadRow(
                _("The type “{kind}” is neither 住宅 (residential) nor 写字楼 (office).").format(
                    kind=cells["kind"]
                )
            )
        name = " ".join(str(cells.get("building_name", "")).split())
        _fits(Building, {"name": name}, "楼栋名称")
        earlier = stated.setdefault(building, (line, name, kind))
        for column, now, before in (("楼栋名称", name, earlier[1]), ("类型", kind, earlier[2])):
            if now and before and now != before:
                raise BadRow(
                    _(
                        "{column} of building {building} is “{value}” here but “{other}” on line "
                        "{line}: a building has one."
                    ).format(
                        column=column,
                        building=building,
                        value=cells.get("building_name" if column == "楼栋名称" else "kind"),
                        other=before,
                        line=earlier[0],
                    )
                )
        if not earlier[1] and name or not earlier[2] and kind:
            stated[building] = (earlier[0], earlier[1] or name, earlier[2] or kind)
        return label, _UnitRow(label, building, room, kind, _floor(room, cells.get("floor")), name)

    def building_changed(item: _UnitRow, write: bool) -> bool:
        """Apply the building's name and type as the file states them, once per building."""
        if item.building in done or item.building not in buildings:
            return False
        done.add(item.building)
        building_id, name, kind = buildings[item.building]
        _line, want_name, want_kind = stated[item.building]
        wanted = {"name": want_name or name, "kind": want_kind or kind}
        changed = [k for k, old in (("name", name), ("kind", kind)) if wanted[k] != old]
        if changed and write:
            row = lock_row(session, Building, building_id)
            for key in changed:
                setattr(row, key, BuildingKind(wanted[key]) if key == "kind" else wanted[key])
            session.add(row)
            audit.record(
                session=session,
                actor=actor,
                clock=clock,
                action="building.update",
                entity="building",
                entity_id=building_id,
                detail={"fields": changed, "source": "import"},
            )
        return bool(changed)

    def apply(places: _Places, item: _UnitRow, write: bool) -> None:
        label, floor = item.label, item.floor
        moved = building_changed(item, write)
        if label not in places.units:
            _line, name, kind = stated[item.building]
            places.unit(
                label, item.building, item.room, floor=floor, kind=kind or "residential", name=name
            )
            result.created += 1
        elif floor is not None and places.floors[label] != floor:
            result.updated += 1
            places.floors[label] = floor
            if write:
                existing = lock_row(session, Unit, places.units[label])
                if existing is None:  # removed while the file was read
                    raise NotFound(_("No unit has the id {id}.").format(id=places.units[label]))
                existing.floor = floor
                session.add(existing)
                audit.record(
                    session=session,
                    actor=actor,
                    clock=clock,
                    action="unit.update",
                    entity="unit",
                    entity_id=existing.id,
                    detail={"fields": ["floor"], "source": "import"},
                )
        elif moved:
            result.updated += 1
        else:
            result.unchanged += 1

    _apply(
        session=session,
        actor=actor,
        clock=clock,
        sheet=sheet,
        result=result,
        skip_bad=skip_bad,
        check=check,
        apply=apply,
        progress=progress,
    )


def _phone(value: Any) -> tuple[str | None, str]:
    """(number, extension) by the mainland rules (rules.phone.parse_mainland_phone); an empty
    cell, or a masked number from an export ("138****5678"), is (None, ""): no change."""
    from deskterm.rules.phone import PhoneRuleError, parse_mainland_phone

    text = str(value or "").strip()
    if not text or "*" in text:
        return None, ""
    try:
        phone = parse_mainland_phone(text)
    except PhoneRuleError as exc:
        raise BadRow(_(NOT_A_PHONE[exc.args[0]]).format(phone=text)) from None
    return phone.number, phone.extension


NOT_A_PHONE = {
    "empty": N_("“{phone}” holds no digits."),
    "mobile": N_(
        "“{phone}” is not a mobile number: a mobile has 11 digits and starts with 13 to 19."
    ),
    "landline": N_(
        "“{phone}” is not a landline number: write the area code and the 7 or 8 digits, "
        "e.g. 0571-88880001."
    ),
    "area": N_(
        "“{phone}” is not a phone number: a mobile has 11 digits, a landline starts with its "
        "area code (0571-88880001)."
    ),
    "foreign": N_(
        "“{phone}” is not a phone number: after + come the country code and 8 to 15 digits."
    ),
}
# An extension is stored in the note as mainland numbers are written ("转 802"), whatever the
# admin's language: stored data, the same however often the file is imported.
EXTENSION_NOTE = "转 {extension}"


class _PersonRow(NamedTuple):
    label: str
    building: str
    room: str
    person: CheckedResident | _CompanyRow  # the resident's row as it will be written
    line: int
    typed: str  # the name as typed (spaces as one), when it differs from the name matched
    ref: int | None = None  # the record the row's key names (resident or company id)
    given: frozenset[str] = frozenset()  # with a key: the fields the row sets (empty cells clear)


# A record read once at the start of an import: (unit id, name, relation, phone, note, active)
_ResidentRecord = tuple[int | None, str, str, str | None, str | None, bool]
# (unit id, name, contact, phone, active)
_CompanyRecord = tuple[int | None, str, str | None, str | None, bool]


class _CompanyRow(NamedTuple):
    name: str
    contact_name: str | None
    phone: str | None
    keys: tuple[str, str]  # pinyin, full and initials


def import_residents(
    *,
    session: Session,
    actor: Actor | None,
    clock: Clock,
    sheet: Sheet,
    result: ImportResult,
    skip_bad: bool,
    progress: Progress | None = None,
) -> None:
    from deskterm.rules.pinyin import pinyin_keys
    from deskterm.services.estate.residents import NewResident, create_residents, resident_row

    first: dict[tuple[str, str], tuple[int, str]] = {}  # (unit, name matched) -> line, as typed
    sounds: dict[tuple[str, str], tuple[int, str]] = {}  # (unit, pinyin) -> line, name

    def check(cells: dict[str, Any], line: int) -> tuple[Hashable, _PersonRow]:
        typed = " ".join(str(cells.get("name", "")).split())
        name = match_name(cells.get("name", ""))
        company = match_name(cells.get("company", ""))
        ref = _key(
            cells.get("id"), company=bool(company), residents=by_id, companies=companies_by_id
        )
        if not name and not company:
            raise BadRow(_("The name (姓名) is empty."))
        if len(name) > 64 or len(company) > 128:
            raise BadRow(_("The name is too long."))
        label, building, room = unit_label(cells)
        relation_cell = str(cells.get("relation", "")).strip().lower()
        if ref is not None and not relation_cell and not company:  # kept as it is
            relation_cell = by_id[ref][2]
        relation = RELATIONS.get(relation_cell)
        if relation is None and not company:
            raise BadRow(
                _("“{value}” is not 业主, 租户 or 家属 (owner, tenant, family).").format(
                    value=cells["relation"]
                )
            )
        note = str(cells.get("note", "")).strip() or None
        person: CheckedResident | _CompanyRow
        phone, extension = _phone(cells.get("phone"))
        if extension:  # kept apart from the number that is dialled: in the note, once
            words = EXTENSION_NOTE.format(extension=extension)
            note = note if note and words in note else " ".join(p for p in (words, note) if p)
        if note and len(note) > 500:
            raise BadRow(_("The note is longer than 500 characters."))
        if company:
            keys = pinyin_keys(company)
            _fits(
                Company, {"name": company, "name_pinyin": keys[0], "name_initials": keys[1]}, "公司"
            )
            _fits(Company, {"contact_name": name or None}, "姓名")
            person = _CompanyRow(company, name or None, phone, keys)
        else:
            try:  # the row as it will be written: search keys made, column limits checked
                person = resident_row(
                    NewResident(name, None, relation or "owner", phone, note),
                    session.info.setdefault(NOTICES, []),
                )  # said, as by a flush
            except InvalidInput as exc:
                raise BadRow(
                    _("{column}: {problem}").format(
                        column=_COLUMNS.get(exc.field or "", "姓名"),
                        problem=exc.context.get("problem", exc),
                    )
                ) from None
        who = company or name
        given = frozenset(k for k in ("phone", "note") if k in cells and "*" not in str(cells[k]))
        if ref is not None:  # the key names the record: same names in one flat are fine
            return ("key", bool(company), ref), _PersonRow(
                label, building, room, person, line, "", ref, given
            )
        if (label, who) in first and first[(label, who)][1] != (cells.get("company") or typed):
            earlier, spelt = first[(label, who)]
            raise BadRow(
                _(
                    "“{typed}” in {unit} is “{name}” on line {line} (spaces, full-width "
                    "characters and leading zeros do not count)."
                ).format(typed=cells.get("company") or typed, unit=label, name=spelt, line=earlier)
            )
        first.setdefault((label, who), (line, cells.get("company") or typed))
        if not isinstance(person, _CompanyRow):  # a resident's row (no company named)
            near = sounds.setdefault((label, person.name_pinyin), (line, name))
            if near[1] != name:
                result.warnings.append(
                    RowProblem(
                        line,
                        _(
                            "“{name}” in {unit} reads like “{other}” on line {line}: the same person?"
                        ).format(name=name, unit=label, other=near[1], line=near[0]),
                    )
                )
        return (label, who, bool(company)), _PersonRow(
            label, building, room, person, line, typed if typed != name else ""
        )

    # Who lives where already, read once: (unit id, name) -> the first such resident's
    # (id, relation, phone, note), among those living here (a moved-out record is never
    # matched); only a resident whose row changes is loaded. With a key column, every record
    # by id (its state too: a key of a moved-out resident is a bad row).
    known: dict[tuple[int | None, str], tuple[int, str, str | None, str | None]] = {}
    by_id: dict[int, _ResidentRecord] = {}
    companies_by_id: dict[int, _CompanyRecord] = {}
    keyed = "id" in sheet.columns.values()
    # (sqlalchemy's select: sqlmodel's is typed for at most four columns)
    for rid, unit_id, name, relation, phone, note, active in session.execute(
        core_select(
            col(Resident.id),
            col(Resident.unit_id),
            col(Resident.name),
            col(Resident.relation),
            col(Resident.phone),
            col(Resident.note),
            col(Resident.active),
        ).order_by(col(Resident.id))
    ):
        if rid is None:  # a stored row's key: never NULL
            continue
        if active:
            known.setdefault((unit_id, name), (rid, relation, phone, note))
        if keyed:
            by_id[rid] = (unit_id, name, relation, phone, note, active)
    if keyed:
        companies_by_id.update(
            (cid, (unit_id, name, contact, phone, active))
            for cid, unit_id, name, contact, phone, active in session.execute(
                core_select(
                    col(Company.id),
                    col(Company.unit_id),
                    col(Company.name),
                    col(Company.contact_name),
                    col(Company.phone),
                    col(Company.active),
                )
            )
            if cid is not None  # a stored row's key: never NULL
        )
    new: list[CheckedResident] = []  # created together at the end (residents.create_residents)

    def apply(places: _Places, item: _PersonRow, write: bool) -> None:
        unit_id = places.unit(item.label, item.building, item.room, floor=_floor(item.room, None))
        row = item.person
        if isinstance(row, _CompanyRow):
            if write:
                places.flush()  # its unit, if new, before the company that refers to it
            if item.ref is not None:
                _keyed_company(
                    session,
                    unit_id,
                    item,
                    row,
                    companies_by_id[item.ref],
                    result,
                    write,
                    actor,
                    clock,
                )
                return
            _company(session, unit_id, row, result, write, actor, clock)
            return
        if item.ref is not None:
            if write:
                places.flush()  # a new unit before the resident moved into it
            _keyed_resident(
                session, unit_id, item, row, by_id[item.ref], result, write, actor, clock
            )
            return
        existing = known.get((unit_id, row.name)) if unit_id is not None else None
        if existing is not None and item.typed:
            result.warnings.append(
                RowProblem(
                    item.line,
                    _("“{typed}” is read as “{name}”, who lives in {unit} already.").format(
                        typed=item.typed, name=row.name, unit=item.label
                    ),
                )
            )
        if existing is None:
            result.created += 1
            if write:
                new.append(row._replace(unit_id=unit_id))
            return
        rid, relation, phone, note = existing
        wanted = {"relation": row.relation, "phone": row.phone or phone, "note": row.note or note}
        changed = [
            k
            for k, v in zip(("relation", "phone", "note"), (relation, phone, note), strict=True)
            if wanted[k] != v
        ]
        if not changed:
            result.unchanged += 1
            return
        result.updated += 1
        if write:
            resident = lock_row(session, Resident, rid)
            for key in changed:
                setattr(resident, key, wanted[key])
            session.add(resident)
            audit.record(
                session=session,
                actor=actor,
                clock=clock,
                action="resident.update",
                entity="resident",
                entity_id=rid,
                detail={"fields": changed, "source": "import"},
            )

    places = _apply(
        session=session,
        actor=actor,
        clock=clock,
        sheet=sheet,
        result=result,
        skip_bad=skip_bad,
        check=check,
        apply=apply,
        progress=progress,
    )
    if len(places.units) > places.loaded:
        result.extra["units_created"] = len(places.units) - places.loaded
    if new:
        create_residents(
            session=session, actor=actor, clock=clock, residents_in=new, progress=progress
        )


def _key(
    value: Any,
    *,
    company: bool,
    residents: Mapping[int, tuple[object, ...]],
    companies: Mapping[int, tuple[object, ...]],
) -> int | None:
    """The record a row's key (住户编号) names: a resident's id, or C and a company's id; None
    for an empty cell. A key that names nothing, a moved-out record, or a company's key on a
    person's row (or the other way round) is a bad row."""
    text = "".join(str(value or "").split()).upper()
    if not text:
        return None
    is_company = text.startswith(COMPANY_KEY)
    digits = text.removeprefix(COMPANY_KEY)
    if not digits.isdigit() or len(digits) > 18:
        raise BadRow(
            _(
                "“{key}” is not a key of an export (住户编号: a resident's number, or C and a "
                "company's); clear the cell to match the row by unit and name."
            ).format(key=value)
        )
    if is_company != company:
        raise BadRow(
            _(
                "The key “{key}” is a company's but 公司 is empty, or a resident's but 公司 is "
                "filled: fill or clear 公司 as exported, or clear the key."
            ).format(key=value)
        )
    ref = int(digits)
    record = (companies if company else residents).get(ref)
    if record is None:
        raise BadRow(
            _(
                "There is no record with the key “{key}” (deleted?): clear the cell to add "
                "the row as new."
            ).format(key=value)
        )
    if not record[-1]:
        raise BadRow(
            _(
                "The key “{key}” is of a record that has moved out: clear the cell to add "
                "the row as new."
            ).format(key=value)
        )
    return ref


def _keyed_resident(
    session: Session,
    unit_id: int | None,
    item: _PersonRow,
    row: CheckedResident,
    record: _ResidentRecord,
    result: ImportResult,
    write: bool,
    actor: Actor | None,
    clock: Clock,
) -> None:
    """The resident the row's key names (`row`: the row's person) takes the row's name, unit,
    relation, and the phone and note its cells give (an empty cell clears; a masked phone or
    an absent column keeps)."""
    old_unit, old_name, relation, phone, note, _active = record
    wanted = {
        "name": row.name,
        "unit_id": unit_id,
        "relation": row.relation,
        "phone": row.phone if "phone" in item.given else phone,
        "note": row.note if "note" in item.given else note,
    }
    old = {
        "name": old_name,
        "unit_id": old_unit,
        "relation": relation,
        "phone": phone,
        "note": note,
    }
    changed = [k for k in wanted if wanted[k] != old[k]]  # a new unit (None in a dry run) is a move
    if not changed:
        result.unchanged += 1
        return
    result.updated += 1
    if write:
        resident = lock_row(session, Resident, item.ref)
        if resident is None:  # deleted while the file was read
            raise NotFound(_("No resident has the id {id}.").format(id=item.ref))
        for key in changed:
            setattr(resident, key, wanted[key])
        if "name" in changed:  # its search keys with it
            for key in ("name_pinyin", "name_initials", "name_after_1", "name_after_2"):
                setattr(resident, key, getattr(row, key))
        session.add(resident)
        audit.record(
            session=session,
            actor=actor,
            clock=clock,
            action="resident.update",
            entity="resident",
            entity_id=item.ref,
            detail={"fields": changed, "source": "import"},
        )


def _keyed_company(
    session: Session,
    unit_id: int | None,
    item: _PersonRow,
    row: _CompanyRow,
    record: _CompanyRecord,
    result: ImportResult,
    write: bool,
    actor: Actor | None,
    clock: Clock,
) -> None:
    """The company the row's key names (`row`: the row's company) takes the row's name, unit,
    contact and phone."""
    old_unit, old_name, contact, phone, _active = record
    wanted = {
        "name": row.name,
        "unit_id": unit_id,
        "contact_name": row.contact_name,
        "phone": row.phone if "phone" in item.given else phone,
    }
    old = {"name": old_name, "unit_id": old_unit, "contact_name": contact, "phone": phone}
    changed = [k for k in wanted if wanted[k] != old[k]]  # a new unit (None in a dry run) is a move
    if not changed:
        result.unchanged += 1
        return
    result.updated += 1
    if write:
        company = lock_row(session, Company, item.ref)
        if company is None:  # deleted while the file was read
            raise NotFound(_("No company has the id {id}.").format(id=item.ref))
        for key in changed:
            setattr(company, key, wanted[key])
        if "name" in changed:
            company.name_pinyin, company.name_initials = row.keys
        session.add(company)
        audit.record(
            session=session,
            actor=actor,
            clock=clock,
            action="company.update",
            entity="company",
            entity_id=item.ref,
            detail={"fields": changed, "source": "import"},
        )


# The file's column a resident's field comes from, to name it in a bad row's sentence.
_COLUMNS = {"phone": "电话", "note": "备注", "relation": "身份"}


def _company(
    session: Session,
    unit_id: int | None,
    company: _CompanyRow,
    result: ImportResult,
    write: bool,
    actor: Actor | None,
    clock: Clock,
) -> None:
    existing = None
    if unit_id is not None:
        existing = session.exec(
            select(Company).where(Company.unit_id == unit_id, Company.name == company.name)
        ).first()
    wanted = {"contact_name": company.contact_name, "phone": company.phone}
    if existing is None:
        result.created += 1
        if write:
            full, initials = company.keys
            row = Company(
                name=company.name,
                name_pinyin=full,
                name_initials=initials,
                unit_id=unit_id,
                contact_name=company.contact_name,
                phone=company.phone,
            )
            session.add(row)
            session.flush()
            audit.record(
                session=session,
                actor=actor,
                clock=clock,
                action="company.create",
                entity="company",
                entity_id=row.id,
                detail={"unit_id": unit_id, "source": "import"},
            )
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
        audit.record(
            session=session,
            actor=actor,
            clock=clock,
            action="company.update",
            entity="company",
            entity_id=existing.id,
            detail={"fields": changed, "source": "import"},
        )
