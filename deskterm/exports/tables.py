"""Light SQLAlchemy Core names for the tables that exports read.

Exports select through these instead of the SQLModel classes: nothing is loaded as an object
and no result processing runs (the driver's raw values go straight to deskterm.export). The
columns named here are checked against the models' metadata by tests/services/test_export.py.
"""

from __future__ import annotations

from sqlalchemy import column, table


def _t(name: str, columns: str):
    return table(name, *(column(c) for c in columns.split()))


visitor_slip = _t(
    "visitor_slip",
    "id number checked_in_at checked_out_at status visitor_name headcount doc_type doc_masked "
    "phone host_unit_id host_text purpose purpose_text plate host_call_method host_call_result "
    "slip_returned checked_in_by checked_out_by shift_id",
)
inquiry = _t(
    "inquiry", "id at channel inquirer topic target_kind target_text outcome user_id shift_id"
)
contact_attempt = _t("contact_attempt", "id inquiry_id corrects_id")
message = _t(
    "message",
    "id taken_at for_kind for_name from_name from_contact text inquiry_id taken_by "
    "delivered_at delivered_by delivered_how",
)
repair_order = _t(
    "repair_order",
    "id number reported_at scope unit_id location channel reporter_name reporter_contact "
    "category_code repair_class description status assignee appointment_at onsite_due_at "
    "dispatched_at arrived_at fix_due_at repaired_at accepted_at closed_at warranty_of_id "
    "reported_by shift_id settlement settled_at receipt_no cost_bearer",
)
repair_fee_line = _t("repair_fee_line", "id order_id amount_fen waived review")
repair_category = _t("repair_category", "code name_zh name_en repair_class scope sort active")
complaint = _t(
    "complaint",
    "id number received_at channel who_kind who_name unit_id contact category severity valid "
    "content status department referred_to reply_due_at replied_at answer answer_how "
    "closed_at received_by signed_off_by signed_off_at shift_id",
)
logbook_entry = _t(
    "logbook_entry",
    "id occurred_at recorded_at category location what action_taken notified corrects_id "
    "abnormal user_id shift_id",
)
handover = _t(
    "handover",
    "id post shift_id outgoing_user_id created_at signed_at status incoming_user_id "
    "answered_at notices refusal_reason open_items physical_items",
)
audit_event = _t(
    "audit_event",
    "seq at user_id action entity entity_id detail record_digest prev_hash hash",
)
unit = _t("unit", "id building_id number label floor")
user = _t("user", "id code")
building = _t("building", "id code name kind")
resident = _t("resident", "id name unit_id relation phone note active")
company = _t("company", "id name unit_id contact_name phone active")
directory_entry = _t("directory_entry", "id kind name location phone hours notes")
fee_schedule_item = _t(
    "fee_schedule_item", "id code name unit labour_fen materials_fen valid_from valid_to"
)

ALL = (
    visitor_slip,
    inquiry,
    contact_attempt,
    message,
    repair_order,
    repair_fee_line,
    repair_category,
    complaint,
    logbook_entry,
    handover,
    audit_event,
    unit,
    user,
    building,
    resident,
    directory_entry,
    fee_schedule_item,
)
