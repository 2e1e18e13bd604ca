"""Form fields of the visitor dialogs where Enter moves on at once.

A practised operator types ahead: the focus must be on the next field before the next key
arrives, so Enter moves it in the key handler itself (not later, in a message handler).
"""

from __future__ import annotations

from textual.widgets import Input

from deskterm.tui.widgets.field import FormField


class NextInput(Input):
    """An Input whose Enter moves the focus to the next field now, then posts Submitted."""

    def __init__(self, *args, advance: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.advance = advance

    async def action_submit(self) -> None:
        if self.advance:
            self.screen.focus_next()
        await super().action_submit()


def field(label: str, name: str, *, value: str = "", max_length: int = 0, placeholder: str = "",
          password: bool = False, label_width: int | None = None, advance: bool = True,
          id: str | None = None) -> FormField:
    """A FormField around a NextInput, with the ids FormField would give (`name-input`)."""
    control = NextInput(value=value, placeholder=placeholder, password=password,
                        max_length=max_length, compact=True, advance=advance,
                        id=f"{name.replace('_', '-')}-input")
    return FormField(label, name=name, control=control, label_width=label_width, id=id)
