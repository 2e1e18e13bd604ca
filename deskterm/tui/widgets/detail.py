"""A detail pane that never hides text without saying so (issue 15).

`DetailPane.show(text)` shows as much of a record's text as the pane holds; when it does not
all fit, the last line says how much more there is and that F12 ("Read all", DeskApp) opens
all of it in a scrolling reader (dialogs/text_view.py). Nothing is cut without a word.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from deskterm.i18n import _


class DetailPane(Static):
    def __init__(self, *, id: str | None = None, classes: str | None = None,
                 fit: bool = True) -> None:
        """`fit=False` for a pane that grows with its text inside a scrolling container: it
        shows everything and keeps the text for F12."""
        super().__init__(Text(""), id=id, classes=classes, markup=False)
        self.full = Text("")
        self.title = ""
        self.cut = False
        self.fit = fit

    def show(self, text: Text, title: str = "", *, layout: bool = True) -> None:
        """Show `text` (already made safe by widgets.text.plain/clean)."""
        self.full, self.title = text, title
        if not self.fit:
            self.update(text, layout=layout)
            return
        self._fit()

    def on_resize(self) -> None:
        if self.fit:
            self._fit()

    def _fit(self) -> None:
        width, height = self.content_region.width, self.content_region.height
        if width <= 0 or height <= 0 or not self.full.plain:
            self.cut = False
            self.update(self.full)
            return
        lines = self.full.wrap(self.app.console, width)
        self.cut = len(lines) > height
        if not self.cut:
            self.update(self.full)
            return
        kept = Text("\n", end="").join(list(lines)[:max(height - 1, 0)])
        more = len(lines) - max(height - 1, 0)
        kept.append(("\n" if height > 1 else "")
                    + _("… {n} more lines · F12: read all").format(n=more), style="bold")
        self.update(kept)
