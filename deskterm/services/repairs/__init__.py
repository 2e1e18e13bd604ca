"""The repair desk (报修接待, D-30 to D-38), one import for the TUI, the CLI and the shell.

The work is split by concern; this module gathers the public functions: intake, status
changes and the callback (status), fee lines (fees), the warranty and its links (warranty),
the engineering list (engineers), settlement, cost bearer, estimate and quotation
(settlement), reading (queries). `count_overdue(session=, now=)` feeds the app header.
"""

from __future__ import annotations

from deskterm.services.repairs.engineers import (
    add_engineer,
    list_engineers,
    set_on_duty,
)
from deskterm.services.repairs.fees import (
    accept_fee,
    add_fee_line,
    add_offschedule_line,
    list_pending_reviews,
    order_lines,
    order_totals,
    review_fee_line,
)
from deskterm.services.repairs.intake import (
    create_repair_order,
    list_categories,
    match_categories,
    residents_of_unit,
    resolve_unit,
)
from deskterm.services.repairs.queries import (
    BoardRow,
    OrderDetail,
    count_overdue,
    dispatch_late,
    find_order,
    get_order_detail,
    governing_deadline,
    list_attempts,
    list_board,
    list_due_callbacks,
    list_orders,
    order_state,
)
from deskterm.services.repairs.settlement import (
    accept_quotation,
    needs_quotation,
    quotation_skipped,
    record_quotation,
    set_cost_bearer,
    set_estimate,
    settle_order,
)
from deskterm.services.repairs.status import (
    callback_due,
    cancel_order,
    close_order,
    dispatch,
    hold_order,
    mark_called_back,
    mark_repaired,
    record_acceptance,
    record_arrival,
    reopen_after_callback,
    resume_order,
    shift_end,
    update_order,
)
from deskterm.services.repairs.warranty import (
    find_warranty_candidate,
    list_other_repeats,
    set_warranty_link,
)

__all__ = [
    "accept_quotation",
    "add_engineer",
    "list_engineers",
    "list_other_repeats",
    "needs_quotation",
    "quotation_skipped",
    "record_quotation",
    "set_cost_bearer",
    "set_estimate",
    "set_on_duty",
    "set_warranty_link",
    "settle_order",
    "list_attempts",
    "dispatch_late",
    "BoardRow",
    "OrderDetail",
    "accept_fee",
    "add_fee_line",
    "add_offschedule_line",
    "callback_due",
    "cancel_order",
    "close_order",
    "count_overdue",
    "create_repair_order",
    "dispatch",
    "find_order",
    "find_warranty_candidate",
    "get_order_detail",
    "governing_deadline",
    "hold_order",
    "list_board",
    "list_categories",
    "list_due_callbacks",
    "list_orders",
    "list_pending_reviews",
    "mark_called_back",
    "mark_repaired",
    "match_categories",
    "order_lines",
    "order_state",
    "order_totals",
    "record_acceptance",
    "record_arrival",
    "reopen_after_callback",
    "residents_of_unit",
    "resolve_unit",
    "resume_order",
    "review_fee_line",
    "shift_end",
    "update_order",
]
