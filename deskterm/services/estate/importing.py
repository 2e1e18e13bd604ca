"""Importing the estate: units (with their buildings); residents and company tenants are in
import_people.py, which shares the unit naming and the row checks below.

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

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from sqlmodel import Session, SQLModel, select

from deskterm.bulk import NewIds, insert_rows
from deskterm.clock import Clock
from deskterm.db import lock_row, table_of
from deskterm.errors import DeskError, InvalidInput, NotFound
from deskterm.i18n import _
from deskterm.models.estate import Building, BuildingKind, Unit
from deskterm.models.guard import check_values
from deskterm.progress import Progress
from deskterm.rules.text import controls
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.sheets import ImportResult, RowProblem, Sheet

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


def floor_of(room: str, given: Any) -> int | None:
    if str(given or "").strip():
        try:
            return int(str(given).strip().removesuffix("层").removesuffix("楼"))
        except ValueError:
            raise BadRow(_("The floor “{floor}” is not a number.").format(floor=given)) from None
    digits = room.split("-")[-1]
    return int(digits[:-2]) if digits.isdigit() and len(digits) >= 3 else None


@dataclass
class Places:
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


def check_fits(model: type[SQLModel], values: dict[str, Any], column: str) -> None:
    """The column limits every write meets (models/guard.py), as a bad row of the file."""
    try:
        check_values(model, values)
    except InvalidInput as exc:
        raise BadRow(
            _("{column}: {problem}").format(column=column, problem=exc.context.get("problem", exc))
        ) from None


_Item = TypeVar("_Item")


def apply_rows(
    *,
    session: Session,
    actor: Actor | None,
    clock: Clock,
    sheet: Sheet,
    result: ImportResult,
    skip_bad: bool,
    check: Callable[[dict[str, Any], int], tuple[Hashable, _Item]],
    apply: Callable[[Places, _Item, bool], None],
    progress: Progress | None = None,
) -> Places:
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
    places = Places(session, write, result, actor, clock)
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
        check_fits(Building, {"name": name}, "楼栋名称")
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
        return label, _UnitRow(
            label, building, room, kind, floor_of(room, cells.get("floor")), name
        )

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

    def apply(places: Places, item: _UnitRow, write: bool) -> None:
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

    apply_rows(
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
