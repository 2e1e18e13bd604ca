"""Fees of an order (D-34, D-36): a line from the fee schedule at today's price, or (Ctrl+T) an
item off the schedule at a proposed price, which waits for the supervisor's review; and the
supervisor's review of such a line (approve at the proposed or a corrected price, or reject).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.models.repair import FeeScheduleItem, RepairFeeLine
from deskterm.rules.money import format_quantity, format_yuan, parse_yuan
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.dialogs.complaint_common import SaveDialog, field_text
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain

LABEL = 14

register(
    DeskAction(
        "repair_fee.mode",
        "ctrl+t",
        "toggle_mode",
        N_("Off schedule"),
        N_("Switch between a schedule item and an item off the schedule (reviewed)."),
    ),
    DeskAction(
        "repair_fee.next",
        "down",
        "match(1)",
        N_("Next item"),
        N_("Choose the next matching schedule item."),
        show=False,
    ),
    DeskAction(
        "repair_fee.prev",
        "up",
        "match(-1)",
        N_("Previous item"),
        N_("Choose the previous matching schedule item."),
        show=False,
    ),
    DeskAction(
        "repair_review.reject",
        "ctrl+r",
        "reject",
        N_("Reject"),
        N_("Reject the fee (say why in the note)."),
        priority=True,
    ),
)


def _yuan(text: str, field: str) -> int:
    try:
        return parse_yuan(text or "0")
    except ValueError:
        raise InvalidInput(_("Type an amount like 12.50."), field=field) from None


def _quantity(text: str) -> str:
    """The quantity as typed (1, 1.5 h, 2.35 m); the service checks it, to the fen."""
    return (text or "").strip() or "1"


class RepairFeeDialog(SaveDialog):
    """values(): {"mode": "schedule", "code", "quantity"} or {"mode": "off", "description",
    "unit", "quantity", "labour_fen", "materials_fen"}."""

    BINDINGS = [
        *SaveDialog.BINDINGS,
        *bindings("repair_fee.mode", "repair_fee.next", "repair_fee.prev"),
    ]
    HELP_TEXT = N_(
        "Add a fee line. Type the code (F016) or part of the name and the quantity; the price "
        "is the schedule's price in force today. Ctrl+T: an item that is not on the schedule, "
        "with a proposed labour and materials price — it waits for the supervisor's review "
        "before the work can be marked done. Warranty work is recorded but charged "
        "nothing."
    )

    def __init__(self, work, *, about: str, schedule: list[FeeScheduleItem]) -> None:
        super().__init__(work)
        self.about = about
        self.schedule = schedule
        self.off = False
        self.matches: list[FeeScheduleItem] = list(schedule)
        self.index = 0
        # With nothing typed no item is chosen: ↑ ↓ browse the schedule (a choice), a save
        # is refused on the item ("choose an item"), never the schedule's first line taken.
        self.browsing = False

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("Add a fee")
            yield Static(plain(self.about, one_line=True), classes="about")
            yield FormField(
                _("Item"),
                name="code",
                label_width=LABEL,
                max_length=64,
                placeholder=_("code or name, ↑ ↓ to choose"),
            ).set_classes("on")
            yield Static("", id="item-match", classes="on")
            yield FormField(
                _("Item"), name="description", label_width=LABEL, max_length=128
            ).set_classes("off")
            yield FormField(
                _("Priced per"),
                name="unit",
                label_width=LABEL,
                max_length=16,
                placeholder=_("e.g. each, visit, metre"),
            ).set_classes("off")
            yield FormField(
                _("Quantity"),
                name="quantity",
                value="1",
                label_width=LABEL,
                max_length=8,
                placeholder=_("1, or 1.5 (hours, metres)"),
            )
            yield FormField(
                _("Labour (yuan)"), name="labour", label_width=LABEL, max_length=12
            ).set_classes("off")
            yield FormField(
                _("Materials (yuan)"), name="materials", label_width=LABEL, max_length=12
            ).set_classes("off")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#code-input", Input).focus()
        self._draw_match()

    def action_toggle_mode(self) -> None:
        self.off = not self.off
        self.set_class(self.off, "-off")
        box = self.query_one(Vertical)
        box.border_title = _("Add a fee off the schedule") if self.off else _("Add a fee")
        self.query_one("#description-input" if self.off else "#code-input", Input).focus()

    @on(Input.Changed, "#code-input")
    def code_typed(self, event: Input.Changed) -> None:
        needle = event.value.strip().casefold()
        self.matches = [
            item
            for item in self.schedule
            if needle in item.code.casefold() or needle in item.name.casefold()
        ]
        self.index = 0
        self.browsing = False
        self._draw_match()

    def _typed_code(self) -> str:
        return field_text(self, "code").strip()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "match":
            return not self.off and self.focused is not None and self.focused.id == "code-input"
        return True

    def action_match(self, step: int) -> None:
        if not self.matches:
            return
        if self._typed_code() or self.browsing:
            self.index = (self.index + step) % len(self.matches)
        else:  # the first ↓ shows the first item (↑ the last), now chosen
            self.index = 0 if step > 0 else len(self.matches) - 1
        self.browsing = True
        self.query_one("#field-code", FormField).error = ""  # an item is chosen now
        self._draw_match()

    def _draw_match(self) -> None:
        line = self.query_one("#item-match", Static)
        if not self._typed_code() and not self.browsing:
            line.update(plain(_("Type the code or part of the name, or ↑ ↓ to browse.")))
            return
        if not self.matches:
            line.update(plain(_("Not on the schedule: Ctrl+T adds it for review.")))
            return
        item = self.matches[self.index]
        text = Text("→ ", no_wrap=True, end="")
        text.append(f"{item.code} {item.name}", style="bold")
        text.append(
            " "
            + _("{price} yuan per {unit}").format(
                price=format_yuan(item.labour_fen + item.materials_fen), unit=item.unit or "-"
            )
        )
        if len(self.matches) > 1:
            text.append(f"  ({self.index + 1}/{len(self.matches)})", style="dim")
        line.update(text)

    def values(self) -> dict:
        quantity = _quantity(field_text(self, "quantity"))
        if not self.off:
            if not self._typed_code() and not self.browsing:
                raise InvalidInput(_("Choose an item of the fee schedule."), field="code")
            if not self.matches:
                raise InvalidInput(
                    _("Not on the schedule: Ctrl+T adds it for review."), field="code"
                )
            return {"mode": "schedule", "code": self.matches[self.index].code, "quantity": quantity}
        return {
            "mode": "off",
            "description": field_text(self, "description"),
            "unit": field_text(self, "unit"),
            "quantity": quantity,
            "labour_fen": _yuan(field_text(self, "labour"), "labour"),
            "materials_fen": _yuan(field_text(self, "materials"), "materials"),
        }


class FeeReviewDialog(SaveDialog):
    """The engineering supervisor's review: Ctrl+S approves, Ctrl+R rejects (with a note)."""

    BINDINGS = [*SaveDialog.BINDINGS, *bindings("repair_review.reject")]
    HELP_TEXT = N_(
        "Review a fee that is not on the schedule: correct the labour or materials "
        "price if needed and press Ctrl+S to approve, or write why and press Ctrl+R to reject."
    )

    def __init__(self, work, *, about: str, line: RepairFeeLine) -> None:
        super().__init__(work)
        self.about = about
        self.line = line
        self.approve = True

    def compose(self) -> ComposeResult:
        line = self.line
        with Vertical() as box:
            box.border_title = _("Fee review")
            yield Static(plain(self.about, one_line=True), classes="about")
            yield Static(
                plain(
                    _("{item} × {qty} {unit}: proposed {amount} yuan").format(
                        item=line.description,
                        qty=format_quantity(line.quantity),
                        unit=line.unit,
                        amount=format_yuan(line.amount_fen),
                    ),
                    one_line=True,
                )
            )
            yield FormField(
                _("Labour (yuan)"),
                name="labour",
                label_width=LABEL,
                value=format_yuan(line.unit_labour_fen),
                max_length=12,
            )
            yield FormField(
                _("Materials (yuan)"),
                name="materials",
                label_width=LABEL,
                value=format_yuan(line.unit_materials_fen),
                max_length=12,
            )
            yield FormField(_("Note"), name="review_note", label_width=LABEL, max_length=500)
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#labour-input", Input).focus()

    def action_confirm(self) -> None:
        self.approve = True
        super().action_confirm()

    def action_reject(self) -> None:
        self.approve = False
        super().action_confirm()

    def values(self) -> dict:
        return {
            "approve": self.approve,
            "labour_fen": _yuan(field_text(self, "labour"), "labour"),
            "materials_fen": _yuan(field_text(self, "materials"), "materials"),
            "note": field_text(self, "review_note"),
        }
