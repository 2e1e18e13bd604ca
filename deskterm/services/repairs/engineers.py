"""The engineers the desk dispatches to (D-36): a list (name, trade, on duty), not free text,
so that the desk can tell a resident who will come and when.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from deskterm.clock import Clock
from deskterm.db import lock_name, lock_row
from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.repair import Engineer
from deskterm.rules.text import format_characters, name_key
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require


def list_engineers(*, session: Session, on_duty_only: bool = False) -> list[Engineer]:
    """Active engineers, those on duty first, by trade and name."""
    stmt = select(Engineer).where(col(Engineer.active).is_(True))
    if on_duty_only:
        stmt = stmt.where(col(Engineer.on_duty).is_(True))
    rows = list(session.exec(stmt))
    return sorted(rows, key=lambda e: (not e.on_duty, e.trade, e.name))


def resolve(session: Session, *, engineer_id: int | None = None, name: str = "") -> Engineer:
    """The engineer an order goes to: by id, or by the exact name of one on the list."""
    engineer = None
    if engineer_id is not None:
        engineer = session.get(Engineer, engineer_id)
    elif (name or "").strip():
        engineer = session.exec(select(Engineer).where(Engineer.name == name.strip())).first()
    else:
        raise InvalidInput(
            _("Dispatch to whom? Choose an engineer from the list."), field="assignee"
        )
    if engineer is None or not engineer.active:
        raise InvalidInput(
            _(
                "{name} is not on the list of engineers; choose one from the list (an admin or "
                "supervisor adds engineers)."
            ).format(name=(name or "").strip() or engineer_id),
            field="assignee",
        )
    return engineer


def _clean(value: str, limit: int, field: str, message: str | None = None) -> str:
    text = (value or "").strip()
    if message and not text:
        raise InvalidInput(message, field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("This field takes at most {n} characters.").format(n=limit), field=field
        )
    return text


def add_engineer(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    name: str,
    trade: str = "",
    on_duty: bool = True,
) -> Engineer:
    """Add an engineer to the list. A name is compared as a person reads it (rules.text.
    name_key: full-width letters, case, spaces and invisible characters do not make another
    name), so the desk never chooses between two engineers who look the same (issue 21)."""
    require(actor, "engineers.manage")
    who = " ".join(_clean(name, 64, "name", _("Enter the engineer's name.")).split())
    hidden = format_characters(who)
    if hidden:
        raise InvalidInput(
            _(
                "The name holds invisible characters ({chars}) that would make "
                "it look like another; type it again without them."
            ).format(chars=", ".join(hidden)),
            field="name",
        )
    lock_name(session, "engineer.name")  # two desks adding LIU and liu: one after the other
    key = name_key(who)
    same = next((e for e in session.exec(select(Engineer)) if name_key(e.name) == key), None)
    if same is not None and same.name == who:
        raise InvalidInput(_("{name} is already on the list.").format(name=who), field="name")
    if same is not None:
        raise InvalidInput(
            _(
                "{name} is already on the list as {existing}: the same name written differently."
            ).format(name=who, existing=same.name),
            field="name",
        )
    row = Engineer(name=who, trade=_clean(trade, 32, "trade"), on_duty=on_duty)
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="engineer.add",
        entity="engineer",
        entity_id=row.id,
        subject=row,
        detail={"name": row.name, "trade": row.trade, "on_duty": row.on_duty},
    )
    return row


def set_on_duty(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    engineer_id: int,
    on_duty: bool,
) -> Engineer:
    """Mark an engineer on or off duty (the desk sees who can come now)."""
    require(actor, "engineers.duty")
    row = lock_row(session, Engineer, engineer_id)  # issue 14: one way to change a row
    if row is None or not row.active:
        raise InvalidInput(_("There is no such engineer."), field="engineer_id")
    if row.on_duty != on_duty:
        row.on_duty = on_duty
        session.add(row)
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            clock=clock,
            action="engineer.duty",
            entity="engineer",
            entity_id=row.id,
            subject=row,
            detail={"name": row.name, "on_duty": on_duty},
        )
    return row
