"""Gaps in the handover book (D-2, D-11): a shift that ended without signing a handover, and
handovers that were signed but never answered by the next shift.

Check-in (services.shift.duty.start_shift) reports the gaps of its post, writes each new one
in the logbook once (notified: supervisors) and seals it in the audit trail; supervisors see
the gaps of the last week on their dashboard (services.shift.dashboard, category "gaps").
Read-only here; the writing is done by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from deskterm.clock import as_utc
from deskterm.db import stored_id
from deskterm.i18n import _
from deskterm.models.audit import AuditEvent
from deskterm.models.shift import Handover, HandoverStatus, Shift
from deskterm.models.user import User

GAP_ACTION = "handover.gap"  # the audit action that marks a gap as reported


@dataclass(frozen=True)
class Gap:
    kind: str  # "unsigned": a shift with no handover; "unanswered": a handover never answered
    entity: str  # "shift" | "handover"
    id: int
    at: datetime  # when the shift started / the handover was signed
    who: str  # the operator of that shift / who signed the handover


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return f"{user.name} ({user.code})" if user else "?"


def unsigned_shifts(
    session: Session,
    *,
    post: str,
    since: datetime | None = None,
    incoming_user_id: int | None = None,
    limit: int = 50,
) -> list[Shift]:
    """Shifts of the post that never signed a handover although a later shift started (or,
    with `incoming_user_id`, another operator is checking in now)."""
    later = aliased(Shift)
    followed: ColumnElement[bool] = exists().where(
        and_(col(later.post) == Shift.post, col(later.started_at) > Shift.started_at)
    )
    if incoming_user_id is not None:
        followed = or_(followed, col(Shift.operator_id) != incoming_user_id)
    stmt = (
        select(Shift)
        .where(Shift.post == post)
        .where(~exists().where(col(Handover.shift_id) == Shift.id))
        .where(followed)
    )
    if since is not None:
        stmt = stmt.where(Shift.started_at >= since)
    return list(
        session.exec(stmt.order_by(col(Shift.started_at).desc(), col(Shift.id).desc()).limit(limit))
    )


def unanswered_handovers(
    session: Session, *, post: str, since: datetime | None = None, limit: int = 50
) -> list[Handover]:
    """Signed handovers nobody accepted or refused, older than the latest signed one (which
    is the one the next shift is asked to answer)."""
    newer = aliased(Handover)
    stmt = (
        select(Handover)
        .where(Handover.post == post, Handover.status == HandoverStatus.signed)
        .where(
            exists().where(
                and_(
                    col(newer.post) == Handover.post,
                    col(newer.status) != HandoverStatus.draft,
                    col(newer.signed_at) > Handover.signed_at,
                )
            )
        )
    )
    if since is not None:
        stmt = stmt.where(col(Handover.signed_at) >= since)
    return list(
        session.exec(
            stmt.order_by(col(Handover.signed_at).desc(), col(Handover.id).desc()).limit(limit)
        )
    )


def gaps(
    session: Session,
    *,
    post: str,
    exclude_shift_id: int | None = None,
    since: datetime | None = None,
    incoming_user_id: int | None = None,
) -> list[Gap]:
    """Every gap of the post, newest first (the last shift, still open, is not a gap unless
    another operator is checking in: `incoming_user_id`)."""
    out = [
        Gap("unsigned", "shift", stored_id(s), s.started_at, _name(session, s.operator_id))
        for s in unsigned_shifts(session, post=post, since=since, incoming_user_id=incoming_user_id)
        if s.id != exclude_shift_id
    ]
    out += [
        Gap("unanswered", "handover", stored_id(h), h.signed_at, _name(session, h.outgoing_user_id))
        for h in unanswered_handovers(session, post=post, since=since)
        if h.signed_at is not None  # always: no handover is newer than a NULL signed_at
    ]
    return sorted(out, key=lambda g: g.at, reverse=True)


def reported(session: Session, gap: Gap) -> bool:
    """Whether a check-in already reported this gap (so it is logged once)."""
    return (
        session.exec(
            select(AuditEvent.id).where(
                AuditEvent.action == GAP_ACTION,
                AuditEvent.entity == gap.entity,
                AuditEvent.entity_id == str(gap.id),
            )
        ).first()
        is not None
    )


def sentence(gap: Gap, tz: str | None = None) -> str:
    """One translated line about a gap in the handover book."""
    at = as_utc(gap.at)
    when = (
        at.astimezone(ZoneInfo(tz)).strftime("%m-%d %H:%M")
        if tz
        else at.strftime("%Y-%m-%d %H:%M UTC")
    )
    if gap.kind == "unsigned":
        return _("The shift of {who} started {at} ended without a signed handover.").format(
            who=gap.who, at=when
        )
    return _("Handover {n} signed by {who} at {at} was never answered by the next shift.").format(
        n=gap.id, who=gap.who, at=when
    )
