"""What an export's columns and code values are called for people (xlsx, or csv with --lang).

HEADINGS names every column of every export kind (tests/services/test_export_office.py checks
that none is missing); CODES names the values of each column that holds a code, per export
kind, from the model's enum (every member is named: the same test checks it). Machine formats
keep the column names and codes as they are.
"""

from __future__ import annotations

from enum import StrEnum

from deskterm.i18n import N_, _
from deskterm.models.complaint import (
    AnswerHow,
    ComplainantKind,
    ComplaintChannel,
    ComplaintStatus,
    Severity,
)
from deskterm.models.inquiry import Channel, InquiryOutcome
from deskterm.models.repair import (
    CostBearer,
    RepairChannel,
    RepairClass,
    RepairScope,
    RepairStatus,
    Settlement,
)
from deskterm.models.shift import HandoverStatus, LogCategory
from deskterm.models.visitor import DocType, HostCallMethod, HostCallResult, Purpose, SlipStatus

HEADINGS: dict[str, str] = {
    "number": N_("Record number"), "id": N_("No."), "seq": N_("Seq."), "at": N_("Time"),
    "checked_in_at": N_("Checked in"), "checked_out_at": N_("Checked out"), "status": N_("Status"),
    "visitor_name": N_("Visitor"), "headcount": N_("People"), "doc_type": N_("Document"),
    "doc_masked": N_("Document number"), "phone": N_("Phone"), "host_unit": N_("Host unit"),
    "host_text": N_("Host"), "purpose": N_("Purpose"), "purpose_text": N_("Purpose (detail)"),
    "plate": N_("Plate"), "host_call_method": N_("Host called by"), "host_call_result": N_("Host's answer"),
    "slip_returned": N_("Slip returned"), "checked_in_by": N_("Checked in by"),
    "checked_out_by": N_("Checked out by"), "shift_id": N_("Shift"), "channel": N_("Channel used"),
    "inquirer": N_("Inquirer"), "topic": N_("Topic"), "target_kind": N_("Asked for (kind)"),
    "target_text": N_("Asked for"), "outcome": N_("Outcome"), "contact_attempts": N_("Contact attempts"),
    "taken_by": N_("Taken by"), "taken_at": N_("Taken"), "for_kind": N_("For (kind)"),
    "for_name": N_("For"), "from_name": N_("From"), "from_contact": N_("From (contact)"),
    "text": N_("Message"), "inquiry_id": N_("Inquiry"), "delivered_at": N_("Delivered"),
    "delivered_by": N_("Delivered by"), "delivered_how": N_("Delivered how"),
    "reported_at": N_("Reported"), "scope": N_("Scope"), "unit": N_("Unit"), "location": N_("Location"),
    "reporter_name": N_("Reported by (name)"), "reporter_contact": N_("Reporter's contact"),
    "category": N_("Category"), "category_name": N_("Category name"), "repair_class": N_("Class"),
    "description": N_("Description"), "assignee": N_("Assignee"), "appointment_at": N_("Appointment"),
    "onsite_due_at": N_("On site due"), "dispatched_at": N_("Dispatched"), "arrived_at": N_("Arrived"),
    "fix_due_at": N_("Fix due"), "repaired_at": N_("Repaired"), "accepted_at": N_("Accepted"),
    "closed_at": N_("Closed"), "fee_yuan": N_("Fee (yuan)"), "warranty_of": N_("Warranty of"),
    "settlement": N_("Settlement"), "settled_at": N_("Settled"), "receipt_no": N_("Receipt number"),
    "cost_bearer": N_("Cost borne by"), "reported_by": N_("Taken down by"), "received_at": N_("Received"), "who_kind": N_("Complainant (kind)"),
    "who_name": N_("Complainant"), "contact": N_("Contact"), "severity": N_("Severity"),
    "valid": N_("Valid"), "content": N_("Content"), "department": N_("Department"),
    "referred_to": N_("Referred to"), "reply_due_at": N_("Reply due"), "replied_at": N_("Replied"),
    "answer": N_("Answer"), "answer_how": N_("Answered how"), "received_by": N_("Received by"),
    "signed_off_by": N_("Signed off by"), "signed_off_at": N_("Signed off"),
    "occurred_at": N_("Occurred"), "recorded_at": N_("Recorded"), "what": N_("What happened"),
    "action_taken": N_("Action taken"), "notified": N_("Notified"), "abnormal": N_("Abnormal"),
    "corrects_id": N_("Corrects entry"), "recorded_by": N_("Recorded by"), "post": N_("Post"),
    "outgoing": N_("Outgoing"), "created_at": N_("Created"), "signed_at": N_("Signed"),
    "incoming": N_("Incoming"), "answered_at": N_("Answered"), "notices": N_("Notices"),
    "refusal_reason": N_("Refusal reason"), "open_items": N_("Open items"),
    "physical_items": N_("Physical items"), "user": N_("User"), "action": N_("Action"),
    "entity": N_("Record"), "entity_id": N_("Record id"), "detail": N_("Detail"),
    "record_digest": N_("Record digest"), "prev_hash": N_("Previous hash"), "hash": N_("Hash"),
}

