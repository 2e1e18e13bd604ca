"""A slip opened from a list, with what can be done to it: check out (the slip came back),
lost slip, correct, print. (The number of a slip just issued is shown large on the visitors
screen itself, so the scan field keeps the focus.)
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from deskterm.i18n import N_, _
from deskterm.models.visitor import SlipStatus, VisitorSlip
from deskterm.rules.phone import mask_phone
from deskterm.services.visitors import checks
from deskterm.tui import fmt
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.sla import format_span
from deskterm.tui.widgets.text import plain

register(
    DeskAction(
        "visitors.slip_print",
        "p",
        "choose('print')",
        N_("Print"),
        N_("Print the slip with the print command of the settings."),
    ),
    DeskAction(
        "visitors.slip_checkout",
        "o",
        "choose('checkout')",
        N_("Check out"),
        N_("The visitor leaves and the slip came back."),
    ),
    DeskAction(
        "visitors.slip_undo",
        "u",
        "choose('undo')",
        N_("Undo check-out"),
        N_("A check-out made by mistake during your shift: the visitor is on site again."),
    ),
    DeskAction(
        "visitors.slip_lost",
        "l",
        "choose('lost')",
        N_("Slip lost"),
        N_("The visitor leaves without the slip: recorded as a lost slip."),
    ),
    DeskAction(
        "visitors.slip_edit",
        "e",
        "choose('edit')",
        N_("Correct"),
        N_("Correct a typo in the slip (name, people, phone, purpose, plate)."),
    ),
    DeskAction(
        "visitors.slip_back",
        "escape",
        "choose(None)",
        N_("Close"),
        N_("Close without changing anything."),
    ),
)


def slip_lines(slip: VisitorSlip, settings, now) -> list[str]:
    tz = settings.timezone
    lines = [
        _("Visitor: {name} ({count})").format(name=slip.visitor_name, count=slip.headcount),
        _("Document: {doc}").format(
            doc=checks.doc_shown(slip.doc_masked)
            or checks.label(checks.DOC_TYPE_LABELS, slip.doc_type)
        ),
        _("Visiting: {host}").format(host=slip.host_text),
        _("Purpose: {purpose}").format(
            purpose=checks.label(checks.PURPOSE_LABELS, slip.purpose)
            + (f" · {slip.purpose_text}" if slip.purpose_text else "")
        ),
    ]
    extra = []
    if slip.phone:
        extra.append(_("Phone {phone}").format(phone=mask_phone(slip.phone)))
    if slip.plate:
        extra.append(_("Plate {plate}").format(plate=slip.plate))
    if slip.host_call_result:
        extra.append(
            _("Host call: {method}, {result}").format(
                method=checks.label(checks.CALL_METHOD_LABELS, slip.host_call_method),
                result=checks.label(checks.CALL_RESULT_LABELS, slip.host_call_result),
            )
        )
    elif slip.expected_id:
        extra.append(_("Announced in advance"))
    if extra:
        lines.append(" · ".join(extra))
    if slip.status == SlipStatus.on_site:
        lines.append(
            _("In at {time}, on site for {span}").format(
                time=fmt.day_hm(slip.checked_in_at, tz), span=format_span(now - slip.checked_in_at)
            )
        )
    else:
        back = _("slip came back") if slip.slip_returned else _("SLIP LOST")
        lines.append(
            _("In {time_in} · out {time_out} · {back}").format(
                time_in=fmt.day_hm(slip.checked_in_at, tz),
                time_out=fmt.day_hm(slip.checked_out_at, tz),
                back=back,
            )
        )
    return lines


class SlipDialog(DeskDialog[str | None]):
    """A slip from a list: o checks it out, l records a lost slip, u undoes a check-out of
    this shift, e corrects, p prints. Enter does nothing: Enter opens, a named key acts."""

    BINDINGS = bindings(
        "visitors.slip_checkout",
        "visitors.slip_lost",
        "visitors.slip_undo",
        "visitors.slip_edit",
        "visitors.slip_print",
        "visitors.slip_back",
    )
    HELP_TEXT = N_(
        "o: the visitor leaves and hands the slip back. l: the visitor leaves without the "
        "slip (lost slip). u: undo a check-out made by mistake during your shift. e: correct "
        "a typo. p: print the slip again. Escape: close. Enter does nothing here, so a second "
        "Enter never checks anybody out."
    )

    def __init__(self, slip: VisitorSlip) -> None:
        super().__init__()
        self.slip = slip

    def title_text(self) -> str:
        return _("Slip {number}").format(number=self.slip.number)

    def compose(self) -> ComposeResult:
        with Vertical(id="slip-box", classes="visitor-dialog"):
            yield Static(
                plain(_("Slip {number}").format(number=self.slip.number)), classes="dialog-title"
            )
            for line in slip_lines(self.slip, self.app.settings, self.app.clock.now()):
                yield Static(plain(line))
            yield Static(plain(self.what_keys_do()), classes="hint", id="slip-acts")
        yield DeskFooter(show_command_palette=False)

    def what_keys_do(self) -> str:
        """What the acting keys will do, to which slip (they take their own key, not Enter)."""
        slip = self.slip
        if slip.status == SlipStatus.on_site:
            if not self.app.may("visitors.checkout"):
                return ""
            return _("o: {name} leaves, {number} returned · l: slip lost").format(
                name=slip.visitor_name, number=slip.number
            )
        if self.app.may("visitors.checkout"):
            return _("u: undo the check-out of {number} {name} (on site again)").format(
                name=slip.visitor_name, number=slip.number
            )
        return ""

    def check_action(self, action: str, parameters) -> bool | None:
        if action != "choose" or not parameters or parameters[0] is None:
            return True
        what = parameters[0]
        if what == "print":
            return bool(self.app.settings.print_command)
        on_site = self.slip.status == SlipStatus.on_site
        if what in ("checkout", "lost"):
            return on_site and self.app.may("visitors.checkout")
        if what == "undo":
            return not on_site and self.app.may("visitors.checkout")
        if what == "edit":
            return on_site and self.app.may("visitors.register")
        return True

    def action_choose(self, what: str | None) -> None:
        self.dismiss(what)
