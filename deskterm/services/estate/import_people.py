"""Importing residents and companies (admins): each row checked, a person matched to the one
already on record by id key, or by name at the unit, and written through the estate's own
rules (masked numbers, pinyin keys); units and buildings come from importing.py.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from deskterm.clock import Clock
from deskterm.db import lock_row
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import N_, _
from deskterm.models.estate import Company, Resident
from deskterm.models.guard import NOTICES
from deskterm.progress import Progress
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.estate.importing import (
    RELATIONS,
    BadRow,
    Places,
    apply_rows,
    check_fits,
    floor_of,
    match_name,
    unit_label,
)
from deskterm.services.sheets import COMPANY_KEY, ImportResult, RowProblem, Sheet

if TYPE_CHECKING:  # imported when rows are read: it loads the pinyin dictionary
    from deskterm.services.estate.residents import CheckedResident


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
            check_fits(
                Company, {"name": company, "name_pinyin": keys[0], "name_initials": keys[1]}, "公司"
            )
            check_fits(Company, {"contact_name": name or None}, "姓名")
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

    def apply(places: Places, item: _PersonRow, write: bool) -> None:
        unit_id = places.unit(item.label, item.building, item.room, floor=floor_of(item.room, None))
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

    places = apply_rows(
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