_ENUM_LABELS: dict[type[StrEnum], dict[str, str]] = {
    SlipStatus: {"on_site": N_("On site"), "left": N_("Left the site")},
    DocType: {"resident_id": N_("Resident ID card"), "passport": N_("Passport"),
              "driving_licence": N_("Driving licence"), "residence_permit": N_("Residence permit"),
              "other": N_("Other document"), "sighted": N_("Seen, no number"), "none": N_("No document")},
    Purpose: {"visit": N_("Visiting someone"), "delivery": N_("Delivery"), "renovation": N_("Renovation"),
              "maintenance": N_("Maintenance"), "business": N_("Business"), "viewing": N_("Viewing"),
              "other": N_("Other")},
    HostCallMethod: {"phone": N_("Phone"), "intercom": N_("Intercom"), "in_person": N_("In person")},
    HostCallResult: {"agreed": N_("Agreed to the visit"), "refused": N_("Refused"), "no_answer": N_("No answer")},
    Channel: {"phone": N_("Phone"), "walk_in": N_("Walk-in")},
    InquiryOutcome: {"answered": N_("Answered"), "transferred": N_("Transferred"),
                     "message_taken": N_("Message taken"), "promised": N_("Promised"),
                     "declined": N_("Declined"), "not_found": N_("Not found")},
    RepairScope: {"household": N_("Household"), "public": N_("Public facilities")},
    RepairChannel: {"phone": N_("Phone"), "walk_in": N_("Walk-in"), "app": N_("App"),
                    "patrol": N_("Found on patrol")},
    RepairClass: {"urgent": N_("Urgent"), "general": N_("General")},
    RepairStatus: {"reported": N_("Newly reported"), "dispatched": N_("Dispatched, on the way"), "on_site": N_("On site"),
                   "repaired": N_("Repair done"), "accepted": N_("Accepted by resident"), "called_back": N_("Called back"),
                   "closed": N_("Closed"), "cancelled": N_("Cancelled"), "on_hold": N_("On hold")},
    Settlement: {"unpaid": N_("Unpaid"), "paid": N_("Paid at the desk"), "finance": N_("Sent to finance")},
    CostBearer: {"owner": N_("Owner"), "public_fund": N_("Public maintenance fund"),
                 "service_fee": N_("Property service fee"), "developer": N_("Developer's warranty")},
    ComplaintChannel: {"phone": N_("Phone"), "walk_in": N_("Walk-in"), "letter": N_("Letter"),
                       "passed_down": N_("Passed down")},
    ComplainantKind: {"resident": N_("Resident"), "company": N_("Company"), "other": N_("Other")},
    Severity: {"normal": N_("Normal"), "important": N_("Important"), "severe": N_("Severe")},
    ComplaintStatus: {"open": N_("Open, not answered"), "referred": N_("Referred"), "replied": N_("Replied"),
                      "closed": N_("Closed"), "signed_off": N_("Signed off")},
    AnswerHow: {"on_the_spot": N_("On the spot"), "phone": N_("Phone"), "in_writing": N_("In writing"),
                "in_person": N_("In person")},
    LogCategory: {"equipment": N_("Equipment"), "security": N_("Security"), "fire": N_("Fire"),
                  "water_power": N_("Water and power"), "noise_dispute": N_("Noise or dispute"),
                  "emergency": N_("Emergency"), "other": N_("Other")},
    HandoverStatus: {"draft": N_("Draft"), "signed": N_("Signed, awaiting"), "accepted": N_("Accepted by next shift"),
                     "refused": N_("Refused")},
}

