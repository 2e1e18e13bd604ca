"""The two lines at the top of every area screen: who is on duty, and the area tabs."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.containers import Horizontal
from textual.widgets import Static

from deskterm.i18n import _
from deskterm.tui import fmt
from deskterm.tui.widgets.text import clean


class StatusLine(Horizontal):
    """Post · operator · shift on the left; a waiting sign and the clock on the right."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1; width: 1fr; background: $panel; color: $text;
        & > #status-who { width: 1fr; height: 1; }
        & > #status-clock { width: auto; height: 1; }
    }
    """

    def compose(self):
        yield Static("", id="status-who")
        yield Static("", id="status-clock")

    def on_mount(self) -> None:
        self.watch(self.app, "busy", lambda _value: self.redraw(), init=False)
        self.watch(self.app, "overdue_repairs", lambda _value: self.redraw(), init=False)
        self.set_interval(15, self.redraw)
        self.redraw()

    def redraw(self) -> None:
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
        overdue = getattr(app, "overdue_repairs", 0)
        if overdue:
            right.append(_("Overdue repairs: {n}").format(n=overdue) + "  ", style="bold white on red")
        if getattr(app, "busy", 0):
            right.append(_("Working… (waiting for the database)") + "  ", style="bold yellow")
        right.append(fmt.day_hm(app.clock.now(), app.settings.timezone) + " ")
        self.query_one("#status-who", Static).update(left)
        self.query_one("#status-clock", Static).update(right)


class AreaBar(Static):
    """F2 Home  F3 Visitors ... with the current area highlighted."""

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

        width = self.size.width or 80
        pieces = []
        for area in AREAS:
            key = area.key.split(",")[0].upper()
            pieces.append((area.id, key, _(area.tab)))
        full = sum(cell_len(k) + 1 + cell_len(t) + 2 for _i, k, t in pieces) + 1
        compact = full > width
        text = Text(" ", no_wrap=True, end="")
        for area_id, key, tab in pieces:
            active = area_id == self.current
            text.append(key, style="bold reverse" if active else "bold")
            text.append(tab if compact else " " + tab, style="bold underline" if active else "")
            text.append(" " if compact else "  ")
        self.update(text)
