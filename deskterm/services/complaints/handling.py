"""Complaints (投诉): intake, the D-42 handling steps, referral with a reply deadline (D-44),
the answer, the callback that follows, and the supervisor's sign-off.

Reading is in queries.py, categories in categories.py, what the writes
share with callbacks and communications in base.py; callers import each from its own module.

A complaint is *awaiting a reply* while `replied_at IS NULL` and its status is open or
referred; `reply_due_at` is when that reply is due (settings.complaint_reply_hours after the
referral). Severe complaints are flagged to supervisors at once (`list_severe_unacknowledged`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import stored_id
from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.complaint import (
    OPEN_COMPLAINT_STATUSES,
    AnswerHow,
    CallbackKind,
    ComplainantKind,
    Complaint,
    ComplaintChannel,
    ComplaintCreate,
    ComplaintStatus,
    ComplaintStep,
    ComplaintUpdate,
    Severity,
    StepKind,
)
from deskterm.rules.phone import mask_phone
from deskterm.services import audit, callback_schedule
from deskterm.services.actor import Actor
from deskterm.services.complaints import links
from deskterm.services.complaints.base import (
    FIELD_LABELS,
    bump,
    changes_since,
    check_version,
    fits,
    required_text,
)
from deskterm.services.complaints.categories import (
    list_categories,
)
from deskterm.services.complaints.queries import (
    get_complaint,
    is_reply_overdue,
)
from deskterm.services.numbering import next_number
from deskterm.services.overwrite import typed_only
from deskterm.services.permissions import require

# -- writing ------------------------------------------------------------------------------


def _step(
    session: Session,
    *,
    complaint: Complaint,
    actor: Actor,
    at: datetime,
    step: StepKind,
    note: str = "",
) -> ComplaintStep:
    row = ComplaintStep(
        complaint_id=stored_id(complaint),
        at=at,
        user_id=actor.author_id,
        step=step,
        note=fits(note, limit=4000, field="note"),
    )
    session.add(row)
    return row


def _find_unit(session: Session, label: str | None) -> int | None:
    return links.unit_id_of(session, label)


def _check_category(session: Session, code: str) -> str:
    codes = {c.code for c in list_categories(session)}
    if code not in codes:
        raise InvalidInput(_("Choose a category from the list."), field="category")
    return code


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
    # `complaint_in` is validated (models.forms.validated): its fields are not checked again
    data = complaint_in
    who_name, content = data.who_name, data.content
    who_kind = ComplainantKind(data.who_kind)
    channel = ComplaintChannel(data.channel)
    severity = Severity(data.severity)
    if close_answer is not None and refer_to is not None:
        raise InvalidInput(
            _("A complaint is either closed on the spot or referred, not both."),
            field="referred_to",  # the intake form's field (the answer is typed first)
        )
    now = as_utc(clock.now())
    unit_id = _find_unit(session, unit) if unit is not None else data.unit_id
    resident_id, company_id = data.resident_id, data.company_id
    if resident_id is None and company_id is None:  # issue 21: linked to who is on record
        resident_id, company_id = links.on_record(
            session, unit_id=unit_id, name=who_name, kind=who_kind.value
        )
    row = Complaint(
        who_kind=who_kind,
        who_name=who_name,
        unit_id=unit_id,
        resident_id=resident_id,
        company_id=company_id,
        contact=data.contact,
        channel=channel,
        passed_down_by=data.passed_down_by,
        category=_check_category(session, data.category),
        content=content,
        severity=severity,
        valid=data.valid,
        department=data.department,
        number=next_number(session=session, prefix="C", at=now, tz=settings.timezone),
        received_at=now,
        received_by=actor.author_id,
        shift_id=actor.shift_id,
        repair_id=data.repair_id,
        status=ComplaintStatus.open,
        # D-42/D-44: every open complaint is owed a reply by a deadline (referring may set
        # another); closing on the spot replies at once.
        reply_due_at=as_utc(reply_due_at)
        if reply_due_at
        else now + timedelta(hours=settings.complaint_reply_hours),
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="complaint.create",
        entity="complaint",
        detail={
            "number": row.number,
            "category": row.category,
            "severity": severity.value,
            "channel": channel.value,
        },
        subject=row,
    )
    if data.repair_id is not None:  # case 1: the complaint and its repair show each other
        links.add_link_in_session(
            session, complaint=row, repair_id=data.repair_id, actor=actor, clock=clock
        )
    for step in steps:
        if step not in (StepKind.listened, StepKind.clarified, StepKind.sympathy):
            raise InvalidInput(_("Choose from the list."), field="steps")
        _step(session, complaint=row, actor=actor, at=now, step=StepKind(step))
    if severity is Severity.severe:
        _flag_severe(session=session, actor=actor, clock=clock, row=row)
    if close_answer is not None:
        close_complaint(
            session=session,
            actor=actor,
            clock=clock,
            settings=settings,
            complaint_id=stored_id(row),
            version=row.version,
            answer=close_answer,
            how=AnswerHow.on_the_spot,
        )
    elif refer_to is not None:
        refer_complaint(
            session=session,
            actor=actor,
            clock=clock,
            settings=settings,
            complaint_id=stored_id(row),
            version=row.version,
            to=refer_to,
            due_at=reply_due_at,
        )
    return row


def _flag_severe(*, session: Session, actor: Actor, clock: Clock, row: Complaint) -> None:
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="complaint.severe_flagged",
        entity="complaint",
        entity_id=row.id,
        detail={"number": row.number},
    )


def add_step(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    complaint_id: int,
    step: str,
    note: str = "",
) -> ComplaintStep:
    """Record one D-42 handling step (listened ... followed up) with who and when."""
    require(actor, "complaints.handle")
    try:
        kind = StepKind(step)
    except ValueError:
        raise InvalidInput(_("Choose from the list."), field="step") from None
    if kind not in (*_D42, StepKind.note):
        raise InvalidInput(_("Choose from the list."), field="step")
    row = get_complaint(session, complaint_id, for_update=True)
    _not_signed_off(row)
    if kind in (StepKind.action, StepKind.followed_up, StepKind.note) and not note.strip():
        raise InvalidInput(_("Say what was done."), field="note")
    step_row = _step(
        session, complaint=row, actor=actor, at=as_utc(clock.now()), step=kind, note=note
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="complaint.step",
        entity="complaint",
        entity_id=row.id,
        detail={"step": kind.value, "number": row.number},
    )
    return step_row


_D42 = (
    StepKind.listened,
    StepKind.clarified,
    StepKind.sympathy,
    StepKind.action,
    StepKind.followed_up,
)


def _change(
    session: Session,
    *,
    actor: Actor,
    clock: Clock,
    row: Complaint,
    version: int,
    action: str,
    changes: dict[str, Any],
    detail: dict[str, Any] | None = None,
    overwrite: bool = False,
) -> Complaint:
    check_version(
        session,
        row=row,
        version=version,
        entity="complaint",
        labels=FIELD_LABELS,
        what=_("complaint"),
        overwrite=overwrite,
    )
    diff = bump(row, changes)
    if "contact" in diff:  # the audit (and its export) never holds a phone in full
        diff["contact"] = [mask_phone(v) if v else v for v in diff["contact"]]
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action=action,
        entity="complaint",
        detail={"number": row.number, "version": row.version, "changes": diff, **(detail or {})},
        subject=row,
    )
    return row


def _not_signed_off(row: Complaint) -> None:
    if row.status == ComplaintStatus.signed_off:
        raise InvalidInput(_("This complaint is signed off; it cannot change."))


def update_complaint(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    complaint_id: int,
    version: int,
    changes: ComplaintUpdate,
) -> Complaint:
    """Correct or judge the intake details (category, severity, valid, department ...)."""
    require(actor, "complaints.handle")
    row = get_complaint(session, complaint_id, for_update=True)
    _not_signed_off(row)
    values = changes.model_dump(exclude_unset=True)
    if "valid" not in changes.model_fields_set:
        values.pop("valid", None)
    values = {k: v for k, v in values.items() if v is not None or k == "valid"}
    if "category" in values:
        values["category"] = _check_category(session, values["category"])
    # `changes` is validated (models.forms.validated): contact, severity and the text fields
    # are not checked again here.
    if row.version != version:  # saved over another desk's change: keep what was not typed
        values = typed_only(
            values, changes_since(session, row=row, version=version, entity="complaint")
        )
    became_severe = values.get("severity") is Severity.severe and row.severity != Severity.severe
    _change(
        session,
        actor=actor,
        clock=clock,
        row=row,
        version=version,
        action="complaint.update",
        changes=values,
        overwrite=True,
    )
    if became_severe:
        _flag_severe(session=session, actor=actor, clock=clock, row=row)
    return row


def refer_complaint(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    complaint_id: int,
    version: int,
    to: str,
    due_at: datetime | None = None,
    note: str = "",
) -> Complaint:
    """Refer to a named person (D-44) with a reply deadline (default: complaint_reply_hours)."""
    require(actor, "complaints.handle")
    row = get_complaint(session, complaint_id, for_update=True)
    _not_signed_off(row)
    person = required_text(
        to,
        field="referred_to",
        limit=64,
        message=_("Name the person the complaint is referred to."),
    )
    now = as_utc(clock.now())
    due = as_utc(due_at) if due_at else now + timedelta(hours=settings.complaint_reply_hours)
    if due <= now:
        raise InvalidInput(_("The reply deadline must be later than now."), field="reply_due_at")
    _change(
        session,
        actor=actor,
        clock=clock,
        row=row,
        version=version,
        action="complaint.refer",
        changes={
            "status": ComplaintStatus.referred,
            "referred_to": person,
            "referred_at": now,
            "reply_due_at": due,
            "replied_at": None,
        },
    )
    _step(
        session,
        complaint=row,
        actor=actor,
        at=now,
        step=StepKind.referred,
        note=note.strip() or person,
    )
    return row


def close_complaint(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    complaint_id: int,
    version: int,
    answer: str,
    how: str,
    close: bool = True,
) -> Complaint:
    """Record the answer given and how. With `close` the matter is settled and a callback
    falls due in complaint_callback_days; without, it is only replied (still being dealt with)."""
    require(actor, "complaints.handle")
    row = get_complaint(session, complaint_id, for_update=True)
    _not_signed_off(row)
    if row.status == ComplaintStatus.closed:
        raise InvalidInput(_("This complaint is closed already."))
    text = required_text(
        answer,
        field="answer",
        limit=4000,
        message=_("Write down the answer given to the complainant."),
    )
    try:
        how = AnswerHow(how)
    except ValueError:
        raise InvalidInput(_("Choose from the list."), field="answer_how") from None
    now = as_utc(clock.now())
    changes: dict[str, Any] = {
        "answer": text,
        "answer_how": how,
        "status": ComplaintStatus.closed if close else ComplaintStatus.replied,
    }
    if row.replied_at is None:
        changes["replied_at"] = now
    if close:
        changes["closed_at"] = now
    late = is_reply_overdue(row, now)
    _change(
        session,
        actor=actor,
        clock=clock,
        row=row,
        version=version,
        action="complaint.close" if close else "complaint.reply",
        changes=changes,
        detail={"late": late},
    )
    _step(
        session,
        complaint=row,
        actor=actor,
        at=now,
        step=StepKind.closed if close else StepKind.replied,
        note=text,
    )
    if close:
        callback_schedule.schedule_callback(
            session=session,
            actor=actor,
            clock=clock,
            subject_kind=CallbackKind.complaint,
            subject_id=stored_id(row),
            due_at=callback_schedule.due_at(
                session,
                actor,
                now,
                settings,
                kind="complaint",
                category=row.category,
                from_complaint=row.reopen_count > 0,
            ),
        )
    return row


def reopen_complaint(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    complaint_id: int,
    reason: str,
) -> Complaint:
    """A dissatisfied callback sends the complaint back: it owes a reply again (new deadline)."""
    require(actor, "complaints.handle")
    row = get_complaint(session, complaint_id, for_update=True)
    _not_signed_off(row)
    if row.status in OPEN_COMPLAINT_STATUSES:  # another desk reopened it a moment ago
        raise InvalidInput(
            _("Complaint {number} is open already; nothing was changed.").format(number=row.number),
            field="status",
        )
    now = as_utc(clock.now())
    changes = {
        "status": ComplaintStatus.open,
        "replied_at": None,
        "closed_at": None,
        "reply_due_at": now + timedelta(hours=settings.complaint_reply_hours),
        "reopen_count": row.reopen_count + 1,
    }
    _change(
        session,
        actor=actor,
        clock=clock,
        row=row,
        version=row.version,
        action="complaint.reopen",
        changes=changes,
    )
    _step(session, complaint=row, actor=actor, at=now, step=StepKind.reopened, note=reason)
    return row


def sign_off_complaint(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    complaint_id: int,
    version: int,
    note: str = "",
) -> Complaint:
    """A supervisor signs a closed complaint off once its callback is done."""
    require(actor, "complaints.sign_off")
    row = get_complaint(session, complaint_id, for_update=True)
    if row.status != ComplaintStatus.closed:
        raise InvalidInput(_("Only a closed complaint can be signed off."))
    if callback_schedule.pending_for(
        session, kind=CallbackKind.complaint, subject_id=stored_id(row)
    ):
        raise InvalidInput(_("The callback of this complaint is not done yet."))
    now = as_utc(clock.now())
    _change(
        session,
        actor=actor,
        clock=clock,
        row=row,
        version=version,
        action="complaint.sign_off",
        changes={
            "status": ComplaintStatus.signed_off,
            "signed_off_by": actor.user_id,
            "signed_off_at": now,
        },
    )
    _step(session, complaint=row, actor=actor, at=now, step=StepKind.signed_off, note=note)
    return row


def acknowledge_severe(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    complaint_id: int,
) -> Complaint:
    """A supervisor has seen the severe complaint: the dashboard flag goes."""
    require(actor, "complaints.sign_off")
    row = get_complaint(session, complaint_id, for_update=True)
    if row.severity != Severity.severe or row.severe_ack_at is not None:
        return row
    row.severe_ack_by, row.severe_ack_at = actor.user_id, as_utc(clock.now())
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="complaint.severe_ack",
        entity="complaint",
        detail={"number": row.number},
        subject=row,
    )
    return row
