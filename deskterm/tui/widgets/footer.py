"""The footer of the desk's screens: Textual's Footer, rebuilt only when its keys change.

Textual's Footer recomposes (unmounts and mounts a FooterKey per key, and styles each one)
on every bindings update: a focus move, a view switch, `refresh_bindings()`. Most of those
leave the keys shown exactly as they were; on an area screen they were about a third of the
CPU of opening a list (bench/bench_tui.py). This footer compares what it would show with
what it shows and recomposes only on a difference, so it looks and behaves the same.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class DeskFooter(Footer):
    _shown: tuple | None = None

    def _keys(self) -> tuple:
        """What compose() would draw: every active binding, with its state."""
        return tuple(
            (binding.key, binding.action, binding.description, binding.show, binding.group,
             enabled, tooltip)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
        ) + (self.compact, self.show_command_palette)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True  # (Footer's own flag: compose draws nothing before it)
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached:
            return
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await self.recompose()
