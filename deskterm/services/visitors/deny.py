"""The deny list, kept by supervisors: names with a reason. A match at registration stops the
slip until a supervisor decides (services.visitors.DenyListMatch / DenyOverride).
"""

from __future__ import annotations

from sqlmodel import Session, select

from deskterm.clock import Clock, as_utc
from deskterm.db import lock_row
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import _
from deskterm.models.visitor import DenyEntry
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require
from deskterm.services.visitors.checks import clean_text
from deskterm.services.visitors.slips import find_deny_match


def add_deny_entry(
    *, session: Session, actor: Actor, clock: Clock, name: str, reason: str
) -> DenyEntry:
    require(actor, "visitors.deny_list")
    clean_name = clean_text(name, field="name", limit=64, required_msg=_("Type the name."))
    clean_reason = clean_text(
        reason,
        field="reason",
        limit=500,
        required_msg=_("Say why this person is on the deny list."),
    )
    if find_deny_match(session=session, name=clean_name, alike=False) is not None:
        raise InvalidInput(
            _("{name} is on the deny list already.").format(name=clean_name), field="name"
        )
    entry = DenyEntry(
        name=clean_name,
        reason=clean_reason,
        created_at=as_utc(clock.now()),
        created_by=actor.author_id,
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="visitor.deny_add",
        entity="deny_entry",
        subject=entry,
    )
    return entry


def remove_deny_entry(*, session: Session, actor: Actor, clock: Clock, entry_id: int) -> DenyEntry:
    """Take a name off the list (the row stays, inactive, for the record)."""
    require(actor, "visitors.deny_list")
    entry = lock_row(session, DenyEntry, entry_id)
    if entry is None or not entry.active:
        raise NotFound(_("That name is not on the deny list."))
    entry.active = False
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="visitor.deny_remove",
        entity="deny_entry",
        subject=entry,
    )
    return entry


def list_deny_entries(*, session: Session) -> list[DenyEntry]:
    stmt = select(DenyEntry).where(DenyEntry.active == True).order_by(DenyEntry.name)  # noqa: E712
    return list(session.exec(stmt))
