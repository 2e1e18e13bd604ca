"""Promised replies (D-25): what the desk could not answer now, who asked, how to reach them,
and by when it will answer. Every promise is kept: open ones (`answered_at IS NULL`) are on
the dashboard and in every handover, due and overdue first, until answering records what
was said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnExpressionArgument, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.db import lock_row, stored_id
from deskterm.errors import InvalidInput, NotFound, StaleEdit
from deskterm.i18n import N_, _
from deskterm.models.estate import Company, Resident, Unit
from deskterm.models.inquiry import InquiryOutcome, PromisedReply, PromisedReplyCreate
from deskterm.models.user import User
from deskterm.rules.typed_time import read_typed
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.complaints.links import on_record
from deskterm.services.estate.residents import reveal_phone
from deskterm.services.inquiries.log import set_outcome_in_session
from deskterm.services.permissions import require

MAX_DAYS_AHEAD = 90


class PromiseState(StrEnum):
    overdue = "overdue"
    due_today = "due_today"
    later = "later"
    answered = "answered"


STATE_LABELS = {
    PromiseState.overdue: N_("overdue"),
    PromiseState.due_today: N_("due today"),
    PromiseState.later: N_("later"),
    PromiseState.answered: N_("answered"),
}


@dataclass(frozen=True)
class PromiseView:
    id: int
    question: str
    asked_by: str
    contact: str
    due_at: datetime
    created_at: datetime
    created_by: str
    answered_at: datetime | None
    answered_by: str | None
    answer: str | None
    state: PromiseState
    version: int
    inquiry_id: int | None


def promise_state(
    due_at: datetime, answered_at: datetime | None, now: datetime, tz: str
) -> PromiseState:
    """Overdue once the due time has passed; due today when it falls on the desk's today."""
    if answered_at is not None:
        return PromiseState.answered
    if as_utc(due_at) < as_utc(now):
        return PromiseState.overdue
    zone = ZoneInfo(tz)
    if as_utc(due_at).astimezone(zone).date() == as_utc(now).astimezone(zone).date():
        return PromiseState.due_today
    return PromiseState.later


def parse_due(text: str, *, now: datetime, tz: str) -> datetime:
    """A due time as the operator types it: `16:00`, `tomorrow 10:00` (明天10点), `+2h`,
    `+30m`, `+1d`, `12-01 10:00` or `2026-12-01 10:00` (desk time), read by the one grammar of
    typed times (rules.typed_time: a date without its year is the one nearest to today). Must
    lie ahead, within MAX_DAYS_AHEAD days."""
    typed = read_typed(text, as_utc(now).astimezone(ZoneInfo(tz)).date())
    due = typed.instant(now, tz) if typed is not None else None
    if due is None:
        raise InvalidInput(
            _("Write the due time as 16:00, tomorrow 10:00, +2h or 12-01 10:00."), field="due"
        )
    if due <= as_utc(now):
        raise InvalidInput(_("That time has passed: a reply is promised for later."), field="due")
    if due > as_utc(now) + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(
            _("Promise a reply within {n} days.").format(n=MAX_DAYS_AHEAD), field="due"
        )
    return due


def make_promise(
    *, session: Session, actor: Actor, clock: Clock, promise_in: PromisedReplyCreate
) -> PromisedReply:
    """Record a promise to answer later, with its deadline (D-25)."""
    require(actor, "promises.make")
    # `promise_in` is validated (models.forms.validated); the clock decides the rest.
    if as_utc(promise_in.due_at) <= as_utc(clock.now()):
        raise InvalidInput(_("That time has passed: a reply is promised for later."), field="due")
    promise = PromisedReply(
        question=promise_in.question,
        asked_by=promise_in.asked_by,
        contact=promise_in.contact,
        due_at=as_utc(promise_in.due_at),
        inquiry_id=promise_in.inquiry_id,
        created_at=as_utc(clock.now()),
        created_by=actor.author_id,
    )
    # The inquiry first: an unknown one is refused before the promise is flushed.
    set_outcome_in_session(session, promise_in.inquiry_id, InquiryOutcome.promised)
    session.add(promise)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="promise.create",
        entity="promised_reply",
        entity_id=promise.id,
        detail={"due_at": promise.due_at, "inquiry_id": promise.inquiry_id},
    )
    return promise


