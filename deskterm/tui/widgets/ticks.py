"""Tick boxes that read right without colour: X when ticked, blank when not.

Textual draws every toggle as ▐X▌ and tells on from off only by colour, which a monochrome
desk terminal (or a screen reader of the pane) cannot see.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList


class TickBox(Checkbox):
    # Textual reads BUTTON_INNER, a plain class attribute, at each render and has no hook for
    # a glyph that follows the value: a property is the public way, which mypy reports as an
    # override of a writable attribute (nothing here writes it).
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 (Textual's name)
        return "X" if self.value else " "


class TickList(SelectionList):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        _x, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except Exception:  # noqa: BLE001 - past the last option: nothing to mark
            return strip
        if len(segments) > 1 and segments[1].text == "X":
            mark = "X" if selection.value in self.selected else " "
            segments[1] = Segment(mark, segments[1].style, segments[1].control)
            return Strip(segments, strip.cell_length)
        return strip
