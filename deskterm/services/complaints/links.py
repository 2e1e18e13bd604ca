"""Links between a complaint and what it concerns (case 1, case 2): the resident or company who
complained, the repair orders it is about, the public-area request it refers to. Each side
shows the other: a complaint lists its repairs, a repair order lists its complaints, a
resident's or company's complaints are listed from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.db import lock_first, stored_id
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import _
from deskterm.models.complaint import Complaint, ComplaintRepair
from deskterm.models.estate import Company, Resident, Unit
from deskterm.models.repair import RepairOrder
from deskterm.rules.numbering import format_number, parse_number
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require


class OtherUnitLink(InvalidInput):
    """The repair order is of another unit than the complaint's: linked only when the desk
    confirms (`other_unit=True`), and the link records that it crosses units."""


@dataclass(frozen=True)
class LinkedRepair:
    id: int
    number: str
    status: str
    place: str
    description: str
    cross_unit: bool = False  # of another unit than the complaint's (confirmed at linking)


@dataclass(frozen=True)
class LinkedComplaint:
    id: int
    number: str
    status: str
    who: str
    content: str


def _complaint(session: Session, complaint_id: int) -> Complaint:
    row = session.get(Complaint, complaint_id)
    if row is None:
        raise NotFound(_("No complaint has the number {id}.").format(id=complaint_id))
    return row


def find_repair(session: Session, ref: str | int) -> RepairOrder:
    """A repair order by its number as typed (R20261128-0003, lower case or spaced) or id."""
    if isinstance(ref, int):
        order = session.get(RepairOrder, ref)
    else:
        text = "".join((ref or "").split()).upper()
        try:
            prefix, day, seq = parse_number(text)
        except ValueError:
            prefix = None
        order = (
            session.exec(
                select(RepairOrder).where(RepairOrder.number == format_number(prefix, day, seq))
            ).first()
            if prefix == "R"
            else None
        )
    if order is None:
        raise InvalidInput(
            _("No repair order has that number: type it as on the order, like R20261128-0003."),
            field="repair",
        )
    return order


def _unit_label(session: Session, unit_id: int | None) -> str:
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    return unit.label if unit is not None else ""


def link_repair(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    complaint_id: int,
    repair: str | int,
    other_unit: bool = False,
) -> ComplaintRepair:
    """Link a complaint to a repair order it concerns (once; linking again is refused).

    A repair of another unit than the complaint's is refused with OtherUnitLink (the sentence
    names both units) unless `other_unit` says the desk confirmed it; the link then records
    that it crosses units, in its row and in the audit trail (issue 21). A complaint or an
    order with no unit (a public facility) crosses nothing."""
    require(actor, "complaints.handle")
    row = _complaint(session, complaint_id)
    order = find_repair(session, repair)
    crosses = row.unit_id is not None and order.unit_id is not None and row.unit_id != order.unit_id
    if crosses and not other_unit:
        raise OtherUnitLink(
            _(
                "{repair} is a repair of {repair_unit}, not of {unit} (this complaint's unit): "
                "save again to link it anyway, or type another number."
            ).format(
                repair=order.number,
                repair_unit=_unit_label(session, order.unit_id),
                unit=_unit_label(session, row.unit_id),
            ),
            field="repair",
        )
    existing = session.exec(
        select(ComplaintRepair).where(
            ComplaintRepair.complaint_id == row.id, ComplaintRepair.repair_id == order.id
        )
    ).first()
    if existing is not None:
        raise InvalidInput(
            _("This complaint is already linked to {number}.").format(number=order.number),
            field="repair",
        )
    link = ComplaintRepair(
        complaint_id=stored_id(row),
        repair_id=stored_id(order),
        linked_at=as_utc(clock.now()),
        linked_by=actor.author_id,
        cross_unit=crosses,
    )
    detail: dict[str, Any] = {"number": row.number, "repair": order.number}
    if crosses:
        detail.update(
            cross_unit=True,
            unit=_unit_label(session, row.unit_id),
            repair_unit=_unit_label(session, order.unit_id),
        )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="complaint.link_repair",
        entity="complaint",
        entity_id=row.id,
        detail=detail,
        subject=link,
    )
    return link


def unlink_repair(
    *, session: Session, actor: Actor, clock: Clock, complaint_id: int, repair: str | int
) -> None:
    require(actor, "complaints.handle")
    row = _complaint(session, complaint_id)
    order = find_repair(session, repair)
    link = lock_first(
        session,
        select(ComplaintRepair).where(
            ComplaintRepair.complaint_id == row.id, ComplaintRepair.repair_id == order.id
        ),
    )
    if link is None:
        raise InvalidInput(
            _("This complaint is not linked to {number}.").format(number=order.number),
            field="repair",
        )
    session.delete(link)
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="complaint.unlink_repair",
        entity="complaint",
        entity_id=row.id,
        detail={"number": row.number, "repair": order.number},
    )


def add_link_in_session(
    session: Session, *, complaint: Complaint, repair_id: int, actor: Actor, clock: Clock
) -> None:
    """Intake: a complaint born from a repair (a callback gone wrong) is linked to it."""
    if session.get(RepairOrder, repair_id) is None:
        raise InvalidInput(_("That repair order does not exist."), field="repair")
    session.add(
        ComplaintRepair(
            complaint_id=stored_id(complaint),
            repair_id=repair_id,
            linked_at=as_utc(clock.now()),
            linked_by=actor.author_id,
        )
    )


def repairs_of(session: Session, complaint_id: int) -> list[LinkedRepair]:
    rows = session.exec(
        select(RepairOrder, Unit.label, ComplaintRepair.cross_unit)
        .join(ComplaintRepair, col(ComplaintRepair.repair_id) == RepairOrder.id)
        .outerjoin(Unit, col(Unit.id) == RepairOrder.unit_id)
        .where(ComplaintRepair.complaint_id == complaint_id)
        .order_by(col(RepairOrder.reported_at), col(RepairOrder.id))
    ).all()
    return [
        LinkedRepair(
            stored_id(o),
            o.number,
            str(o.status),
            label or o.location or "",
            o.description,
            bool(cross),
        )
        for o, label, cross in rows
    ]


def complaints_of_repair(session: Session, repair_id: int) -> list[LinkedComplaint]:
    rows = session.exec(
        select(Complaint)
        .join(ComplaintRepair, col(ComplaintRepair.complaint_id) == Complaint.id)
        .where(ComplaintRepair.repair_id == repair_id)
        .order_by(col(Complaint.received_at), col(Complaint.id))
    ).all()
    return [
        LinkedComplaint(stored_id(c), c.number, str(c.status), c.who_name, c.content) for c in rows
    ]


def complaints_of_party(
    session: Session,
    *,
    resident_id: int | None = None,
    company_id: int | None = None,
    limit: int = 50,
) -> list[LinkedComplaint]:
    """The complaints a resident or a company made, newest first."""
    if resident_id is None and company_id is None:
        return []
    where: list[ColumnElement[bool]] = []
    if resident_id is not None:
        where.append(col(Complaint.resident_id) == resident_id)
    if company_id is not None:
        where.append(col(Complaint.company_id) == company_id)
    rows = session.exec(
        select(Complaint)
        .where(or_(*where))
        .order_by(col(Complaint.received_at).desc())
        .limit(limit)
    ).all()
    return [
        LinkedComplaint(stored_id(c), c.number, str(c.status), c.who_name, c.content) for c in rows
    ]


def unit_id_of(session: Session, label: str | None, *, field: str = "unit") -> int | None:
    """The unit typed at the desk (12-1203, any case); None if nothing typed."""
    text = (label or "").strip()
    if not text:
        return None
    unit = session.exec(select(Unit).where(Unit.label == text)).first()
    if unit is None:
        unit = session.exec(select(Unit).where(col(Unit.label).ilike(text))).first()
    if unit is None:
        raise InvalidInput(
            _("There is no unit {unit}; type it like 12-1203.").format(unit=text), field=field
        )
    return unit.id


def on_record(
    session: Session, *, unit_id: int | None, name: str | None, kind: str | None = None
) -> tuple[int | None, int | None]:
    """(resident_id, company_id) of the one person or company on record whose unit and name
    match what the desk typed (issue 21: a complaint or public-area request taken at the desk
    links to its resident or company); (None, None) when none or more than one matches.
    `kind` "resident" or "company" looks only there; anything else looks at both."""
    text = " ".join((name or "").split())
    if unit_id is None or not text:
        return None, None
    if kind != "company":
        people = session.exec(
            select(Resident.id)
            .where(
                Resident.unit_id == unit_id,
                Resident.active,
                func.lower(Resident.name) == text.lower(),
            )
            .limit(2)
        ).all()
        if len(people) == 1:
            return people[0], None
        if people:
            return None, None
    if kind != "resident":
        firms = session.exec(
            select(Company.id)
            .where(
                Company.unit_id == unit_id, Company.active, func.lower(Company.name) == text.lower()
            )
            .limit(2)
        ).all()
        if len(firms) == 1:
            return None, firms[0]
    return None, None


def party_of(session: Session, row: Complaint) -> str:
    """Who complained, as the register knows them: "resident 张三 (12-1203)"; "" if not linked."""
    if row.resident_id is not None:
        person = session.get(Resident, row.resident_id)
        if person is not None:
            unit = session.get(Unit, person.unit_id) if person.unit_id else None
            return _("resident {name}").format(name=person.name) + (
                f" ({unit.label})" if unit else ""
            )
    if row.company_id is not None:
        company = session.get(Company, row.company_id)
        if company is not None:
            return _("company {name}").format(name=company.name)
    return ""