def answer_promise(
    *, session: Session, actor: Actor, clock: Clock, promise_id: int, answer: str, version: int
) -> PromisedReply:
    """Keep a promise: record what was said, and when (it leaves the open list)."""
    require(actor, "promises.answer")
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput(_("Write what was answered."), field="answer")
    if len(answer) > 2000:
        raise InvalidInput(_("At most {n} characters here.").format(n=2000), field="answer")
    promise = lock_row(session, PromisedReply, promise_id)
    if promise is None:
        raise NotFound(_("No promised reply has the number {id}.").format(id=promise_id))
    if promise.version != version or promise.answered_at is not None:
        raise StaleEdit(
            _("Another desk has already answered this: {answer}").format(answer=promise.answer)
            if promise.answered_at is not None
            else _("Another desk changed this promise; it has been reloaded."),
            changes={"answer": (None, promise.answer), "due_at": (None, promise.due_at)},
        )
    promise.answered_at = as_utc(clock.now())
    promise.answered_by = actor.user_id
    promise.answer = answer
    promise.version += 1
    session.add(promise)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="promise.answer",
        entity="promised_reply",
        entity_id=promise.id,
        detail={"late": promise.answered_at > promise.due_at},
    )
    return promise


def _views(
    session: Session,
    now: datetime,
    tz: str,
    *where: ColumnExpressionArgument[bool],
    order: Sequence[ColumnExpressionArgument[Any]] = (),
    limit: int | None = None,
) -> list[PromiseView]:
    maker = aliased(User)
    answerer = aliased(User)
    stmt = (
        select(PromisedReply, maker.name, answerer.name)
        .join(maker, col(maker.id) == PromisedReply.created_by)
        .outerjoin(answerer, col(answerer.id) == PromisedReply.answered_by)
        .where(*where)
        .order_by(*order)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        PromiseView(
            stored_id(p),
            p.question,
            p.asked_by,
            p.contact,
            p.due_at,
            p.created_at,
            made_by,
            p.answered_at,
            answered_by,
            p.answer,
            promise_state(p.due_at, p.answered_at, now, tz),
            p.version,
            p.inquiry_id,
        )
        for p, made_by, answered_by in session.exec(stmt)
    ]


def list_open_promises(*, session: Session, clock: Clock, tz: str) -> list[PromiseView]:
    """Promises not yet kept, soonest due first (overdue ones lead)."""
    return _views(
        session,
        clock.now(),
        tz,
        col(PromisedReply.answered_at).is_(None),
        order=(col(PromisedReply.due_at), col(PromisedReply.id)),
    )


def list_promises(
    *, session: Session, clock: Clock, tz: str, answered_limit: int = 50
) -> list[PromiseView]:
    """Open promises first (soonest due), then the latest kept ones."""
    open_ones = list_open_promises(session=session, clock=clock, tz=tz)
    kept = _views(
        session,
        clock.now(),
        tz,
        col(PromisedReply.answered_at).is_not(None),
        order=(col(PromisedReply.answered_at).desc(), col(PromisedReply.id).desc()),
        limit=answered_limit,
    )
    return open_ones + kept


def get_promise(*, session: Session, clock: Clock, tz: str, promise_id: int) -> PromiseView:
    views = _views(session, clock.now(), tz, col(PromisedReply.id) == promise_id)
    if not views:
        raise NotFound(_("No promised reply has the number {id}.").format(id=promise_id))
    return views[0]


# -- calling back who asked (D-21: the desk's own call) ------------------------------------------
_UNIT_TOKEN = re.compile(r"[0-9A-Za-z]+(?:\s*[-－]\s*[0-9A-Za-z]+)+")
# Who asked says they are the unit's owner: "3-502业主", "业主 3-502", "owner of 3-502".
_OWNER_WORDS = {
    "业主",
    "房主",
    "户主",
    "的业主",
    "业主本人",
    "owner",
    "the owner",
    "owner of",
    "the owner of",
}
NOBODY_ON_RECORD = N_("Nobody on record matches who asked: call them at the contact they gave.")


@dataclass(frozen=True)
class Asker:
    """Who asked, as the register knows them: the one whose number the desk may call."""

    kind: str  # resident | company
    id: int
    name: str
    unit: str


