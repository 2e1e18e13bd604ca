"""Repair intake (报修接待, D-30, D-31, D-35, D-37): the order, its number and its deadlines.

On save the order gets its number (R20261128-0003) and its deadlines from rules.sla under
settings.sla, counted from when the resident reported it (which may be earlier than the
typing: case 1's call before the visit). A repeat of a repair completed within the warranty
(D-35) links to it by default and is charged nothing; not linking it needs a reason. An
appointment after the fix deadline is taken only when the resident chose it, and recorded.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import stored_id
from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.estate import Resident, Unit
from deskterm.models.repair import (
    RepairCategory,
    RepairClass,
    RepairEvent,
    RepairOrder,
    RepairOrderCreate,
    RepairScope,
    RepairStatus,
)
from deskterm.rules import repair_class as classes
from deskterm.rules.sla import deadlines_for
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.numbering import next_number
from deskterm.services.permissions import require
from deskterm.services.repairs.base import ENTITY, plain
from deskterm.services.repairs.labels import category_name
from deskterm.services.repairs.warranty import (
    find_warranty_candidate,
    warranty_target,
)

NUMBER_PREFIX = "R"


def _norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().casefold()


# -- reference look-ups the intake form needs --------------------------------------------------
def list_categories(
    *, session: Session, scope: RepairScope | str | None = None
) -> list[RepairCategory]:
    """The D-30 categories a new order may choose (not retired), in list order; for a scope,
    those that apply to it."""
    stmt = (
        select(RepairCategory)
        .where(col(RepairCategory.active).is_(True))
        .order_by(col(RepairCategory.sort), col(RepairCategory.code))
    )
    if scope:
        stmt = stmt.where(
            col(RepairCategory.scope).in_([str(getattr(scope, "value", scope)), "any"])
        )
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
    stmt = select(Resident).where(Resident.unit_id == unit_id, col(Resident.active).is_(True))
    rows = list(session.exec(stmt.order_by(col(Resident.id))))
    return sorted(rows, key=lambda r: (r.relation != "owner", r.id or 0))


# -- the order --------------------------------------------------------------------------------
def _category(session: Session, code: str) -> RepairCategory:
    category = session.get(RepairCategory, (code or "").strip())
    if category is None:
        raise InvalidInput(_("Choose a repair category from the list."), field="category_code")
    if not category.active:  # retired by an admin: orders that have it keep it
        raise InvalidInput(
            _("The category {name} is no longer used; choose another from the list.").format(
                name=category_name(category)
            ),
            field="category_code",
        )
    return category


def _repair_class(category: RepairCategory, order_in: RepairOrderCreate) -> RepairClass:
    override = order_in.repair_class
    cats = [
        classes.Category(
            category.code,
            category.name_zh,
            category.name_en,
            str(getattr(category.repair_class, "value", category.repair_class)),
            category.scope,
            category.sort,
        )
    ]
    try:
        chosen = classes.classify(
            category.code,
            cats,
            None if override is None else RepairClass(override).value,
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
    elif not order_in.location:
        raise InvalidInput(
            _("A public-facility repair needs the location or equipment."), field="location"
        )


def _check_warranty(
    session: Session, settings: Settings, order_in: RepairOrderCreate, now: datetime
) -> tuple[RepairOrder | None, str | None]:
    """D-35: the order this one repeats under warranty (linked by default) and, when the desk
    does not link a repeat it was offered, the reason why."""
    if order_in.warranty_of_id is not None:
        previous = warranty_target(
            session,
            settings,
            previous_id=order_in.warranty_of_id,
            scope=order_in.scope,
            unit_id=order_in.unit_id,
            location=order_in.location,
            category_code=order_in.category_code,
            now=now,
        )
        return previous, None
    candidate = find_warranty_candidate(
        session=session,
        settings=settings,
        now=now,
        category_code=order_in.category_code,
        scope=order_in.scope,
        unit_id=order_in.unit_id,
        location=order_in.location,
    )
    if candidate is None:
        return None, None
    reason = order_in.warranty_opt_out_reason  # validated: trimmed, at most 500 characters
    if not reason:
        return candidate, None  # linked by default
    return None, reason


def reported_time(settings: Settings, value: datetime | None, now: datetime) -> datetime:
    """When the resident reported it (D-31): not in the future, at most
    settings.repair_backdate_hours back; None means now."""
    if value is None:
        return now
    at = as_utc(value)
    if at > now + timedelta(minutes=1):
        raise InvalidInput(
            _("The time it was reported cannot be in the future."), field="reported_at"
        )
    if at < now - timedelta(hours=settings.repair_backdate_hours):
        raise InvalidInput(
            _(
                "A report more than {hours} hours ago cannot be backdated; take it as reported "
                "now and say when it was first reported in the fault."
            ).format(hours=settings.repair_backdate_hours),
            field="reported_at",
        )
    return min(at, now)


def appointment_after_deadline(appointment: datetime | None, fix_due: datetime) -> bool:
    return appointment is not None and as_utc(appointment) > as_utc(fix_due)


def check_appointment(
    appointment: datetime | None,
    fix_due: datetime,
    resident_chose_later: bool,
    tz: str,
) -> bool:
    """An appointment after the fix deadline is refused unless the resident chose it; returns
    whether it is after the deadline (recorded on the order and apart in the SLA report)."""
    late = appointment_after_deadline(appointment, fix_due)
    if late and not resident_chose_later:
        raise InvalidInput(
            _(
                "The appointment is after the fix deadline ({due}); the deadline will be "
                "missed. Save again if the resident chose this later time."
            ).format(due=as_utc(fix_due).astimezone(ZoneInfo(tz)).strftime("%m-%d %H:%M")),
            field="appointment_at",
        )
    return late


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
    # `order_in` is validated (models.forms.validated): its fields (lists, lengths, the
    # reporter and the description given) are not checked again; the category, the unit,
    # the warranty and the clock are.
    now = as_utc(clock.now())
    reporter = order_in.reporter_name
    description = order_in.description
    category = _category(session, order_in.category_code)
    _check_where(session, order_in, category)
    repair_class = _repair_class(category, order_in)
    reported = reported_time(settings, order_in.reported_at, now)
    deadlines = deadlines_for(repair_class.value, reported, settings.sla)
    late_appointment = False
    if order_in.appointment_at is not None:
        if repair_class == RepairClass.urgent:
            raise InvalidInput(
                _("An urgent repair is attended at once; it takes no appointment."),
                field="appointment_at",
            )
        if as_utc(order_in.appointment_at) <= now:
            raise InvalidInput(_("The appointment must be in the future."), field="appointment_at")
        late_appointment = check_appointment(
            order_in.appointment_at,
            deadlines.fix_due,
            order_in.resident_chose_later,
            settings.timezone,
        )
    previous, opt_out = _check_warranty(session, settings, order_in, now)
    contact = order_in.reporter_contact or _resident_phone(session, order_in, reporter)
    overridden = repair_class != RepairClass(category.repair_class)
    order = RepairOrder(
        scope=RepairScope(order_in.scope),
        unit_id=order_in.unit_id if order_in.scope == RepairScope.household else None,
        location=order_in.location,
        channel=order_in.channel,
        reporter_name=reporter,
        reporter_contact=contact,
        category_code=category.code,
        description=description,
        appointment_at=order_in.appointment_at and as_utc(order_in.appointment_at),
        number=next_number(session=session, prefix=NUMBER_PREFIX, at=now, tz=settings.timezone),
        repair_class=repair_class,
        override_reason=(order_in.override_reason or None) if overridden else None,
        reported_at=reported,
        entered_at=now,
        appointment_after_deadline=late_appointment,
        reported_by=actor.author_id,
        shift_id=actor.shift_id,
        onsite_due_at=deadlines.onsite_due,
        fix_due_at=deadlines.fix_due,
        status=RepairStatus.reported,
        warranty_of_id=previous.id if previous else None,
        warranty_opt_out_reason=opt_out,
    )
    session.add(order)
    session.flush()
    session.add(
        RepairEvent(
            order_id=stored_id(order),
            at=now,
            user_id=actor.author_id,
            action="create",
            from_status=None,
            to_status=RepairStatus.reported.value,
            version=order.version,
            note=order.override_reason or "",
        )
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="repair.create",
        entity=ENTITY,
        subject=order,
        detail={
            "number": order.number,
            "class": str(order.repair_class),
            "category": order.category_code,
            "fix_due_at": plain(order.fix_due_at),
            "onsite_due_at": plain(order.onsite_due_at),
            "warranty_of": previous.number if previous else None,
            "warranty_opt_out_reason": opt_out,
            "override_reason": order.override_reason,
            # A backdated report is audited with both times (D-31: the clocks run from it).
            "reported_at": plain(reported) if reported < now else None,
            "entered_at": plain(now) if reported < now else None,
            "appointment_after_deadline": late_appointment or None,
        },
    )
    return order
