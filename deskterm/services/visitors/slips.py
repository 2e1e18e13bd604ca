"""Visitor slips (D-4 to D-8): register, turn away, check out, correct, and who is on site.

A slip is filled only after an identity document was shown (D-5); the document number is
checked by rules.identity and only its masked form is stored. A walk-in's host is phoned
first (D-7): agreed gives a slip, refused gives no slip and a security line in the duty
logbook (D-10). The slip comes back when the visitor leaves (D-8); a lost slip is recorded.
Audit events name the slip number only, never the visitor, so a purge leaves no name behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic_core import PydanticCustomError
from sqlmodel import Session, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_row
from deskterm.errors import DeskError, InvalidInput, NotFound, StaleEdit
from deskterm.i18n import N_, _, written_in
from deskterm.models.estate import Unit
from deskterm.models.forms import validated
from deskterm.models.shift import LogbookEntry, LogCategory, Shift, ShiftStatus
from deskterm.models.visitor import (
    DenyEntry,
    DocType,
    ExpectedVisitor,
    HostCallMethod,
    SlipStatus,
    VisitorSlip,
    VisitorSlipCreate,
    VisitorSlipUpdate,
    purpose_said,
)
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.numbering import next_number
from deskterm.services.overwrite import may_overwrite
from deskterm.services.overwrite import seen as seen_version
from deskterm.services.permissions import require
from deskterm.services.visitors.checks import (
    CALL_METHOD_LABELS,
    SLIP_PREFIX,
    canonical_slip_number,
    check_host_call,
    desk_today,
    label,
    local_time,
    name_key,
    names_alike,
    resolve_host,
    validate_slip,
)


class DenyListMatch(DeskError):
    """The visitor's name is on the deny list: a supervisor must decide (the form is kept)."""

    def __init__(self, entry: DenyEntry, typed: str = "") -> None:
        similar = bool(typed) and name_key(typed) != name_key(entry.name)
        if similar:
            text = _(
                "{typed} is close to {name} on the deny list: {reason}. A supervisor must decide."
            ).format(typed=typed, name=entry.name, reason=entry.reason)
        else:
            text = _("{name} is on the deny list: {reason}. A supervisor must decide.").format(
                name=entry.name, reason=entry.reason
            )
        super().__init__(text)
        self.entry_id = entry.id
        self.name = entry.name
        self.reason = entry.reason
        self.typed = typed or entry.name
        self.similar = similar


@dataclass(frozen=True)
class DenyOverride:
    """A supervisor, signed in at the desk, let a deny-listed visitor in."""

    supervisor: Actor
    entry_id: int


# -- the deny list -------------------------------------------------------------------------------
def find_deny_match(*, session: Session, name: str, alike: bool = True) -> DenyEntry | None:
    """The active deny-list entry with this name, or one alike (same sound, one character
    off: `names_alike`); the same name first. The list is short: compared in full."""
    key = name_key(name)
    if not key:
        return None
    entries = list(session.exec(select(DenyEntry).where(DenyEntry.active == True)))  # noqa: E712
    for entry in entries:
        if name_key(entry.name) == key:
            return entry
    for entry in entries if alike else ():
        if names_alike(name, entry.name):
            return entry
    return None


def _check_deny(session: Session, name: str, override: DenyOverride | None) -> DenyEntry | None:
    """THE deny-list decision (D-6) of a new slip and of a corrected name: a match or a name
    alike waits for a supervisor (`override`). The form's check as the name is typed is only
    a warning (tui/dialogs/visitor_form.py)."""
    entry = find_deny_match(session=session, name=name)
    if entry is None:
        return None
    if override is None or override.entry_id != entry.id:
        raise DenyListMatch(entry, name)
    require(override.supervisor, "visitors.deny_override")
    return entry


