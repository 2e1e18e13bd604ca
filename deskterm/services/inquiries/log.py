"""Inquiries (问询): who asked for what, each attempt to reach the person, and the outcome.

D-20: the desk rings the person asked for and transfers the call only with their consent.
D-21: when they are absent the desk never gives out their number; it offers a message.
D-22: it does not give up after one try; after several it apologises and takes a message or
the inquirer's contact. The inquiry log keeps one line per inquiry for the reports.

An inquiry never holds a resident's phone number: only who was asked for (name and unit).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_row, stored_id
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import N_, _
from deskterm.models.estate import Company, Resident, Unit
from deskterm.models.inquiry import (
    Channel,
    ContactAttempt,
    ContactOutcome,
    Inquiry,
    InquiryCreate,
    InquiryOutcome,
    Message,
)
from deskterm.models.user import User
from deskterm.rules.phone import is_phone
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require

# D-22 "several tries": after this many unanswered attempts the desk apologises and takes a
# message or the inquirer's contact instead of trying again (setting `inquiry_tries`).
ATTEMPTS_BEFORE_MESSAGE = Settings().inquiry_tries

# the topic of a contact opened without one typed: an app word, stored in the site's language
# (i18n.site_text, issue 16), never the operator's screen language
DEFAULT_TOPIC = N_("Looking for someone")

CHANNEL_LABELS = {Channel.phone: N_("phone"), Channel.walk_in: N_("walk-in")}
OUTCOME_LABELS = {
    InquiryOutcome.answered: N_("answered"),
    InquiryOutcome.transferred: N_("transferred"),
    InquiryOutcome.message_taken: N_("message taken"),
    InquiryOutcome.promised: N_("reply promised"),
    InquiryOutcome.declined: N_("declined politely"),
    InquiryOutcome.not_found: N_("not reached"),
}
ATTEMPT_LABELS = {
    ContactOutcome.transferred: N_("transferred"),
    ContactOutcome.declined: N_("declined the call"),
    ContactOutcome.absent: N_("absent"),
    ContactOutcome.no_answer: N_("no answer"),
}


class Advice(StrEnum):
    """What the desk does after an attempt (shown to the operator in one sentence)."""

    done = "done"  # transferred (D-20)
    try_again = "try_again"  # no answer yet, fewer than ATTEMPTS_BEFORE_MESSAGE tries (D-22)
    offer_message = "offer_message"  # absent or declined: never give the number (D-21)
    apologise = "apologise"  # tried several times: apologise, take a message/contact (D-22)


ADVICE_TEXT = {
    Advice.done: N_("Call transferred."),
    Advice.try_again: N_("No answer yet: try again, or take a message."),
    Advice.offer_message: N_("Do not give out their number: offer to take a message for them."),
    Advice.apologise: N_(
        "Not reached after several tries: apologise, explain, and take a message or the "
        "inquirer's contact."
    ),
}


@dataclass(frozen=True)
class ContactStatus:
    inquiry_id: int
    attempts: int
    last: ContactOutcome
    advice: Advice

    @property
    def sentence(self) -> str:
        return _(ADVICE_TEXT[self.advice]).format(n=self.attempts)


@dataclass(frozen=True)
class InquiryLine:
    """One line of the inquiry log (time, walk-in or phone, topic, outcome)."""

    id: int
    at: datetime
    channel: str
    topic: str
    inquirer: str
    target_text: str
    outcome: str | None
    attempts: int
    operator: str


CONTACT_MIN_CHARS = 4  # a contact that is not a phone number: letters or digits, not "-"


def looks_like_contact(text: str) -> bool:
    """D-22: what the inquirer left is a way to reach them: a phone number (rules.phone), or
    at least CONTACT_MIN_CHARS letters or digits ("-", "无", "..." are not a contact)."""
    if is_phone(text):
        return True
    return sum(1 for ch in text if unicodedata.category(ch)[0] in "LN") >= CONTACT_MIN_CHARS


def contact_problem(text: str | None) -> str | None:
    """The sentence refusing what was typed as the inquirer's contact (D-22), None if it is
    one; the form asks before closing so nothing typed is lost."""
    if looks_like_contact(" ".join((text or "").split())):
        return None
    return _(
        "The inquirer's contact is a phone number or at least {n} letters or digits "
        "(WeChat ID, e-mail ...)."
    ).format(n=CONTACT_MIN_CHARS)


def _text(value: str | None, limit: int, field: str, label: str) -> str:
    value = " ".join((value or "").split())
    if len(value) > limit:
        raise InvalidInput(
            _("{label} is at most {n} characters.").format(label=label, n=limit), field=field
        )
    return value


def describe_target(session: Session, kind: str | None, target_id: int | None) -> str:
    """How a target is written in an inquiry or message: unit and name, never a phone."""
    if kind == "resident" and target_id is not None:
        person = session.get(Resident, target_id)
        if person is not None:
            unit = session.get(Unit, person.unit_id) if person.unit_id else None
            return f"{unit.label} {person.name}" if unit else person.name
    if kind == "company" and target_id is not None:
        firm = session.get(Company, target_id)
        if firm is not None:
            unit = session.get(Unit, firm.unit_id) if firm.unit_id else None
            return f"{unit.label} {firm.name}" if unit else firm.name
    if kind == "staff" and target_id is not None:
        user = session.get(User, target_id)
        if user is not None:
            return user.name
    return ""


def open_inquiry(
    *, session: Session, actor: Actor, clock: Clock, inquiry_in: InquiryCreate
) -> Inquiry:
    """Log an inquiry as it starts; the target's name and unit are filled in from the record."""
    require(actor, "inquiries.contact")
    # `inquiry_in` is validated (models.forms.validated): only the record asked for is
    # looked up here.
    kind = inquiry_in.target_kind
    described = describe_target(session, kind, inquiry_in.target_id)
    if kind in ("resident", "company", "staff") and inquiry_in.target_id is not None:
        if not described:
            raise NotFound(_("The person asked for is not on record any more."))
    channel, outcome = inquiry_in.channel, inquiry_in.outcome
    inquiry = Inquiry(
        channel=channel,
        topic=inquiry_in.topic,
        inquirer=inquiry_in.inquirer,
        target_kind=kind,
        target_id=inquiry_in.target_id,
        target_text=described or inquiry_in.target_text,
        outcome=outcome,
        at=as_utc(clock.now()),
        user_id=actor.author_id,
        shift_id=actor.shift_id,
    )
    session.add(inquiry)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="inquiry.create",
        entity="inquiry",
        entity_id=inquiry.id,
        detail={"channel": channel.value, "outcome": outcome.value if outcome else None},
    )
    return inquiry


