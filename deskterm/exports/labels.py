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
    "number": N_("Record number"),
    "id": N_("No."),
    "seq": N_("Seq."),
    "at": N_("Time"),
    "checked_in_at": N_("Checked in"),
    "checked_out_at": N_("Checked out"),
    "status": N_("Status"),
    "visitor_name": N_("Visitor"),
    "headcount": N_("People"),
    "doc_type": N_("Document"),
    "doc_masked": N_("Document number"),
    "phone": N_("Phone"),
    "host_unit": N_("Host unit"),
    "host_text": N_("Host"),
    "purpose": N_("Purpose"),
    "purpose_text": N_("Purpose (detail)"),
    "plate": N_("Plate"),
    "host_call_method": N_("Host called by"),
    "host_call_result": N_("Host's answer"),
    "slip_returned": N_("Slip returned"),
    "checked_in_by": N_("Checked in by"),
    "checked_out_by": N_("Checked out by"),
    "shift_id": N_("Shift"),
    "channel": N_("Channel used"),
    "inquirer": N_("Inquirer"),
    "topic": N_("Topic"),
    "target_kind": N_("Asked for (kind)"),
    "target_text": N_("Asked for"),
    "outcome": N_("Outcome"),
    "contact_attempts": N_("Contact attempts"),
    "taken_by": N_("Taken by"),
    "taken_at": N_("Taken"),
    "for_kind": N_("For (kind)"),
    "for_name": N_("For"),
    "from_name": N_("From"),
    "from_contact": N_("From (contact)"),
    "text": N_("Message"),
    "inquiry_id": N_("Inquiry"),
    "delivered_at": N_("Delivered"),
    "delivered_by": N_("Delivered by"),
    "delivered_how": N_("Delivered how"),
    "reported_at": N_("Reported"),
    "scope": N_("Scope"),
    "unit": N_("Unit"),
    "location": N_("Location"),
    "reporter_name": N_("Reported by (name)"),
    "reporter_contact": N_("Reporter's contact"),
    "category": N_("Category"),
    "category_name": N_("Category name"),
    "repair_class": N_("Class"),
    "description": N_("Description"),
    "assignee": N_("Assignee"),
    "appointment_at": N_("Appointment"),
    "onsite_due_at": N_("On site due"),
    "dispatched_at": N_("Dispatched"),
    "arrived_at": N_("Arrived"),
    "fix_due_at": N_("Fix due"),
    "repaired_at": N_("Repaired"),
    "accepted_at": N_("Accepted"),
    "closed_at": N_("Closed"),
    "fee_yuan": N_("Fee (yuan)"),
    "warranty_of": N_("Warranty of"),
    "settlement": N_("Settlement"),
    "settled_at": N_("Settled"),
    "receipt_no": N_("Receipt number"),
    "cost_bearer": N_("Cost borne by"),
    "reported_by": N_("Taken down by"),
    "received_at": N_("Received"),
    "who_kind": N_("Complainant (kind)"),
    "who_name": N_("Complainant"),
    "contact": N_("Contact"),
    "severity": N_("Severity"),
    "valid": N_("Valid"),
    "content": N_("Content"),
    "department": N_("Department"),
    "referred_to": N_("Referred to"),
    "reply_due_at": N_("Reply due"),
    "replied_at": N_("Replied"),
    "answer": N_("Answer"),
    "answer_how": N_("Answered how"),
    "received_by": N_("Received by"),
    "signed_off_by": N_("Signed off by"),
    "signed_off_at": N_("Signed off"),
    "occurred_at": N_("Occurred"),
    "recorded_at": N_("Recorded"),
    "what": N_("What happened"),
    "action_taken": N_("Action taken"),
    "notified": N_("Notified"),
    "abnormal": N_("Abnormal"),
    "corrects_id": N_("Corrects entry"),
    "recorded_by": N_("Recorded by"),
    "post": N_("Post"),
    "outgoing": N_("Outgoing"),
    "created_at": N_("Created"),
    "signed_at": N_("Signed"),
    "incoming": N_("Incoming"),
    "answered_at": N_("Answered"),
    "notices": N_("Notices"),
    "refusal_reason": N_("Refusal reason"),
    "open_items": N_("Open items"),
    "physical_items": N_("Physical items"),
    "user": N_("User"),
    "action": N_("Action"),
    "entity": N_("Record"),
    "entity_id": N_("Record id"),
    "detail": N_("Detail"),
    "record_digest": N_("Record digest"),
    "prev_hash": N_("Previous hash"),
    "hash": N_("Hash"),
}