def _units_in(session: Session, text: str) -> tuple[list[Unit], int]:
    """The units on record a text names, and how many unit-like tokens name no unit."""
    found: list[Unit] = []
    unknown = 0
    for match in _UNIT_TOKEN.finditer(text):
        label = re.sub(r"\s+", "", match.group()).replace("－", "-")
        unit = session.exec(select(Unit).where(col(Unit.label).ilike(label))).first()
        if unit is None:
            unknown += 1
        elif all(u.id != unit.id for u in found):
            found.append(unit)
    return found, unknown


def asker_on_record(session: Session, *, promise_id: int) -> Asker | None:
    """The one resident or company on record that who asked IS (D-21: a number is shown only
    for that person, issue 21): the name in "asked by" matches exactly one person or company
    on record, at the unit given ("12-1203 张三"; or "张三" asked, "12-1203" to reach them),
    or anywhere when no unit is given; or who asked says they are the owner of a unit with
    exactly one owner ("3-502业主", "owner of 3-502"). None, never a guess, when a unit is
    given alone (in either field: a family member or a tenant may have asked), the name is
    not on record or only part of one ("林" for 林静洁), two match, a unit named in "asked
    by" is not on record, or the two fields name different units."""
    promise = session.get(PromisedReply, promise_id)
    if promise is None:
        raise NotFound(_("No promised reply has the number {id}.").format(id=promise_id))
    asked = " ".join((promise.asked_by or "").split())
    asked_units, unknown = _units_in(session, asked)
    if unknown:  # "99-9999 张三": a unit not on record is not the register's 张三
        return None
    contact_units, _unknown = _units_in(session, promise.contact or "")  # phones may look alike
    units = {u.id: u for u in (*asked_units, *contact_units)}
    if len(units) > 1:
        return None
    unit = next(iter(units.values()), None)
    name = _UNIT_TOKEN.sub(" ", asked)
    name = " ".join(name.split()).strip(" ·,，:：()（）")
    if not name:  # a bare unit: the unit is not a person
        return None
    if name.casefold() in _OWNER_WORDS:
        if unit is None:
            return None
        owners = session.exec(
            select(Resident.id)
            .where(Resident.unit_id == unit.id, Resident.active, Resident.relation == "owner")
            .limit(2)
        ).all()
        if len(owners) != 1:
            return None
        person = session.get(Resident, owners[0])
        assert person is not None  # its id was just read
        return Asker("resident", stored_id(person), person.name, unit.label)
    if unit is not None:
        resident_id, company_id = on_record(session, unit_id=unit.id, name=name)
    else:
        resident_id, company_id = _named_anywhere(session, name)
    if resident_id is not None:
        person = session.get(Resident, resident_id)
        assert person is not None  # its id was just read
        home = session.get(Unit, person.unit_id) if person.unit_id else None
        return Asker("resident", stored_id(person), person.name, home.label if home else "")
    if company_id is not None:
        firm = session.get(Company, company_id)
        assert firm is not None  # its id was just read
        home = session.get(Unit, firm.unit_id) if firm.unit_id else None
        return Asker("company", stored_id(firm), firm.name, home.label if home else "")
    return None


def _named_anywhere(session: Session, name: str) -> tuple[int | None, int | None]:
    """(resident_id, company_id) of the one active person or company on record with exactly
    this name, when no unit was given; (None, None) when none or more than one has it."""
    key = name.lower()
    people = session.exec(
        select(Resident.id).where(Resident.active, func.lower(Resident.name) == key).limit(2)
    ).all()
    firms = session.exec(
        select(Company.id).where(Company.active, func.lower(Company.name) == key).limit(2)
    ).all()
    if len(people) + len(firms) != 1:
        return None, None
    return (people[0], None) if people else (None, firms[0])


def reveal_asker_phone(
    *, session: Session, actor: Actor, clock: Clock, promise_id: int, reason: str
) -> str:
    """The number on record of who asked, to call them back with the answer: shown inside the
    answer dialog, asked with a reason and audited by the one reveal of the desk
    (services.estate.residents.reveal_phone: who, whose, why, the inquiry; never the number)."""
    require(actor, "residents.reveal_phone")
    asker = asker_on_record(session, promise_id=promise_id)
    if asker is None:
        raise NotFound(_(NOBODY_ON_RECORD))
    promise = session.get(PromisedReply, promise_id)
    assert promise is not None  # asker_on_record found it
    return reveal_phone(
        session=session,
        actor=actor,
        clock=clock,
        kind=asker.kind,
        person_id=asker.id,
        reason=reason,
        inquiry_id=promise.inquiry_id,
    )
