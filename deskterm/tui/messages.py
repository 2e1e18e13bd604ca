"""App-wide messages. Post them to the app; DeskApp forwards them to every installed screen."""

from __future__ import annotations

from textual.message import Message


class RecordsChanged(Message, bubble=False):
    """Something was saved: screens that show it (the dashboard) refresh.

    `kinds` names what changed ("visitor", "repair", "logbook", ...); empty means anything.
    Post it to the app (`screen.records_changed("repair")`); the app forwards a copy to
    every installed screen. It does not bubble (that would loop back to the app).
    """

    def __init__(self, *kinds: str) -> None:
        super().__init__()
        self.kinds = frozenset(kinds)


class ShiftChanged(Message):
    """The operator signed in, checked in, handed over or signed out."""


class BusyChanged(Message, bubble=False):
    """A database worker started (`step=1`) or ended (`step=-1`). Posted from its thread
    (post_message is thread-safe), so the work does not wait for the UI thread to start;
    both go through the app's queue, so the end never overtakes the start."""

    def __init__(self, step: int) -> None:
        super().__init__()
        self.step = step