_ENUM_LABELS: dict[type[StrEnum], dict[str, str]] = {
    SlipStatus: {"on_site": N_("On site"), "left": N_("Left the site")},
    DocType: {
        "resident_id": N_("Resident ID card"),
        "passport": N_("Passport"),
        "driving_licence": N_("Driving licence"),
        "residence_permit": N_("Residence permit"),
        "other": N_("Other document"),
        "sighted": N_("Seen, no number"),
        "none": N_("No document"),
    },
    Purpose: {
        "visit": N_("Visiting someone"),
        "delivery": N_("Delivery"),
        "renovation": N_("Renovation"),
        "maintenance": N_("Maintenance"),
        "business": N_("Business"),
        "viewing": N_("Viewing"),
        "other": N_("Other"),
    },
    HostCallMethod: {
        "phone": N_("Phone"),
        "intercom": N_("Intercom"),
        "in_person": N_("In person"),
    },
    HostCallResult: {
        "agreed": N_("Agreed to the visit"),
        "refused": N_("Refused"),
        "no_answer": N_("No answer"),
    },
    Channel: {"phone": N_("Phone"), "walk_in": N_("Walk-in")},
    InquiryOutcome: {
        "answered": N_("Answered"),
        "transferred": N_("Transferred"),
        "message_taken": N_("Message taken"),
        "promised": N_("Promised"),
        "declined": N_("Declined"),
        "not_found": N_("Not found"),
    },
    RepairScope: {"household": N_("Household"), "public": N_("Public facilities")},
    RepairChannel: {
        "phone": N_("Phone"),
        "walk_in": N_("Walk-in"),
        "app": N_("App"),
        "patrol": N_("Found on patrol"),
    },
    RepairClass: {"urgent": N_("Urgent"), "general": N_("General")},
    RepairStatus: {
        "reported": N_("Newly reported"),
        "dispatched": N_("Dispatched, on the way"),
        "on_site": N_("On site"),
        "repaired": N_("Repair done"),
        "accepted": N_("Accepted by resident"),
        "called_back": N_("Called back"),
        "closed": N_("Closed"),
        "cancelled": N_("Cancelled"),
        "on_hold": N_("On hold"),
    },
    Settlement: {
        "unpaid": N_("Unpaid"),
        "paid": N_("Paid at the desk"),
        "finance": N_("Sent to finance"),
    },
    CostBearer: {
        "owner": N_("Owner"),
        "public_fund": N_("Public maintenance fund"),
        "service_fee": N_("Property service fee"),
        "developer": N_("Developer's warranty"),
    },
    ComplaintChannel: {
        "phone": N_("Phone"),
        "walk_in": N_("Walk-in"),
        "letter": N_("Letter"),
        "passed_down": N_("Passed down"),
    },
    ComplainantKind: {"resident": N_("Resident"), "company": N_("Company"), "other": N_("Other")},
    Severity: {"normal": N_("Normal"), "important": N_("Important"), "severe": N_("Severe")},
    ComplaintStatus: {
        "open": N_("Open, not answered"),
        "referred": N_("Referred"),
        "replied": N_("Replied"),
        "closed": N_("Closed"),
        "signed_off": N_("Signed off"),
    },
    AnswerHow: {
        "on_the_spot": N_("On the spot"),
        "phone": N_("Phone"),
        "in_writing": N_("In writing"),
        "in_person": N_("In person"),
    },
    LogCategory: {
        "equipment": N_("Equipment"),
        "security": N_("Security"),
        "fire": N_("Fire"),
        "water_power": N_("Water and power"),
        "noise_dispute": N_("Noise or dispute"),
        "emergency": N_("Emergency"),
        "other": N_("Other"),
    },
    HandoverStatus: {
        "draft": N_("Draft"),
        "signed": N_("Signed, awaiting"),
        "accepted": N_("Accepted by next shift"),
        "refused": N_("Refused"),
    },
}

# (export kind, column) -> the enum its codes come from
CODE_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("visitors", "status"): SlipStatus,
    ("visitors", "doc_type"): DocType,
    ("visitors", "purpose"): Purpose,
    ("visitors", "host_call_method"): HostCallMethod,
    ("visitors", "host_call_result"): HostCallResult,
    ("inquiries", "channel"): Channel,
    ("inquiries", "outcome"): InquiryOutcome,
    ("repairs", "scope"): RepairScope,
    ("repairs", "channel"): RepairChannel,
    ("repairs", "repair_class"): RepairClass,
    ("repairs", "status"): RepairStatus,
    ("repairs", "settlement"): Settlement,
    ("repairs", "cost_bearer"): CostBearer,
    ("complaints", "channel"): ComplaintChannel,
    ("complaints", "who_kind"): ComplainantKind,
    ("complaints", "severity"): Severity,
    ("complaints", "status"): ComplaintStatus,
    ("complaints", "answer_how"): AnswerHow,
    ("logbook", "category"): LogCategory,
    ("handovers", "status"): HandoverStatus,
}