# -- register ------------------------------------------------------------------------------------
def _current_expected(session: Session, expected_id: int) -> ExpectedVisitor:
    expected = lock_row(session, ExpectedVisitor, expected_id)
    if expected is None or expected.cancelled:
        raise NotFound(_("That expected visitor is no longer on the list."))
    if expected.arrived_slip_id is not None:
        raise InvalidInput(
            _("That expected visitor has already arrived and has a slip."), field="expected_id"
        )
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
    """Issue a slip (D-5): the host on record, the host call, the deny list; number it, audit
    it. `slip_in` is validated (models.forms.validated): its fields are not checked again."""
    require(actor, "visitors.register")
    clean = validate_slip(session=session, slip_in=slip_in)
    expected = _current_expected(session, clean.expected_id) if clean.expected_id else None
    check_host_call(clean)
    entry = _check_deny(session, clean.visitor_name, deny_override)
    now = as_utc(clock.now())
    slip = VisitorSlip(
        number=next_number(session=session, prefix=SLIP_PREFIX, at=now, tz=settings.timezone),
        visitor_name=clean.visitor_name,
        headcount=clean.headcount,
        doc_type=clean.doc_type,
        doc_masked=clean.doc_masked,
        phone=clean.phone,
        host_resident_id=clean.host_resident_id,
        host_company_id=clean.host_company_id,
        host_unit_id=clean.host_unit_id,
        host_text=clean.host_text,
        purpose=clean.purpose,
        purpose_text=clean.purpose_text,
        plate=clean.plate,
        host_call_method=clean.host_call_method,
        host_call_result=clean.host_call_result,
        expected_id=clean.expected_id,
        checked_in_at=now,
        checked_in_by=actor.author_id,
        shift_id=actor.shift_id,
        status=SlipStatus.on_site,
        deny_entry_id=entry.id if entry else None,
        deny_decided_by=deny_override.supervisor.user_id if entry and deny_override else None,
    )
    session.add(slip)
    session.flush()
    if entry is not None:
        assert deny_override is not None  # _check_deny lets a match through with one only
        audit.record(
            session=session,
            actor=deny_override.supervisor,
            clock=clock,
            action="visitor.deny_override",
            entity="deny_entry",
            entity_id=entry.id,
            detail={"allowed": True, "slip": slip.number, "operator": actor.code},
        )
    if expected is not None:
        expected.arrived_slip_id = slip.id
        session.add(expected)
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="visitor.register",
        entity="visitor_slip",
        subject=slip,
        detail={
            "number": slip.number,
            "expected_id": clean.expected_id,
            "host_call": clean.host_call_result,
        },
    )
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
    slip_in = validated(
        VisitorSlipCreate,
        {
            "visitor_name": expected.visitor_name,
            "headcount": expected.headcount,
            "doc_type": doc_type,
            "doc_number": doc_number,
            "host_resident_id": expected.host_resident_id,
            "host_company_id": expected.host_company_id,
            "host_unit_id": expected.host_unit_id,
            "host_text": expected.host_text,
            "purpose": expected.purpose,
            "purpose_text": expected.note,
            "expected_id": expected.id,
        },
        today=desk_today(clock, settings),
    )
    return register_slip(
        session=session,
        actor=actor,
        clock=clock,
        settings=settings,
        slip_in=slip_in,
        deny_override=deny_override,
    )


class TurnAwayCause:
    host_refused = "host_refused"
    no_answer = "no_answer"
    deny_list = "deny_list"


_TURN_AWAY_TEXT = {
    TurnAwayCause.host_refused: N_(
        "Visitor {name} ({count}) asked for {host}; the host refused "
        "by {method}. Not let in, no slip issued."
    ),
    TurnAwayCause.no_answer: N_(
        "Visitor {name} ({count}) asked for {host}; the host could not "
        "be reached by {method}. Not let in, no slip issued."
    ),
    TurnAwayCause.deny_list: N_(
        "Visitor {name} ({count}) asked for {host}; the name is on the "
        "deny list and supervisor {supervisor} refused entry."
    ),
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
    name = slip_in.visitor_name  # validated (models.forms.validated)
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
    with written_in(settings.site_lang):
        what = _(_TURN_AWAY_TEXT[cause]).format(
            name=name,
            count=slip_in.headcount or 1,
            host=host_text,
            method=label(CALL_METHOD_LABELS, method),
            supervisor=supervisor.name if supervisor else "",
        )
        action_taken = _("Visitor turned away at the desk.")
    entry = LogbookEntry(
        occurred_at=now,
        category=LogCategory.security,
        location=unit.label if unit else "",
        what=what,
        action_taken=action_taken,
        recorded_at=now,
        user_id=actor.author_id,
        shift_id=actor.shift_id,
    )
    if cause == TurnAwayCause.deny_list:
        audit.record(
            session=session,
            actor=supervisor,
            clock=clock,
            action="visitor.deny_override",
            entity="deny_entry",
            entity_id=deny_entry_id,
            detail={"allowed": False, "operator": actor.code},
        )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="visitor.turned_away",
        entity="logbook_entry",
        subject=entry,
        detail={"cause": cause},
    )
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
        slip_id = session.exec(
            select(VisitorSlip.id).where(VisitorSlip.number == canonical)
        ).first()
    elif slip_id is not None:
        canonical = None
    else:
        raise InvalidInput(_("Type or scan the slip number."), field="number")
    slip = lock_row(session, VisitorSlip, slip_id) if slip_id is not None else None
    if slip is None:
        raise NotFound(_("No slip has the number {number}.").format(number=canonical or slip_id))
    if slip.status == SlipStatus.left:
        assert slip.checked_out_at is not None  # checking out sets both (below)
        raise InvalidInput(
            _("Slip {number} was already checked out at {time}.").format(
                number=slip.number, time=local_time(slip.checked_out_at, settings, "%m-%d %H:%M")
            ),
            field="number",
        )
    slip.status = SlipStatus.left
    slip.checked_out_at = as_utc(clock.now())
    slip.checked_out_by = actor.user_id
    slip.slip_returned = bool(slip_returned)
    slip.version += 1
    session.add(slip)
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="visitor.checkout",
        entity="visitor_slip",
        subject=slip,
        detail={"number": slip.number, "slip_returned": bool(slip_returned)},
    )
    return slip


