"""What the desk calls the repair values on screen, on paper and in reports (translated)."""

from __future__ import annotations

from deskterm.i18n import N_, _, current_language
from deskterm.models.repair import RepairCategory

STATUS = {
    "reported": N_("reported"),
    "dispatched": N_("dispatched"),
    "on_site": N_("on site"),
    "repaired": N_("repaired"),
    "accepted": N_("work accepted"),
    "called_back": N_("called back"),
    "closed": N_("closed"),
    "cancelled": N_("cancelled"),
    "on_hold": N_("on hold"),
}
CLASS = {"urgent": N_("urgent"), "general": N_("general")}
SCOPE = {"household": N_("household"), "public": N_("public facility")}
CHANNEL = {
    "phone": N_("phone"),
    "walk_in": N_("walk-in"),
    "app": N_("app / WeChat"),
    "patrol": N_("found on patrol"),
}
CALLBACK_RESULT = {
    "satisfied": N_("satisfied"),
    "fairly_satisfied": N_("fairly satisfied"),
    "dissatisfied": N_("dissatisfied"),
}
CALLBACK_METHOD = {"phone": N_("phone"), "visit": N_("visit")}
REVIEW = {
    "not_needed": N_("on schedule"),
    "pending": N_("waiting for review"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
}
SLA_STATE = {
    "ok": N_("on time"),
    "near": N_("due soon"),
    "overdue": N_("overdue"),
    "met": N_("met"),
    "missed": N_("missed"),
}
SETTLEMENT = {
    "unpaid": N_("unpaid"),
    "paid": N_("paid at the desk"),
    "finance": N_("sent to finance"),
}
COST_BEARER = {
    "owner": N_("owner"),
    "public_fund": N_("public maintenance fund"),
    "service_fee": N_("property service fee"),
    "developer": N_("developer's warranty"),
}
FIELD = {
    "status": N_("status"),
    "assignee": N_("assigned to"),
    "arrived_at": N_("arrival"),
    "repaired_at": N_("repaired at"),
    "work_done": N_("work done"),
    "materials": N_("materials"),
    "accepted_by_name": N_("accepted by"),
    "fee_form_no": N_("fee form no."),
    "fee_accepted_by_name": N_("fee accepted by"),
    "status_reason": N_("reason"),
    "location": N_("location"),
    "reporter_name": N_("reporter"),
    "reporter_contact": N_("contact"),
    "description": N_("description"),
    "appointment_at": N_("appointment"),
    "fees": N_("fees"),
    "reopen_count": N_("times reopened"),
    "warranty_of_id": N_("warranty of"),
    "warranty_opt_out_reason": N_("not linked because"),
    "engineer_id": N_("engineer"),
    "settlement": N_("settlement"),
    "settled_at": N_("settled at"),
    "receipt_no": N_("receipt no."),
    "cost_bearer": N_("cost borne by"),
    "estimate_days": N_("labour estimate (work-days)"),
    "quote_fen": N_("quotation"),
    "quote_no": N_("quotation no."),
    "quote_accepted_by_name": N_("quotation accepted by"),
    "appointment_after_deadline": N_("resident chose a later time"),
}


def _label(table: dict[str, str], value: object) -> str:
    key = getattr(value, "value", value)
    text = table.get(str(key)) if key is not None else None
    return _(text) if text else ("" if key is None else str(key))


def status_label(value: object) -> str:
    return _label(STATUS, value)


def class_label(value: object) -> str:
    return _label(CLASS, value)


def scope_label(value: object) -> str:
    return _label(SCOPE, value)


def channel_label(value: object) -> str:
    return _label(CHANNEL, value)


def result_label(value: object) -> str:
    return _label(CALLBACK_RESULT, value)


def method_label(value: object) -> str:
    return _label(CALLBACK_METHOD, value)


def review_label(value: object) -> str:
    return _label(REVIEW, value)


def sla_label(value: object) -> str:
    return _label(SLA_STATE, value)


def settlement_label(value: object) -> str:
    return _label(SETTLEMENT, value)


def bearer_label(value: object) -> str:
    return _label(COST_BEARER, value)


def field_label(name: str) -> str:
    return _label(FIELD, name)


def category_name(category: RepairCategory | None, code: str = "") -> str:
    """A category's name in the language in use (the list ships both)."""
    if category is None:
        return code
    return category.name_zh if current_language() == "zh_CN" else category.name_en
