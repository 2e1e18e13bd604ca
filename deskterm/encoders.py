"""One encoder per way out (issue 15): what typed text becomes on its way to each reader.

Text is checked when it is stored (models/guard.py refuses control characters), but rows
written before that check, or imported by an older release, may still hold them; each way
out makes sure nothing a terminal, a printer or a browser would obey reaches it:

- terminal (`terminal`, `TerminalStream`): CLI output to a tty or a pipe; every control
  character but tab, line feed and CR LF becomes its visible picture (␛, ⟨RLO⟩);
- plain-text sheets and work orders (`sheet`): the same pictures; one-line cells also turn
  line breaks and tabs into spaces so the layout holds;
- receipt printer (`printer_line`): only printable GB18030 from what users typed: pictures,
  then GB18030, then any byte below 0x20 or 0x7F refused; the only control bytes are the
  commands deskterm writes itself (services/receipt.py);
- HTML (`html`): escaped (quotes too) and isolated in `<bdi>` so a right-to-left run cannot
  reorder the page around it; controls pictured;
- xlsx (`xlsx_text`): text cells as text (export.py), controls pictured;
- CSV (`csv_text`): formula cells neutralised (export.neutralise), controls pictured, CR LF
  line ends kept;
- JSON (`json_text`): the value as is; the JSON text escapes every control character and
  bidi control as \\uXXXX, so the parsed string is exactly what was stored.
"""

from __future__ import annotations

import codecs
import re
from html import escape
from typing import IO, Protocol

from deskterm.rules.text import pictures

_JSON_EXTRA = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def terminal(text: str) -> str:
    """For a terminal: controls as pictures; tab, line feed and CR LF kept."""
    return pictures(text, lines=True)


def sheet(text: str, *, one_line: bool = False) -> str:
    """For a plain-text sheet or work order (printed, saved, shown)."""
    if one_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return pictures(text, lines=True)


def html(text: str) -> str:
    """For HTML: escaped, controls pictured, isolated from the text around it."""
    return f"<bdi>{escape(pictures(text, lines=True), quote=True)}</bdi>"


def csv_text(text: str) -> str:
    """The text of a CSV batch (cells already neutralised): controls pictured, CR LF kept."""
    return pictures(text, lines=True)


def xlsx_text(text: str) -> str:
    """A text cell of a workbook: controls pictured (XML cannot hold C0 controls, and the
    `_x001B_` escape a writer uses for them is turned back into ESC by the spreadsheet)."""
    return pictures(text, lines=True)


def json_text(text: str) -> str:
    """JSON text (already made by json/encode_basestring): C1, DEL and bidi controls escaped."""
    return _JSON_EXTRA.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printer_line(text: str) -> bytes:
    """One line of user text for a receipt printer: printable GB18030, no control byte."""
    shown = pictures(text, lines=False)
    data = shown.encode("gb18030", "replace")
    # GB18030 never puts a byte below 0x40 inside a multi-byte character, so a byte below
    # 0x20 or 0x7F here could only be a control: none can be left after pictures().
    return bytes(b for b in data if b >= 0x20 and b != 0x7F)


class ByteSink(Protocol):
    """Where bytes are written through (an export's `out`): a binary file, or TerminalStream."""

    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...


class TerminalStream:
    """A binary stream (sys.stdout.buffer) that passes UTF-8 text through `terminal`.

    `deskterm export ... --out -` writes here: whatever a stored cell holds, the terminal
    (or the pipe that may end in one) gets no escape sequence. A CR LF line end stays.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._held = ""  # a trailing CR, until we know whether LF follows

    def write(self, data: bytes) -> int:
        text = self._held + self._decoder.decode(bytes(data))
        self._held = ""
        if text.endswith("\r"):
            text, self._held = text[:-1], "\r"
        self.raw.write(terminal(text).encode("utf-8"))
        return len(data)

    def flush(self) -> None:
        text = self._held + self._decoder.decode(b"", final=True)
        self._held = ""
        if text:
            self.raw.write(terminal(text).encode("utf-8"))
        self.raw.flush()
