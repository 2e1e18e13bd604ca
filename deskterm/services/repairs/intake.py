"""Repair intake (报修接待, D-30, D-31, D-35, D-37): the order, its number and its deadlines.

On save the order gets its number (R20261128-0003) and its deadlines from rules.sla under
settings.sla; a repeat of a repair completed within the warranty (D-35) links to it and is
charged nothing.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import func
from sqlmodel import Session, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.estate import Resident, Unit
from deskterm.models.repair import (
    DONE_REPAIR_STATUSES,
    RepairCategory,
    RepairChannel,
    RepairClass,
    RepairEvent,
    RepairOrder,
    RepairOrderCreate,
    RepairScope,
    RepairStatus,
)
from deskterm.rules import repair_class as classes
from deskterm.rules.sla import deadlines_for
from deskterm.rules.warranty import find_warranty_match, in_warranty
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.numbering import next_number
from deskterm.services.permissions import require
from deskterm.services.repairs.base import ENTITY, plain

NUMBER_PREFIX = "R"


def _norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().casefold()


# -- reference look-ups the intake form needs --------------------------------------------------
def list_categories(*, session: Session, scope: RepairScope | str | None = None) -> list[RepairCategory]:
    """The D-30 categories in list order; for a scope, those that apply to it."""
    stmt = select(RepairCategory).order_by(RepairCategory.sort, RepairCategory.code)
    if scope:
        stmt = stmt.where(RepairCategory.scope.in_([str(getattr(scope, "value", scope)), "any"]))
    return list(session.exec(stmt))


@lru_cache(maxsize=512)
def _initials(name: str) -> tuple[str, str]:
    from deskterm.rules.pinyin import pinyin_keys

    return pinyin_keys(name)


def match_categories(categories: list[RepairCategory], text: str) -> list[RepairCategory]:
    """Categories whose code, Chinese or English name, pinyin or initials contain `text`,
    best first: a name or word that starts with it ("door" → "Door or lock"), then the
    initials, then the text inside a word ("indoor wiring" last), so the first match is
    the likely one and a door is not saved as an urgent power cut."""
    needle = _norm(text).replace(" ", "")
    if not needle:
        return list(categories)
    ranked = []
    for order, cat in enumerate(categories):
        full, initials = _initials(cat.name_zh)
        words = [*_norm(cat.name_en).replace("-", " ").split(), *cat.code.casefold().split("_")]
        keys = (cat.code.casefold(), _norm(cat.name_zh), _norm(cat.name_en).replace(" ", ""), full)
        if any(key.startswith(needle) for key in keys) or any(w.startswith(needle) for w in words):
            rank = 0
        elif initials.startswith(needle):
            rank = 1
        elif any(needle in key for key in keys):
            rank = 2
        else:
            continue
        ranked.append((rank, order, cat))
    return [cat for _rank, _order, cat in sorted(ranked, key=lambda r: (r[0], r[1]))]


def resolve_unit(*, session: Session, text: str) -> Unit | None:
    """The unit a desk typed: its label ("12-1203", any case or width), or a unique number."""
    wanted = _norm(text).replace(" ", "").replace("－", "-")
    if not wanted:
        return None
    unit = session.exec(select(Unit).where(func.lower(Unit.label) == wanted)).first()
    if unit is not None:
        return unit
    matches = list(session.exec(select(Unit).where(Unit.number == wanted).limit(2)))
    return matches[0] if len(matches) == 1 else None


def residents_of_unit(*, session: Session, unit_id: int) -> list[Resident]:
    """Active residents of a unit, owners first (the usual reporter)."""
    stmt = select(Resident).where(Resident.unit_id == unit_id, Resident.active.is_(True))
    rows = list(session.exec(stmt.order_by(Resident.id)))
    return sorted(rows, key=lambda r: (r.relation != "owner", r.id or 0))


# -- warranty (D-35) ---------------------------------------------------------------------------
def find_warranty_candidate(
    *,
    session: Session,
    settings: Settings,
    now: datetime,
    category_code: str,
    scope: RepairScope | str = RepairScope.household,
    unit_id: int | None = None,
    location: str = "",
) -> RepairOrder | None:
    """The latest repair of the same unit (or public location) and category still in warranty."""
    scope = RepairScope(scope)
    stmt = select(RepairOrder.id, RepairOrder.repaired_at, RepairOrder.location).where(
        RepairOrder.category_code == category_code,
        RepairOrder.status.in_([s.value for s in DONE_REPAIR_STATUSES]),
        RepairOrder.repaired_at.is_not(None),
        # A coarse bound (a month is never longer than 31 days); the rule decides exactly.
        RepairOrder.repaired_at >= as_utc(now) - timedelta(days=31 * settings.warranty_months + 1),
        RepairOrder.scope == scope.value,
    )
    if scope == RepairScope.household:
        if unit_id is None:
            return None
        stmt = stmt.where(RepairOrder.unit_id == unit_id)
    else:
        if not _norm(location):
            return None
    rows = session.exec(stmt).all()
    if scope == RepairScope.public:
        rows = [row for row in rows if _norm(row[2]) == _norm(location)]
    match = find_warranty_match(
        [(row[0], row[1]) for row in rows], as_utc(now), settings.warranty_months, settings.timezone
    )
    return session.get(RepairOrder, match) if match is not None else None


# -- the order --------------------------------------------------------------------------------
def _category(session: Session, code: str) -> RepairCategory:
    category = session.get(RepairCategory, (code or "").strip())
    if category is None:
        raise InvalidInput(
            _("Choose a repair category from the list (D-30)."), field="category_code"
        )
    return category


def _repair_class(category: RepairCategory, order_in: RepairOrderCreate) -> RepairClass:
    override = order_in.repair_class
    cats = [
        classes.Category(
            category.code, category.name_zh, category.name_en,
            str(getattr(category.repair_class, "value", category.repair_class)),
            category.scope, category.sort,
        )
    ]
    try:
        chosen = classes.classify(
            category.code, cats, None if override is None else RepairClass(override).value,
            order_in.override_reason,
        )
    except ValueError:
        raise InvalidInput(
            _("Changing the class the category sets needs a reason."), field="override_reason"
        ) from None
    return RepairClass(chosen)


def _check_where(session: Session, order_in: RepairOrderCreate, category: RepairCategory) -> None:
    scope = RepairScope(order_in.scope)
    if category.scope not in ("any", scope.value):
        if scope == RepairScope.household:
            message = _("This category is for public facilities; choose a household one.")
        else:
            message = _("This category is for households; choose one for public facilities.")
        raise InvalidInput(message, field="category_code")
    if scope == RepairScope.household:
        if order_in.unit_id is None:
            raise InvalidInput(_("A household repair needs the unit (e.g. 12-1203)."), field="unit")
        if session.get(Unit, order_in.unit_id) is None:
            raise InvalidInput(_("There is no such unit."), field="unit")
    elif not order_in.location.strip():
        raise InvalidInput(
            _("A public-facility repair needs the location or equipment."), field="location"
        )


def _check_warranty(
    session: Session, settings: Settings, order_in: RepairOrderCreate, now: datetime
) -> RepairOrder | None:
    """The order a warranty repeat links to: same place and category, repaired in warranty."""
    if order_in.warranty_of_id is None:
        return None
    previous = session.get(RepairOrder, order_in.warranty_of_id)
    household = RepairScope(order_in.scope) == RepairScope.household
    same_place = previous is not None and (
        previous.unit_id == order_in.unit_id
        if household
        else _norm(previous.location) == _norm(order_in.location)
    )
    if (
        previous is None
        or not same_place
        or previous.scope != RepairScope(order_in.scope)
        or previous.category_code != order_in.category_code
        or previous.repaired_at is None
        or not in_warranty(previous.repaired_at, now, settings.warranty_months, settings.timezone)
    ):
        raise InvalidInput(
            _("That order is not a repair of this place and category under warranty."),
            field="warranty_of_id",
        )
    return previous


def _resident_phone(session: Session, order_in: RepairOrderCreate, reporter: str) -> str:
    """The phone on file of the reporter, a resident of the unit: the desk need not (and, by
    the privacy rule, cannot) see or retype it."""
    if order_in.scope != RepairScope.household or order_in.unit_id is None:
        return ""
    for resident in residents_of_unit(session=session, unit_id=order_in.unit_id):
        if resident.name == reporter and resident.phone:
            return resident.phone
    return ""


def create_repair_order(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order_in: RepairOrderCreate,
) -> RepairOrder:
    """Record a repair request; number it and set its deadlines (D-31) in one transaction."""
    require(actor, "repairs.intake")
    try:  # the form offers lists; anything else is refused, not stored
        RepairScope(order_in.scope)
        RepairChannel(order_in.channel)
    except ValueError:
        raise InvalidInput(_("Choose from the list."), field="scope") from None
    now = as_utc(clock.now())
    reporter = order_in.reporter_name.strip()
    description = order_in.description.strip()
    if not reporter:
        raise InvalidInput(_("Who reported it? Enter the reporter's name."), field="reporter_name")
    if not description:
        raise InvalidInput(_("Say what is wrong."), field="description")
    category = _category(session, order_in.category_code)
    _check_where(session, order_in, category)
    repair_class = _repair_class(category, order_in)
    if order_in.appointment_at is not None:
        if repair_class == RepairClass.urgent:
            raise InvalidInput(
                _("An urgent repair is attended at once; it takes no appointment."),
                field="appointment_at",
            )
        if as_utc(order_in.appointment_at) <= now:
            raise InvalidInput(_("The appointment must be in the future."), field="appointment_at")
    previous = _check_warranty(session, settings, order_in, now)
    contact = order_in.reporter_contact.strip() or _resident_phone(session, order_in, reporter)
    deadlines = deadlines_for(repair_class.value, now, settings.sla)
    overridden = repair_class != RepairClass(category.repair_class)
    order = RepairOrder(
        scope=RepairScope(order_in.scope),
        unit_id=order_in.unit_id if order_in.scope == RepairScope.household else None,
        location=order_in.location.strip(),
        channel=order_in.channel,
        reporter_name=reporter,
        reporter_contact=contact,
        category_code=category.code,
        description=description,
        appointment_at=order_in.appointment_at and as_utc(order_in.appointment_at),
        number=next_number(session=session, prefix=NUMBER_PREFIX, at=now, tz=settings.timezone),
        repair_class=repair_class,
        override_reason=((order_in.override_reason or "").strip() or None) if overridden else None,
        reported_at=now,
        reported_by=actor.user_id,
        shift_id=actor.shift_id,
        onsite_due_at=deadlines.onsite_due,
        fix_due_at=deadlines.fix_due,
        status=RepairStatus.reported,
        warranty_of_id=previous.id if previous else None,
    )
    session.add(order)
    session.flush()
    session.add(
        RepairEvent(
            order_id=order.id, at=now, user_id=actor.user_id, action="create",
            from_status=None, to_status=RepairStatus.reported.value, version=order.version,
            note=order.override_reason or "",
        )
    )
    audit.record(
        session=session, actor=actor, clock=clock, action="repair.create", entity=ENTITY,
        subject=order,
        detail={
            "number": order.number,
            "class": str(order.repair_class),
            "category": order.category_code,
            "fix_due_at": plain(order.fix_due_at),
            "onsite_due_at": plain(order.onsite_due_at),
            "warranty_of": previous.number if previous else None,
            "override_reason": order.override_reason,
        },
    )
    return order
