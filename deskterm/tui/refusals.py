"""A refusal as the desk says it: what may not be done in words, never an internal id such
as `visitors.deny_override` (issue 16). The services' own sentence (kept for the CLI and the
audit) names the action id; the screens show this one instead (tui/worker.describe_error).
"""

from __future__ import annotations

from deskterm.errors import PermissionDenied
from deskterm.i18n import N_, _
from deskterm.models.user import role_label

ACTION_LABELS = {
    "shift.checkin": N_("start a shift"),
    "handover.sign": N_("sign a handover"),
    "handover.accept": N_("accept a handover"),
    "logbook.add": N_("write in the duty logbook"),
    "visitors.register": N_("register a visitor"),
    "visitors.checkout": N_("check a visitor out"),
    "visitors.expect": N_("write down an expected visitor"),
    "inquiries.search": N_("search the directory"),
    "inquiries.contact": N_("ring a resident for an inquirer"),
    "messages.take": N_("take a message"),
    "messages.deliver": N_("deliver a message"),
    "promises.make": N_("promise a reply"),
    "promises.answer": N_("answer a promised reply"),
    "residents.reveal_phone": N_("see a resident's full phone number"),
    "repairs.intake": N_("take a repair request"),
    "repairs.update": N_("change a repair order"),
    "repairs.add_fee": N_("add a fee to a repair order"),
    "callbacks.record": N_("record a callback"),
    "complaints.intake": N_("take a complaint"),
    "complaints.handle": N_("handle a complaint"),
    "communications.record": N_("record a communication"),
    "visitors.deny_list": N_("change the deny list"),
    "visitors.deny_override": N_("let in a visitor on the deny list"),
    "repairs.review_fee": N_("review a fee that is not on the schedule"),
    "complaints.sign_off": N_("sign off a complaint"),
    "complaints.categories": N_("change the complaint categories"),
    "repairs.categories": N_("change the repair categories"),
    "report.run": N_("run a report"),
    "export.run": N_("export records"),
    "export.include_pii": N_("export personal data"),
    "import.run": N_("import records"),
    "fees.manage": N_("change the fee schedule"),
    "users.manage": N_("manage staff accounts"),
    "residents.manage": N_("manage residents"),
    "db.manage": N_("manage the database"),
    "purge.run": N_("purge old records"),
    "audit.verify": N_("verify the audit trail"),
    "account.password": N_("change your own password"),
    "users.unlock": N_("unlock a staff account"),
    "shift.close_other": N_("close another operator's shift"),
    "engineers.manage": N_("keep the list of engineers"),
    "engineers.duty": N_("put an engineer on or off duty"),
    "repairs.settle": N_("settle a repair order"),
    "repairs.warranty_link": N_("change a repair order's warranty link"),
}


def refusal_text(exc: PermissionDenied) -> str:
    """ "Your role (operator) may not let in a visitor on the deny list." in the desk's language."""
    action = exc.context.get("action")
    actor = exc.context.get("actor")
    label = ACTION_LABELS.get(action or "")
    if label is None or actor is None:
        return str(exc)
    role = getattr(actor.role, "value", str(actor.role))
    return _("Your role ({role}) may not {what}.").format(role=role_label(role), what=_(label))
