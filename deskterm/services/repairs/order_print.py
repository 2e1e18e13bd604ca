"""An order on paper (D-36): the household order or engineering notice as text or HTML, printed
through settings.print_command or saved under the data folder. Showing the reporter's full
phone on it is a choice the audit records.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from deskterm.clock import Clock
from deskterm.config import Settings
from deskterm.errors import DeskError, InvalidInput, NotFound
from deskterm.i18n import _
from deskterm.paths import data_dir, private_dir, write_private_text
from deskterm.reasons import os_reason
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require
from deskterm.services.repairs.order_forms import order_html, order_text
from deskterm.services.repairs.queries import get_order_detail

REVEAL_REASON_MAX = 200  # as for a reveal on screen (services/estate/residents.py)


def render_order(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    order_id: int,
    fmt: str = "text",
    include_phone: bool = False,
    reason: str | None = None,
) -> tuple[str, str]:
    """(file name, document) of an order. The full phone (`include_phone`) is a reveal like any
    other: it needs a reason, and the reason is audited with it (issue 19)."""
    require(actor, "repairs.update")
    if include_phone:
        require(actor, "residents.reveal_phone")
        reason = " ".join((reason or "").split())
        if not reason:
            raise InvalidInput(_("Say why the number is needed."), field="reason")
        if len(reason) > REVEAL_REASON_MAX:
            raise InvalidInput(
                _("The reason is at most {n} characters.").format(n=REVEAL_REASON_MAX),
                field="reason",
            )
    detail = get_order_detail(session=session, order_id=order_id)
    if detail is None:
        raise NotFound(_("There is no repair order {id}.").format(id=order_id))
    if include_phone:
        audit.record(
            session=session,
            actor=actor,
            clock=clock,
            action="repair.phone_printed",
            entity="repair_order",
            entity_id=order_id,
            detail={"number": detail.order.number, "reason": reason},
        )
    if fmt == "html":
        return f"{detail.order.number}.html", order_html(
            detail, settings, include_phone=include_phone
        )
    return f"{detail.order.number}.txt", order_text(detail, settings, include_phone=include_phone)


def orders_folder() -> Path:
    return data_dir() / "orders"


def save_document(name: str, text: str, folder: Path | None = None) -> Path:
    """Write a document under the data folder (orders/); one clear sentence if that fails."""
    target = (folder or orders_folder()) / name
    try:
        if folder is None:
            private_dir(orders_folder(), own=True)
        write_private_text(target, text)  # 0600 in a 0700 folder: it may hold a phone
    except OSError as exc:
        raise DeskError(
            _("Could not save {path}: {reason}").format(path=target, reason=os_reason(exc))
        ) from None
    return target
