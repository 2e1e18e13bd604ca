"""The end-of-shift report a supervisor reads, and the daily report (every shift of a day).

Shift: who was on and their self-check (D-1), the handover and its answer (D-2, D-11), then
the desk's activity during the shift (reports/activity.py). Daily: the shifts of the desk
day with their handovers, then the same activity over the whole day.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.errors import NotFound
from deskterm.i18n import _
from deskterm.models.shift import Handover, Shift
from deskterm.models.user import User
from deskterm.reports.activity import Window, add_activity
from deskterm.reports.model import Column, Report, Table
from deskterm.reports.period import Period


def _find_shift(session: Session, period: Period) -> Shift:
    if period.shift_id is not None:
        shift = session.get(Shift, period.shift_id)
        if shift is None:
            raise NotFound(_("There is no shift {id}.").format(id=period.shift_id))
        return shift
    shift = session.execute(
        select(Shift).where(Shift.started_at >= period.start, Shift.started_at < period.end)
        .order_by(Shift.started_at.desc(), Shift.id.desc()).limit(1)).scalars().first()
    if shift is None:
        raise NotFound(_("No shift started in that period."))
    return shift


def _who(session: Session, user_id: int | None) -> str:
    if user_id is None:
        return "—"
    user = session.get(User, user_id)
    return f"{user.name} ({user.code})" if user else str(user_id)


def build_shift(*, session: Session, period: Period, settings: Settings, clock: Clock) -> Report:
    """`deskterm report shift`: the shift `period.shift_id`, or the last one started in the period."""
    from deskterm.services.handover import status_label
    from deskterm.services.shifts import physical_item_label, self_check_label

    now = as_utc(clock.now())
    shift = _find_shift(session, period)
    start = as_utc(shift.started_at)
    end = as_utc(shift.ended_at) if shift.ended_at else now
    operator = _who(session, shift.operator_id)
    report = Report(kind="shift", title=_("End-of-shift report"), start=start, end=end,
                    generated_at=now, timezone=settings.timezone,
                    subtitle=_("Shift {id} · {post} · {operator}").format(id=shift.id, post=shift.post, operator=operator))
    s = report.section("shift", _("Who was on"))
    s.fact("post", _("Post"), shift.post).fact("operator", _("Operator"), operator)
    s.fact("started_at", _("Started"), start)
    s.fact("ended_at", _("Ended"), as_utc(shift.ended_at) if shift.ended_at else _("still on duty"))
    not_ok = [self_check_label(k) for k, ok in (shift.self_check or {}).items() if ok is False]
    s.fact("self_check", _("Self-check"), _("all in order") if not not_ok else _("not in order: {items}").format(items=", ".join(not_ok)))

    h = report.section("handover", _("Handover"))
    handover = session.execute(select(Handover).where(Handover.shift_id == shift.id)
                               .order_by(Handover.created_at.desc(), Handover.id.desc()).limit(1)).scalars().first()
    if handover is None:
        h.notes.append(_("No handover written for this shift yet."))
    else:
        h.fact("status", _("Status"), status_label(handover.status))
        h.fact("signed_at", _("Signed by the outgoing operator"), as_utc(handover.signed_at) if handover.signed_at else None)
        h.fact("incoming", _("Answered by"), _who(session, handover.incoming_user_id) if handover.incoming_user_id else None)
        h.fact("answered_at", _("Answered at"), as_utc(handover.answered_at) if handover.answered_at else None)
        if handover.refusal_reason:
            h.fact("refusal_reason", _("Reason for refusing"), handover.refusal_reason)
        h.fact("open_items", _("Open items handed over"), len(handover.open_items or []))
        if handover.notices:
            h.fact("notices", _("Notices"), handover.notices)
        if handover.physical_items:
            h.tables.append(Table("physical_items", _("Items handed over"),
                                  [Column("item", _("Item")), Column("count", _("Count"), True)],
                                  [[physical_item_label(k), n] for k, n in handover.physical_items.items()]))
    add_activity(report, session=session, window=Window(start, end, now), settings=settings)
    return report


def build_daily(*, session: Session, period: Period, settings: Settings, clock: Clock) -> Report:
    """`deskterm report daily`: the desk day `period` with all its shifts."""
    from deskterm.services.handover import status_label

    now = as_utc(clock.now())
    report = Report(kind="daily", title=_("Daily report"), start=period.start, end=period.end,
                    generated_at=now, timezone=settings.timezone)
    operator, incoming = aliased(User), aliased(User)
    rows = session.execute(
        select(Shift.id, Shift.post, operator.name, operator.code, Shift.started_at, Shift.ended_at,
               Handover.status, incoming.code)
        .join(operator, operator.id == Shift.operator_id)
        .outerjoin(Handover, Handover.shift_id == Shift.id)
        .outerjoin(incoming, incoming.id == Handover.incoming_user_id)
        .where(and_(Shift.started_at < period.end,
                    or_(Shift.ended_at.is_(None), Shift.ended_at > period.start)))
        .order_by(Shift.started_at, Shift.id)).all()
    s = report.section("shifts", _("Shifts"))
    s.tables.append(Table(
        "shifts", _("Shifts"),
        [Column("id", _("Shift"), True), Column("post", _("Post")), Column("operator", _("Operator")),
         Column("start", _("Started")), Column("end", _("Ended")), Column("handover", _("Handover")),
         Column("incoming", _("Answered by"))],
        [[sid, post, f"{name} ({code})", as_utc(st), as_utc(en) if en else _("still on duty"),
          status_label(hs) if hs else _("none"), inc or "—"]
         for sid, post, name, code, st, en, hs, inc in rows],
        empty=_("No shift on this day.")))
    add_activity(report, session=session, window=Window(period.start, period.end, now), settings=settings)
    return report
