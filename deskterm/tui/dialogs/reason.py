"""Ask for a reason (a refusal, an override, what is not ready): gives the text or None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from deskterm.i18n import N_, _
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain


class ReasonDialog(DeskDialog[str | None]):
    """`ReasonDialog(_("Why do you refuse this handover?"))`: Enter or Ctrl+S gives the text."""

    BINDINGS = bindings("dialog.confirm", "dialog.cancel")
    HELP_TEXT = N_("Type the reason and press Enter; Escape closes without saving anything.")

    def __init__(
        self, question: str, *, label: str = "", max_length: int = 1000, value: str = ""
    ) -> None:
        super().__init__()
        self.question = question
        self.label = label
        self.max_length = max_length
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.question), id="reason-question")
            yield FormField(
                self.label or _("Reason"),
                name="reason",
                value=self.value,
                max_length=self.max_length,
            )
        yield DeskFooter(show_command_palette=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        field = self.query_one(FormField)
        text = (field.value or "").strip()
        if not text:
            field.error = _("Give a reason.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, exc: BaseException) -> None:
        """A refusal of what was typed shows on the one field, whatever the service calls
        it (a repair number, a request number): the operator corrects it where it is."""
        from deskterm.errors import InvalidInput
        from deskterm.tui.worker import describe_error

        if isinstance(exc, InvalidInput) and exc.field:
            self.query_one(FormField).show_refusal(describe_error(exc))
            return
        super().show_error(exc)