# (export kind, column) -> code -> its name: columns whose codes are no model enum
WORD_COLUMNS: dict[tuple[str, str], dict[str, str]] = {
    ("inquiries", "target_kind"): {
        "resident": N_("Resident"),
        "company": N_("Company"),
        "directory": N_("Directory entry"),
    },
    ("messages", "for_kind"): {
        "resident": N_("Resident"),
        "company": N_("Company"),
        "staff": N_("Staff"),
        "other": N_("Other"),
    },
    ("messages", "delivered_how"): {
        "phone": N_("by phone"),
        "in_person": N_("in person"),
        "note": N_("note in their mailbox"),
        "wechat": N_("by WeChat / SMS"),
    },
}

# What an audit event is about (the entity, and the part of an action before its dot)
RECORDS: dict[str, str] = {
    "audit": N_("Audit trail"),
    "auth": N_("Sign-in"),
    "building": N_("Building"),
    "callback": N_("Callback"),
    "communication": N_("Follow-up"),
    "company": N_("Company"),
    "complaint": N_("Complaint"),
    "complaint_category": N_("Complaint category"),
    "repair_category": N_("Repair category"),
    "counter": N_("Counter"),
    "db": N_("Database"),
    "demo": N_("Demo data"),
    "deny_entry": N_("Deny list"),
    "directory": N_("Directory entry"),
    "engineer": N_("Engineer"),
    "event": N_("Event"),
    "expected_visitor": N_("Expected visitor"),
    "export": N_("Export"),
    "fees": N_("Fee schedule"),
    "handover": N_("Handover"),
    "import": N_("Import"),
    "inquiry": N_("Inquiry"),
    "logbook": N_("Logbook"),
    "logbook_entry": N_("Logbook"),
    "message": N_("Message"),
    "permission": N_("Permission"),
    "privacy": N_("Privacy"),
    "promise": N_("Promise"),
    "promised_reply": N_("Promise"),
    "repair": N_("Repair"),
    "repair_order": N_("Repair"),
    "resident": N_("Resident"),
    "shift": N_("Shift"),
    "unit": N_("Unit"),
    "user": N_("Account"),
    "visitor": N_("Visitor"),
    "visitor_slip": N_("Visitor slip"),
    "public_area": N_("Public-area request"),
}
# What was done (the part of an action after its dot)
DEEDS: dict[str, str] = {
    "checkout_undone": N_("check-out undone"),
    "decide": N_("decided"),
    "link_repair": N_("repair linked"),
    "unlink_repair": N_("repair unlinked"),
    "public_request": N_("public-area request referred"),
    "accept": N_("accepted"),
    "add": N_("added"),
    "answer": N_("answered"),
    "arrive": N_("arrived"),
    "attempt": N_("attempted"),
    "bulk_insert": N_("filled in bulk"),
    "called_back": N_("called back"),
    "cancel": N_("cancelled"),
    "checkout": N_("checked out"),
    "close": N_("closed"),
    "close_abandoned": N_("closed (left open)"),
    "contact": N_("contacted"),
    "correct": N_("corrected"),
    "contact_correct": N_("contact outcome corrected"),
    "create": N_("created"),
    "deliver": N_("delivered"),
    "denied": N_("denied"),
    "deny_add": N_("deny list: added"),
    "deny_override": N_("deny list: overridden"),
    "deny_remove": N_("deny list: removed"),
    "disable": N_("disabled"),
    "dispatch": N_("dispatched"),
    "done": N_("done"),
    "due": N_("due"),
    "duty": N_("duty changed"),
    "enable": N_("enabled"),
    "end": N_("ended"),
    "expect": N_("expected"),
    "expect_cancel": N_("expectation cancelled"),
    "failed": N_("failed"),
    "fee_accept": N_("fee accepted"),
    "fee_add": N_("fee added"),
    "fee_review": N_("fee reviewed"),
    "follow_up_done": N_("followed up"),
    "hold": N_("put on hold"),
    "link": N_("linked"),
    "locked_out": N_("locked out"),
    "masked": N_("masked"),
    "passwd": N_("password changed"),
    "passwd_own": N_("own password changed"),
    "phone_printed": N_("phone printed"),
    "purge": N_("purged"),
    "record": N_("recorded"),
    "recover_admin": N_("admin recovered"),
    "refer": N_("referred"),
    "refuse": N_("refused"),
    "register": N_("registered"),
    "reopen": N_("reopened"),
    "repair": N_("repaired"),
    "reply": N_("replied"),
    "reveal_phone": N_("phone shown"),
    "role": N_("role changed"),
    "run": N_("run"),
    "save": N_("saved"),
    "schedule": N_("scheduled"),
    "seal": N_("sealed"),
    "severe_ack": N_("severity acknowledged"),
    "severe_flagged": N_("flagged severe"),
    "sign": N_("signed"),
    "sign_off": N_("signed off"),
    "signin": N_("signed in"),
    "start": N_("started"),
    "step": N_("step recorded"),
    "turned_away": N_("turned away"),
    "unlock": N_("unlocked"),
    "update": N_("updated"),
    "upgrade": N_("upgraded"),
    "version": N_("new version"),
    "cost_bearer": N_("cost bearer set"),
    "edit": N_("edited"),
    "estimate": N_("estimated"),
    "estimate_lower": N_("estimate lowered"),
    "fee_approve": N_("fee approved"),
    "quote": N_("quoted"),
    "quote_accept": N_("quote accepted"),
    "resume": N_("resumed"),
    "settle": N_("settled"),
    "warranty_link": N_("linked to its warranty"),
    "import": N_("imported"),
}


