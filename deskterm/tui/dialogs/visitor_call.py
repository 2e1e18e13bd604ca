"""The call to the host before a walk-in goes up (D-7): how they were reached and what they
said. Agreed gives a slip; refused gives no slip and a logbook line; no answer lets the desk
decide. Keys a / r / n answer at once; the method is chosen with the arrows.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import RadioButton, RadioSet, Static

from deskterm.i18n import N_, _
from deskterm.models.visitor import HostCallMethod, HostCallResult
from deskterm.services.estate import residents
from deskterm.services.visitors import checks
from deskterm.services.visitors.hosts import HostChoice
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain

register(
    DeskAction(
        "visitors.call_agreed",
        "a",
        "answer('agreed')",
        N_("Host agrees"),
        N_("The host agreed: issue the slip."),
    ),
    DeskAction(
        "visitors.call_refused",
        "r",
        "answer('refused')",
        N_("Host refuses"),
        N_("The host refused: no slip; a line goes into the duty logbook."),
    ),
    DeskAction(
        "visitors.call_no_answer",
        "n",
        "answer('no_answer')",
        N_("No answer"),
        N_("The host could not be reached: decide whether to let the visitor in."),
    ),
    DeskAction(
        "visitors.call_reveal",
        "v",
        "reveal",
        N_("Show number"),
        N_("Show the host's full phone number to dial it (recorded in the audit)."),
    ),
    DeskAction(
        "visitors.call_back",
        "escape",
        "cancel",
        N_("Back"),
        N_("Back to the form; nothing is saved."),
    ),
    *(
        DeskAction(f"visitors.call_method_{n}", str(n), f"method({n - 1})", "", show=False)
        for n in (1, 2, 3)
    ),
)


@dataclass(frozen=True)
class HostCall:
    method: HostCallMethod
    result: HostCallResult


class HostCallDialog(DeskDialog[HostCall | None]):
    BINDINGS = bindings(
        "visitors.call_agreed",
        "visitors.call_refused",
        "visitors.call_no_answer",
        "visitors.call_reveal",
        "visitors.call_back",
        "visitors.call_method_1",
        "visitors.call_method_2",
        "visitors.call_method_3",
    )
    HELP_TEXT = N_(
        "A visitor who was not announced goes up only after the host agrees. Call the "
        "host, choose how you reached them (1 phone, 2 intercom, 3 came to the desk), then "
        "press a (agreed), r "
        "(refused) or n (no answer). v shows the full number to dial; that is recorded."
    )

    def __init__(
        self, *, visitor: str, headcount: int, host_text: str, host: HostChoice | None
    ) -> None:
        super().__init__()
        self.visitor = visitor
        self.headcount = headcount
        self.host_text = host_text
        self.host = host

    def title_text(self) -> str:
        return _("Call the host")

    def compose(self) -> ComposeResult:
        with Vertical(id="call-box", classes="visitor-dialog"):
            yield Static(
                plain(_("Call the host before the visitor goes up")), classes="dialog-title"
            )
            yield Static(
                plain(
                    _("Visitor: {name} ({count})").format(name=self.visitor, count=self.headcount)
                )
            )
            phone = self.host.phone_masked if self.host else ""
            yield Static(
                plain(
                    _("Host: {host}").format(host=self.host_text)
                    + (f"   ☎ {phone}" if phone else "")
                ),
                id="call-host",
            )
            with RadioSet(id="call-method"):
                for method, text in checks.CALL_METHOD_LABELS.items():
                    yield RadioButton(
                        _(text), value=method == HostCallMethod.phone, name=method.value
                    )
            yield Static(
                plain(
                    _("1 2 3: how · then what the host said: a agreed · r refused · n no answer")
                ),
                classes="hint",
            )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#call-method", RadioSet).focus()

    def action_method(self, index: int) -> None:
        buttons = list(self.query(RadioButton))
        if 0 <= index < len(buttons):
            buttons[index].value = True

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "reveal":
            return (
                self.host is not None
                and self.host.kind in ("resident", "company")
                and bool(self.host.phone_masked)
            )
        return True

    def chosen_method(self) -> HostCallMethod:
        pressed = self.query_one("#call-method", RadioSet).pressed_button
        return HostCallMethod(pressed.name) if pressed and pressed.name else HostCallMethod.phone

    def action_answer(self, result: str) -> None:
        self.dismiss(HostCall(self.chosen_method(), HostCallResult(result)))

    def action_reveal(self) -> None:
        host = self.host
        if host is None:  # (check_action offers the key only for a host with a phone)
            return
        app = self.app
        reason = _("To call the host of a visitor at the desk.")
        self.run_db(
            lambda s: residents.reveal_phone(
                session=s,
                actor=app.signed_in_actor,
                clock=app.clock,
                kind=host.kind,
                person_id=host.id,
                reason=reason,
            ),
            on_done=self.show_number,
            group="reveal",
            exclusive=True,
        )

    def show_number(self, phone: str) -> None:
        self.query_one("#call-host", Static).update(
            plain(_("Host: {host}").format(host=self.host_text) + f"   ☎ {phone}")
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
