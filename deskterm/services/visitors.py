"""Visitor slips (D-4 to D-8): register, turn away, check out, correct, and who is on site.

A slip is filled only after an identity document was shown (D-5); the document number is
checked by rules.identity and only its masked form is stored. A walk-in's host is phoned
first (D-7): agreed gives a slip, refused gives no slip and a security line in the duty
logbook (D-10). The slip comes back when the visitor leaves (D-8); a lost slip is recorded.
Audit events name the slip number only, never the visitor, so a purge leaves no name behind.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.errors import DeskError, InvalidInput, NotFound, StaleEdit
from deskterm.i18n import N_, _
from deskterm.models.estate import Company, Resident, Unit
from deskterm.models.shift import LogbookEntry, LogCategory
from deskterm.models.visitor import (
    DenyEntry,
    DocType,
    ExpectedVisitor,
    HostCallMethod,
    HostCallResult,
    Purpose,
    SlipStatus,
    VisitorSlip,
    VisitorSlipCreate,
    VisitorSlipUpdate,
)
from deskterm.rules import identity
from deskterm.rules.numbering import PREFIXES, format_number, parse_number
from deskterm.rules.phone import normalise_phone
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.numbering import next_number
from deskterm.services.permissions import require

SLIP_PREFIX = PREFIXES["visitor"]

DOC_TYPE_LABELS = {
    DocType.resident_id: N_("Resident ID card"),
    DocType.passport: N_("Passport"),
    DocType.driving_licence: N_("Driving licence"),
    DocType.residence_permit: N_("Residence permit"),
    DocType.other: N_("Other document"),
    DocType.sighted: N_("Document sighted (no number)"),
    DocType.none: N_("No document"),
}
PURPOSE_LABELS = {
    Purpose.visit: N_("Visiting someone"),
    Purpose.delivery: N_("Delivery"),
    Purpose.renovation: N_("Renovation work"),
    Purpose.maintenance: N_("Maintenance"),
    Purpose.business: N_("Business"),
    Purpose.viewing: N_("Flat viewing"),
    Purpose.other: N_("Other"),
}
CALL_METHOD_LABELS = {
    HostCallMethod.phone: N_("Phone"),
    HostCallMethod.intercom: N_("Intercom"),
    HostCallMethod.in_person: N_("Came to the desk"),
}
CALL_RESULT_LABELS = {
    HostCallResult.agreed: N_("host agreed"),
    HostCallResult.refused: N_("host refused"),
    HostCallResult.no_answer: N_("no answer"),
}

# rules.identity speaks English without translation; its sentences map to ours by their start.
_ID_MESSAGES = (
    ("A resident ID number has 18", N_("An 18-character ID number is needed here; {n} characters were given.")),
    ("A resident ID number is 17", N_("An ID number is 17 digits followed by a digit or X.")),
    ("The birth date", N_("The birth date inside the ID number is not a real date.")),
    ("The resident ID number's check", N_("The ID number's check character does not match: please check for a typo.")),
    ("A passport number", N_("A passport number is 5 to 20 letters and digits.")),
    ("A document that was only sighted", N_("A document that was only sighted has no number.")),
    ("A document number is required", N_("Type the document number, or choose \"document sighted\".")),
    ("A document number is at most", N_("A document number is at most 32 printable characters.")),
)


class DenyListMatch(DeskError):
    """The visitor's name is on the deny list: a supervisor must decide (the form is kept)."""

    def __init__(self, entry: DenyEntry) -> None:
        super().__init__(
            _("{name} is on the deny list: {reason}. A supervisor must decide.").format(
                name=entry.name, reason=entry.reason
            )
        )
        self.entry_id = entry.id
        self.name = entry.name
        self.reason = entry.reason


@dataclass(frozen=True)
class DenyOverride:
    """A supervisor, signed in at the desk, let a deny-listed visitor in."""

    supervisor: Actor
    entry_id: int


@dataclass(frozen=True)
class CleanSlip:
    """A validated registration: what would be written, with the document already masked."""

    visitor_name: str
    headcount: int
    doc_type: DocType
    doc_masked: str | None
    phone: str | None
    host_resident_id: int | None
    host_company_id: int | None
    host_unit_id: int | None
    host_text: str
    purpose: str
    purpose_text: str
    plate: str | None
    host_call_method: str | None
    host_call_result: HostCallResult | None
    expected_id: int | None


