"""Time left to a deadline, as a list cell or a small self-updating widget: red when overdue,
amber when near (rules.sla decides which)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from deskterm.config import SlaPolicy
from deskterm.i18n import _
from deskterm.rules.sla import SlaState, deadline_state

if TYPE_CHECKING:
    from textual import getters

    from deskterm.tui.app import DeskApp


def format_span(delta: timedelta) -> str:
    """A short duration: "3d02h", "2h05m", "12m" (language-neutral digits and letters)."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("{d}d{h:02d}h").format(d=days, h=hours)
    if hours:
        return _("{h}h{m:02d}m").format(h=hours, m=mins)
    return _("{m}m").format(m=mins)


def state_of(
    due: datetime, now: datetime, started: datetime | None, policy: SlaPolicy | None = None
) -> SlaState:
    policy = policy or SlaPolicy()
    if started is None:
        return SlaState.OVERDUE if now > due else SlaState.OK
    return deadline_state(due, now, started=started, policy=policy)


def sla_text(
    due: datetime | None,
    now: datetime,
    started: datetime | None = None,
    policy: SlaPolicy | None = None,
) -> Text:
    """ "2h05m left" (amber when near), "1h10m late" (red); empty when there is no deadline."""
    if due is None:
        return Text("")
    state = state_of(due, now, started, policy)
    if state == SlaState.OVERDUE:
        return Text(_("{span} late").format(span=format_span(now - due)), style="bold red")
    label = _("{span} left").format(span=format_span(due - now))
    return Text(label, style="dark_orange" if state == SlaState.NEAR else "")


def row_style(
    due: datetime | None,
    now: datetime,
    started: datetime | None = None,
    policy: SlaPolicy | None = None,
) -> str:
    """The RecordList row style for a deadline: "overdue", "near" or ""."""
    if due is None:
        return ""
    state = state_of(due, now, started, policy)
    return {SlaState.OVERDUE: "overdue", SlaState.NEAR: "near"}.get(state, "")


class SlaCountdown(Static):
    """A countdown that redraws itself every 30 seconds from the app's clock."""

    if TYPE_CHECKING:  # the desk app it runs in (textual.getters)
        app = getters.app(DeskApp)

    def __init__(
        self, due: datetime | None = None, started: datetime | None = None, **kwargs
    ) -> None:
        super().__init__("", **kwargs)
        self.due = due
        self.started = started

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(30, self.tick)

    def set_deadline(self, due: datetime | None, started: datetime | None = None) -> None:
        self.due, self.started = due, started
        self.tick()

    def tick(self) -> None:
        now = self.app.clock.now()
        self.update(sla_text(self.due, now, self.started, self.app.settings.sla))