def _get(session: Session, inquiry_id: int) -> Inquiry:
    inquiry = lock_row(session, Inquiry, inquiry_id)
    if inquiry is None:
        raise NotFound(_("No inquiry has the number {id}.").format(id=inquiry_id))
    return inquiry


def _live() -> ColumnElement[bool]:
    """An attempt counts unless a correction replaced it (the corrected one stays, unread)."""
    later = aliased(ContactAttempt)
    return ~select(later.id).where(col(later.corrects_id) == ContactAttempt.id).exists()


def count_attempts(session: Session, inquiry_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(ContactAttempt)
        .where(ContactAttempt.inquiry_id == inquiry_id, _live())
    ).one()


def live_attempts(session: Session, inquiry_id: int) -> list[ContactAttempt]:
    """The inquiry's tries as they stand (each correction in place of what it corrects),
    oldest first."""
    return list(
        session.exec(
            select(ContactAttempt)
            .where(ContactAttempt.inquiry_id == inquiry_id, _live())
            .order_by(col(ContactAttempt.at), col(ContactAttempt.id))
        )
    )


def correct_attempt(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    attempt_id: int,
    outcome: ContactOutcome | str,
    reason: str,
    settings: Settings | None = None,
) -> ContactStatus:
    """A contact try recorded with the wrong outcome (an unintended "transferred") is
    corrected by a new try pointing at it, with the reason; the original is kept as it was,
    the correction is audited, and a try is corrected once (correct the correction after
    that), as in the logbook. The inquiry follows: a "transferred" taken back opens it again,
    one given closes it as transferred."""
    require(actor, "inquiries.contact")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the outcome is corrected."), field="reason")
    if len(reason) > 1000:
        raise InvalidInput(_("The reason is limited to 1000 characters."), field="reason")
    try:
        outcome = ContactOutcome(outcome)
    except ValueError:
        raise InvalidInput(
            _("An attempt ends transferred, declined, absent or with no answer."), field="outcome"
        ) from None
    original = lock_row(session, ContactAttempt, attempt_id)
    if original is None:
        raise NotFound(_("No contact try has the number {id}.").format(id=attempt_id))
    later = session.exec(
        select(ContactAttempt.id).where(ContactAttempt.corrects_id == attempt_id)
    ).first()
    if later is not None:
        raise InvalidInput(
            _("This try was corrected already (try {m}); correct that one instead.").format(m=later)
        )
    if ContactOutcome(original.outcome) is outcome:
        raise InvalidInput(
            _("That is the outcome recorded; choose the one that happened."), field="outcome"
        )
    inquiry = _get(session, original.inquiry_id)
    correction = ContactAttempt(
        inquiry_id=stored_id(inquiry),
        at=as_utc(clock.now()),
        outcome=outcome,
        user_id=actor.author_id,
        corrects_id=original.id,
        reason=reason,
    )
    session.add(correction)
    was = ContactOutcome(original.outcome)
    if was is ContactOutcome.transferred and inquiry.outcome == InquiryOutcome.transferred:
        inquiry.outcome = None  # the call was not put through: the inquiry is open again
    if outcome is ContactOutcome.transferred and inquiry.outcome in (
        None,
        InquiryOutcome.not_found,
    ):
        inquiry.outcome = InquiryOutcome.transferred
    session.add(inquiry)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="inquiry.contact_correct",
        entity="inquiry",
        entity_id=inquiry.id,
        detail={
            "attempt": original.id,
            "correction": correction.id,
            "from": was.value,
            "to": outcome.value,
            "reason": reason,
        },
    )
    attempts, unanswered = _tries(session, stored_id(inquiry))
    tries = (settings or Settings()).inquiry_tries
    return ContactStatus(
        stored_id(inquiry), attempts, outcome, advise(attempts, outcome, unanswered, tries)
    )


