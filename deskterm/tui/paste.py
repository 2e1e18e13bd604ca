"""A bracketed paste stays one paste, whatever it holds.

A terminal sends a paste as `ESC [200~ text ESC [201~`. Textual's xterm parser (8.x) ends the
paste at the first ESC *inside* the text and reads the rest as key presses: a logbook entry
pasted as `KKK ESC q Ctrl+S` was saved at once without "KKK", `... ESC[31mALERT ...` pasted in
the handover notices opened the sign-off question, and the text before the ESC arrived last.

Textual has no public way to see a paste begin (the keys come before the Paste event, and
nothing marks them), so the fix sits where the bytes are read: `PasteSafeLinuxDriver` runs
each chunk of terminal input through `PasteGuard` before Textual's parser sees it, and the
guard writes every ESC inside a paste (all but the one of the end marker) as its picture ␛
(U+241B) -- what the fields show for a pasted ESC anyway (widgets/text.clean). The parser then
sees one paste with no ESC in it and makes one `events.Paste` of all of it.

What this relies on in Textual, outside its public API, is taken from tui/internals.py (the
one module that may; docs/upstream.md has the issue text): the parser `XTermParser` and its
`ParseError`. The rest is the shape of the public `LinuxDriver.run_input_thread` (`fileno`,
`exit_event`, `process_message`), copied below with one line added. Only the POSIX terminal
driver is replaced; any other driver (Windows, the browser, the headless test driver) is left
as Textual chose it.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual.driver import Driver

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
ESC = "\x1b"
ESC_PICTURE = "\u241b"  # ␛, as rules.text.pictures shows an ESC


class PasteGuard:
    """Feed terminal input in chunks as read; get back the same input in which an ESC inside
    a bracketed paste is ␛. Markers split across chunks are found: a possible start of the end
    marker at the end of a chunk is held until the next chunk says what it is (a paste always
    ends with the marker, so nothing waits long); outside a paste nothing is ever held, so the
    Escape key is not delayed."""

    def __init__(self) -> None:
        self.in_paste = False
        self._held = ""  # inside a paste: a tail that may be the start of the end marker
        self._tail = ""  # outside a paste: the last characters seen, to find a split start

    def feed(self, data: str) -> str:
        out: list[str] = []
        text = self._held + data
        self._held = ""
        i = 0
        while i < len(text):
            if not self.in_paste:
                seen = self._tail + text[i:]
                at = seen.find(PASTE_START)
                if at < 0:
                    out.append(text[i:])
                    self._tail = seen[-(len(PASTE_START) - 1) :]
                    return "".join(out)
                end = at + len(PASTE_START) - len(self._tail)  # in text[i:]
                out.append(text[i : i + end])
                i += end
                self._tail = ""
                self.in_paste = True
                continue
            at = text.find(ESC, i)
            if at < 0:
                out.append(text[i:])
                return "".join(out)
            out.append(text[i:at])
            rest = text[at : at + len(PASTE_END)]
            if rest == PASTE_END:
                out.append(PASTE_END)
                i = at + len(PASTE_END)
                self.in_paste = False
                continue
            if PASTE_END.startswith(rest):  # cut by the chunk: wait for the rest
                self._held = text[at:]
                return "".join(out)
            out.append(ESC_PICTURE)
            i = at + 1
        return "".join(out)


def paste_safe(driver_class: type[Driver]) -> type[Driver]:
    """The driver to run: the paste-safe one in place of Textual's POSIX terminal driver."""
    try:
        from textual.drivers.linux_driver import LinuxDriver
    except ImportError:  # Windows: no termios
        return driver_class
    if driver_class is not LinuxDriver:
        return driver_class
    return PasteSafeLinuxDriver


def _driver():
    from textual.drivers.linux_driver import LinuxDriver

    from deskterm.tui.internals import xterm_parser

    XTermParser, ParseError = xterm_parser()

    class PasteSafeLinuxDriver(LinuxDriver):
        """Textual's LinuxDriver with its input run through PasteGuard (module note)."""

        def run_input_thread(self) -> None:
            # Textual 8.2's LinuxDriver.run_input_thread with the one `guard.feed` added.
            selector = selectors.SelectSelector()
            selector.register(self.fileno, selectors.EVENT_READ)
            fileno = self.fileno
            EVENT_READ = selectors.EVENT_READ
            parser = XTermParser(False)
            feed = parser.feed
            tick = parser.tick
            guard = PasteGuard()
            decode = getincrementaldecoder("utf-8")().decode

            def process_selector_events(selector_events, final: bool = False) -> None:
                for index, (_key, mask) in enumerate(selector_events):
                    last = index == len(selector_events) - 1
                    if mask & EVENT_READ:
                        unicode_data = decode(os.read(fileno, 1024 * 4), final=final and last)
                        if not unicode_data:
                            break
                        data = guard.feed(unicode_data)
                        # "" would tell the parser the input has ended: a held tail waits
                        for event in feed(data) if data else ():
                            self.process_message(event)
                for event in tick():
                    self.process_message(event)

            try:
                while not self.exit_event.is_set():
                    process_selector_events(selector.select(0.1))
                selector.unregister(self.fileno)
                process_selector_events(selector.select(0.1), final=True)
            finally:
                selector.close()
                try:
                    for _event in feed(""):
                        pass
                except (EOFError, ParseError):
                    pass

    return PasteSafeLinuxDriver


try:
    PasteSafeLinuxDriver = _driver()
except ImportError:  # no termios (Windows): Textual's own driver is used
    PasteSafeLinuxDriver = None  # type: ignore[assignment,misc]
