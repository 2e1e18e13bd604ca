"""Who may do what: one table of actions and the roles allowed, used by the app and the CLI.

A denial raises PermissionDenied; callers that deny record it in the audit (`deny`).
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from deskterm.clock import Clock
from deskterm.errors import PermissionDenied
from deskterm.i18n import _
from deskterm.models.user import Role, role_label
from deskterm.services.actor import Actor

OPERATOR = frozenset({Role.operator, Role.supervisor, Role.admin})
SUPERVISOR = frozenset({Role.supervisor, Role.admin})
ADMIN = frozenset({Role.admin})

# action id -> roles allowed. Screens' key actions and CLI commands use the same ids.
POLICY: dict[str, frozenset[Role]] = {
    # desk work (every signed-in role may staff the desk)
    "shift.checkin": OPERATOR,
    "handover.sign": OPERATOR,
    "handover.accept": OPERATOR,
    "logbook.add": OPERATOR,
    "visitors.register": OPERATOR,
    "visitors.checkout": OPERATOR,
    "visitors.expect": OPERATOR,
    "inquiries.search": OPERATOR,
    "inquiries.contact": OPERATOR,
    "messages.take": OPERATOR,
    "messages.deliver": OPERATOR,
    "promises.make": OPERATOR,
    "promises.answer": OPERATOR,
    "residents.reveal_phone": OPERATOR,
    "repairs.intake": OPERATOR,
    "repairs.update": OPERATOR,
    "repairs.add_fee": OPERATOR,
    "repairs.settle": OPERATOR,  # settlement, who bears the cost, estimate, quotation (D-34, D-37)
    "repairs.warranty_link": OPERATOR,  # link or unlink a warranty repeat (D-35)
    "engineers.duty": OPERATOR,  # who is on duty now (D-36)
    "callbacks.record": OPERATOR,
    "complaints.intake": OPERATOR,
    "complaints.handle": OPERATOR,
    "communications.record": OPERATOR,
    "account.password": OPERATOR,  # one's own password
    # supervisors
    "visitors.deny_list": SUPERVISOR,
    "visitors.deny_override": SUPERVISOR,
    "repairs.review_fee": SUPERVISOR,
    "engineers.manage": SUPERVISOR,  # the engineering list (D-36)
    "complaints.sign_off": SUPERVISOR,
    "complaints.categories": ADMIN,
    "repairs.categories": ADMIN,  # the repair categories and their class (D-30)
    "report.run": SUPERVISOR,
    "users.unlock": SUPERVISOR,  # lift a sign-in delay (issue 19)
    # admins
    "export.run": ADMIN,
    "export.include_pii": ADMIN,
    "import.run": ADMIN,
    "fees.manage": ADMIN,  # a new fee schedule version (services.fees)
    "users.manage": ADMIN,
    "residents.manage": ADMIN,  # residents added outside an import (services.residents)
    "db.manage": ADMIN,
    "purge.run": ADMIN,
    "audit.verify": SUPERVISOR,
    "shift.close_other": SUPERVISOR,  # close a shift its operator left open (issue 14, item 4)
}


def allowed(actor: Actor, action: str) -> bool:
    roles = POLICY.get(action)
    if roles is None:
        raise KeyError(f"no policy for action {action!r}")
    return actor.role in roles


def require(actor: Actor, action: str) -> None:
    if not allowed(actor, action):
        raise PermissionDenied(
            _("Your role ({role}) may not do this: {action}.").format(
                role=role_label(actor.role), action=action
            ),
            action=action,
            actor=actor,
        )


def deny(*, session: Session, actor: Actor, clock: Clock, action: str) -> None:
    """Record a denial in the audit (its own transaction, so it survives the refusal)."""
    from deskterm.services import audit

    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="permission.denied",
        entity="user",
        entity_id=actor.user_id,
        detail={"action": action, "role": actor.role.value},
    )


def authorize(*, engine: Engine, clock: Clock, actor: Actor, action: str) -> None:
    """The one check at a door (CLI command, TUI sign-in for a decision): the actor's role may
    run `action`, or the denial is audited in a transaction of its own (so it survives the
    refusal) and PermissionDenied raised. Services still `require` inside their work."""
    if allowed(actor, action):
        return
    from deskterm.db import run_write

    run_write(engine, lambda s: deny(session=s, actor=actor, clock=clock, action=action))
    require(actor, action)


def record_refusal(*, engine: Engine, clock: Clock, exc: PermissionDenied) -> None:
    """Audit a refusal raised inside a service, after its transaction was rolled back.

    A door that runs services (the TUI's database worker) calls this, so that a denial met
    there is recorded like the CLI's: in a transaction of its own.
    """
    from deskterm.db import run_write

    actor = exc.context.get("actor")
    action = exc.context.get("action")
    if actor is None or action is None:
        return
    run_write(engine, lambda s: deny(session=s, actor=actor, clock=clock, action=action))
