"""What an area shows until its screen module exists."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.widgets import Static

from deskterm.i18n import _
from deskterm.tui.screens.base import AreaScreen


class PlaceholderScreen(AreaScreen):
    def __init__(self, area) -> None:
        super().__init__()
        self.AREA = area.id
        self.area = area

    def compose_body(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(
                _("{area}: this part of the desk is not available yet.").format(
                    area=_(self.area.label)),
                id="placeholder", markup=False,
            )
