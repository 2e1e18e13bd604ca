"""What can be done with one order now, as a short menu: the letter or Enter picks one."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from deskterm.i18n import N_, _
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain


class RepairActionsDialog(DeskDialog[str | None]):
    """`RepairActionsDialog(title, [(id, letter, label), ...])` → the chosen id or None."""

    BINDINGS = bindings("dialog.cancel")
    HELP_TEXT = N_("Press the letter of an action, or move with ↑ ↓ and press Enter.")

    def __init__(self, title: str, about: str, choices: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.about = about
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(plain(self.about, one_line=True), classes="about")
            options = []
            for ident, letter, label in self.choices:
                prompt = Text(no_wrap=True, end="")
                prompt.append(f"{letter} ", style="bold")
                prompt.append(label)
                options.append(Option(prompt, id=ident))
            yield OptionList(*options, id="repair-actions", compact=True)
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event) -> None:
        for ident, letter, _label in self.choices:
            if event.character == letter:
                event.stop()
                self.dismiss(ident)
                return

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


PRINT_BINDINGS = [
    Binding("p", "choose('print')", N_("Print"), id="repair_print.print"),
    Binding("h", "choose('html')", N_("Save HTML"), id="repair_print.html"),
    Binding("t", "choose('text')", N_("Save text"), id="repair_print.text"),
    Binding("ctrl+l", "toggle_phone", N_("Phone"), id="repair_print.phone"),
]


class RepairPrintDialog(DeskDialog[tuple[str, str | None] | None]):
    """The order goes to engineering at once (D-36): print it or save it as HTML or text.

    Shown right after intake with the number and deadlines. Returns (how, reason): a reason
    means the phone is printed in full, asked for like a reveal (issue 19)."""

    BINDINGS = [*PRINT_BINDINGS, *bindings("dialog.cancel")]
    HELP_TEXT = N_(
        "P prints the household work order or the engineering notice (settings: "
        "print_command); H or T saves it as an HTML page or as text in the data folder "
        "(orders/). The reporter's phone is printed masked; Ctrl+L prints it in full, which "
        "the audit records. Escape closes."
    )

    def __init__(self, title: str, summary: Text, *, may_show_phone: bool) -> None:
        super().__init__()
        self.title_text = title
        self.summary = summary
        self.may_show_phone = may_show_phone
        self.include_phone = False
        self.reason: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(self.summary, id="print-summary")
            yield Static("", id="print-phone")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self._draw_phone()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "toggle_phone":
            return self.may_show_phone
        return True

    def action_toggle_phone(self) -> None:
        if self.include_phone:
            self.include_phone, self.reason = False, None
            self._draw_phone()
            return
        from deskterm.tui.dialogs.reason import ReasonDialog

        def given(reason: str | None) -> None:
            if reason:
                self.include_phone, self.reason = True, reason
            self._draw_phone()

        self.app.push_screen(
            ReasonDialog(_("Why print the reporter's full phone number?"), max_length=200), given
        )

    def _draw_phone(self) -> None:
        text = (
            _("The reporter's phone will be printed in full (recorded in the audit).")
            if self.include_phone
            else _("The reporter's phone is printed masked.")
        )
        self.query_one("#print-phone", Static).update(plain(text))

    def action_choose(self, how: str) -> None:
        self.dismiss((how, self.reason if self.include_phone else None))

    def action_cancel(self) -> None:
        self.dismiss(None)
