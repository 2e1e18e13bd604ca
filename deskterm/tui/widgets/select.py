"""A drop-down that answers to typing while closed (issue 16): letters jump to the option
whose label, pinyin, pinyin initials or English code starts with what was typed ("d" or
"sh" for 送货 / Delivery), so a non-default choice is one or two keys, not a walk with the
arrows. Every drop-down of the desk is a `DeskSelect` (a test enumerates them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import events
from textual.widgets import Select

from deskterm.i18n import N_, _
from deskterm.rules.pinyin import pinyin_keys

N_("Dismiss menu")  # Textual's own words in the open drop-down's footer (widgets/footer.py)

TYPE_AHEAD_RESET_S = 1.0  # a pause this long starts a new word


def _keys(label: Any, value: Any) -> tuple[str, ...]:
    text = label.plain if isinstance(label, Text) else str(label)
    full, initials = pinyin_keys(text)
    return tuple(k for k in (text.casefold(), full, initials, str(value).casefold()) if k)


class DeskSelect(Select):
    def __init__(self, options: Iterable[tuple[Any, Any]], **kwargs: Any) -> None:
        choices = list(options)
        kwargs.setdefault("prompt", _("Select"))  # Textual's own prompt is English
        super().__init__(choices, **kwargs)
        self._choices = [(value, _keys(label, value)) for label, value in choices]
        self._typed = ""
        self._typed_at = 0.0

    @property
    def chosen(self) -> str:
        """The code chosen, typed: a desk drop-down's values are codes, and one built with
        `allow_blank=False` always has one (Textual types `value` as any value or BLANK)."""
        value = self.value
        if not isinstance(value, str):
            raise ValueError(f"{self.id}: no code chosen ({value!r})")
        return value

    def set_options(self, options: Iterable[tuple[Any, Any]]) -> None:
        choices = list(options)
        self._choices = [(value, _keys(label, value)) for label, value in choices]
        super().set_options(choices)

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if self.expanded or not char or not char.isprintable() or char.isspace():
            return
        if event.time - self._typed_at > TYPE_AHEAD_RESET_S:
            self._typed = ""
        self._typed_at = event.time
        event.stop()
        event.prevent_default()
        typed = (self._typed + char).casefold()
        match = self._find(typed) or self._find(char.casefold(), after=self.value)
        self._typed = typed if match is not None and self._find(typed) else char.casefold()
        if match is None:
            self.app.bell()
            return
        self.value = match

    def _find(self, typed: str, after: Any = None) -> Any:
        """The first option starting with `typed`; with `after`, the next one after it
        (typing the same letter again walks through the options with that letter)."""
        values = [value for value, keys in self._choices if any(k.startswith(typed) for k in keys)]
        if not values:
            return None
        if after is not None and after in values:
            return values[(values.index(after) + 1) % len(values)]
        return values[0]