def action_label(action: str) -> str:
    """ "user.create" -> "Account: created", in the current language; an unknown part stays."""
    record, _dot, deed = str(action).partition(".")
    who = _(RECORDS[record]) if record in RECORDS else record
    if not deed:
        return who
    return _("{record}: {deed}").format(record=who, deed=_(DEEDS[deed]) if deed in DEEDS else deed)


def _document(masked: str) -> str:
    """ "resident_id ****4892" -> "Resident ID card ****4892" (the type before a stored number)."""
    code, space, rest = str(masked).partition(" ")
    labels = _ENUM_LABELS[DocType]
    return f"{_(labels[code])}{space}{rest}" if code in labels else str(masked)


def _json_value(raw):
    import json

    return json.loads(raw) if isinstance(raw, str | bytes) else raw


def _open_items(raw) -> str:
    """A handover's open items, one a line: "Repair: R20261123-0003 2-1304 ..."."""
    from deskterm.services.shift.handover import kind_label

    items = _json_value(raw) or []
    return "\n".join(
        _("{kind}: {text}").format(kind=kind_label(i.get("kind", "")), text=i.get("text", ""))
        if isinstance(i, dict)
        else str(i)
        for i in items
    )


def _physical_items(raw) -> str:
    """What was counted at a handover: "Keys 12; Blank slips 47; ..."."""
    from deskterm.services.shift.duty import physical_item_label

    counts = _json_value(raw) or {}
    if not isinstance(counts, dict):
        return str(counts)
    return "; ".join(f"{physical_item_label(k)} {v}" for k, v in counts.items())


def _complaint_categories():
    """code -> name of every complaint category, an admin's too (read when the export starts)."""
    from deskterm.services.complaints.categories import BUILTIN_CATEGORIES

    return {code: _(label) for code, label in BUILTIN_CATEGORIES}


# (export kind, column) -> how a cell of it reads (a function of the raw value), for columns
# whose codes sit inside a value (a document number, JSON, an action) or come from a table
SHAPED_COLUMNS = {
    ("visitors", "doc_masked"): _document,
    ("handovers", "open_items"): _open_items,
    ("handovers", "physical_items"): _physical_items,
    ("audit", "action"): action_label,
}
# columns whose codes are named by a list of their own (code_labels): the audit's record types
# (RECORDS), complaint categories (built in, and an admin's, read with the export's engine)
LOOKUP_COLUMNS = {("complaints", "category"), ("audit", "entity")}

