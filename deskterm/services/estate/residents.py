"""Residents and company tenants: creating them with their search keys, and revealing a phone.

A phone is stored so that the desk can ring the person, and is shown masked everywhere
(search results, cards, messages). `reveal_phone` is the only way to read it: an explicit
action with a reason, written to the audit in the same transaction, and the number goes back
to the one caller that asked (DESIGN.md "People and privacy", D-21).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from sqlmodel import Session, col, select

from deskterm.bulk import insert_rows, reserve_ids, roomy_cache
from deskterm.clock import Clock
from deskterm.db import lock_rows, stored_id, table_of
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import _
from deskterm.models.estate import Company, Resident, ResidentCreate, Unit, name_tails
from deskterm.models.guard import NOTICES, Notices, check_values
from deskterm.progress import Progress
from deskterm.rules.phone import mask_phone, normalise_phone
from deskterm.rules.pinyin import pinyin_keys
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require

RELATIONS = ("owner", "tenant", "family")
REVEAL_REASON_MAX = 200


@dataclass(frozen=True)
class PersonCard:
    """What the desk may see of a resident or a company: the phone masked."""

    kind: str  # "resident" | "company"
    id: int
    name: str
    place: str  # unit label
    role: str  # relation, or the company's contact person
    phone_masked: str
    has_phone: bool
    note: str
    unit_id: int | None


def _clean_phone(phone: str | None) -> str | None:
    value = normalise_phone(phone)
    if not value:
        return None
    digits = value.lstrip("+")
    if not 5 <= len(digits) <= 20:
        raise InvalidInput(_("A phone number has 5 to 20 digits."), field="phone")
    return value


def create_resident(
    *, session: Session, actor: Actor | None, clock: Clock, resident_in: ResidentCreate
) -> Resident:
    """A resident with their pinyin keys (full and initials, lower case) for the search box."""
    if actor is not None:  # None: a bulk load by the system (demo, set-up)
        require(actor, "residents.manage")
    name, relation = _name_and_relation(resident_in)
    if resident_in.unit_id is not None and session.get(Unit, resident_in.unit_id) is None:
        raise NotFound(_("No unit has the id {id}.").format(id=resident_in.unit_id))
    full, initials = pinyin_keys(name)
    resident = Resident(
        name=name,
        unit_id=resident_in.unit_id,
        relation=relation,
        phone=_clean_phone(resident_in.phone),
        note=(resident_in.note or "").strip() or None,
        name_pinyin=full,
        name_initials=initials,
    )
    session.add(resident)
    session.flush()
    # No `subject=`: a digest of the row would let anyone with the audit guess the phone.
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="resident.create",
        entity="resident",
        entity_id=resident.id,
        detail={"unit_id": resident.unit_id, "relation": relation},
    )
    return resident


def _name_and_relation(resident_in: ResidentCreate | NewResident) -> tuple[str, str]:
    name = " ".join((resident_in.name or "").split())
    if not name or len(name) > 64:
        raise InvalidInput(_("A name is 1 to 64 characters."), field="name")
    relation = (resident_in.relation or "owner").strip()
    if relation not in RELATIONS:
        raise InvalidInput(_("The relation must be owner, tenant or family."), field="relation")
    return name, relation


class NewResident(NamedTuple):
    """A resident to create in bulk, as plain values."""

    name: str
    unit_id: int | None
    relation: str | None = "owner"
    phone: str | None = None
    note: str | None = None


class CheckedResident(NamedTuple):
    """A resident's row as `create_residents` writes it: made by `resident_row` only."""

    name: str
    unit_id: int | None
    relation: str
    phone: str | None
    note: str | None
    name_pinyin: str
    name_initials: str
    name_after_1: str
    name_after_2: str


def resident_row(
    resident_in: ResidentCreate | NewResident, notices: Notices | None = None
) -> CheckedResident:
    """One resident checked as `create_resident` checks it, and against its columns (the
    flush-time guard of models/guard.py, which a bulk insert does not pass), with its search
    keys: InvalidInput naming the field if it does not fit. The unit is not looked up here.
    What was masked goes to `notices` (a session's `masked_notices`, for the desk to say)."""
    name, relation = _name_and_relation(resident_in)
    full, initials = pinyin_keys(name)
    after_1, after_2 = name_tails(name)  # what Resident's listeners derive, one by one
    row = CheckedResident(
        name,
        resident_in.unit_id,
        relation,
        _clean_phone(resident_in.phone),
        (resident_in.note or "").strip() or None,
        full,
        initials,
        after_1,
        after_2,
    )
    return check_values(Resident, row, notices)


BATCH = 2000
_COLUMNS = ("id", *CheckedResident._fields, "active")