# (export kind, column) -> the enum its codes come from
CODE_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("visitors", "status"): SlipStatus, ("visitors", "doc_type"): DocType,
    ("visitors", "purpose"): Purpose, ("visitors", "host_call_method"): HostCallMethod,
    ("visitors", "host_call_result"): HostCallResult,
    ("inquiries", "channel"): Channel, ("inquiries", "outcome"): InquiryOutcome,
    ("repairs", "scope"): RepairScope, ("repairs", "channel"): RepairChannel,
    ("repairs", "repair_class"): RepairClass, ("repairs", "status"): RepairStatus,
    ("repairs", "settlement"): Settlement, ("repairs", "cost_bearer"): CostBearer,
    ("complaints", "channel"): ComplaintChannel, ("complaints", "who_kind"): ComplainantKind,
    ("complaints", "severity"): Severity, ("complaints", "status"): ComplaintStatus,
    ("complaints", "answer_how"): AnswerHow,
    ("logbook", "category"): LogCategory, ("handovers", "status"): HandoverStatus,
}


def enum_labels(enum: type[StrEnum]) -> dict[str, str]:
    return _ENUM_LABELS[enum]


def heading(name: str, *, zone: str | None = None) -> str:
    """A column's heading in the current language; an instant's names the time zone."""
    text = _(HEADINGS.get(name, name))
    return f"{text} ({zone})" if zone else text


def code_labels(kind: str, column: str) -> dict[str, str] | None:
    """code -> its name in the current language, for a column that holds codes."""
    enum = CODE_COLUMNS.get((kind, column))
    if enum is None:
        return None
    return {code: _(label) for code, label in _ENUM_LABELS[enum].items()}


# The round-trip kinds (exports.TABLE_KINDS) are headed as their import reads them: the first
# Chinese heading of services/admin/sheets.HEADINGS in Chinese, the column's name in English;
# their codes in Chinese are words the import reads back (estate/importing.py RELATIONS, KINDS;
# inquiries/directory.py KIND_WORDS).
TABLE_CODES_ZH: dict[tuple[str, str], dict[str, str]] = {
    ("residents", "relation"): {"owner": "业主", "tenant": "租户", "family": "家属"},
    ("units", "kind"): {"residential": "住宅", "office": "写字楼"},
    ("directory", "kind"): {"service": "服务", "layout": "区域", "transport": "交通", "shop": "商店",
                            "entertainment": "娱乐", "bank": "银行", "phone": "办公电话"},
}


def table_heading(kind: str, name: str, *, chinese: bool) -> str:
    from deskterm.services.admin.sheets import HEADINGS as IMPORT_HEADINGS

    return IMPORT_HEADINGS[kind][name][0] if chinese else name


def people_headings(kind: str, columns, tz: str) -> list[str]:
    """The heading row for people, in the current language."""
    from deskterm.exports import TABLE_KINDS
    from deskterm.i18n import current_language

    if kind in TABLE_KINDS:
        chinese = current_language() == "zh_CN"
        return [table_heading(kind, c.name, chinese=chinese) for c in columns]
    return [heading(c.name, zone=tz if c.kind == "instant" else None) for c in columns]


def people_codes(kind: str, columns) -> list[dict[str, str] | None]:
    from deskterm.exports import TABLE_KINDS
    from deskterm.i18n import current_language

    if kind in TABLE_KINDS:
        if current_language() != "zh_CN":
            return [None for _c in columns]
        return [TABLE_CODES_ZH.get((kind, c.name)) for c in columns]
    return [code_labels(kind, c.name) for c in columns]
