"""Complaints (投诉): intake, the D-42 handling steps, referral with a reply deadline (D-44),
the answer, the callback that follows, and the supervisor's sign-off.

A complaint is *awaiting a reply* while `replied_at IS NULL` and its status is open or
referred; `reply_due_at` is when that reply is due (settings.complaint_reply_hours after the
referral). Severe complaints are flagged to supervisors at once (`list_severe_unacknowledged`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.errors import InvalidInput, NotFound, StaleEdit
from deskterm.i18n import N_, _, current_language
from deskterm.models.audit import AuditEvent
from deskterm.models.complaint import (
    OPEN_COMPLAINT_STATUSES,
    AnswerHow,
    CallbackKind,
    ComplainantKind,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintCreate,
    ComplaintStatus,
    ComplaintStep,
    ComplaintUpdate,
    Severity,
    StepKind,
)
from deskterm.models.estate import Unit
from deskterm.rules.phone import mask_phone, normalise_phone
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.numbering import next_number
from deskterm.services.permissions import require

# The built-in category list (forms.md §5); an admin's rows in complaint_category add to it,
# rename a code or withdraw it.
BUILTIN_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("facilities", N_("Facilities and equipment")),
    ("cleaning", N_("Cleaning")),
    ("service_attitude", N_("Service attitude")),
    ("repair_speed", N_("Repair speed")),
    ("repair_quality", N_("Repair quality")),
    ("security", N_("Security")),
    ("parking", N_("Parking")),
    ("noise_neighbours", N_("Noise or neighbours")),
    ("fees", N_("Fees")),
    ("renovation", N_("Renovation")),
    ("landscaping", N_("Landscaping")),
    ("developer_quality", N_("Developer / building quality")),
    ("other", N_("Other")),
)

FIELD_LABELS = {
    "status": N_("status"),
    "category": N_("category"),
    "severity": N_("severity"),
    "valid": N_("valid"),
    "department": N_("department"),
    "content": N_("what was said"),
    "contact": N_("contact"),
    "referred_to": N_("referred to"),
    "reply_due_at": N_("reply due"),
    "answer": N_("answer"),
}


def check_version(session: Session, *, row, version: int, entity: str, labels: dict[str, str],
                  what: str) -> None:
    """Refuse a save started from an older version, saying what the other desk changed
    (read back from the audit events, which carry each change and the version it made)."""
    if row.version == version:
        return
    changed: dict[str, tuple] = {}
    events = session.exec(select(AuditEvent).where(AuditEvent.entity == entity,
                                                   AuditEvent.entity_id == str(row.id))
                          .order_by(AuditEvent.seq))
    for event in events:
        detail = event.detail or {}
        if int(detail.get("version") or 0) <= version:
            continue
        for name, (old, new) in (detail.get("changes") or {}).items():
            changed[name] = (changed[name][0] if name in changed else old, new)
    fields = ", ".join(_(labels.get(name, name)) for name in changed) or _("its details")
    raise StaleEdit(
        _("Another desk changed this {what} while you had it open ({fields}); "
          "look at it again and redo your change.").format(what=what, fields=fields),
        changes=changed,
    )


def bump(row, changes: dict) -> dict[str, list]:
    """Apply `changes` to `row`, raise its version, and return {field: [old, new]}."""
    diff: dict[str, list] = {}
    for name, value in changes.items():
        old = getattr(row, name)
        if old != value:
            diff[name] = [old, value]
            setattr(row, name, value)
    row.version += 1
    return diff


@dataclass(frozen=True)
class Category:
    code: str
    label: str  # in the current language
    sort: int


def list_categories(session: Session, *, include_withdrawn: bool = False) -> list[Category]:
    """The complaint categories in their order, labelled in the current language."""
    zh = current_language() == "zh_CN"
    found: dict[str, Category] = {
        code: Category(code, _(label), i * 10) for i, (code, label) in enumerate(BUILTIN_CATEGORIES)
    }
    for row in session.exec(select(ComplaintCategory)):
        if not row.active and not include_withdrawn:
            found.pop(row.code, None)
            continue
        label = (row.name_zh if zh else row.name_en) or row.name_en or row.name_zh
        found[row.code] = Category(row.code, label, row.sort)
    return sorted(found.values(), key=lambda c: (c.sort, c.code))


def category_label(session: Session, code: str) -> str:
    for cat in list_categories(session, include_withdrawn=True):
        if cat.code == code:
            return cat.label
    return code


def save_category(
    *, session: Session, actor: Actor, clock: Clock, code: str, name_zh: str, name_en: str,
    sort: int = 500, active: bool = True,
) -> ComplaintCategory:
    """Add, rename or withdraw a complaint category (admin)."""
    require(actor, "complaints.categories")
    code = code.strip().lower()
    if not code or len(code) > 32 or not all(c.isalnum() or c == "_" for c in code):
        raise InvalidInput(_("A category code is 1 to 32 letters, digits or '_'."), field="code")
    if not (name_zh.strip() or name_en.strip()):
        raise InvalidInput(_("Give the category a name."), field="name")
    row = session.get(ComplaintCategory, code) or ComplaintCategory(code=code, name_zh="", name_en="")
    row.name_zh = _fits(name_zh, limit=64, field="name_zh")
    row.name_en = _fits(name_en, limit=128, field="name_en")
    row.sort, row.active = sort, active
    audit.record(session=session, actor=actor, clock=clock, action="complaint_category.save",
                 entity="complaint_category", entity_id=code,
                 detail={"name_zh": row.name_zh, "name_en": row.name_en, "active": active},
                 subject=row)
    return row


# -- reading ------------------------------------------------------------------------------


def get_complaint(session: Session, complaint_id: int) -> Complaint:
    row = session.get(Complaint, complaint_id)
    if row is None:
        raise NotFound(_("There is no complaint {id}.").format(id=complaint_id))
    return row


def get_by_number(session: Session, number: str) -> Complaint:
    text = (number or "").strip().upper()
    if "\x00" in text or len(text) > 20:  # not a number; PostgreSQL refuses NUL in text
        raise NotFound(_("There is no complaint numbered {number}.").format(number="?"))
    row = session.exec(select(Complaint).where(Complaint.number == text)).first()
    if row is None:
        raise NotFound(_("There is no complaint numbered {number}.").format(number=text))
    return row


def list_steps(session: Session, complaint_id: int) -> list[ComplaintStep]:
    return list(session.exec(
        select(ComplaintStep).where(ComplaintStep.complaint_id == complaint_id)
        .order_by(ComplaintStep.at, ComplaintStep.id)
    ))


def is_awaiting_reply(row: Complaint) -> bool:
    return row.replied_at is None and row.status in OPEN_COMPLAINT_STATUSES


def is_reply_overdue(row: Complaint, now: datetime) -> bool:
    return (is_awaiting_reply(row) and row.reply_due_at is not None
            and as_utc(row.reply_due_at) < as_utc(now))


def list_complaints(
    session: Session, *, status: str | None = None, search: str = "", limit: int = 200,
) -> list[Complaint]:
    """Newest first. status: a ComplaintStatus, or "awaiting" (no reply yet), or None (all)."""
    stmt = select(Complaint)
    if status == "awaiting":
        stmt = stmt.where(col(Complaint.replied_at).is_(None),
                          col(Complaint.status).in_(list(OPEN_COMPLAINT_STATUSES)))
    elif status:
        stmt = stmt.where(Complaint.status == status)
    text = search.strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(col(Complaint.number).ilike(like), col(Complaint.who_name).ilike(like),
                              col(Complaint.content).ilike(like)))
    stmt = stmt.order_by(col(Complaint.received_at).desc(), col(Complaint.id).desc()).limit(limit)
    return list(session.exec(stmt))


def list_awaiting_reply(session: Session) -> list[Complaint]:
    """Complaints still owing the complainant a reply, the earliest deadline first (for the
    dashboard and the handover, D-11, D-44)."""
    stmt = (select(Complaint)
            .where(col(Complaint.replied_at).is_(None),
                   col(Complaint.status).in_(list(OPEN_COMPLAINT_STATUSES)))
            .order_by(col(Complaint.reply_due_at).is_(None), Complaint.reply_due_at, Complaint.id))
    return list(session.exec(stmt))


def list_overdue_replies(session: Session, *, now: datetime) -> list[Complaint]:
    return [c for c in list_awaiting_reply(session) if is_reply_overdue(c, now)]


def list_severe_unacknowledged(session: Session) -> list[Complaint]:
    """Severe complaints no supervisor has acknowledged yet (the supervisors' dashboard flag)."""
    stmt = (select(Complaint)
            .where(Complaint.severity == Severity.severe, col(Complaint.severe_ack_at).is_(None))
            .order_by(Complaint.received_at, Complaint.id))
    return list(session.exec(stmt))


@dataclass(frozen=True)
class StepLine:
    at: datetime
    step: str
    who: str
    note: str


@dataclass(frozen=True)
class ComplaintDetail:
    """One complaint with what the desk shows around it (no phone number unmasked)."""

    complaint: Complaint
    unit: str
    received_by: str
    category: str
    steps: list[StepLine]
    callbacks: list  # Callback rows, oldest first
    communications: list  # Communication rows filed with it, newest first
    contact_masked: str


def complaint_detail(session: Session, complaint_id: int) -> ComplaintDetail:
    from deskterm.models.complaint import Callback, Communication
    from deskterm.models.user import User
    from deskterm.rules.phone import mask_phone

    row = get_complaint(session, complaint_id)
    names = {u.id: u.name for u in session.exec(select(User))}
    steps = [StepLine(s.at, str(s.step), names.get(s.user_id, ""), s.note)
             for s in list_steps(session, complaint_id)]
    cbs = list(session.exec(select(Callback).where(Callback.subject_kind == CallbackKind.complaint,
                                                   Callback.subject_id == complaint_id)
                            .order_by(Callback.id)))
    comms = list(session.exec(select(Communication)
                              .where(Communication.complaint_id == complaint_id)
                              .order_by(col(Communication.at).desc())))
    return ComplaintDetail(row, unit_label(session, row.unit_id), names.get(row.received_by, ""),
                           category_label(session, row.category), steps, cbs, comms,
                           mask_phone(row.contact) if row.contact else "")


def unit_label(session: Session, unit_id: int | None) -> str:
    if unit_id is None:
        return ""
    unit = session.get(Unit, unit_id)
    return unit.label if unit else ""


# -- writing ------------------------------------------------------------------------------


def _step(session: Session, *, complaint: Complaint, actor: Actor, at: datetime,
          step: StepKind, note: str = "") -> ComplaintStep:
    row = ComplaintStep(complaint_id=complaint.id, at=at, user_id=actor.user_id, step=step,
                        note=_fits(note, limit=4000, field="note"))
    session.add(row)
    return row


def _find_unit(session: Session, label: str | None) -> int | None:
    text = (label or "").strip()
    if not text:
        return None
    unit = session.exec(select(Unit).where(Unit.label == text)).first()
    if unit is None:
        unit = session.exec(select(Unit).where(col(Unit.label).ilike(text))).first()
    if unit is None:
        raise InvalidInput(_("There is no unit {unit}; type it like 12-1203.").format(unit=text),
                           field="unit")
    return unit.id


def _clean_contact(text: str | None) -> str:
    raw = (text or "").strip()
    if not raw:
        return ""
    digits = normalise_phone(raw)
    if len(digits.lstrip("+")) < 5 or len(digits) > 20:
        raise InvalidInput(_("A contact number has 5 to 20 digits."), field="contact")
    return digits


def _check_category(session: Session, code: str) -> str:
    codes = {c.code for c in list_categories(session)}
    if code not in codes:
        raise InvalidInput(_("Choose a category from the list."), field="category")
    return code


def _fits(value: str | None, *, limit: int, field: str) -> str:
    """Optional text, trimmed; longer than its column is refused, never cut short."""
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(_("This text is longer than {n} characters.").format(n=limit), field=field)
    return text


def _text(value: str, *, field: str, limit: int, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, field=field)
    if len(text) > limit:
        raise InvalidInput(_("This text is longer than {n} characters.").format(n=limit), field=field)
    return text


def intake_complaint(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    complaint_in: ComplaintCreate,
    unit: str | None = None,
    steps: tuple[str, ...] = (),
    close_answer: str | None = None,
    refer_to: str | None = None,
    reply_due_at: datetime | None = None,
) -> Complaint:
    """Record a complaint; optionally close it on the spot (D-44, `close_answer`) or refer it
    to a named person (`refer_to`) in the same transaction. `steps` are D-42 steps already
    done while listening (listened, clarified, sympathy)."""
    require(actor, "complaints.intake")
    data = complaint_in
    who_name = _text(data.who_name, field="who_name", limit=64,
                     message=_("Say who is complaining."))
    content = _text(data.content, field="content", limit=4000,
                    message=_("Write down what the complainant said."))
    try:
        who_kind = ComplainantKind(data.who_kind)
        channel = ComplaintChannel(data.channel)
        severity = Severity(data.severity)
    except ValueError:
        raise InvalidInput(_("Choose from the list.")) from None
    if close_answer is not None and refer_to is not None:
        raise InvalidInput(_("A complaint is either closed on the spot or referred, not both."))
    now = as_utc(clock.now())
    unit_id = _find_unit(session, unit) if unit is not None else data.unit_id
    row = Complaint(
        who_kind=who_kind, who_name=who_name, unit_id=unit_id, resident_id=data.resident_id,
        company_id=data.company_id, contact=_clean_contact(data.contact), channel=channel,
        passed_down_by=_fits(data.passed_down_by, limit=64, field="passed_down_by"),
        category=_check_category(session, data.category), content=content, severity=severity,
        valid=data.valid, department=_fits(data.department, limit=64, field="department"),
        number=next_number(session=session, prefix="C", at=now, tz=settings.timezone),
        received_at=now, received_by=actor.user_id, shift_id=actor.shift_id,
        repair_id=data.repair_id, status=ComplaintStatus.open,
    )
    audit.record(session=session, actor=actor, clock=clock, action="complaint.create",
                 entity="complaint",
                 detail={"number": row.number, "category": row.category,
                         "severity": severity.value, "channel": channel.value},
                 subject=row)
    for step in steps:
        if step not in (StepKind.listened, StepKind.clarified, StepKind.sympathy):
            raise InvalidInput(_("Choose from the list."), field="steps")
        _step(session, complaint=row, actor=actor, at=now, step=StepKind(step))
    if severity is Severity.severe:
        _flag_severe(session=session, actor=actor, clock=clock, row=row)
    if close_answer is not None:
        close_complaint(session=session, actor=actor, clock=clock, settings=settings,
                        complaint_id=row.id, version=row.version, answer=close_answer,
                        how=AnswerHow.on_the_spot)
    elif refer_to is not None:
        refer_complaint(session=session, actor=actor, clock=clock, settings=settings,
                        complaint_id=row.id, version=row.version, to=refer_to,
                        due_at=reply_due_at)
    return row


def _flag_severe(*, session: Session, actor: Actor, clock: Clock, row: Complaint) -> None:
    audit.record(session=session, actor=actor, clock=clock, action="complaint.severe_flagged",
                 entity="complaint", entity_id=row.id, detail={"number": row.number})


def add_step(
    *, session: Session, actor: Actor, clock: Clock, complaint_id: int, step: str, note: str = "",
) -> ComplaintStep:
    """Record one D-42 handling step (listened ... followed up) with who and when."""
    require(actor, "complaints.handle")
    try:
        kind = StepKind(step)
    except ValueError:
        raise InvalidInput(_("Choose from the list."), field="step") from None
    if kind not in (*_D42, StepKind.note):
        raise InvalidInput(_("Choose from the list."), field="step")
    row = get_complaint(session, complaint_id)
    _not_signed_off(row)
    if kind in (StepKind.action, StepKind.followed_up, StepKind.note) and not note.strip():
        raise InvalidInput(_("Say what was done."), field="note")
    step_row = _step(session, complaint=row, actor=actor, at=as_utc(clock.now()), step=kind,
                     note=note)
    audit.record(session=session, actor=actor, clock=clock, action="complaint.step",
                 entity="complaint", entity_id=row.id,
                 detail={"step": kind.value, "number": row.number})
    return step_row


_D42 = (StepKind.listened, StepKind.clarified, StepKind.sympathy, StepKind.action,
        StepKind.followed_up)


def _change(session, *, actor, clock, row: Complaint, version: int, action: str,
            changes: dict, detail: dict | None = None) -> Complaint:
    check_version(session, row=row, version=version, entity="complaint",
                  labels=FIELD_LABELS, what=_("complaint"))
    diff = bump(row, changes)
    if "contact" in diff:  # the audit (and its export) never holds a phone in full
        diff["contact"] = [mask_phone(v) if v else v for v in diff["contact"]]
    audit.record(session=session, actor=actor, clock=clock, action=action, entity="complaint",
                 detail={"number": row.number, "version": row.version, "changes": diff,
                         **(detail or {})},
                 subject=row)
    return row


def _not_signed_off(row: Complaint) -> None:
    if row.status == ComplaintStatus.signed_off:
        raise InvalidInput(_("This complaint is signed off; it cannot change."))


def update_complaint(
    *, session: Session, actor: Actor, clock: Clock, complaint_id: int, version: int,
    changes: ComplaintUpdate,
) -> Complaint:
    """Correct or judge the intake details (category, severity, valid, department ...)."""
    require(actor, "complaints.handle")
    row = get_complaint(session, complaint_id)
    _not_signed_off(row)
    values = changes.model_dump(exclude_unset=True)
    if "valid" not in changes.model_fields_set:
        values.pop("valid", None)
    values = {k: v for k, v in values.items() if v is not None or k == "valid"}
    if "category" in values:
        values["category"] = _check_category(session, values["category"])
    if "content" in values:
        values["content"] = _text(values["content"], field="content", limit=4000,
                                  message=_("Write down what the complainant said."))
    if "contact" in values:
        values["contact"] = _clean_contact(values["contact"])
    if "department" in values:
        values["department"] = _fits(values["department"], limit=64, field="department")
    if "severity" in values:
        try:
            values["severity"] = Severity(values["severity"])
        except ValueError:
            raise InvalidInput(_("Choose from the list."), field="severity") from None
    became_severe = values.get("severity") is Severity.severe and row.severity != Severity.severe
    _change(session, actor=actor, clock=clock, row=row, version=version,
            action="complaint.update", changes=values)
    if became_severe:
        _flag_severe(session=session, actor=actor, clock=clock, row=row)
    return row


def refer_complaint(
    *, session: Session, actor: Actor, clock: Clock, settings: Settings, complaint_id: int,
    version: int, to: str, due_at: datetime | None = None, note: str = "",
) -> Complaint:
    """Refer to a named person (D-44) with a reply deadline (default: complaint_reply_hours)."""
    require(actor, "complaints.handle")
    row = get_complaint(session, complaint_id)
    _not_signed_off(row)
    person = _text(to, field="referred_to", limit=64,
                   message=_("Name the person the complaint is referred to."))
    now = as_utc(clock.now())
    due = as_utc(due_at) if due_at else now + timedelta(hours=settings.complaint_reply_hours)
    if due <= now:
        raise InvalidInput(_("The reply deadline must be later than now."), field="reply_due_at")
    _change(session, actor=actor, clock=clock, row=row, version=version,
            action="complaint.refer",
            changes={"status": ComplaintStatus.referred, "referred_to": person,
                     "referred_at": now, "reply_due_at": due, "replied_at": None})
    _step(session, complaint=row, actor=actor, at=now, step=StepKind.referred,
          note=note.strip() or person)
    return row


def close_complaint(
    *, session: Session, actor: Actor, clock: Clock, settings: Settings, complaint_id: int,
    version: int, answer: str, how: str, close: bool = True,
) -> Complaint:
    """Record the answer given and how. With `close` the matter is settled and a callback
    falls due in complaint_callback_days; without, it is only replied (still being dealt with)."""
    from deskterm.services import callbacks

    require(actor, "complaints.handle")
    row = get_complaint(session, complaint_id)
    _not_signed_off(row)
    if row.status == ComplaintStatus.closed:
        raise InvalidInput(_("This complaint is closed already."))
    text = _text(answer, field="answer", limit=4000,
                 message=_("Write down the answer given to the complainant."))
    try:
        how = AnswerHow(how)
    except ValueError:
        raise InvalidInput(_("Choose from the list."), field="answer_how") from None
    now = as_utc(clock.now())
    changes: dict = {"answer": text, "answer_how": how,
                     "status": ComplaintStatus.closed if close else ComplaintStatus.replied}
    if row.replied_at is None:
        changes["replied_at"] = now
    if close:
        changes["closed_at"] = now
    late = is_reply_overdue(row, now)
    _change(session, actor=actor, clock=clock, row=row, version=version,
            action="complaint.close" if close else "complaint.reply", changes=changes,
            detail={"late": late})
    _step(session, complaint=row, actor=actor, at=now,
          step=StepKind.closed if close else StepKind.replied, note=text)
    if close:
        callbacks.schedule_callback(
            session=session, actor=actor, clock=clock, subject_kind=CallbackKind.complaint,
            subject_id=row.id, due_at=now + timedelta(days=settings.complaint_callback_days))
    return row


def reopen_complaint(
    *, session: Session, actor: Actor, clock: Clock, settings: Settings, complaint_id: int,
    reason: str,
) -> Complaint:
    """A dissatisfied callback sends the complaint back: it owes a reply again (new deadline)."""
    require(actor, "complaints.handle")
    row = get_complaint(session, complaint_id)
    _not_signed_off(row)
    now = as_utc(clock.now())
    changes = {"status": ComplaintStatus.open, "replied_at": None, "closed_at": None,
               "reply_due_at": now + timedelta(hours=settings.complaint_reply_hours),
               "reopen_count": row.reopen_count + 1}
    _change(session, actor=actor, clock=clock, row=row, version=row.version,
            action="complaint.reopen", changes=changes)
    _step(session, complaint=row, actor=actor, at=now, step=StepKind.reopened, note=reason)
    return row


def sign_off_complaint(
    *, session: Session, actor: Actor, clock: Clock, complaint_id: int, version: int,
    note: str = "",
) -> Complaint:
    """A supervisor signs a closed complaint off once its callback is done."""
    from deskterm.services import callbacks

    require(actor, "complaints.sign_off")
    row = get_complaint(session, complaint_id)
    if row.status != ComplaintStatus.closed:
        raise InvalidInput(_("Only a closed complaint can be signed off."))
    if callbacks.pending_for(session, kind=CallbackKind.complaint, subject_id=row.id):
        raise InvalidInput(_("The callback of this complaint is not done yet."))
    now = as_utc(clock.now())
    _change(session, actor=actor, clock=clock, row=row, version=version,
            action="complaint.sign_off",
            changes={"status": ComplaintStatus.signed_off, "signed_off_by": actor.user_id,
                     "signed_off_at": now})
    _step(session, complaint=row, actor=actor, at=now, step=StepKind.signed_off, note=note)
    return row


def acknowledge_severe(
    *, session: Session, actor: Actor, clock: Clock, complaint_id: int,
) -> Complaint:
    """A supervisor has seen the severe complaint: the dashboard flag goes."""
    require(actor, "complaints.sign_off")
    row = get_complaint(session, complaint_id)
    if row.severity != Severity.severe or row.severe_ack_at is not None:
        return row
    row.severe_ack_by, row.severe_ack_at = actor.user_id, as_utc(clock.now())
    audit.record(session=session, actor=actor, clock=clock, action="complaint.severe_ack",
                 entity="complaint", detail={"number": row.number}, subject=row)
    return row
