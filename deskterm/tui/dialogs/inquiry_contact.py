"""Ring the person asked for (D-20 to D-22): every try and its outcome is recorded and
counted, and the dialog says what to do next — transfer with their consent, offer a message
(never their number), or after several tries apologise and take a message or the
inquirer's contact.

The inquiry is logged at the first try (or when a message or a promise is taken from here);
closing after tries without a transfer logs it as "not reached".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskterm.i18n import N_, _, site_text
from deskterm.ids import known_id
from deskterm.models.forms import validated
from deskterm.models.inquiry import Channel, ContactOutcome, InquiryCreate, InquiryOutcome
from deskterm.services.estate import residents
from deskterm.services.inquiries import log as inquiries
from deskterm.services.inquiries.log import DEFAULT_TOPIC, Advice, ContactStatus
from deskterm.services.inquiries.search import Hit, HitKind
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.dialogs.reason import ReasonDialog
from deskterm.tui.widgets.field import FormField, type_into
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import clean, plain

OUTCOMES = (
    (ContactOutcome.transferred, N_("Transferred: they agreed to take the call")),
    (ContactOutcome.declined, N_("Reached, declined the call")),
    (ContactOutcome.absent, N_("Absent (someone else answered)")),
    (ContactOutcome.no_answer, N_("No answer")),
)

register(
    DeskAction(
        "contact.record",
        "ctrl+s",
        "record",
        N_("Record try"),
        N_(
            "Record the outcome chosen with 1-4 (or the arrows) for this try; it goes "
            "into the inquiry log."
        ),
        priority=True,
    ),
    DeskAction(
        "contact.reveal",
        "ctrl+o",
        "reveal",
        N_("Number"),
        N_("Show the number to dial; asks why, and the audit keeps who and why."),
    ),
    DeskAction(
        "contact.message", "ctrl+n", "message", N_("Message"), N_("Take a message for them.")
    ),
    DeskAction(
        "contact.promise",
        "ctrl+g",
        "promise",
        N_("Promise"),
        N_("Promise the inquirer a reply by a set time."),
    ),
    DeskAction(
        "contact.close",
        "escape",
        "close",
        N_("Close"),
        N_("Close; tries without a transfer are logged as not reached."),
    ),
    DeskAction(
        "giveup.declined",
        "ctrl+d",
        "declined",
        N_("Declined"),
        N_("The inquirer declined to leave a message or a contact."),
        priority=True,
    ),
)


@dataclass(frozen=True)
class GiveUp:
    """How an inquiry closes as not reached before the configured tries (D-22)."""

    contact: str = ""
    declined: bool = False


class GiveUpDialog(DeskDialog[GiveUp | None]):
    """Fewer tries than the setting: the desk takes the inquirer's contact, or records that
    they declined; Esc goes back to trying (D-22)."""

    BINDINGS = bindings("dialog.confirm", "giveup.declined", "dialog.cancel")
    HELP_TEXT = N_(
        "The desk does not give up after one try. Type the inquirer's own contact and "
        "press Enter, or press Ctrl+D when the inquirer declined to leave one; Escape goes "
        "back to ringing."
    )

    def __init__(self, made: int, tries: int) -> None:
        super().__init__()
        self.made = made
        self.tries = tries

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                plain(
                    _(
                        "Tried {made} of {tries} times. Apologise and explain; take the inquirer's "
                        "contact so the person can call back, or Ctrl+D if the inquirer declined."
                    ).format(made=self.made, tries=self.tries)
                ),
                id="giveup-question",
            )
            yield FormField(
                _("Contact"),
                name="giveup_contact",
                max_length=64,
                label_width=10,
                placeholder=_("the inquirer's own phone or address"),
            )
            yield Static(
                plain(
                    _("Enter: close with this contact · Ctrl+D: declined · Esc: back to ringing")
                ),
                classes="hint",
            )
        yield DeskFooter(show_command_palette=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        field = self.query_one(FormField)
        text = (field.value or "").strip()
        if not text:
            field.error = _("Type the inquirer's contact, or press Ctrl+D if they declined.")
            return
        problem = inquiries.contact_problem(text)
        if problem:  # D-22: "-" is not a way to reach the inquirer
            field.error = problem
            return
        self.dismiss(GiveUp(contact=text))

    def action_declined(self) -> None:
        self.dismiss(GiveUp(declined=True))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class ContactResult:
    """What the screen does next: nothing, a message, or a promise, for this inquiry."""

    inquiry_id: int | None
    next: str | None  # "message" | "promise" | None
    inquirer: str = ""
    topic: str = ""


class OutcomeList(OptionList):
    """The four outcomes of a try: digits 1-4 (or the arrows) choose one; recording it is
    the dialog's Ctrl+S, which names the outcome first (never a digit or Enter alone). Text
    typed here goes into "Asking", not nowhere."""

    BINDINGS = [Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 5)]

    def action_pick(self, index: int) -> None:
        self.highlighted = index

    def action_select(self) -> None:  # Enter: chooses, as the arrows do; it never records
        pass

    def on_key(self, event) -> None:
        char = event.character
        if char and char.isprintable() and not char.isdigit() and event.key != "space":
            event.stop()
            event.prevent_default()
            type_into(self.screen.query_one("#inquirer-input", Input), char)


class ContactDialog(DeskDialog[ContactResult | None]):
    BINDINGS = bindings(
        "contact.record", "contact.reveal", "contact.message", "contact.promise", "contact.close"
    )
    HELP_TEXT = N_(
        "Ring the person asked for and record each try: choose 1 transferred (only with "
        "their consent), 2 declined, 3 absent or 4 no answer, then Ctrl+S records it (the line "
        "above the keys says what it will record). Never give out their number: offer to take a message (Ctrl+N). After several tries, apologise and take a "
        "message or the inquirer's contact. Ctrl+O shows the number to dial; the "
        "audit keeps who asked for it and why."
    )

    def __init__(self, hit: Hit, *, channel: Channel = Channel.phone) -> None:
        super().__init__()
        self.hit = hit
        self.channel = channel
        self.inquiry_id: int | None = None
        self.status: ContactStatus | None = None
        self.revealed: str | None = None
        self._pending = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="inquiry-dialog"):
            yield Static(
                plain(_("Ring {name} for the inquirer").format(name=self.hit.name)),
                classes="dialog-title",
            )
            yield Static(self._who(), id="contact-who")
            yield FormField(
                _("Asking"),
                name="inquirer",
                max_length=64,
                label_width=10,
                placeholder=_("who is asking (optional)"),
            )
            yield FormField(
                _("About"),
                name="topic",
                max_length=256,
                label_width=10,
                placeholder=_("what it is about (optional)"),
            )
            yield OutcomeList(
                *[
                    Option(f"{i}  {_(text)}", id=code.value)
                    for i, (code, text) in enumerate(OUTCOMES, start=1)
                ],
                id="contact-outcomes",
            )
            yield Static(Text(""), id="contact-status")
            yield Static(Text(""), id="contact-will")
            yield Static(
                plain(
                    _(
                        "1-4: choose · Ctrl+S: record the try · Shift+Tab: who is "
                        "asking · Ctrl+O: number · Ctrl+N: message · Esc: close"
                    )
                ),
                classes="hint",
            )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        # The outcome first: ringing and transferring is Enter, 1. Who is asking and what
        # about are a Shift+Tab away when they are worth writing down.
        self.query_one("#contact-outcomes", OutcomeList).focus()
        self._draw_status()
        self._draw_will()

    def _chosen(self) -> ContactOutcome | None:
        outcomes = self.query_one("#contact-outcomes", OutcomeList)
        if outcomes.highlighted is None:
            return None
        option_id = outcomes.get_option_at_index(outcomes.highlighted).id
        return ContactOutcome(option_id) if option_id is not None else None

    def _draw_will(self) -> None:
        """What Ctrl+S will record, for whom: the act is named before the key is pressed."""
        chosen = self._chosen()
        line = Text(end="")
        if chosen is not None:
            label = dict(OUTCOMES)[chosen]
            line.append(
                _("Ctrl+S records try {n} for {name}: {outcome}").format(
                    n=(self.status.attempts if self.status else 0) + 1,
                    name=clean(self.hit.name, one_line=True),
                    outcome=_(label),
                ),
                style="bold",
            )
        self.query_one("#contact-will", Static).update(line)

    @on(OptionList.OptionHighlighted, "#contact-outcomes")
    def outcome_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._draw_will()

    def _who(self) -> Text:
        hit = self.hit
        text = Text(end="")
        text.append(clean(hit.name, one_line=True), style="bold")
        for part in (hit.place,):
            if part:
                text.append(" · " + clean(part, one_line=True))
        if self.revealed:
            text.append("  ☎ " + self.revealed, style="bold")
        elif hit.phone:
            text.append("  ☎ " + hit.phone)
        return text

    def _draw_status(self) -> None:
        line = Text(end="")
        if self.status is None:
            line.append(_("No try yet."), style="dim")
        else:
            style = {
                Advice.done: "bold green",
                Advice.try_again: "",
                Advice.offer_message: "bold yellow",
                Advice.apologise: "bold red",
            }
            line.append(_("Tries: {n}").format(n=self.status.attempts) + " · ")
            line.append(self.status.sentence, style=style[self.status.advice])
        self.query_one("#contact-status", Static).update(line)

    # -- moving -----------------------------------------------------------------------------
    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "topic-input":
            self.query_one("#contact-outcomes", OutcomeList).focus()
        else:
            self.focus_next()

    def _value(self, name: str) -> str:
        return (self.query_one(f"#{name}-input", Input).value or "").strip()

    def _inquiry_values(self) -> dict[str, Any]:
        kind = {
            HitKind.resident: "resident",
            HitKind.company: "company",
            HitKind.staff: "staff",
        }.get(self.hit.kind)
        return {
            "channel": self.channel,
            "topic": self._value("topic") or site_text(DEFAULT_TOPIC, self.app.settings.site_lang),
            "inquirer": self._value("inquirer"),
            "target_kind": kind,
            "target_id": self.hit.id,
            "target_text": self.hit.name,
        }

    def _opener(self):
        """Work that opens the inquiry unless it is open already (values read here, on the
        UI thread; the work runs in a worker, and a refusal of the model's rules comes back
        to its field like the service's own)."""
        app, inquiry_id, values = self.app, self.inquiry_id, self._inquiry_values()

        def ensure(session) -> int:
            if inquiry_id is not None:
                return inquiry_id
            inquiry_in = validated(InquiryCreate, values)
            return known_id(
                inquiries.open_inquiry(
                    session=session,
                    actor=app.signed_in_actor,
                    clock=app.clock,
                    inquiry_in=inquiry_in,
                ).id
            )

        return ensure

    # -- a try ------------------------------------------------------------------------------
    def action_record(self) -> None:
        if self._pending:
            return  # one try at a time: a double press must not log two
        outcome = self._chosen()
        if outcome is None:
            self.app.bell()
            return
        app, ensure = self.app, self._opener()

        def work(session):
            return inquiries.record_attempt(
                session=session,
                actor=app.signed_in_actor,
                clock=app.clock,
                inquiry_id=ensure(session),
                outcome=outcome,
                settings=app.settings,
            )

        self._pending = True
        self.run_db(work, on_done=self._tried, on_error=self._failed, group="contact-try")

    def _failed(self, exc: BaseException) -> None:
        self._pending = False
        self.show_error(exc)

    def _tried(self, status: ContactStatus) -> None:
        self._pending = False
        self.inquiry_id = status.inquiry_id
        self.status = status
        self.records_changed("inquiry")
        if status.advice is Advice.done:
            self.app.notify(status.sentence, markup=False)
            self.dismiss(ContactResult(self.inquiry_id, None))
            return
        self._draw_status()
        self._draw_will()

    # -- next steps -------------------------------------------------------------------------
    def _leave(self, next_step: str | None) -> None:
        inquirer, topic = self._value("inquirer"), self._value("topic")

        def done(inquiry_id: int) -> None:
            self.records_changed("inquiry")
            self.dismiss(ContactResult(inquiry_id, next_step, inquirer, topic))

        self.run_db(self._opener(), on_done=done, group="contact-leave", exclusive=True)

    def action_message(self) -> None:
        self._leave("message")

    def action_promise(self) -> None:
        self._leave("promise")

    def action_close(self) -> None:
        if self.inquiry_id is None:
            self.dismiss(None)
            return
        made, tries = (self.status.attempts if self.status else 0), self.app.settings.inquiry_tries
        if made < tries:  # D-22: not after one try; the contact or "declined" first
            # the give-up dialog saves the close itself: a refusal keeps what was typed there
            self.app.push_screen(
                GiveUpDialog(made, tries).save_with(self._close_work), self._given_up
            )
            return
        self.run_db(
            self._close_work(GiveUp()),
            on_done=lambda _row: self._after_close(),
            on_error=self.show_error,
            group="contact-leave",
            exclusive=True,
        )

    def _close_work(self, give_up: GiveUp):
        app, inquiry_id = self.app, known_id(self.inquiry_id)  # (open: action_close)
        return lambda s: inquiries.close_inquiry(
            session=s,
            actor=app.signed_in_actor,
            clock=app.clock,
            inquiry_id=inquiry_id,
            outcome=InquiryOutcome.not_found,
            inquirer_contact=give_up.contact,
            inquirer_declined=give_up.declined,
            settings=app.settings,
        )

    def _given_up(self, closed) -> None:
        if closed is None:
            self.query_one("#contact-outcomes", OutcomeList).focus()
            return
        self._after_close()

    def _after_close(self) -> None:
        self.records_changed("inquiry")
        self.dismiss(ContactResult(self.inquiry_id, None))

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "reveal":
            return self.hit.kind in (HitKind.resident, HitKind.company) and bool(self.hit.phone)
        return True

    def action_reveal(self) -> None:
        question = _("Why is the number of {name} needed? The audit keeps who and why.").format(
            name=self.hit.name
        )
        app, hit, inquiry_id = self.app, self.hit, self.inquiry_id
        self.app.push_screen(
            ReasonDialog(
                question, label=_("Why"), max_length=200, value=_("To ring them for an inquiry.")
            ).save_with(
                lambda reason: (
                    lambda s: residents.reveal_phone(
                        session=s,
                        actor=app.signed_in_actor,
                        clock=app.clock,
                        kind=hit.kind.value,
                        person_id=hit.id,
                        reason=reason,
                        inquiry_id=inquiry_id,
                    )
                )
            ),
            lambda phone: self._show_number(phone) if phone else None,
        )

    def _show_number(self, phone: str) -> None:
        self.revealed = phone
        self.query_one("#contact-who", Static).update(self._who())
        self.query_one("#contact-outcomes", OutcomeList).focus()
