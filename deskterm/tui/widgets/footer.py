"""The footer of the desk's area screens: Textual's Footer, its keys drawn as one line.

Textual's Footer is a row of FooterKey widgets that it unmounts and mounts again (styling each
one, twice: its `compact` flag is bound after mounting) on every bindings update: a focus
move, a view switch, `refresh_bindings()`. On an area screen that was a third of the CPU of
opening a list, and it came between the screen's first paint and its rows (bench/bench_tui.py).
Here `FooterKeys`, one widget, draws what those FooterKeys drew, side by side in the same
styles (the key in bold accent, padded; the description after it; a key that does not apply
now dimmed), follows the mouse the same way (hover, tooltip, a click presses the key), and is
only repainted when what it shows changes. The command palette key, where the screen shows
it, is drawn the same way at the right end.

Every screen and dialog of the desk has this footer (a test enumerates them): it shows each
key's words in the desk's language (`actions.shown_description`), which Textual's Footer,
drawing the words as declared, would not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from deskterm.tui.actions import shown_description, shown_tooltip


@dataclass(frozen=True)
class ShownKey:
    key: str  # the binding's key, pressed on a click
    display: str  # "^n", "⏎", "f1"
    description: str
    enabled: bool
    tooltip: str


def shown_keys(screen: Screen) -> list[ShownKey]:
    """The keys Footer.compose shows (one per action, its first key), without groups."""
    first: dict[str, ShownKey] = {}
    app = screen.app
    for _node, binding, enabled, tooltip in screen.active_bindings.values():
        if binding.show and binding.action not in first:
            first[binding.action] = ShownKey(
                binding.key,
                app.get_key_display(binding),
                shown_description(binding),
                enabled,
                shown_tooltip(tooltip),
            )
    return list(first.values())


def palette_key(screen: Screen) -> ShownKey | None:
    """The command palette's key as Footer shows it on the right, if the app has one."""
    app = screen.app
    if not app.ENABLE_COMMAND_PALETTE:
        return None
    active = screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
    if active is None:
        return None
    binding = active.binding
    return ShownKey(
        binding.key,
        app.get_key_display(binding),
        shown_description(binding),
        active.enabled,
        shown_tooltip(binding.tooltip) or shown_description(binding),
    )


class FooterKeys(Widget):
    """The footer's keys, as FooterKey widgets side by side would show them."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-keys--item",
        "footer-keys--hover",
        "footer-keys--key",
        "footer-keys--description",
        "footer-keys--palette-edge",
    }
    # The rules of Textual's FooterKey (not compact), as component classes.
    DEFAULT_CSS = """
    FooterKeys {
        width: 1fr;
        height: 1;
        text-wrap: nowrap;
        .footer-keys--item { background: $footer-item-background; }
        .footer-keys--hover { color: $footer-key-foreground; background: $block-hover-background; }
        .footer-keys--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-keys--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-keys--palette-edge { color: $foreground 20%; }
    }
    """

    def __init__(self, *, palette: bool = False) -> None:
        super().__init__()
        self.keys: list[ShownKey] = []
        self.palette: ShownKey | None = None
        self._with_palette = palette
        self._hover: int | None = None

    def on_mount(self) -> None:
        self.update_keys()

    def update_keys(self) -> None:
        """Show the screen's keys as they are now (repainted only if they changed)."""
        self.show(shown_keys(self.screen), palette_key(self.screen) if self._with_palette else None)

    def show(self, keys: list[ShownKey], palette: ShownKey | None = None) -> None:
        if keys != self.keys or palette != self.palette:
            self.keys = keys
            self.palette = palette
            self._hover = None
            self.refresh()

    @staticmethod
    def _palette_width(key: ShownKey) -> int:
        """`▏^p Commands `: the palette key as Footer draws it (compact, an edge on its left)."""
        return 1 + cell_len(key.display) + 1 + cell_len(key.description) + 1

    @staticmethod
    def _width(key: ShownKey) -> int:
        return (
            cell_len(key.display) + 2 + cell_len(key.description) + 1
            if key.description
            else cell_len(key.display)
        )

    def fitted(self) -> list[ShownKey]:
        """The keys that fit the line whole: a key is never cut short (`^o Print sli`).
        When they do not all fit, keys that do not apply now go first, then the last ones;
        F1 Help always stays (it lists every key)."""
        width = self.size.width
        if width and self.palette is not None:
            width = max(width - self._palette_width(self.palette), 0)
        keys = list(self.keys)
        if not width or sum(map(self._width, keys)) <= width:
            return keys

        def kept(key: ShownKey) -> bool:
            return key.display.lower() == "f1"

        for drop in (
            [k for k in keys if not k.enabled and not kept(k)],
            [k for k in reversed(keys) if not kept(k)],
        ):
            for key in drop:
                if sum(map(self._width, keys)) <= width:
                    return keys
                if key in keys:
                    keys.remove(key)
        return keys

    def _spans(self) -> Iterator[tuple[int, int, ShownKey]]:
        """(start, end) cells of each key shown, left to right; the palette key at the end."""
        x = 0
        for key in self.fitted():
            width = self._width(key)
            yield x, x + width, key
            x += width
        if self.palette is not None:
            width = self._palette_width(self.palette)
            start = max(self.size.width - width, x)
            yield start, start + width, self.palette

    def shown(self) -> list[ShownKey]:
        """The keys on the line now, left to right (the palette key last)."""
        return [key for _start, _end, key in self._spans()]

    def render(self) -> Text:
        text = Text(no_wrap=True, end="")
        item = self.get_component_rich_style("footer-keys--item")
        hover = self.get_component_rich_style("footer-keys--hover")
        # over the key's own background (item or hover), as a FooterKey's parts are
        key_style = self.get_component_rich_style("footer-keys--key", partial=True)
        description_style = self.get_component_rich_style("footer-keys--description", partial=True)
        x = 0
        for index, (start, end, key) in enumerate(self._spans()):
            if start > x:
                text.append(" " * (start - x), self.rich_style + item)
            x = end
            if key is self.palette:
                label = Text.assemble(
                    ("▏", self.get_component_rich_style("footer-keys--palette-edge")),
                    (key.display, key_style),
                    (f" {key.description}", description_style),
                    (" ", self.rich_style),
                )
            elif key.description:
                label = Text.assemble(
                    (f" {key.display} ", key_style), (f"{key.description} ", description_style)
                )
            else:
                label = Text.assemble((key.display, key_style))
            base = self.rich_style + (hover if index == self._hover else item)
            if not key.enabled:
                base += Style(dim=True)
            label.stylize_before(base)
            text.append_text(label)
        return text

    def _key_at(self, x: int) -> int | None:
        for index, (start, end, _key) in enumerate(self._spans()):
            if start <= x < end:
                return index
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._key_at(event.x)
        if index != self._hover:
            self._hover = index
            self.tooltip = (self.shown()[index].tooltip or None) if index is not None else None
            self.refresh()

    def on_leave(self, _event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._key_at(event.x)
        if index is None:
            return
        shown = self.shown()
        if shown[index].enabled:
            self.app.simulate_key(shown[index].key)
        else:
            self.app.bell()


class DeskFooter(Footer):
    """The footer of every deskterm screen and dialog (module note)."""

    def compose(self):
        yield FooterKeys(palette=self.show_command_palette)

    def bindings_changed(self, screen: Screen) -> None:
        # Footer subscribes this to the screen's `bindings_updated_signal` when it mounts.
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.query_one(FooterKeys).update_keys()