# -- small helpers shared by the screens ---------------------------------------------------------
def label(labels: dict, value: Any) -> str:
    """The translated label of an enum value (or the value itself when unknown)."""
    try:
        return _(labels[type(next(iter(labels)))(value)])
    except (ValueError, KeyError, StopIteration):
        return str(value or "")


def doc_shown(doc_masked: str | None) -> str:
    """A stored masked document for display: "Resident ID card ****123X"."""
    if not doc_masked:
        return ""
    kind, _sep, tail = doc_masked.partition(" ")
    return f"{label(DOC_TYPE_LABELS, kind)} {tail}".strip()


def parse_headcount(text: str) -> int:
    value = unicodedata.normalize("NFKC", text or "").strip() or "1"
    if not value.isdigit() or not 1 <= int(value) <= 200:
        raise InvalidInput(_("The number of visitors is a whole number from 1 to 200."),
                           field="headcount")
    return int(value)


def name_key(name: str) -> str:
    """A name as compared with the deny list: width, case, spaces and middle dots ignored."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "·.•-")


def canonical_slip_number(text: str) -> str:
    """A typed or scanned slip number in its stored form; lower case and spaces accepted."""
    try:  # NFKC: a Chinese input method may type full-width letters and digits
        prefix, day, seq = parse_number(unicodedata.normalize("NFKC", text or ""))
    except ValueError:
        raise InvalidInput(
            _("\"{text}\" is not a slip number like V20261128-0007.").format(text=(text or "").strip()),
            field="number",
        ) from None
    if prefix != SLIP_PREFIX:
        raise InvalidInput(
            _("{number} is not a visitor slip number (those start with V).").format(
                number=format_number(prefix, day, seq)),
            field="number",
        )
    return format_number(prefix, day, seq)


def local_time(at: datetime, settings: Settings, fmt: str = "%H:%M") -> str:
    return as_utc(at).astimezone(ZoneInfo(settings.timezone)).strftime(fmt)


# -- validation ----------------------------------------------------------------------------------
def clean_text(value: str | None, *, field: str, limit: int, required_msg: str | None = None) -> str:
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text and required_msg:
        raise InvalidInput(required_msg, field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("This field takes at most {n} characters.").format(n=limit), field=field
        )
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InvalidInput(_("Control characters are not allowed here."), field=field)
    return text


def check_document(doc_type: DocType | str, number: str | None) -> str | None:
    """The masked form of a document as it would be stored; InvalidInput if it is wrong."""
    try:
        kind = DocType(doc_type)
    except ValueError:
        raise InvalidInput(_("Choose the type of document shown."), field="doc_type") from None
    return _masked_document(kind, number)


def _masked_document(doc_type: DocType, number: str | None) -> str | None:
    if doc_type == DocType.none:
        if number and number.strip():
            raise InvalidInput(_("No document was shown, so there is no number to type."),
                               field="doc_number")
        return None
    try:
        return identity.masked_document(doc_type.value, number)
    except identity.InvalidIdNumber as exc:
        text = str(exc)
        for start, message in _ID_MESSAGES:
            if text.startswith(start):
                digits = unicodedata.normalize("NFKC", number or "")
                n = len("".join(digits.split()))
                raise InvalidInput(_(message).format(n=n), field="doc_number") from None
        raise InvalidInput(_("The document number is not valid: please check it."),
                           field="doc_number") from None


def _phone(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    phone = normalise_phone(value)
    digits = phone.lstrip("+")
    if not 5 <= len(digits) <= 20:
        raise InvalidInput(_("A phone number has 5 to 20 digits."), field="phone")
    return phone


def _plate(value: str | None) -> str | None:
    text = "".join(unicodedata.normalize("NFKC", value or "").split()).upper().replace("·", "")
    if not text:
        return None
    if not 2 <= len(text) <= 10 or not all(ch.isalnum() for ch in text):
        raise InvalidInput(_("A vehicle plate is 2 to 10 letters and digits, like 粤B12345."),
                           field="plate")
    return text


def _host_label(session: Session, unit_id: int | None, name: str) -> str:
    """How a slip names its host: "12-1203 张三" (as HostChoice.text)."""
    unit = session.get(Unit, unit_id) if unit_id else None
    return f"{unit.label} {name}" if unit else name


def resolve_host(session: Session, slip_in: VisitorSlipCreate) -> tuple[int | None, int | None, int | None, str]:
    resident_id, company_id, unit_id = (slip_in.host_resident_id, slip_in.host_company_id,
                                        slip_in.host_unit_id)
    text = clean_text(slip_in.host_text, field="host", limit=128)
    if resident_id is not None:
        resident = session.get(Resident, resident_id)
        if resident is None:
            raise InvalidInput(_("That resident is no longer in the register."), field="host")
        unit_id = resident.unit_id
        text = text or _host_label(session, unit_id, resident.name)
    elif company_id is not None:
        company = session.get(Company, company_id)
        if company is None:
            raise InvalidInput(_("That company is no longer in the register."), field="host")
        unit_id = company.unit_id
        text = text or _host_label(session, unit_id, company.name)
    elif unit_id is not None:
        unit = session.get(Unit, unit_id)
        if unit is None:
            raise InvalidInput(_("That unit is not in the register."), field="host")
        text = text or unit.label
    if not text:
        raise InvalidInput(_("Whom is the visitor visiting? Find the host by name, unit or "
                             "pinyin initials."), field="host")
    return resident_id, company_id, unit_id, text


def validate_slip(*, session: Session, slip_in: VisitorSlipCreate) -> CleanSlip:
    """Check a registration form field by field; the first problem raises InvalidInput."""
    name = clean_text(slip_in.visitor_name, field="visitor_name", limit=64,
                 required_msg=_("Type the visitor's name."))
    headcount = slip_in.headcount
    if not isinstance(headcount, int) or not 1 <= headcount <= 200:
        raise InvalidInput(_("The number of visitors is a whole number from 1 to 200."),
                           field="headcount")
    try:
        doc_type = DocType(slip_in.doc_type)
    except ValueError:
        raise InvalidInput(_("Choose the type of document shown."), field="doc_type") from None
    doc_masked = _masked_document(doc_type, slip_in.doc_number)
    phone = _phone(slip_in.phone)
    resident_id, company_id, unit_id, host_text = resolve_host(session, slip_in)
    try:
        purpose = Purpose(slip_in.purpose or Purpose.visit).value
    except ValueError:
        raise InvalidInput(_("Choose the purpose of the visit."), field="purpose") from None
    purpose_text = clean_text(slip_in.purpose_text, field="purpose_text", limit=256)
    if purpose == Purpose.other and not purpose_text:
        raise InvalidInput(_("Say what the visit is for."), field="purpose_text")
    method = slip_in.host_call_method or None
    if method is not None:
        try:
            method = HostCallMethod(method).value
        except ValueError:
            raise InvalidInput(_("Choose how the host was reached."), field="host_call_method") from None
    result = HostCallResult(slip_in.host_call_result) if slip_in.host_call_result else None
    return CleanSlip(
        visitor_name=name, headcount=headcount, doc_type=doc_type, doc_masked=doc_masked,
        phone=phone, host_resident_id=resident_id, host_company_id=company_id,
        host_unit_id=unit_id, host_text=host_text, purpose=purpose, purpose_text=purpose_text,
        plate=_plate(slip_in.plate), host_call_method=method, host_call_result=result,
        expected_id=slip_in.expected_id,
    )


def host_call_needed(slip_in: VisitorSlipCreate) -> bool:
    """A walk-in (not announced in advance) is let in only after the host is called (D-7)."""
    return slip_in.expected_id is None


def _check_host_call(clean: CleanSlip) -> None:
    if clean.expected_id is not None:
        return
    if clean.host_call_result is None:
        raise InvalidInput(_("Call the host first and record what they said."),
                           field="host_call_result")
    if clean.host_call_method is None:
        raise InvalidInput(_("Choose how the host was reached."), field="host_call_method")
    if clean.host_call_result == HostCallResult.refused:
        raise InvalidInput(_("The host refused: the visitor is turned away, no slip is issued."),
                           field="host_call_result")
    if clean.host_call_result == HostCallResult.no_answer and clean.doc_type == DocType.none:
        raise InvalidInput(
            _("A visitor without a document is let in only when the host agrees."),
            field="host_call_result",
        )


# -- the deny list -------------------------------------------------------------------------------
def find_deny_match(*, session: Session, name: str) -> DenyEntry | None:
    """The active deny-list entry with this name (the list is short: compared in full)."""
    key = name_key(name)
    if not key:
        return None
    for entry in session.exec(select(DenyEntry).where(DenyEntry.active == True)):  # noqa: E712
        if name_key(entry.name) == key:
            return entry
    return None


def _check_deny(session: Session, actor: Actor, clock: Clock, clean: CleanSlip,
                override: DenyOverride | None) -> DenyEntry | None:
    entry = find_deny_match(session=session, name=clean.visitor_name)
    if entry is None:
        return None
    if override is None or override.entry_id != entry.id:
        raise DenyListMatch(entry)
    require(override.supervisor, "visitors.deny_override")
    return entry


# -- register ------------------------------------------------------------------------------------
def _current_expected(session: Session, expected_id: int) -> ExpectedVisitor:
    expected = session.get(ExpectedVisitor, expected_id)
    if expected is None or expected.cancelled:
        raise NotFound(_("That expected visitor is no longer on the list."))
    if expected.arrived_slip_id is not None:
        raise InvalidInput(_("That expected visitor has already arrived and has a slip."),
                           field="expected_id")
    return expected


def register_slip(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    slip_in: VisitorSlipCreate,
    deny_override: DenyOverride | None = None,
) -> VisitorSlip:
    """Issue a slip (D-5): validate, check the deny list, number it, audit it."""
    require(actor, "visitors.register")
    clean = validate_slip(session=session, slip_in=slip_in)
    expected = _current_expected(session, clean.expected_id) if clean.expected_id else None
    _check_host_call(clean)
    entry = _check_deny(session, actor, clock, clean, deny_override)
    now = as_utc(clock.now())
    slip = VisitorSlip(
        number=next_number(session=session, prefix=SLIP_PREFIX, at=now, tz=settings.timezone),
        visitor_name=clean.visitor_name, headcount=clean.headcount, doc_type=clean.doc_type,
        doc_masked=clean.doc_masked, phone=clean.phone, host_resident_id=clean.host_resident_id,
        host_company_id=clean.host_company_id, host_unit_id=clean.host_unit_id,
        host_text=clean.host_text, purpose=clean.purpose, purpose_text=clean.purpose_text,
        plate=clean.plate, host_call_method=clean.host_call_method,
        host_call_result=clean.host_call_result, expected_id=clean.expected_id,
        checked_in_at=now, checked_in_by=actor.user_id, shift_id=actor.shift_id,
        status=SlipStatus.on_site,
        deny_entry_id=entry.id if entry else None,
        deny_decided_by=deny_override.supervisor.user_id if entry and deny_override else None,
    )
    session.add(slip)
    session.flush()
    if entry is not None:
        audit.record(session=session, actor=deny_override.supervisor, clock=clock,
                     action="visitor.deny_override", entity="deny_entry", entity_id=entry.id,
                     detail={"allowed": True, "slip": slip.number, "operator": actor.code})
    if expected is not None:
        expected.arrived_slip_id = slip.id
        session.add(expected)
    audit.record(session=session, actor=actor, clock=clock, action="visitor.register",
                 entity="visitor_slip", subject=slip,
                 detail={"number": slip.number, "expected_id": clean.expected_id,
                         "host_call": clean.host_call_result})
    return slip


def check_in_expected(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    expected_id: int,
    doc_type: DocType | str = DocType.sighted,
    doc_number: str | None = None,
    deny_override: DenyOverride | None = None,
) -> VisitorSlip:
    """An announced visitor arrives: the slip is made from the announcement (two keys)."""
    expected = _current_expected(session, expected_id)
    slip_in = VisitorSlipCreate.model_construct(
        visitor_name=expected.visitor_name, headcount=expected.headcount, doc_type=doc_type,
        doc_number=doc_number, phone=None, host_resident_id=expected.host_resident_id,
        host_company_id=expected.host_company_id, host_unit_id=expected.host_unit_id,
        host_text=expected.host_text, purpose=expected.purpose, purpose_text=expected.note,
        plate=None, host_call_method=None, host_call_result=None, expected_id=expected.id,
    )
    return register_slip(session=session, actor=actor, clock=clock, settings=settings,
                         slip_in=slip_in, deny_override=deny_override)


class TurnAwayCause:
    host_refused = "host_refused"
    no_answer = "no_answer"
    deny_list = "deny_list"


_TURN_AWAY_TEXT = {
    TurnAwayCause.host_refused: N_("Visitor {name} ({count}) asked for {host}; the host refused "
                                   "by {method}. Not let in, no slip issued."),
    TurnAwayCause.no_answer: N_("Visitor {name} ({count}) asked for {host}; the host could not "
                                "be reached by {method}. Not let in, no slip issued."),
    TurnAwayCause.deny_list: N_("Visitor {name} ({count}) asked for {host}; the name is on the "
                                "deny list and supervisor {supervisor} refused entry."),
}


def turn_away(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    slip_in: VisitorSlipCreate,
    cause: str,
    supervisor: Actor | None = None,
    deny_entry_id: int | None = None,
) -> LogbookEntry:
    """No slip: the visitor is not let in. The duty logbook gets a security line (D-7, D-10)."""
    require(actor, "visitors.register")
    name = clean_text(slip_in.visitor_name, field="visitor_name", limit=64,
                 required_msg=_("Type the visitor's name."))
    _rid, _cid, unit_id, host_text = resolve_host(session, slip_in)
    if cause not in _TURN_AWAY_TEXT:
        raise ValueError(f"unknown turn-away cause {cause!r}")
    if cause == TurnAwayCause.deny_list:
        if supervisor is None or deny_entry_id is None:
            raise InvalidInput(_("A supervisor must decide on a deny-list match."))
        require(supervisor, "visitors.deny_override")
    method = slip_in.host_call_method or HostCallMethod.phone.value
    now = as_utc(clock.now())
    unit = session.get(Unit, unit_id) if unit_id else None
    entry = LogbookEntry(
        occurred_at=now,
        category=LogCategory.security,
        location=unit.label if unit else "",
        what=_(_TURN_AWAY_TEXT[cause]).format(
            name=name, count=slip_in.headcount or 1, host=host_text,
            method=label(CALL_METHOD_LABELS, method),
            supervisor=supervisor.name if supervisor else ""),
        action_taken=_("Visitor turned away at the desk."),
        recorded_at=now,
        user_id=actor.user_id,
        shift_id=actor.shift_id,
    )
    if cause == TurnAwayCause.deny_list:
        audit.record(session=session, actor=supervisor, clock=clock,
                     action="visitor.deny_override", entity="deny_entry", entity_id=deny_entry_id,
                     detail={"allowed": False, "operator": actor.code})
    audit.record(session=session, actor=actor, clock=clock, action="visitor.turned_away",
                 entity="logbook_entry", subject=entry, detail={"cause": cause})
    return entry


# -- check-out -----------------------------------------------------------------------------------
def find_slip(*, session: Session, number: str) -> VisitorSlip:
    """The slip with this number (typed or scanned)."""
    canonical = canonical_slip_number(number)
    slip = session.exec(select(VisitorSlip).where(VisitorSlip.number == canonical)).first()
    if slip is None:
        raise NotFound(_("No slip has the number {number}.").format(number=canonical))
    return slip


def check_out(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    number: str | None = None,
    slip_id: int | None = None,
    slip_returned: bool = True,
) -> VisitorSlip:
    """The visitor leaves (D-8): the slip comes back, or is recorded as lost."""
    require(actor, "visitors.checkout")
    if number is not None:
        canonical = canonical_slip_number(number)
        stmt = select(VisitorSlip).where(VisitorSlip.number == canonical)
    elif slip_id is not None:
        canonical = None
        stmt = select(VisitorSlip).where(VisitorSlip.id == slip_id)
    else:
        raise InvalidInput(_("Type or scan the slip number."), field="number")
    slip = session.exec(stmt.with_for_update()).first()
    if slip is None:
        raise NotFound(_("No slip has the number {number}.").format(number=canonical or slip_id))
    if slip.status == SlipStatus.left:
        raise InvalidInput(
            _("Slip {number} was already checked out at {time}.").format(
                number=slip.number, time=local_time(slip.checked_out_at, settings, "%m-%d %H:%M")),
            field="number",
        )
    slip.status = SlipStatus.left
    slip.checked_out_at = as_utc(clock.now())
    slip.checked_out_by = actor.user_id
    slip.slip_returned = bool(slip_returned)
    slip.version += 1
    session.add(slip)
    audit.record(session=session, actor=actor, clock=clock, action="visitor.checkout",
                 entity="visitor_slip", subject=slip,
                 detail={"number": slip.number, "slip_returned": bool(slip_returned)})
    return slip


# -- corrections ---------------------------------------------------------------------------------
_EDITABLE = ("visitor_name", "headcount", "phone", "purpose", "purpose_text", "plate")
FIELD_LABELS = {"visitor_name": N_("Visitor"), "headcount": N_("People"), "phone": N_("Phone"),
                "purpose": N_("Purpose"), "purpose_text": N_("Note"), "plate": N_("Plate"),
                "status": N_("State")}


def slip_snapshot(slip: VisitorSlip) -> dict[str, Any]:
    """The editable fields as a screen loaded them (passed back to detect others' changes)."""
    return {f: getattr(slip, f) for f in (*_EDITABLE, "status")}


def update_slip(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    slip_id: int,
    version: int,
    changes: VisitorSlipUpdate,
    seen: dict[str, Any] | None = None,
) -> VisitorSlip:
    """Correct a slip's details; refused if another desk saved it since it was opened."""
    require(actor, "visitors.register")
    slip = session.exec(select(VisitorSlip).where(VisitorSlip.id == slip_id).with_for_update()).first()
    if slip is None:
        raise NotFound(_("That slip no longer exists."))
    if slip.version != version:
        now = slip_snapshot(slip)
        differ = {k: (seen.get(k), v) for k, v in now.items() if seen and seen.get(k) != v}
        fields = ", ".join(_(FIELD_LABELS.get(k, k)) for k in differ) or _("its details")
        raise StaleEdit(
            _("Another desk changed slip {number} since you opened it ({fields}); nothing was "
              "saved. Open it again to see the changes.").format(number=slip.number, fields=fields),
            changes=differ,
        )
    values = changes.model_dump(exclude_unset=True)
    probe = VisitorSlipCreate.model_construct(
        visitor_name=values.get("visitor_name", slip.visitor_name),
        headcount=values.get("headcount", slip.headcount),
        doc_type=DocType.sighted, doc_number=None, phone=values.get("phone", slip.phone),
        host_resident_id=slip.host_resident_id, host_company_id=slip.host_company_id,
        host_unit_id=slip.host_unit_id, host_text=slip.host_text,
        purpose=values.get("purpose", slip.purpose),
        purpose_text=values.get("purpose_text", slip.purpose_text),
        plate=values.get("plate", slip.plate), host_call_method=None, host_call_result=None,
        expected_id=None,
    )
    clean = validate_slip(session=session, slip_in=probe)
    changed = []
    for field in _EDITABLE:
        new = getattr(clean, field)
        if field in values and getattr(slip, field) != new:
            setattr(slip, field, new)
            changed.append(field)
    if not changed:
        return slip
    slip.version += 1
    session.add(slip)
    audit.record(session=session, actor=actor, clock=clock, action="visitor.update",
                 entity="visitor_slip", subject=slip,
                 detail={"number": slip.number, "fields": changed})
    return slip


def get_slip(*, session: Session, slip_id: int) -> VisitorSlip:
    slip = session.get(VisitorSlip, slip_id)
    if slip is None:
        raise NotFound(_("That slip no longer exists."))
    return slip
