"""The two lines at the top of every area screen: who is on duty, and the area tabs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.style import Style as RichStyle
from rich.text import Text
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget
from textual.widgets import Static

from deskterm.i18n import _
from deskterm.tui import fmt
from deskterm.tui.widgets.text import clean

if TYPE_CHECKING:
    from textual import getters

    from deskterm.tui.app import DeskApp


class StatusLine(Widget):
    """Post · operator · shift on the left; a waiting sign and the clock on the right.

    One widget drawing both halves at its own width: the left half is cut (…) to leave the
    right half whole. (It was a row of two Statics: every change of the waiting sign, at each
    database read, laid the whole screen out again, and a first draw before the size was
    known could leave the clock misplaced.)"""

    if TYPE_CHECKING:  # the desk app it runs in (textual.getters)
        app = getters.app(DeskApp)

    DEFAULT_CSS = """
    StatusLine {
        height: 1; width: 1fr; background: $panel; color: $text;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "busy", lambda _value: self.redraw(), init=False)
        self.watch(self.app, "overdue_repairs", lambda _value: self.redraw(), init=False)
        self.watch(self.app, "db_unreachable", lambda _value: self.redraw(), init=False)
        self.set_interval(15, self.redraw)

    def redraw(self) -> None:
        self.refresh()

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1

    def halves(self) -> tuple[Text, Text]:
        app = self.app
        actor = getattr(app, "actor", None)
        left = Text(no_wrap=True, end="", overflow="ellipsis")
        left.append(" " + clean(app.settings.post, one_line=True), style="bold")
        if actor is not None:
            left.append(" · ")
            left.append(clean(f"{actor.name} ({actor.code})", one_line=True))
            if actor.shift_id:
                left.append(" · " + _("shift {n}").format(n=actor.shift_id), style="dim")
        right = Text(no_wrap=True, end="")
        if getattr(app, "db_unreachable", False):  # issue 14: a server stopped or restarting
            right.append(
                _("The database cannot be reached; trying again.") + "  ", style="bold white on red"
            )
        overdue = getattr(app, "overdue_repairs", 0)
        if overdue:
            right.append(
                _("Overdue repairs: {n}").format(n=overdue) + "  ", style="bold white on red"
            )
        if getattr(app, "busy", 0):
            right.append(_("Working… (waiting for the database)") + "  ", style="bold yellow")
        right.append(fmt.day_hm(app.clock.now(), app.settings.timezone) + " ")
        return left, right

    def render_line(self, y: int) -> Strip:
        """The left half in the width the right half leaves, then the right half: drawn as
        the two Statics (1fr | auto) it was made of drew them."""
        width = self.size.width
        style = self.visual_style
        if y or width <= 0:
            return Strip.blank(width, style.rich_style)
        left, right = self.halves()
        right_width = min(right.cell_len, width)
        fill = RichStyle(bgcolor=style.rich_style.bgcolor)  # as a widget's blank cells
        strips = []
        for text, room in ((left, width - right_width), (right, right_width)):
            if room > 0:
                lines = Visual.to_strips(self, visualize(self, text, markup=False), room, 1, style)
                strip = lines[0] if lines else Strip.blank(0)
                strips.append(strip.extend_cell_length(room, fill))
        return Strip.join(strips)


class AreaBar(Static):
    """F2 Home  F3 Visitors ... with the current area highlighted."""

    if TYPE_CHECKING:  # the desk app it runs in (textual.getters)
        app = getters.app(DeskApp)

    DEFAULT_CSS = """
    AreaBar { height: 1; width: 1fr; background: $boost; }
    """

    def __init__(self, current: str | None = None, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.current = current

    def on_mount(self) -> None:
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        from deskterm.tui.areas import AREAS
        from deskterm.tui.keymap import shown_key

        width = self.size.width or 80
        pieces = []
        for area in AREAS:
            key = shown_key(self.app.settings, f"area.{area.id}", area.key).upper()
            pieces.append((area.id, key, _(area.tab)))
        words = sum(cell_len(k) + 1 + cell_len(t) for _i, k, t in pieces)
        # Roomy ("F2 Home  F3 Visitors"), then single spaces (the English bar at 80
        # columns), and only then the key against its word.
        if words + 2 * len(pieces) + 1 <= width:
            lead, between, gap = " ", " ", "  "
        elif words + len(pieces) - 1 <= width:
            lead, between, gap = "", " ", " "
        else:
            lead, between, gap = "", "", " "
        text = Text(lead, no_wrap=True, end="")
        for index, (area_id, key, tab) in enumerate(pieces):
            active = area_id == self.current
            if index:
                text.append(gap)
            text.append(key, style="bold reverse" if active else "bold")
            text.append(between + tab, style="bold underline" if active else "")
        self.update(text, layout=False)  # one line, as wide as the screen: no new layout