def undo_check_out(
    *, session: Session, actor: Actor, clock: Clock, slip_id: int, version: int | None = None
) -> VisitorSlip:
    """A check-out made by mistake (the wrong slip, the wrong key) is undone within the shift
    it was made in: the visitor is on site again. Audited; later shifts cannot undo it."""
    require(actor, "visitors.checkout")
    slip = lock_row(session, VisitorSlip, slip_id)
    if slip is None:
        raise NotFound(_("No slip has the number {number}.").format(number=slip_id))
    if version is not None and slip.version != version:
        raise StaleEdit(
            _("Slip {number} was changed at another desk; open it again.").format(
                number=slip.number
            )
        )
    if slip.status != SlipStatus.left or slip.checked_out_at is None:
        raise InvalidInput(_("Slip {number} is not checked out.").format(number=slip.number))
    shift = session.get(Shift, actor.shift_id) if actor.shift_id is not None else None
    if (
        shift is None
        or shift.status != ShiftStatus.open
        or as_utc(slip.checked_out_at) < as_utc(shift.started_at)
    ):
        raise InvalidInput(
            _(
                "Only a check-out made during your shift can be undone; slip "
                "{number} was checked out before it."
            ).format(number=slip.number)
        )
    slip.status = SlipStatus.on_site
    slip.checked_out_at = None
    slip.checked_out_by = None
    slip.slip_returned = None
    slip.version += 1
    session.add(slip)
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="visitor.checkout_undone",
        entity="visitor_slip",
        subject=slip,
        detail={"number": slip.number},
    )
    return slip


# -- corrections ---------------------------------------------------------------------------------
_EDITABLE = ("visitor_name", "headcount", "phone", "purpose", "purpose_text", "plate")
FIELD_LABELS = {
    "visitor_name": N_("Visitor"),
    "headcount": N_("People"),
    "phone": N_("Phone"),
    "purpose": N_("Purpose"),
    "purpose_text": N_("Note"),
    "plate": N_("Plate"),
    "status": N_("State"),
}


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
    deny_override: DenyOverride | None = None,
) -> VisitorSlip:
    """Correct a slip's details; refused if another desk saved it since it was opened. A new
    name is checked against the deny list like a new visitor (D-6): a match or a name alike
    waits for a supervisor's decision (`deny_override`)."""
    require(actor, "visitors.register")
    slip = lock_row(session, VisitorSlip, slip_id)
    if slip is None:
        raise NotFound(_("That slip no longer exists."))
    if slip.version != version and not may_overwrite(session, slip):
        now = slip_snapshot(slip)
        differ = {k: (seen.get(k), v) for k, v in now.items() if seen and seen.get(k) != v}
        fields = ", ".join(_(FIELD_LABELS.get(k, k)) for k in differ) or _("its details")
        raise StaleEdit(
            _(
                "Another desk changed slip {number} since you opened it ({fields}); nothing of "
                "yours was saved. Save again to put what you typed over their change."
            ).format(number=slip.number, fields=fields),
            changes=differ,
            current=seen_version(slip),
        )
    # `changes` is validated (models.forms.validated): only what joins it to the stored slip
    # is checked here, a purpose "other" that says what it is and the deny list (D-6).
    values = changes.model_dump(exclude_unset=True)
    try:
        purpose_said(
            values.get("purpose", slip.purpose), values.get("purpose_text", slip.purpose_text)
        )
    except PydanticCustomError as exc:
        raise InvalidInput(str(exc), field="purpose_text") from None
    name = values.get("visitor_name") or slip.visitor_name
    if name_key(name) != name_key(slip.visitor_name):
        entry = _check_deny(session, name, deny_override)
        if entry is not None and deny_override is not None:
            slip.deny_entry_id = entry.id
            slip.deny_decided_by = deny_override.supervisor.user_id
    changed = []
    for field in _EDITABLE:
        new = values.get(field)
        if new is None and field not in ("phone", "plate"):  # None leaves it as it is
            continue
        if field in values and getattr(slip, field) != new:
            setattr(slip, field, new)
            changed.append(field)
    if not changed:
        return slip
    slip.version += 1
    session.add(slip)
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="visitor.update",
        entity="visitor_slip",
        subject=slip,
        detail={"number": slip.number, "fields": changed},
    )
    return slip


def get_slip(*, session: Session, slip_id: int) -> VisitorSlip:
    slip = session.get(VisitorSlip, slip_id)
    if slip is None:
        raise NotFound(_("That slip no longer exists."))
    return slip
