"""Answer an inquiry from the reference material (D-23, D-24) or log one answered on the spot:
the entry is shown in full to read out clearly and briefly; 1 logs it answered, 2 declined
politely (D-27); Ctrl+G promises a reply instead when it cannot be answered now (D-25).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.models.forms import validated
from deskterm.models.inquiry import Channel, InquiryCreate, InquiryOutcome
from deskterm.services.inquiries import directory
from deskterm.services.inquiries import log as inquiries
from deskterm.services.inquiries.directory import EntryView
from deskterm.tui import fmt
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import clean, plain

register(
    DeskAction(
        "answer.promise",
        "ctrl+g",
        "promise",
        N_("Promise"),
        N_("Cannot answer now: promise a reply by a set time."),
    ),
)

ENDINGS = (
    (InquiryOutcome.answered, N_("Answered")),
    (InquiryOutcome.declined, N_("Declined politely (an unreasonable request)")),
)


@dataclass(frozen=True)
class AnswerResult:
    inquiry_id: int | None
    next: str | None  # "promise" | None
    inquirer: str = ""
    topic: str = ""


class EndingList(OptionList):
    BINDINGS = [Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 3)]

    def action_pick(self, index: int) -> None:
        self.highlighted = index
        self.action_select()


def entry_text(entry: EntryView, tz: str) -> Text:
    text = Text(end="")
    text.append(clean(entry.name, one_line=True), style="bold")
    text.append("  " + directory.kind_label(entry.kind), style="dim")
    lines = []
    if entry.starts_at is not None:
        when = fmt.full(entry.starts_at, tz)
        if entry.ends_at is not None:
            when += " – " + fmt.hm(entry.ends_at, tz)
        lines.append(when)
    if entry.location:
        lines.append(_("Where: {place}").format(place=entry.location))
    if entry.hours:
        lines.append(_("Hours: {hours}").format(hours=entry.hours))
    if entry.phone:
        lines.append(_("Phone: {phone}").format(phone=entry.phone))
    if entry.notes:
        lines.append(entry.notes)
    for line in lines:
        text.append("\n" + clean(line, one_line=True))
    return text


class AnswerInquiryDialog(DeskDialog[AnswerResult | None]):
    BINDINGS = bindings("answer.promise", "form.cancel")
    HELP_TEXT = N_(
        "Read the entry out clearly and briefly. 1 (or Enter) logs the inquiry as "
        "answered; 2 as declined politely, for a request the desk does not take. "
        "Ctrl+G: cannot answer now, promise a reply instead. Esc closes without "
        "logging."
    )

    def __init__(
        self, entry: EntryView | None = None, *, channel: Channel = Channel.phone, topic: str = ""
    ) -> None:
        super().__init__()
        self.entry = entry
        self.channel = channel
        self.topic = topic or (entry.name if entry else "")

    def compose(self) -> ComposeResult:
        tz = self.app.settings.timezone
        with Vertical(classes="inquiry-dialog"):
            title = _("Answer from the directory") if self.entry else _("Log an inquiry")
            yield Static(plain(title), classes="dialog-title")
            if self.entry is not None:
                yield Static(entry_text(self.entry, tz), id="answer-entry")
            yield FormField(
                _("Asking"),
                name="inquirer",
                max_length=64,
                label_width=10,
                placeholder=_("who is asking (optional)"),
            )
            yield FormField(
                _("About"), name="topic", value=self.topic, max_length=256, label_width=10
            )
            yield EndingList(
                *[
                    Option(f"{i}  {_(text)}", id=code.value)
                    for i, (code, text) in enumerate(ENDINGS, start=1)
                ],
                id="answer-endings",
            )
            yield Static(
                plain(_("1: answered · 2: declined · Ctrl+G: promise · Esc: close")), classes="hint"
            )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        target = "#answer-endings" if self.entry is not None else "#topic-input"
        self.query_one(target).focus()

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _value(self, name: str) -> str:
        return (self.query_one(f"#{name}-input", Input).value or "").strip()

    def _inquiry_in(self, outcome: InquiryOutcome | None) -> InquiryCreate:
        """The form as a validated inquiry (InvalidInput naming the field refused)."""
        entry = self.entry
        kind = None
        if entry is not None:
            kind = "event" if entry.kind == directory.EVENT else "directory"
        return validated(
            InquiryCreate,
            {
                "channel": self.channel,
                "topic": self._value("topic"),
                "inquirer": self._value("inquirer"),
                "target_kind": kind,
                "target_id": entry.id if entry else None,
                "target_text": entry.name if entry else "",
                "outcome": outcome,
            },
        )

    @on(OptionList.OptionSelected, "#answer-endings")
    def ending_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:  # (every ending has its outcome as its id)
            self._log(InquiryOutcome(event.option.id), None)

    def action_promise(self) -> None:
        self._log(None, "promise")

    def _log(self, outcome: InquiryOutcome | None, next_step: str | None) -> None:
        try:
            inquiry_in = self._inquiry_in(outcome)
        except InvalidInput as exc:  # on its field; everything typed stays
            self.show_error(exc)
            return
        app = self.app
        inquirer, topic = self._value("inquirer"), self._value("topic")

        def done(inquiry_id: int) -> None:
            self.records_changed("inquiry")
            self.dismiss(AnswerResult(inquiry_id, next_step, inquirer, topic))

        self.run_db(
            lambda s: (
                inquiries.open_inquiry(
                    session=s, actor=app.signed_in_actor, clock=app.clock, inquiry_in=inquiry_in
                ).id
            ),
            on_done=done,
            group="answer-log",
            exclusive=True,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
