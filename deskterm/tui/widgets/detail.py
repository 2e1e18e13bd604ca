"""A detail pane that never hides text without saying so (issue 15).

`DetailPane.show(text)` shows as much of a record's text as the pane holds; when it does not
all fit, the last line says how much more there is and that F12 ("Read all", DeskApp) opens
all of it in a scrolling reader (dialogs/text_view.py). Nothing is cut without a word.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from deskterm.i18n import _


class DetailPane(Static):
    def __init__(
        self, *, id: str | None = None, classes: str | None = None, fit: bool = True
    ) -> None:
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
            self._grow(layout=layout)
            return
        self._fit()

    def on_resize(self) -> None:
        if self.fit:
            self._fit()
        else:
            self._grow()

    def _grow(self, *, layout: bool = True) -> None:
        """All the lines, in a pane that grows; a pane that does not wrap (text-wrap: nowrap,
        the repairs detail) and cuts a line at its edge says so and names F12."""
        width, was_cut = self.content_region.width, self.cut
        self.cut = (
            width > 0
            and self.styles.text_wrap == "nowrap"
            and any(cell_len(line) > width for line in self.full.plain.splitlines())
        )
        layout = layout or self.cut != was_cut  # the hint is a line more, or less
        if not self.cut:
            self.update(self.full, layout=layout)
            return
        shown = self.full.copy()
        shown.append("\n" + _("… lines cut at the edge · F12: read all"), style="bold")
        self.update(shown, layout=layout)

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
        kept = Text("\n", end="").join(list(lines)[: max(height - 1, 0)])
        more = len(lines) - max(height - 1, 0)
        kept.append(
            ("\n" if height > 1 else "") + _("… {n} more lines · F12: read all").format(n=more),
            style="bold",
        )
        self.update(kept)
