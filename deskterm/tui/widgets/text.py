"""Show text people typed as text: never markup, never terminal control sequences.

`plain("[red]x[/red]")` is a `rich.text.Text` that shows the brackets; an ESC or another
control character shows as a visible picture (␛) instead of reaching the terminal.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size
from rich.text import Text

# C0 controls but tab/newline, DEL, C1 controls, and bidirectional overrides/isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟ (ESC becomes ␛)
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def clean(value: object, *, one_line: bool = False) -> str:
    """The string with every control character made visible; one line on request."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub(_picture, text)
    if one_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return text


def plain(value: object, style: str = "", *, one_line: bool = False) -> Text:
    """A Text that renders `value` literally (no markup, no control sequences)."""
    return Text(clean(value, one_line=one_line), style=style, no_wrap=one_line, end="")


def fit(value: str, width: int, *, align: str = "left") -> str:
    """Pad or cut `value` to exactly `width` terminal cells (CJK characters take two)."""
    if width <= 0:
        return ""
    if cell_len(value) > width:
        value = set_cell_size(value, width - 1) + "…"
        return set_cell_size(value, width)
    pad = width - cell_len(value)
    if align == "right":
        return " " * pad + value
    if align == "center":
        left = pad // 2
        return " " * left + value + " " * (pad - left)
    return value + " " * pad
