"""The paper side of a slip: the text of a slip and of the evacuation roll call, and printing
them through the configured printer (services/printing.py).

No document number and no phone number is ever printed.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from deskterm.clock import as_utc
from deskterm.config import Settings
from deskterm.encoders import sheet
from deskterm.i18n import _
from deskterm.models.visitor import VisitorSlip
from deskterm.services.printing import send
from deskterm.services.visitors.checks import PURPOSE_LABELS, label, local_time
from deskterm.services.visitors.onsite import OnSite


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal or printer cells (CJK count two)."""
    return text + " " * max(width - _cells(text), 0)


def one(text: str | None) -> str:
    """A typed value on one line of a printout (the plain-text sheet encoder)."""
    return sheet(text or "", one_line=True)


def slip_text(slip: VisitorSlip, settings: Settings) -> str:
    lines = [
        _("VISITOR SLIP"),
        "",
        f"  {slip.number}",
        "",
        _("Visitor: {name} ({count})").format(name=one(slip.visitor_name), count=slip.headcount),
        _("Visiting: {host}").format(host=one(slip.host_text)),
        _("Purpose: {purpose}").format(
            purpose=label(PURPOSE_LABELS, slip.purpose)
            + (f" {one(slip.purpose_text)}" if slip.purpose_text else "")
        ),
        _("In: {time}").format(time=local_time(slip.checked_in_at, settings, "%Y-%m-%d %H:%M")),
    ]
    if slip.plate:
        lines.append(_("Vehicle: {plate}").format(plate=one(slip.plate)))
    lines += ["", _("Please return this slip to the desk when you leave.")]
    return "\n".join(lines) + "\n"


def roll_call_text(on_site: OnSite, now: datetime, settings: Settings) -> str:
    """Everyone on site now, for an evacuation: who, how many, whom they visit, since when."""
    when = local_time(as_utc(now), settings, "%Y-%m-%d %H:%M")
    lines = [
        _("EVACUATION ROLL CALL — {post}").format(post=settings.post),
        _("On site at {time}: {people} people on {slips} slips").format(
            time=when, people=on_site.people, slips=len(on_site.rows)
        ),
        "",
    ]
    for n, row in enumerate(on_site.rows, 1):
        lines.append(
            f"{n:>3}. [ ] {row.number}  {local_time(row.checked_in_at, settings)}  "
            f"{pad(one(row.visitor_name), 12)} ×{row.headcount:<3} → {one(row.host_text)}"
        )
    if on_site.truncated:
        lines.append(_("(list cut at {n} slips)").format(n=len(on_site.rows)))
    if not on_site.rows:
        lines.append(_("Nobody is on site."))
    return "\n".join(lines) + "\n"


def print_slip(slip: VisitorSlip, settings: Settings) -> None:
    """Print a visitor's slip; on a receipt printer its number is a barcode to scan at check-out."""
    send(slip_text(slip, settings), settings, barcode=slip.number)
