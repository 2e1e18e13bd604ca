"""Show text people typed as text: never markup, never terminal control sequences.

`plain("[red]x[/red]")` is a `rich.text.Text` that shows the brackets; an ESC or another
control character shows as a visible picture (␛, ⟨RLO⟩) instead of reaching the terminal.
"""

from __future__ import annotations

import re
import unicodedata

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from deskterm.rules.text import pictures


def clean(value: object, *, one_line: bool = False) -> str:
    """The string with every control character made visible (rules.text.pictures: ␛ for ESC,
    ⟨RLO⟩ for a bidi override); one line on request. Joiners and emoji are text."""
    text = "" if value is None else str(value)
    if one_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return pictures(text, lines=True)


# What a typed or pasted text may break its lines with: CR LF (Windows, most terminals'
# pastes), CR alone (a paste from a terminal sends Enter as CR), LF, and the Unicode and C1
# line and page breaks. Textual's Input kept only what came before the first of these.
_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def entered(text: str, *, one_line: bool = False) -> str:
    """What a field keeps of `text` typed or pasted into it: every line break a line feed (a
    multi-line field) or one space (a one-line field: the lines joined, none dropped), then
    `clean`. Stored text is shown with `clean` alone: its carriage returns stay visible (␍)."""
    text = _LINE_BREAK.sub(" " if one_line else "\n", text)
    return clean(text, one_line=one_line)


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


def format_character(event) -> str | None:
    """A joiner (U+200D), a non-joiner or another format character typed or sent by the
    terminal: Textual does not count it as printable and would drop it (an emoji family would
    become four people); it is text. Bidi controls are among them: `clean` shows them."""
    ch = event.character
    if ch and len(ch) == 1 and not ch.isprintable() and unicodedata.category(ch) == "Cf":
        return ch
    return None
