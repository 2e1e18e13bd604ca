"""Shifts at a post: check-in with the self-check (D-1, D-9), resume, and close (D-11).

A shift opens when its operator has done the self-check; the previous shift's handover is
then accepted or refused (services.handover), and the shift closes when its own handover is
signed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_name, lock_row
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import _, written_in
from deskterm.models.shift import (
    Handover,
    HandoverStatus,
    LogbookEntryCreate,
    LogCategory,
    Shift,
    ShiftStatus,
)
from deskterm.models.user import User
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require
from deskterm.services.shift import gaps, logbook


@dataclass(frozen=True)
class OnDuty:
    """Who holds a post now: their open shift, code and name."""

    shift: Shift
    code: str
    name: str


@dataclass(frozen=True)
class DeskState:
    """Where an operator stands at a post when they sign in."""

    shift: Shift | None  # their open shift at this post, if they already checked in
    pending: Handover | None  # a signed handover nobody has accepted or refused yet
    on_duty: OnDuty | None = None  # someone else's open shift at this post (issue 14, item 4)
    blocked: str | None = None  # why this operator may not start a shift here now (the sentence)


def on_duty(session: Session, *, post: str) -> OnDuty | None:
    """The open shift of the post and its operator (one at a time: `start_shift`)."""
    row = session.exec(
        select(Shift, User.code, User.name)
        .join(User, col(User.id) == Shift.operator_id)
        .where(Shift.post == post, Shift.status == ShiftStatus.open)
        .order_by(col(Shift.started_at).desc())
    ).first()
    return OnDuty(*row) if row else None


def on_duty_sentence(holder: OnDuty, settings: Settings) -> str:
    return _(
        "{name} ({code}) is on duty at {post} since {at}: they hand over from their own "
        "sign-in, or a supervisor closes their shift with a reason."
    ).format(
        name=holder.name,
        code=holder.code,
        post=holder.shift.post,
        at=as_utc(holder.shift.started_at)
        .astimezone(ZoneInfo(settings.timezone))
        .strftime("%m-%d %H:%M"),
    )


def open_shift_of(session: Session, *, user_id: int, post: str) -> Shift | None:
    return session.exec(
        select(Shift)
        .where(Shift.operator_id == user_id, Shift.post == post, Shift.status == ShiftStatus.open)
        .order_by(col(Shift.started_at).desc())
    ).first()


def pending_handover(session: Session, *, post: str) -> Handover | None:
    """The latest signed handover of the post still waiting for the next shift (D-2)."""
    return session.exec(
        select(Handover)
        .where(Handover.post == post, Handover.status == HandoverStatus.signed)
        .order_by(col(Handover.signed_at).desc(), col(Handover.id).desc())
    ).first()


def desk_state(
    session: Session, *, user_id: int, post: str, settings: Settings | None = None
) -> DeskState:
    holder = on_duty(session, post=post)
    shift = open_shift_of(session, user_id=user_id, post=post)
    pending = pending_handover(session, post=post)
    return DeskState(
        shift=shift,
        pending=pending,
        on_duty=holder if holder is not None and holder.shift.operator_id != user_id else None,
        blocked=(
            why_no_new_shift(
                session, user_id=user_id, post=post, settings=settings, pending=pending
            )
            if shift is None
            else None
        ),
    )


def why_no_new_shift(
    session: Session,
    *,
    user_id: int,
    post: str,
    settings: Settings | None,
    pending: Handover | None = None,
) -> str | None:
    """The sentence saying why this person may not open a shift at `post` now, or None.

    - One operator, one post: an open shift at another post is handed over there first.
    - A handover's writer never accepts it (issue 14, item 4), so they cannot open the next
      shift over it either: the post would be held by a shift that can never take it over.
    """
    tz = ZoneInfo(settings.timezone) if settings is not None else None

    def at(when: datetime) -> str:
        when = as_utc(when)
        return (when.astimezone(tz) if tz else when).strftime("%m-%d %H:%M")

    elsewhere = session.exec(
        select(Shift)
        .where(Shift.operator_id == user_id, Shift.status == ShiftStatus.open, Shift.post != post)
        .order_by(col(Shift.started_at).desc())
    ).first()
    if elsewhere is not None:
        return _(
            "You are on duty at {post} since {at}: hand over there first, or a supervisor "
            "closes that shift; one person holds one post at a time."
        ).format(post=elsewhere.post, at=at(elsewhere.started_at))
    pending = pending if pending is not None else pending_handover(session, post=post)
    if pending is not None and pending.outgoing_user_id == user_id:
        return _(
            "Your handover of {at} waits for the next operator at {post}: its writer cannot "
            "take it over. Another operator signs in and accepts it."
        ).format(at=at(pending.signed_at or pending.created_at), post=post)
    return None


def start_shift(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    self_check: dict[str, bool],
    note: str = "",
) -> Shift:
    """Open the actor's shift at the post with the self-check they made (D-1).

    Every item of `settings.self_check_items` must be answered; an item not in order needs a
    note saying what is wrong (it is kept with the shift).
    """
    require(actor, "shift.checkin")
    if actor.user_id is None:
        raise InvalidInput(_("Sign in before starting a shift."))
    missing = [item for item in settings.self_check_items if item not in self_check]
    if missing:
        raise InvalidInput(
            _("Answer every self-check item first: {items}.").format(items=", ".join(missing)),
            field="self_check",
        )
    answers = {item: bool(self_check[item]) for item in settings.self_check_items}
    note = (note or "").strip()
    if not all(answers.values()) and not note:
        raise InvalidInput(_("Say what is not in order."), field="note")
    if len(note) > 500:
        raise InvalidInput(_("The note is limited to 500 characters."), field="note")
    lock_name(session, f"post:{settings.post}")  # two desks starting at once: one by one
    if open_shift_of(session, user_id=actor.user_id, post=settings.post) is not None:
        raise InvalidInput(_("You already have a shift open at this post."))
    holder = on_duty(session, post=settings.post)
    if holder is not None:  # one operator on duty per post (issue 14, item 4)
        raise InvalidInput(on_duty_sentence(holder, settings))
    # ... and one post per operator; never over one's own handover
    lock_name(session, f"operator:{actor.user_id}")  # two posts at once: one by one
    blocked = why_no_new_shift(
        session, user_id=actor.user_id, post=settings.post, settings=settings
    )
    if blocked is not None:
        raise InvalidInput(blocked)
    record: dict[str, bool | str] = dict(answers)  # item -> bool, and the note
    if note:
        record["note"] = note
    shift = Shift(
        post=settings.post,
        operator_id=actor.user_id,
        started_at=as_utc(clock.now()),
        self_check=record,
        status=ShiftStatus.open,
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="shift.start",
        entity="shift",
        detail={"post": settings.post, "self_check": record},
        subject=shift,
    )
    with written_in(settings.site_lang):
        _report_gaps(
            session=session,
            actor=replace(actor, shift_id=shift.id),
            clock=clock,
            post=settings.post,
            tz=settings.timezone,
        )
    return shift


def _report_gaps(
    *, session: Session, actor: Actor, clock: Clock, post: str, tz: str | None = None
) -> list[gaps.Gap]:
    """At check-in (D-2): every gap in the post's handover book not reported before is written
    in the logbook (supervisors notified) and sealed in the audit trail, once."""
    found = [
        g
        for g in gaps.gaps(session, post=post, exclude_shift_id=actor.shift_id)
        if not gaps.reported(session, g)
    ]
    for gap in found:
        logbook.add_entry(
            session=session,
            actor=actor,
            clock=clock,
            entry_in=LogbookEntryCreate(
                occurred_at=as_utc(clock.now()),
                category=LogCategory.other,
                location=post,
                what=gaps.sentence(gap, tz),
                notified=_("Supervisor"),
            ),
        )
        audit.record(
            session=session,
            actor=actor,
            clock=clock,
            action=gaps.GAP_ACTION,
            entity=gap.entity,
            entity_id=gap.id,
            detail={"kind": gap.kind, "post": post},
        )
    return found


def post_gaps(
    session: Session,
    *,
    post: str,
    exclude_shift_id: int | None = None,
    incoming_user_id: int | None = None,
) -> list[gaps.Gap]:
    """The gaps the check-in screen shows (reported or not) to the operator checking in."""
    return gaps.gaps(
        session, post=post, exclude_shift_id=exclude_shift_id, incoming_user_id=incoming_user_id
    )


def get_shift(session: Session, shift_id: int, *, for_update: bool = False) -> Shift:
    shift = lock_row(session, Shift, shift_id) if for_update else session.get(Shift, shift_id)
    if shift is None:
        raise NotFound(_("Shift {n} does not exist.").format(n=shift_id))
    return shift


def close_shift(*, session: Session, actor: Actor, clock: Clock, shift_id: int) -> Shift:
    """End a shift (its handover was signed). Closing a closed shift is an error."""
    shift = get_shift(session, shift_id, for_update=True)
    if shift.status != ShiftStatus.open:
        raise InvalidInput(_("Shift {n} is already closed.").format(n=shift_id))
    shift.status = ShiftStatus.closed
    shift.ended_at = as_utc(clock.now())
    audit.record(
        session=session, actor=actor, clock=clock, action="shift.end", entity="shift", subject=shift
    )
    return shift


def close_abandoned(
    *, session: Session, actor: Actor, clock: Clock, settings: Settings, shift_id: int, reason: str
) -> Shift:
    """A supervisor closes a shift its operator left open (no handover), with a reason: the
    post is free for the next operator; the closing is audited and written in the logbook."""
    require(actor, "shift.close_other")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the shift is closed without its handover."), field="reason")
    if len(reason) > 1000:
        raise InvalidInput(_("The reason is limited to 1000 characters."), field="reason")
    shift = get_shift(session, shift_id, for_update=True)
    if shift.status != ShiftStatus.open:
        raise InvalidInput(_("Shift {n} is already closed.").format(n=shift_id))
    operator = session.get(User, shift.operator_id)
    now = as_utc(clock.now())
    shift.status = ShiftStatus.closed
    shift.ended_at = now
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="shift.close_abandoned",
        entity="shift",
        detail={"reason": reason, "operator_id": shift.operator_id},
        subject=shift,
    )
    with written_in(settings.site_lang):
        what = _("Shift {n} of {name} closed without a handover by {who}: {reason}").format(
            n=shift.id, name=operator.name if operator else "?", who=actor.name, reason=reason
        )
    logbook.add_entry(
        session=session,
        actor=actor,
        clock=clock,
        entry_in=LogbookEntryCreate(
            occurred_at=now, category=LogCategory.other, location=shift.post, what=what
        ),
    )
    return shift


def self_check_label(item: str) -> str:
    """The translated label of a self-check item (unknown items show as they are)."""
    labels = {
        "appearance": _("Appearance and uniform in order"),
        "desk_tidy": _("Post area clean and tidy"),
        "equipment": _("Phone, radio and computer working"),
    }
    return labels.get(item, item)


def physical_item_label(item: str) -> str:
    labels = {
        "keys": _("Keys"),
        "blank_slips": _("Blank slips"),
        "temporary_passes": _("Temp passes"),
        "parcels": _("Parcels held"),
        "borrowed_tools": _("Tools lent"),
    }
    return labels.get(item, item)
