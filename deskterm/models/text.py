"""The one text type of deskterm's records (issue 15): every string field says what it holds.

    what: Block = Field(max_length=4000)        # free text with lines: masked, \\n allowed
    location: Line = Field(max_length=128)      # free text on one line: masked
    phone: Phone | None = Field(default=None)   # a phone column: kept as typed, masked on output
    number: Code = Field(max_length=20)         # made by deskterm or chosen from a list

Every flush (models/guard.py) checks each text column by its kind:

- no kind lets in a control character a terminal or a printer would obey (rules/text.py:
  C0 but tab and line feed, DEL, C1, bidi overrides and isolates); only `Block` takes tab and
  line feed. The refusal is one sentence naming the field and the character;
- `Block` and `Line` text has personal numbers masked (an ID number passing its check
  character, a mobile, a landline with area code): what was masked is kept on the session
  (`masked_notices`) and the desk tells the operator in one line;
- the column's length holds (the form shows a counter; nothing is cut silently).

tests/unit/test_text_fields.py fails on any string field of any model (and any import column)
that is not one of these.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Annotated, Any

from deskterm.i18n import N_, _


@dataclass(frozen=True)
class TextKind:
    """Pydantic metadata naming a field's kind of text (read by the flush guard)."""

    name: str  # code | line | block | phone
    lines: bool = False  # tab and line feed allowed
    personal: bool = False  # personal numbers in it are masked when stored


CODE = TextKind("code")
LINE = TextKind("line", personal=True)
BLOCK = TextKind("block", lines=True, personal=True)
PHONE = TextKind("phone")

Code = Annotated[str, CODE]
Line = Annotated[str, LINE]
Block = Annotated[str, BLOCK]
Phone = Annotated[str, PHONE]

KINDS = (CODE, LINE, BLOCK, PHONE)


def kind_of(model: type[Any], key: str) -> TextKind | None:
    """The TextKind declared on `model.key`, or None."""
    field = getattr(model, "model_fields", {}).get(key)
    if field is None:
        return None
    for item in field.metadata:  # `Line` alone: pydantic keeps the metadata on the field
        if isinstance(item, TextKind):
            return item
    for arg in typing.get_args(field.annotation):  # `Line | None`: inside the union
        for item in getattr(arg, "__metadata__", ()):
            if isinstance(item, TextKind):
                return item
    return None


def _labels() -> dict[str, str]:
    return {
        "accepted_by_name": N_("Accepted by"),
        "action_taken": N_("What was done"),
        "agreed": N_("Agreed"),
        "answer": N_("Answer"),
        "asked_by": N_("Asked by"),
        "assignee": N_("Assigned to"),
        "comment": N_("Comment"),
        "contact": N_("Contact"),
        "contact_name": N_("Contact person"),
        "content": N_("Content"),
        "department": N_("Department"),
        "description": N_("Description"),
        "fee_accepted_by_name": N_("Fee accepted by"),
        "follow_up": N_("Follow-up"),
        "follow_up_note": N_("Follow-up note"),
        "for_name": N_("For"),
        "from_contact": N_("Contact"),
        "from_name": N_("From"),
        "host_text": N_("Visiting"),
        "hours": N_("Hours"),
        "inquirer": N_("Inquirer"),
        "inquirer_contact": N_("Their contact"),
        "location": N_("Location"),
        "materials": N_("Materials"),
        "name": N_("Name"),
        "name_en": N_("English name"),
        "name_zh": N_("Chinese name"),
        "note": N_("Note"),
        "notes": N_("Notes"),
        "notices": N_("Notices"),
        "notified": N_("Who was told"),
        "override_reason": N_("Reason"),
        "party_name": N_("Party"),
        "passed_down_by": N_("Passed down by"),
        "person": N_("Person"),
        "phone": N_("Phone"),
        "place": N_("Place"),
        "plate": N_("Plate"),
        "purpose_text": N_("Purpose"),
        "question": N_("Question"),
        "reason": N_("Reason"),
        "referred_to": N_("Referred to"),
        "refusal_reason": N_("Reason"),
        "reporter_contact": N_("Contact"),
        "reporter_name": N_("Reporter"),
        "review_note": N_("Review note"),
        "status_reason": N_("Reason"),
        "subject": N_("Subject"),
        "target_text": N_("Looking for"),
        "text": N_("Text"),
        "title": N_("Title"),
        "topic": N_("Topic"),
        "visitor_name": N_("Visitor"),
        "what": N_("What happened"),
        "who_name": N_("Name"),
        "work_done": N_("Work done"),
        "applicant_name": N_("Applicant"),
        "area": N_("Area"),
        "request": N_("Request"),
        "rule_cited": N_("Rule cited"),
        "help_offered": N_("Help offered"),
        "decision_note": N_("Decision"),
        "trade": N_("Trade"),
        "quote_accepted_by_name": N_("Accepted by"),
        "warranty_opt_out_reason": N_("Reason"),
        # the other fields of the forms' models (models/forms.py names them in a refusal)
        "applicant_kind": N_("Applicant is"),
        "appointment_at": N_("Appointment"),
        "at": N_("When"),
        "category": N_("Category"),
        "category_code": N_("Category"),
        "channel": N_("Channel"),
        "code": N_("Staff code"),
        "company_id": N_("Company"),
        "complaint_id": N_("Complaint"),
        "corrects_id": N_("Corrects"),
        "doc_masked": N_("Document"),
        "doc_number": N_("Document number"),
        "doc_type": N_("Document"),
        "due_at": N_("Due"),
        "expected_id": N_("Expected visitor"),
        "expected_on": N_("Expected on"),
        "follow_up_due": N_("Follow-up due"),
        "for_id": N_("For"),
        "for_kind": N_("For"),
        "headcount": N_("People"),
        "host": N_("Visiting"),
        "host_call_method": N_("Host called by"),
        "host_call_result": N_("Host's answer"),
        "host_company_id": N_("Visiting"),
        "host_resident_id": N_("Visiting"),
        "host_unit_id": N_("Visiting"),
        "how": N_("How"),
        "inquiry_id": N_("Inquiry"),
        "occurred_at": N_("When"),
        "outcome": N_("Outcome"),
        "party_kind": N_("Party is"),
        "password": N_("Password"),
        "purpose": N_("Purpose"),
        "relation": N_("Relation"),
        "repair_class": N_("Class"),
        "repair_id": N_("Repair order"),
        "reported_at": N_("Reported at"),
        "resident_chose_later": N_("Resident chose a later time"),
        "resident_id": N_("Resident"),
        "role": N_("Role"),
        "scope": N_("Scope"),
        "severity": N_("Severity"),
        "target_id": N_("Looking for"),
        "target_kind": N_("Looking for"),
        "unit_id": N_("Unit"),
        "valid": N_("Valid"),
        "wanted_at": N_("Wanted at"),
        "warranty_of_id": N_("Warranty of"),
        "who_kind": N_("Complainant is"),
    }


LABELS = _labels()


def label(key: str) -> str:
    """The field's name as the forms show it, translated ("What happened" / "情况")."""
    return _(LABELS[key]) if key in LABELS else key.replace("_", " ")
