"""One order on paper (D-36: passed to engineering at once): the household install/repair
order 《住户家庭安装/维修单》 or the public-facility engineering notice
《公共设施设备安装/维修工程通知单》, as plain text (for the print command) or one self-contained
HTML page (to save or print from a browser). Blank lines are left for what is filled by hand.

The reporter's phone is masked unless `include_phone` (the caller audits that choice).
"""

from __future__ import annotations

import html
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from deskterm.config import Settings
from deskterm.encoders import html as to_html
from deskterm.encoders import sheet
from deskterm.i18n import _
from deskterm.models.repair import RepairScope
from deskterm.rules.money import format_quantity, format_yuan
from deskterm.rules.phone import mask_phone
from deskterm.services.repairs.labels import category_name, class_label, review_label
from deskterm.services.repairs.queries import OrderDetail

BLANK = "____________"


def _time(value: datetime | None, settings: Settings) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%d %H:%M")


def _cells(text: str) -> int:
    """Terminal / printer cells of a text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _or_blank(value: str | None) -> str:
    return value if value else BLANK


def document_title(detail: OrderDetail) -> str:
    if detail.order.scope == RepairScope.public:
        return _("Public-facility install / repair engineering notice")
    return _("Household install / repair order")


def document_fields(
    detail: OrderDetail, settings: Settings, *, include_phone: bool = False
) -> list[tuple[str, str]]:
    """(label, value) pairs of the form, in the order they are printed."""
    o = detail.order
    public = o.scope == RepairScope.public
    contact = o.reporter_contact if include_phone else mask_phone(o.reporter_contact)
    fields = [
        (_("Notice no.") if public else _("Order no."), o.number),
        (_("Issued at"), _time(o.reported_at, settings)),
        (_("Issued by"), detail.reported_by_name),
    ]
    if public:
        fields += [(_("Location / equipment"), o.location), (_("Reported by"), o.reporter_name)]
    else:
        fields += [
            (_("Resident"), o.reporter_name),
            (_("Unit"), detail.place),
            (_("Phone"), contact),
        ]
    fields += [
        (
            _("Category"),
            f"{category_name(detail.category, o.category_code)} ({class_label(o.repair_class)})",
        ),
        (_("Scope and requirements") if public else _("Job description"), o.description),
    ]
    if o.appointment_at is not None:
        fields.append((_("Appointment"), _time(o.appointment_at, settings)))
    if o.onsite_due_at is not None:
        fields.append((_("On site by"), _time(o.onsite_due_at, settings)))
    fields.append((_("Required by"), _time(o.fix_due_at, settings)))
    if detail.warranty_of_number:
        fields.append((_("Warranty repair of"), detail.warranty_of_number))
    fields += [
        (_("Engineer"), _or_blank(o.assignee)),
        (_("Arrived at"), _or_blank(_time(o.arrived_at, settings))),
        (_("Result") if public else _("Cause / work done"), _or_blank(o.work_done)),
        (_("Materials used"), _or_blank(o.materials)),
        (_("Finished at"), _or_blank(_time(o.repaired_at, settings))),
    ]
    return fields


def fee_rows(detail: OrderDetail) -> list[tuple[str, str, str, str, str]]:
    """(item, quantity and unit, unit price, amount, note) per fee line."""
    rows = []
    for line in detail.lines:
        note = review_label(line.review) if line.review != "not_needed" else ""
        if line.waived:
            note = _("warranty: not charged")
        item = f"{line.code} {line.description}".strip()
        rows.append(
            (
                item,
                f"{format_quantity(line.quantity)} {line.unit}".strip(),
                format_yuan(line.unit_price_fen),
                format_yuan(line.amount_fen),
                note,
            )
        )
    return rows


def totals_line(detail: OrderDetail) -> str:
    fee = detail.fee
    return _("Labour {labour}  Materials {materials}  Total {total} yuan").format(
        labour=format_yuan(fee.labour_fen),
        materials=format_yuan(fee.materials_fen),
        total=format_yuan(fee.total_fen),
    )


def signatures(detail: OrderDetail) -> list[str]:
    if detail.order.scope == RepairScope.public:
        return [_("Received by (engineering)"), _("Accepted by"), _("Supervisor approval")]
    return [
        _("Received by (engineering)"),
        _("Resident accepts the fee"),
        _("Resident accepts the work"),
        _("Supervisor confirms"),
    ]


def order_text(detail: OrderDetail, settings: Settings, *, include_phone: bool = False) -> str:
    """The form as text for a line printer (settings.print_command)."""
    out = [document_title(detail), settings.post, ""]
    fields = document_fields(detail, settings, include_phone=include_phone)
    width = max(_cells(label) for label, _v in fields)
    for label, value in fields:
        out.append(label + " " * (width - _cells(label) + 2) + sheet(value, one_line=True))
    out += ["", _("Fees")]
    rows = fee_rows(detail)
    for item, qty, price, amount, note in rows:
        out.append(sheet(f"  {item}  {qty} x {price} = {amount}  {note}", one_line=True).rstrip())
    if not rows:
        out.append("  " + _("none"))
    out += ["  " + totals_line(detail), ""]
    for who in signatures(detail):
        out.append(f"{who}: {BLANK}   {_('Date')}: {BLANK}")
    return "\n".join(out) + "\n"


def order_html(detail: OrderDetail, settings: Settings, *, include_phone: bool = False) -> str:
    """The form as one self-contained HTML page (no network resource)."""
    e = html.escape
    title = document_title(detail)
    rows = "".join(
        f"<tr><th>{e(label)}</th><td>{to_html(value)}</td></tr>"
        for label, value in document_fields(detail, settings, include_phone=include_phone)
    )
    fees = (
        "".join(
            "<tr>" + "".join(f"<td>{to_html(cell)}</td>" for cell in row) + "</tr>"
            for row in fee_rows(detail)
        )
        or f"<tr><td colspan='5'>{e(_('none'))}</td></tr>"
    )
    signs = "".join(
        f"<p>{e(who)}: ____________ {e(_('Date'))}: ____________</p>" for who in signatures(detail)
    )
    heads = "".join(
        f"<th>{e(h)}</th>"
        for h in (_("Item"), _("Quantity"), _("Unit price"), _("Amount"), _("Note"))
    )
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{e(detail.order.number)} {e(title)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "width:100%;margin:1em 0}th,td{border:1px solid #444;padding:4px 8px;text-align:left;"
        "vertical-align:top}th{width:25%;background:#eee}</style></head><body>"
        f"<h1>{e(title)}</h1><p>{e(settings.post)}</p><table>{rows}</table>"
        f"<h2>{e(_('Fees'))}</h2><table><tr>{heads}</tr>{fees}</table>"
        f"<p>{e(totals_line(detail))}</p>{signs}</body></html>\n"
    )
