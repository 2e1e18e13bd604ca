"""Take a message (留言, D-21/D-22): for whom, from whom, how to reach the sender (their own
number, theirs to give), and the text. Ctrl+S saves; a refused field keeps everything typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static, TextArea

from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.models.forms import validated
from deskterm.models.inquiry import MessageCreate
from deskterm.services.inquiries import messages
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.field import FormField, PlainTextArea
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain


@dataclass(frozen=True)
class MessageDraft:
    """What the dialog starts from: the recipient (on record or not) and the sender."""

    for_kind: str = "other"  # resident | company | staff | other
    for_id: int | None = None
    for_name: str = ""
    from_name: str = ""
    inquiry_id: int | None = None


class TakeMessageDialog(DeskDialog[int | None]):
    """Gives the saved message's id, or None when closed without saving."""

    BINDINGS = bindings("form.save", "form.cancel")
    HELP_TEXT = N_(
        "Write down the message for the person who could not be reached. Their number is "
        "never given out; the sender's own contact is theirs to give. Enter moves to "
        "the next field; Ctrl+S saves. Undelivered messages stay on the dashboard and in the "
        "handover until delivered."
    )

    def __init__(self, draft: MessageDraft | None = None) -> None:
        super().__init__()
        self.draft = draft or MessageDraft()

    def compose(self) -> ComposeResult:
        draft = self.draft
        on_record = draft.for_id is not None
        with Vertical(classes="inquiry-dialog"):
            yield Static(plain(_("Take a message")), classes="dialog-title")
            recipient = FormField(
                _("For"),
                name="for_name",
                value=draft.for_name,
                max_length=128,
                label_width=14,
                placeholder=_("name, unit or department"),
            )
            recipient.control.disabled = on_record
            yield recipient
            yield FormField(
                _("From"),
                name="from_name",
                value=draft.from_name,
                max_length=64,
                label_width=14,
                placeholder=_("who leaves the message"),
            )
            yield FormField(
                _("Their contact"),
                name="from_contact",
                max_length=64,
                label_width=14,
                placeholder=_("the sender's own number, if given"),
            )
            yield FormField(
                _("Message"),
                name="text",
                label_width=14,
                max_length=2000,
                control=PlainTextArea(id="text-input"),
            )
            yield Static(plain(_("Enter: next field · Ctrl+S: save · Esc: close")), classes="hint")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        first = (
            "#from-name-input"
            if self.draft.for_id is not None or self.draft.for_name
            else "#for-name-input"
        )
        if self.draft.from_name and self.draft.for_name:
            first = "#text-input"
        self.query_one(first).focus()

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(TextArea.Changed)
    def clear_text_error(self, _event: TextArea.Changed) -> None:
        field = self.query_one("#field-text", FormField)
        if field.error:
            field.error = ""

    def collect(self) -> MessageCreate:
        """The form as a validated message (InvalidInput naming the field refused)."""
        draft = self.draft
        return validated(
            MessageCreate,
            {
                "for_kind": draft.for_kind,
                "for_id": draft.for_id,
                "for_name": self.query_one("#for-name-input", Input).value,
                "from_name": self.query_one("#from-name-input", Input).value,
                "from_contact": self.query_one("#from-contact-input", Input).value,
                "text": self.query_one("#text-input", TextArea).text,
                "inquiry_id": draft.inquiry_id,
            },
        )

    def action_save(self) -> None:
        try:
            message_in = self.collect()
        except InvalidInput as exc:  # on its field; everything typed stays
            self.show_error(exc)
            return
        app = self.app
        self.run_db(
            lambda s: (
                messages.take_message(
                    session=s, actor=app.signed_in_actor, clock=app.clock, message_in=message_in
                ).id
            ),
            on_done=self._saved,
            group="message-save",
            exclusive=True,
        )

    def _saved(self, message_id: int) -> None:
        self.records_changed("message", "inquiry")
        self.app.notify(
            _("Message saved: it waits on the dashboard until delivered."), markup=False
        )
        self.dismiss(message_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
