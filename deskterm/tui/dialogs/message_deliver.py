"""Deliver a message: say how it reached the person (a number key or Enter on the way, or
another way typed). Another desk that delivered it first is named, and nothing is changed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskterm.i18n import N_, _
from deskterm.services.estate import residents
from deskterm.services.inquiries import messages
from deskterm.services.inquiries.messages import MessageView
from deskterm.tui import fmt
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.reason import ReasonDialog
from deskterm.tui.widgets.detail import DetailPane
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import clean, plain


class WayList(OptionList):
    BINDINGS = [Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 5)]

    def action_pick(self, index: int) -> None:
        self.highlighted = index
        self.action_select()


class DeliverMessageDialog(DeskDialog[bool]):
    """Gives True once the delivery is saved."""

    BINDINGS = bindings("form.save", "form.cancel", "call.reveal")
    HELP_TEXT = N_(
        "Record how the message reached the person: 1-4 or Enter on a way, or type another "
        "way and press Ctrl+S. A delivered message leaves the dashboard and the handover. "
        "Ctrl+O shows the number to ring them on, here; the audit keeps who and why."
    )

    def __init__(self, message: MessageView) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        m = self.message
        tz = self.app.settings.timezone
        with Vertical(classes="inquiry-dialog"):
            yield Static(
                plain(_("Deliver the message for {name}").format(name=m.for_name)),
                classes="dialog-title",
            )
            summary = Text(end="")
            summary.append(
                _("from {sender}, taken {at} by {who}").format(
                    sender=clean(m.from_name, one_line=True),
                    at=fmt.day_hm(m.taken_at, tz),
                    who=m.taken_by,
                ),
                style="dim",
            )
            if m.from_contact:
                summary.append(
                    " · "
                    + _("reach them at {contact}").format(
                        contact=clean(m.from_contact, one_line=True)
                    ),
                    style="dim",
                )
            summary.append("\n" + clean(m.text))
            pane = DetailPane(id="deliver-message")  # says when there is more: F12 reads all
            pane.show(
                summary, _("Message for {name}").format(name=clean(m.for_name, one_line=True))
            )
            yield pane
            number = Static("", id="deliver-number", markup=False)
            number.display = False
            yield number
            yield WayList(
                *[
                    Option(f"{i}  {_(label)}", id=code)
                    for i, (code, label) in enumerate(messages.DELIVERY.items(), start=1)
                ],
                id="deliver-ways",
            )
            yield FormField(
                _("Other way"),
                name="how",
                max_length=64,
                label_width=12,
                placeholder=_("type it, then Ctrl+S"),
            )
            yield Static(
                plain(_("1-4: how it was delivered · Ctrl+S: save another way · Esc: close")),
                classes="hint",
            )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#deliver-ways", WayList).focus()

    @on(OptionList.OptionSelected, "#deliver-ways")
    def way_chosen(self, event: OptionList.OptionSelected) -> None:
        self._save(event.option.id or "")

    @on(Input.Submitted, "#how-input")
    def other_way_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        typed = self.query_one("#how-input", Input).value.strip()
        if not typed:
            self.query_one("#field-how", FormField).error = _("Choose a way, or type one.")
            return
        self._save(typed)

    def _save(self, how: str) -> None:
        app, m = self.app, self.message
        self.run_db(
            lambda s: messages.deliver_message(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                message_id=m.id,
                how=how,
                version=m.version,
            ),
            on_done=self._saved,
            on_error=self._refused,
            group="message-deliver",
            exclusive=True,
        )

    def _saved(self, _message) -> None:
        self.records_changed("message")
        self.dismiss(True)

    def _refused(self, exc: BaseException) -> None:
        """Refused (another desk delivered it, the database is away...): the sentence shows
        and the dialog stays as typed; Escape closes it (issue 14, item 7)."""
        self.show_error(exc)
        from deskterm.errors import StaleEdit

        if isinstance(exc, StaleEdit):
            self.records_changed("message")

    def action_cancel(self) -> None:
        self.dismiss(False)

    # -- the desk's own call (D-21) ---------------------------------------------------------
    def check_action(self, action: str, parameters) -> bool | None:
        if action == "reveal":
            return (
                self.message.for_kind in ("resident", "company") and self.message.for_id is not None
            )
        return True

    def action_reveal(self) -> None:
        """The number, asked with a reason and audited; the reason dialog saves the reveal
        itself, so a refusal keeps the reason typed."""
        app, m = self.app, self.message
        person_id = m.for_id
        if person_id is None:  # (check_action offers the key only for a known person)
            return
        self.app.push_screen(
            ReasonDialog(
                _("Why is the number of {name} needed? The audit keeps who and why.").format(
                    name=self.message.for_name
                ),
                label=_("Why"),
                max_length=200,
                value=_("To deliver a message by phone."),
            ).save_with(
                lambda reason: (
                    lambda s: residents.reveal_phone(
                        session=s,
                        actor=app.signed_in_actor,
                        clock=app.clock,
                        kind=m.for_kind,
                        person_id=person_id,
                        reason=reason,
                        inquiry_id=m.inquiry_id,
                    )
                )
            ),
            lambda number: self._show_number(number) if number else None,
        )

    def _show_number(self, phone: str) -> None:
        shown = self.query_one("#deliver-number", Static)
        shown.update(plain("☎ " + phone))
        shown.display = True
        self.query_one("#deliver-ways", WayList).focus()