def create_residents(
    *,
    session: Session,
    actor: Actor | None,
    clock: Clock,
    residents_in: Iterable[ResidentCreate | NewResident | CheckedResident],
    progress: Progress | None = None,
) -> list[int]:
    """Many residents at once (an import): each checked and keyed as `create_resident` does
    (`resident_row`; a CheckedResident already was), all refused if one is bad (InvalidInput,
    NotFound), then written a batch at a time: ids reserved, one executemany of plain rows,
    and their `resident.create` events (the same events and chain as one by one,
    audit.record_many). Their ids, in order; `progress("Writing", done, total)` after each
    batch.

    One ORM flush each, 50,000 residents took minutes; an INSERT ... RETURNING the ids in
    order goes one row a statement on SQLite (bench/bench_import.py).
    """
    if actor is not None:
        require(actor, "residents.manage")
    notices = session.info.setdefault(NOTICES, [])
    rows = [r if isinstance(r, CheckedResident) else resident_row(r, notices) for r in residents_in]
    unit_ids = sorted({r.unit_id for r in rows if r.unit_id is not None})
    known: set[int | None] = set()
    for start in range(0, len(unit_ids), 5000):
        chunk = unit_ids[start : start + 5000]
        known.update(session.exec(select(col(Unit.id)).where(col(Unit.id).in_(chunk))))
    for row in rows:
        if row.unit_id is not None and row.unit_id not in known:
            raise NotFound(_("No unit has the id {id}.").format(id=row.unit_id))
    table = table_of(Resident)
    ids: list[int] = []
    with roomy_cache(session.connection()):
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            new_ids = reserve_ids(session, table, len(batch))
            insert_rows(
                session,
                table,
                _COLUMNS,
                [(rid, *row, True) for rid, row in zip(new_ids, batch, strict=True)],
            )
            audit.record_many(
                session=session,
                actor=actor,
                clock=clock,
                events=(
                    (
                        "resident.create",
                        "resident",
                        rid,
                        {"unit_id": row.unit_id, "relation": row.relation},
                    )
                    for rid, row in zip(new_ids, batch, strict=True)
                ),
            )
            ids.extend(new_ids)
            if progress is not None:
                progress(_("Writing"), len(ids), len(rows))
    return ids


_Named = TypeVar("_Named", Resident, Company)


def _fill_keys(session: Session, model: type[_Named]) -> int:
    count = 0
    for row in lock_rows(session, select(model).where(model.name_pinyin == "")):
        full, initials = pinyin_keys(row.name)
        if full:
            row.name_pinyin, row.name_initials = full, initials
            session.add(row)
            count += 1
    return count


def fill_search_keys(*, session: Session) -> int:
    """Fill the pinyin keys of residents and companies stored without them (bulk loads)."""
    count = _fill_keys(session, Resident) + _fill_keys(session, Company)
    session.flush()
    return count


def find_unit(session: Session, label: str) -> Unit | None:
    """The unit of a label as written on the estate's plan ("12-1203")."""
    return session.exec(select(Unit).where(Unit.label == label.strip())).first()


def _label(session: Session, unit_id: int | None) -> str:
    if unit_id is None:
        return ""
    unit = session.get(Unit, unit_id)
    return unit.label if unit else ""


def person_card(*, session: Session, actor: Actor, kind: str, person_id: int) -> PersonCard:
    """A resident's or company's card for the desk, the phone masked."""
    require(actor, "inquiries.search")
    if kind == "resident":
        resident = session.get(Resident, person_id)
        if resident is None:
            raise NotFound(_("No resident has the id {id}.").format(id=person_id))
        return PersonCard(
            "resident",
            stored_id(resident),
            resident.name,
            _label(session, resident.unit_id),
            resident.relation,
            mask_phone(resident.phone) if resident.phone else "",
            bool(resident.phone),
            resident.note or "",
            resident.unit_id,
        )
    if kind == "company":
        company = session.get(Company, person_id)
        if company is None:
            raise NotFound(_("No company has the id {id}.").format(id=person_id))
        return PersonCard(
            "company",
            stored_id(company),
            company.name,
            _label(session, company.unit_id),
            company.contact_name or "",
            mask_phone(company.phone) if company.phone else "",
            bool(company.phone),
            "",
            company.unit_id,
        )
    raise InvalidInput(_("Only a resident's or a company's phone is kept."), field="kind")


def reveal_phone(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    kind: str,
    person_id: int,
    reason: str,
    inquiry_id: int | None = None,
) -> str:
    """The full phone of a resident or company, for the caller that asked; audited with why.

    The audit event names who revealed whose number and why; it never holds the number.
    """
    require(actor, "residents.reveal_phone")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(_("Say why the number is needed."), field="reason")
    if len(reason) > REVEAL_REASON_MAX:
        raise InvalidInput(
            _("The reason is at most {n} characters.").format(n=REVEAL_REASON_MAX),
            field="reason",
        )
    row: Resident | Company | None
    if kind == "resident":
        row = session.get(Resident, person_id)
        missing = _("No resident has the id {id}.")
    elif kind == "company":
        row = session.get(Company, person_id)
        missing = _("No company has the id {id}.")
    else:
        raise InvalidInput(_("Only a resident's or a company's phone is kept."), field="kind")
    if row is None:
        raise NotFound(missing.format(id=person_id))
    if not row.phone:
        raise NotFound(_("No phone number is on record for {name}.").format(name=row.name))
    detail: dict[str, object] = {"reason": reason}
    if inquiry_id is not None:
        detail["inquiry_id"] = inquiry_id
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action=f"{kind}.reveal_phone",
        entity=kind,
        entity_id=row.id,
        detail=detail,
    )
    return row.phone
