"""The "visiting" field of the visitor forms: type a name, a unit (12-1203, 1203) or pinyin
initials (zs); the matches show under it as you type; Up/Down choose, Enter takes one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from deskterm.i18n import _
from deskterm.services.visitors.hosts import HostChoice, find_hosts
from deskterm.tui.base import desk_screen
from deskterm.tui.dialogs.visitor_fields import field
from deskterm.tui.widgets.text import clean, fit

if TYPE_CHECKING:
    from textual import getters
    from textual.timer import Timer

    from deskterm.tui.app import DeskApp

SEARCH_DELAY_S = 0.12
MATCHES = 6


class HostPicker(Widget):
    """A FormField named "host" with live matches under it; `choice` is the host taken."""

    if TYPE_CHECKING:  # the desk app it runs in (textual.getters)
        app = getters.app(DeskApp)

    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    class Chosen(Message):
        """A host was taken (Enter on a match); the form moves to its next field."""

        def __init__(self, picker: HostPicker, choice: HostChoice | None) -> None:
            super().__init__()
            self.picker = picker
            self.choice = choice

        @property
        def control(self) -> HostPicker:
            return self.picker

    def __init__(
        self,
        label: str,
        *,
        choice: HostChoice | None = None,
        text: str = "",
        label_width: int = 10,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.label_width = label_width
        self.choice = choice
        self.initial = choice.text if choice else text
        self.matches: list[HostChoice] = []
        self._timer: Timer | None = None
        self._settling = False  # the value is being set by us, not typed
        self._fresh = True  # the matches shown are those of the text in the field
        self._taking = False  # Enter came before the matches: take one when they come

    def compose(self) -> ComposeResult:
        yield field(
            self.label,
            "host",
            refusals=("host_text",),  # the form model's name for what is typed here
            value=self.initial,
            max_length=128,
            placeholder=_("name, unit (12-1203) or pinyin initials (zs)"),
            label_width=self.label_width,
        )
        yield OptionList(id="host-matches", compact=True)

    def on_mount(self) -> None:
        matches = self.query_one("#host-matches", OptionList)
        matches.can_focus = False
        self._show_chosen()

    @property
    def input(self) -> Input:
        return self.query_one("#host-input", Input)

    @property
    def text(self) -> str:
        return self.input.value.strip()

    def focus_input(self) -> None:
        self.input.focus()

    # -- typing ----------------------------------------------------------------------------
    @on(Input.Changed, "#host-input")
    def typed(self, event: Input.Changed) -> None:
        if self._settling or (self.choice is not None and event.value == self.choice.text):
            # set by us (a pick, or a form reopened with its pick): not typed
            self._settling = False
            return
        self.choice = None
        self._fresh = False
        self._stop_timer()
        self._timer = self.set_timer(SEARCH_DELAY_S, self.search_now)

    def _stop_timer(self) -> bool:
        """Stop a pending search; True if the matches shown are out of date."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        return not self._fresh

    def search_now(self, then=None) -> None:
        self._timer = None
        text = self.text
        app = self.app
        if not text:
            self.show_matches([])
            self._fresh = True
            return

        def done(matches: list[HostChoice]) -> None:
            if text != self.text:  # the text changed meanwhile (typed on, or a match taken)
                if then is not None:
                    self.when_ready(then)  # run it once the current text is settled
                return
            self.show_matches(matches)
            self._fresh = True
            if then is not None:
                then()

        desk_screen(self).run_db(
            lambda s: find_hosts(
                session=s, actor=app.signed_in_actor, clock=app.clock, text=text, limit=MATCHES
            ),
            on_done=done,
            write=False,
            group="host-search",
            exclusive=True,
        )

    def show_matches(self, matches: list[HostChoice]) -> None:
        self.matches = matches
        options = self.query_one("#host-matches", OptionList)
        options.clear_options()
        width = max((options.size.width or 60) - 2, 20)
        # The name takes what the unit and the masked phone leave: a company's whole name
        # ("杭州万象网络科技有限公司"), not its first seven characters.
        phone_width = max((cell_len(c.phone_masked) for c in matches if c.phone_masked), default=0)
        name_width = max(16, width - 1 - 10 - (phone_width + 1 if phone_width else 0))
        for choice in matches:
            line = Text(no_wrap=True, end="")
            if choice.kind == "unit":  # a unit with nobody on record
                line.append(fit(choice.unit_label, name_width) + " " + fit("", 10))
            else:
                line.append(fit(clean(choice.name, one_line=True), name_width))
                line.append(" " + fit(choice.unit_label, 10))
            if choice.phone_masked:
                line.append(" " + choice.phone_masked, style="dim")
            line.truncate(width)
            options.add_option(Option(line))
        if matches:
            options.highlighted = 0
        elif self.text:
            options.add_option(
                Option(
                    Text(_("No match: the text is kept as typed."), style="dim italic"),
                    disabled=True,
                )
            )

    def action_move(self, step: int) -> None:
        if self._stop_timer():  # typed faster than the search: look now, then move
            self.search_now(then=lambda: self.action_move(step))
            return
        options = self.query_one("#host-matches", OptionList)
        if not self.matches:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.matches) - 1, current + step))

    @on(Input.Submitted, "#host-input")
    def take(self, event: Input.Submitted) -> None:
        event.stop()
        if self._stop_timer() and self.choice is None:  # Enter before the matches came
            self._taking = True
            self.search_now(then=self._take_highlighted)
            return
        self._take_highlighted()

    def when_ready(self, callback) -> None:
        """Run `callback` once the matches are those of the text (and a pending Enter has
        taken one): a save waits for the search the operator started."""
        if self._fresh and not self._taking and self._timer is None:
            callback()
            return
        self._stop_timer()

        def after() -> None:
            if self._taking:
                self._take_highlighted()
            callback()

        self.search_now(then=after)

    @property
    def needs_choice(self) -> bool:
        """Text typed and matches offered, but none taken (Enter takes one)."""
        return self.choice is None and bool(self.matches)

    def _take_highlighted(self) -> None:
        self._taking = False
        options = self.query_one("#host-matches", OptionList)
        if self.choice is None and self.matches:
            index = options.highlighted or 0
            self.choice = self.matches[index]
            if self.input.value != self.choice.text:
                self._settling = True
                self.input.value = self.choice.text
        self._show_chosen()
        self.post_message(self.Chosen(self, self.choice))

    def _show_chosen(self) -> None:
        if self.choice is None:
            return
        options = self.query_one("#host-matches", OptionList)
        options.clear_options()
        line = Text("✓ ", style="bold green", no_wrap=True, end="")
        line.append(clean(self.choice.text, one_line=True))
        if self.choice.phone_masked:
            line.append("  " + self.choice.phone_masked, style="dim")
        options.add_option(Option(line))
        self.matches = []