# Every other text column of a people export holds what people typed or an identifier (a
# record number, a staff code, a hash), shown as it is. tests/services/test_export_office.py
# holds every text column of every export to one of these lists: a new code column cannot
# reach an xlsx as raw codes.
VERBATIM: dict[str, tuple[str, ...]] = {
    "visitors": (
        "number",
        "visitor_name",
        "host_unit",
        "host_text",
        "purpose_text",
        "plate",
        "checked_in_by",
        "checked_out_by",
    ),
    "inquiries": ("inquirer", "topic", "target_text", "taken_by"),
    "messages": ("for_name", "from_name", "text", "taken_by", "delivered_by"),
    "repairs": (
        "number",
        "unit",
        "location",
        "reporter_name",
        "category",
        "category_name",
        "description",
        "assignee",
        "receipt_no",
        "warranty_of",
        "reported_by",
    ),
    "complaints": (
        "number",
        "who_name",
        "unit",
        "content",
        "department",
        "referred_to",
        "answer",
        "received_by",
        "signed_off_by",
    ),
    "logbook": ("location", "what", "action_taken", "notified", "recorded_by"),
    "handovers": ("post", "outgoing", "incoming", "notices", "refusal_reason"),
    "audit": ("user", "entity_id", "detail", "record_digest", "prev_hash", "hash"),
}


def enum_labels(enum: type[StrEnum]) -> dict[str, str]:
    return _ENUM_LABELS[enum]


def heading(name: str, *, zone: str | None = None) -> str:
    """A column's heading in the current language; an instant's names the time zone."""
    text = _(HEADINGS.get(name, name))
    return f"{text} ({zone})" if zone else text


def code_labels(kind: str, column: str, engine=None):
    """code -> its name in the current language, for a column that holds codes; or how a
    cell of a SHAPED column reads (a function); None for a column shown as it is."""
    enum = CODE_COLUMNS.get((kind, column))
    if enum is not None:
        return {code: _(label) for code, label in _ENUM_LABELS[enum].items()}
    if (kind, column) in WORD_COLUMNS:
        return {code: _(label) for code, label in WORD_COLUMNS[(kind, column)].items()}
    if (kind, column) in SHAPED_COLUMNS:
        return SHAPED_COLUMNS[(kind, column)]
    if (kind, column) == ("audit", "entity"):
        return {code: _(label) for code, label in RECORDS.items()}
    if (kind, column) == ("complaints", "category"):
        names = _complaint_categories()
        if (
            engine is not None
        ):  # an admin's additions and renames (services/complaints/categories.py)
            from sqlmodel import Session

            from deskterm.services.complaints.categories import list_categories

            with Session(engine) as session:
                names.update(
                    (c.code, c.label) for c in list_categories(session, include_withdrawn=True)
                )
        return names
    return None


# The round-trip kinds (exports.TABLE_KINDS) are headed as their import reads them: the first
# Chinese heading of services/sheets.HEADINGS in Chinese, the column's name in English;
# their codes in Chinese are words the import reads back (estate/importing.py RELATIONS, KINDS;
# inquiries/directory.py KIND_WORDS).
TABLE_CODES_ZH: dict[tuple[str, str], dict[str, str]] = {
    ("residents", "relation"): {"owner": "业主", "tenant": "租户", "family": "家属"},
    ("units", "kind"): {"residential": "住宅", "office": "写字楼"},
    ("directory", "kind"): {
        "service": "服务",
        "layout": "区域",
        "transport": "交通",
        "shop": "商店",
        "entertainment": "娱乐",
        "bank": "银行",
        "phone": "办公电话",
    },
    # services/admin/repair_categories.py CLASS_WORDS, SCOPE_WORDS
    ("categories", "repair_class"): {"urgent": "急修", "general": "一般"},
    ("categories", "scope"): {"any": "不限", "household": "户内", "public": "公共"},
}


def table_heading(kind: str, name: str, *, chinese: bool) -> str:
    from deskterm.services.sheets import HEADINGS as IMPORT_HEADINGS

    return IMPORT_HEADINGS[kind][name][0] if chinese else name


def people_headings(kind: str, columns, tz: str) -> list[str]:
    """The heading row for people, in the current language."""
    from deskterm.exports.kinds import TABLE_KINDS
    from deskterm.i18n import current_language

    if kind in TABLE_KINDS:
        chinese = current_language() == "zh_CN"
        return [table_heading(kind, c.name, chinese=chinese) for c in columns]
    return [heading(c.name, zone=tz if c.kind == "instant" else None) for c in columns]


def people_codes(kind: str, columns, engine=None) -> list:
    from deskterm.exports.kinds import TABLE_KINDS
    from deskterm.i18n import current_language

    if kind in TABLE_KINDS:
        if current_language() != "zh_CN":
            return [None for _c in columns]
        return [TABLE_CODES_ZH.get((kind, c.name)) for c in columns]
    return [code_labels(kind, c.name, engine) for c in columns]
