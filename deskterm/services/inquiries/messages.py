"""Messages (留言) taken at the desk: for whom, from whom, how to reach the sender, the text;
then delivered when and how (D-21, D-22).

The sender's contact is the sender's own, theirs to give; the recipient's phone is never
copied into a message. A message stays undelivered (`delivered_at IS NULL`) on the dashboard
and in every handover until it is delivered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ColumnExpressionArgument
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.db import lock_row, stored_id
from deskterm.errors import InvalidInput, NotFound, StaleEdit
from deskterm.i18n import N_, _
from deskterm.models.inquiry import InquiryOutcome, Message, MessageCreate
from deskterm.models.user import User
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.inquiries.log import describe_target, set_outcome_in_session
from deskterm.services.permissions import require

# How a message reaches the person; stored as the code, shown translated. Older rows (and
# the demo) may hold free text, which is shown as it is.
DELIVERY = {
    "phone": N_("by phone"),
    "in_person": N_("in person"),
    "note": N_("note in their mailbox"),
    "wechat": N_("by WeChat / SMS"),
}


@dataclass(frozen=True)
class MessageView:
    id: int
    for_kind: str
    for_name: str
    from_name: str
    from_contact: str
    text: str
    taken_at: datetime
    taken_by: str
    delivered_at: datetime | None
    delivered_by: str | None
    delivered_how: str | None
    version: int
    inquiry_id: int | None
    for_id: int | None = None  # the resident or company on record it is for

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None


def delivery_label(how: str | None) -> str:
    if not how:
        return ""
    return _(DELIVERY[how]) if how in DELIVERY else how


def take_message(
    *, session: Session, actor: Actor, clock: Clock, message_in: MessageCreate
) -> Message:
    """Write down a message; for a resident, company or colleague on record the name and
    unit come from the record. An inquiry it answers ends as "message taken"."""
    require(actor, "messages.take")
    # `message_in` is validated (models.forms.validated): its fields are not checked again.
    kind = message_in.for_kind
    for_name = message_in.for_name
    if message_in.for_id is not None and kind in ("resident", "company", "staff"):
        for_name = describe_target(session, kind, message_in.for_id)
        if not for_name:
            raise NotFound(_("The person the message is for is not on record any more."))
    message = Message(
        for_kind=kind,
        for_id=message_in.for_id,
        for_name=for_name,
        from_name=message_in.from_name,
        from_contact=message_in.from_contact,
        text=message_in.text,
        inquiry_id=message_in.inquiry_id,
        taken_at=as_utc(clock.now()),
        taken_by=actor.author_id,
    )
    # The inquiry first: an unknown one is refused before the message is flushed.
    set_outcome_in_session(session, message_in.inquiry_id, InquiryOutcome.message_taken)
    session.add(message)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="message.create",
        entity="message",
        entity_id=message.id,
        detail={"for_kind": kind, "for_id": message.for_id, "inquiry_id": message.inquiry_id},
    )
    return message


def deliver_message(
    *, session: Session, actor: Actor, clock: Clock, message_id: int, how: str, version: int
) -> Message:
    """Mark a message delivered, saying how. A desk that saw an older version is refused."""
    require(actor, "messages.deliver")
    how = " ".join((how or "").split())
    if not how:
        raise InvalidInput(_("Say how the message was delivered."), field="how")
    if len(how) > 64:
        raise InvalidInput(_("At most {n} characters here.").format(n=64), field="how")
    message = lock_row(session, Message, message_id)
    if message is None:
        raise NotFound(_("No message has the number {id}.").format(id=message_id))
    if message.version != version or message.delivered_at is not None:
        who = session.get(User, message.delivered_by) if message.delivered_by else None
        raise StaleEdit(
            _("Another desk has already delivered this message ({how}, {who}).").format(
                how=delivery_label(message.delivered_how), who=who.name if who else "?"
            )
            if message.delivered_at is not None
            else _("Another desk changed this message; it has been reloaded."),
            changes={
                "delivered_at": (None, message.delivered_at),
                "delivered_how": (None, message.delivered_how),
            },
        )
    message.delivered_at = as_utc(clock.now())
    message.delivered_by = actor.user_id
    message.delivered_how = how
    message.version += 1
    session.add(message)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="message.deliver",
        entity="message",
        entity_id=message.id,
        detail={"how": how},
    )
    return message


def _views(
    session: Session,
    *where: ColumnExpressionArgument[bool],
    order: Sequence[ColumnExpressionArgument[Any]] = (),
    limit: int | None = None,
) -> list[MessageView]:
    taker = aliased(User)
    deliverer = aliased(User)
    stmt = (
        select(Message, taker.name, deliverer.name)
        .join(taker, col(taker.id) == Message.taken_by)
        .outerjoin(deliverer, col(deliverer.id) == Message.delivered_by)
        .where(*where)
        .order_by(*order)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        MessageView(
            stored_id(m),
            m.for_kind,
            m.for_name,
            m.from_name,
            m.from_contact,
            m.text,
            m.taken_at,
            taken_by,
            m.delivered_at,
            delivered_by,
            m.delivered_how,
            m.version,
            m.inquiry_id,
            m.for_id,
        )
        for m, taken_by, delivered_by in session.exec(stmt)
    ]


def list_undelivered(*, session: Session) -> list[MessageView]:
    """Messages still waiting, oldest first (dashboard, handover)."""
    return _views(
        session,
        col(Message.delivered_at).is_(None),
        order=(col(Message.taken_at), col(Message.id)),
    )


def list_messages(
    *,
    session: Session,
    since: datetime | None = None,
    include_delivered: bool = True,
    limit: int = 200,
) -> list[MessageView]:
    """Messages, waiting ones first, then the newest delivered ones."""
    waiting = list_undelivered(session=session)
    if not include_delivered:
        return waiting[:limit]
    where: list[ColumnElement[bool]] = [col(Message.delivered_at).is_not(None)]
    if since is not None:
        where.append(col(Message.taken_at) >= as_utc(since))
    delivered = _views(
        session,
        *where,
        order=(col(Message.delivered_at).desc(), col(Message.id).desc()),
        limit=max(0, limit - len(waiting)),
    )
    return (waiting + delivered)[:limit]


def get_message(*, session: Session, message_id: int) -> MessageView:
    views = _views(session, col(Message.id) == message_id)
    if not views:
        raise NotFound(_("No message has the number {id}.").format(id=message_id))
    return views[0]
