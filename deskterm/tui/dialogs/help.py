"""F1: the keys of the screen in view (with what each does) and the screen's help text."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from deskterm.i18n import N_, _
from deskterm.tui.actions import (
    DeskAction,
    bindings,
    browser_note,
    in_browser,
    register,
    shown_description,
    shown_tooltip,
)
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.footer import DeskFooter

register(DeskAction("help.close", "escape,f1", "close", N_("Close"), N_("Close the help.")))


def key_display(app, binding) -> str:
    """ "F2", "Ctrl+S", "Alt+1": how the keys are written on a desk's cheat sheet."""
    key = app.get_key_display(binding)
    if key.startswith("^"):
        return "Ctrl+" + key[1:].upper()
    parts = [p.capitalize() if len(p) > 1 else p.upper() for p in key.split("+")]
    return "+".join(parts)


def key_rows(screen: Screen) -> list[tuple[str, str, str, bool]]:
    """(keys, description, tooltip, is_area) of every registered action active on `screen`:
    the screen's own first, then the app's (help, palette, lock), then the areas."""
    from deskterm.tui.actions import ACTIONS

    app = screen.app
    found: dict[str, list] = {}
    for _key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.id not in ACTIONS or not active.enabled:
            continue
        entry = found.setdefault(binding.id, [[], binding, active.node is app])
        entry[0].append(key_display(app, binding))

    def order(entry) -> tuple[int, int]:
        is_area = entry[1].id.startswith("area.")
        return (2 if is_area else 1 if entry[2] else 0, 0)

    return [
        (
            " / ".join(keys),
            shown_description(binding),
            shown_tooltip(binding.tooltip),
            binding.id.startswith("area."),
        )
        for keys, binding, _is_app in sorted(found.values(), key=order)
    ]


class HelpDialog(DeskDialog[None]):
    BINDINGS = bindings("help.close")

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        title = getattr(self.target, "title_text", None)
        with VerticalScroll():
            yield Static(Text(title() if callable(title) else _("Keys and help")), id="help-title")
            help_text = self.target.help_text() if hasattr(self.target, "help_text") else ""
            if help_text:
                yield Static(Text(help_text), id="help-text")
            if in_browser():
                yield Static(Text(browser_note()), id="help-browser")
            rows = key_rows(self.target)
            table = Table.grid(padding=(0, 1))
            table.add_column(style="bold", no_wrap=True)
            table.add_column(no_wrap=True)
            table.add_column(ratio=1)
            for keys, description, tooltip, is_area in rows:
                if not is_area:
                    table.add_row(keys, description, tooltip)
            yield Static(table, id="help-keys")
            areas = Text(end="")
            for keys, description, _tooltip, is_area in rows:
                if is_area:
                    areas.append(keys.split(" / ")[0], style="bold")
                    areas.append(f" {description}  ")
            if areas.plain:
                yield Static(
                    Text(_("Areas (what you typed stays where it was):")), id="help-areas-title"
                )
                yield Static(areas, id="help-areas")
        yield DeskFooter(show_command_palette=False)

    def action_close(self) -> None:
        self.dismiss(None)