def _tries(session: Session, inquiry_id: int) -> tuple[int, int]:
    """(live tries, live tries nobody answered) of an inquiry: what `advise` goes by."""
    unanswered = session.exec(
        select(func.count())
        .select_from(ContactAttempt)
        .where(
            ContactAttempt.inquiry_id == inquiry_id,
            ContactAttempt.outcome == ContactOutcome.no_answer,
            _live(),
        )
    ).one()
    return count_attempts(session, inquiry_id), unanswered


def advise(
    attempts: int, last: ContactOutcome, unanswered: int, tries: int = ATTEMPTS_BEFORE_MESSAGE
) -> Advice:
    """The next step after an attempt (D-20 to D-22)."""
    if last is ContactOutcome.transferred:
        return Advice.done
    if last in (ContactOutcome.absent, ContactOutcome.declined):
        return Advice.offer_message
    if unanswered >= tries:
        return Advice.apologise
    return Advice.try_again


def record_attempt(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    inquiry_id: int,
    outcome: ContactOutcome | str,
    settings: Settings | None = None,
) -> ContactStatus:
    """Record one attempt to reach the person asked for, and say what to do next."""
    require(actor, "inquiries.contact")
    try:
        outcome = ContactOutcome(outcome)
    except ValueError:
        raise InvalidInput(
            _("An attempt ends transferred, declined, absent or with no answer."), field="outcome"
        ) from None
    inquiry = _get(session, inquiry_id)
    if inquiry.outcome is not None and inquiry.outcome is not InquiryOutcome.not_found:
        raise InvalidInput(
            _("This inquiry is closed ({outcome}).").format(
                outcome=_(OUTCOME_LABELS[InquiryOutcome(inquiry.outcome)])
            )
        )
    attempt = ContactAttempt(
        inquiry_id=stored_id(inquiry),
        at=as_utc(clock.now()),
        outcome=outcome,
        user_id=actor.author_id,
    )
    session.add(attempt)
    if outcome is ContactOutcome.transferred:
        inquiry.outcome = InquiryOutcome.transferred
        session.add(inquiry)
    session.flush()
    attempts, unanswered = _tries(session, stored_id(inquiry))
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="inquiry.contact",
        entity="inquiry",
        entity_id=inquiry.id,
        detail={"outcome": outcome.value, "attempt": attempts},
    )
    tries = (settings or Settings()).inquiry_tries
    return ContactStatus(
        stored_id(inquiry), attempts, outcome, advise(attempts, outcome, unanswered, tries)
    )


