"""F1: the keys of the screen in view (with what each does) and the screen's help text."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from deskterm.i18n import N_, _
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.screens.base import DeskDialog
from deskterm.tui.widgets.text import fit

register(DeskAction("help.close", "escape,f1", "close", N_("Close"), N_("Close the help.")))


def key_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(key, description, tooltip) of every binding active on `screen`, app keys included."""
    app = screen.app
    seen: set[str] = set()
    rows = []
    for _key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        ident = binding.id or binding.action
        if ident in seen or not active.enabled:
            continue
        seen.add(ident)
        rows.append((app.get_key_display(binding), binding.description, binding.tooltip))
    return rows


class HelpDialog(DeskDialog[None]):
    DEFAULT_CSS = """
    HelpDialog {
        align: center middle;
        & > VerticalScroll { width: 76; height: 20; border: thick $accent; background: $surface; padding: 0 1; }
        & #help-title { text-style: bold; margin-bottom: 1; }
        & #help-text { margin-top: 1; color: $text-muted; }
    }
    """
    BINDINGS = bindings("help.close")

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        title = getattr(self.target, "title_text", None)
        with VerticalScroll():
            yield Static(Text(title() if callable(title) else _("Keys")), id="help-title")
            lines = Text(end="")
            for key, description, tooltip in key_rows(self.target):
                lines.append(fit(key, 8), style="bold")
                lines.append(fit(description, 14))
                lines.append(" " + (tooltip or "") + "\n")
            yield Static(lines, id="help-keys")
            help_text = self.target.help_text() if hasattr(self.target, "help_text") else ""
            if help_text:
                yield Static(Text(help_text), id="help-text")
        yield Footer(show_command_palette=False)

    def action_close(self) -> None:
        self.dismiss(None)
