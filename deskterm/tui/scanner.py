"""Scanner input recognised everywhere (D-8): a burst of keys that spells a slip number and
ends in Enter is a scan, whatever has the focus and whatever dialog is open.

A barcode scanner is a keyboard that types a whole slip number and Enter in a few
milliseconds; a person needs 50 ms or more between two keys. `ScanReader` sits in front of
the app's key queue: a key that can start a slip number ("V") is held back for a moment;
each key that follows within `SCAN_GAP_S` and keeps the text a possible slip number is held
too. Enter after a complete number is a scan: the held keys are dropped (they never reach a
field, a list or a dialog's shortcuts) and the app checks out *that* slip. Anything else
(a pause, a key that cannot continue a slip number, Enter after half a number) lets the
held keys go on, in the order they were typed, as ordinary typing.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import events

from deskterm.i18n import _
from deskterm.rules.numbering import PREFIXES
from deskterm.tui import fmt
from deskterm.tui.widgets.text import clean

if TYPE_CHECKING:
    from textual.timer import Timer

    from deskterm.tui.app import DeskApp

SCAN_GAP_S = 0.04  # a scanner's keys come within a few ms; nobody types this fast
SLIP_PREFIX = PREFIXES["visitor"]
_PARTIAL = re.compile(rf"{SLIP_PREFIX}(?:[0-9]{{0,8}}|[0-9]{{8}}-[0-9]*)", re.IGNORECASE)
_WHOLE = re.compile(rf"{SLIP_PREFIX}[0-9]{{8}}-[0-9]{{4,}}", re.IGNORECASE)


def is_slip_number(text: str) -> bool:
    return bool(_WHOLE.fullmatch(text))


class ScanReader:
    """Holds back the keys of a possible scan. `take(event)` is True when the reader kept the
    key (held, or part of a scan); `release` hands held keys on as typing; `on_scan(number)`
    is called for a complete scan."""

    def __init__(
        self,
        app: DeskApp,
        *,
        release: Callable[[list[events.Key]], Awaitable[None]],
        on_scan: Callable[[str], None],
        active: Callable[[], bool],
    ) -> None:
        self.app = app
        self._release = release
        self._on_scan = on_scan
        self._active = active
        self._held: list[events.Key] = []
        self._timer: Timer | None = None

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def _text(self) -> str:
        return "".join(k.character or "" for k in self._held)

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(SCAN_GAP_S, self.flush)

    async def flush(self) -> None:
        """The burst ended without a scan: the held keys are typing after all."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        held, self._held = self._held, []
        if held:
            await self._release(held)

    async def take(self, event: events.Key) -> bool:
        if self._held:
            if event.time - self._held[-1].time > SCAN_GAP_S:
                await self.flush()  # a pause: what was held is typing
            elif event.key == "enter":
                text = self._text()
                if is_slip_number(text):
                    if self._timer is not None:
                        self._timer.stop()
                        self._timer = None
                    self._held = []
                    self._on_scan(text.upper())
                    return True
                await self.flush()
                return False
            elif event.character and _PARTIAL.fullmatch(self._text() + event.character):
                self._held.append(event)
                self._restart_timer()
                return True
            else:
                await self.flush()
        if (event.character or "").upper() == SLIP_PREFIX and self._active():
            self._held.append(event)
            self._restart_timer()
            return True
        return False


def checked_out_text(slip, settings) -> str:
    """What a check-out did, to which slip: the result line and the notification."""
    time = fmt.hm(slip.checked_out_at, settings.timezone)
    name = clean(slip.visitor_name, one_line=True)  # typed text: control characters shown
    if slip.slip_returned:
        return _("✓ {number} {name} checked out at {time}; the slip came back.").format(
            number=slip.number, name=name, time=time
        )
    return _("✓ {number} {name} checked out at {time}; recorded as a LOST slip.").format(
        number=slip.number, name=name, time=time
    )