def close_inquiry(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    inquiry_id: int,
    outcome: InquiryOutcome | str,
    topic: str | None = None,
    inquirer_contact: str | None = None,
    inquirer_declined: bool = False,
    settings: Settings | None = None,
) -> Inquiry:
    """Set how an inquiry ended (answered, declined politely, not reached ...).

    D-22: "not reached" closes only after `settings.inquiry_tries` tries, unless a message was
    taken for it, the inquirer left their own contact, or the inquirer declined to leave one.
    """
    require(actor, "inquiries.contact")
    try:
        outcome = InquiryOutcome(outcome)
    except ValueError:
        raise InvalidInput(
            _("Unknown outcome: {outcome}.").format(outcome=outcome), field="outcome"
        ) from None
    inquiry = _get(session, inquiry_id)
    if inquiry.outcome == outcome and (topic is None or topic.strip() == inquiry.topic):
        raise InvalidInput(
            _("This inquiry is already closed that way; nothing was changed."), field="outcome"
        )
    contact = _text(inquirer_contact, 64, "inquirer_contact", _("The inquirer's contact"))
    problem = contact_problem(contact) if contact else None
    if problem:
        raise InvalidInput(problem, field="inquirer_contact")
    if contact:
        inquiry.inquirer_contact = contact
    if inquirer_declined:
        inquiry.inquirer_declined = True
    if outcome is InquiryOutcome.not_found:
        _check_given_up(session, inquiry, (settings or Settings()).inquiry_tries)
    inquiry.outcome = outcome
    if topic is not None:
        inquiry.topic = _text(topic, 256, "topic", _("The topic"))
    session.add(inquiry)
    session.flush()
    detail: dict[str, Any] = {"outcome": outcome.value}
    if contact:
        detail["inquirer_contact"] = True  # that one was left; the contact stays in the row
    if inquiry.inquirer_declined:
        detail["inquirer_declined"] = True
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="inquiry.close",
        entity="inquiry",
        entity_id=inquiry.id,
        detail=detail,
    )
    return inquiry


def _check_given_up(session: Session, inquiry: Inquiry, tries: int) -> None:
    """D-22: the desk does not give up after one try."""
    if inquiry.inquirer_contact or inquiry.inquirer_declined:
        return
    message = session.exec(select(Message.id).where(Message.inquiry_id == inquiry.id)).first()
    if message is not None:
        return
    made = count_attempts(session, stored_id(inquiry))
    if made < tries:
        raise InvalidInput(
            _(
                "Tried {made} of {tries} times: try again, or take a message or the inquirer's "
                "contact, or record that the inquirer declined."
            ).format(made=made, tries=tries),
            field="outcome",
        )


def set_outcome_in_session(
    session: Session, inquiry_id: int | None, outcome: InquiryOutcome
) -> None:
    """Used by messages and promises in their own transaction: the inquiry ends with them."""
    if inquiry_id is None:
        return
    inquiry = _get(session, inquiry_id)
    inquiry.outcome = outcome
    session.add(inquiry)


def list_inquiries(
    *, session: Session, since: datetime, until: datetime, limit: int | None = None
) -> list[InquiryLine]:
    """The inquiry log between two instants, newest first, one line each."""
    attempts = (
        select(ContactAttempt.inquiry_id, func.count().label("n"))
        .where(_live())
        .group_by(col(ContactAttempt.inquiry_id))
        .subquery()
    )
    stmt = (
        select(Inquiry, func.coalesce(attempts.c.n, 0), User.name)
        .outerjoin(attempts, attempts.c.inquiry_id == Inquiry.id)
        .join(User, col(User.id) == Inquiry.user_id)
        .where(col(Inquiry.at) >= as_utc(since), col(Inquiry.at) < as_utc(until))
        .order_by(col(Inquiry.at).desc(), col(Inquiry.id).desc())
    )
    if limit:
        stmt = stmt.limit(limit)
    return [
        InquiryLine(
            stored_id(row),
            row.at,
            str(row.channel),
            row.topic,
            row.inquirer,
            row.target_text,
            str(row.outcome) if row.outcome else None,
            n,
            operator,
        )
        for row, n, operator in session.exec(stmt)
    ]


def log_line(line: InquiryLine, tz: str) -> str:
    """One line of the inquiry log: `10:02 phone 找人 (12-1203 张三) · message taken · 3 tries`."""
    from zoneinfo import ZoneInfo

    local = as_utc(line.at).astimezone(ZoneInfo(tz))
    channel = _(CHANNEL_LABELS.get(Channel(line.channel), line.channel))
    topic = line.topic or "—"
    if line.target_text:
        topic = f"{topic} ({line.target_text})"
    outcome = _(OUTCOME_LABELS[InquiryOutcome(line.outcome)]) if line.outcome else _("open")
    parts = [f"{local:%H:%M}", channel, topic, outcome]
    if line.attempts:
        parts.append(_("tries: {n}").format(n=line.attempts))
    return " · ".join(parts)
