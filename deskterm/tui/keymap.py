"""The user keymap: settings' `[keymap]` table (action id = "keys"), checked against the
registered actions and handed to Textual's public `App.set_keymap` (tui/README.md)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from deskterm.i18n import _
from deskterm.tui.actions import ACTIONS, first_key
from deskterm.tui.areas import AREAS, screen_class

if TYPE_CHECKING:  # the sign-in screen paints before the settings are validated (pydantic)
    from deskterm.config import Settings


def shown_key(settings: Settings, action_id: str, spec: str) -> str:
    """The key shown for an action outside the footer and F1 (the area bar, the palette),
    which read Textual's bindings: the keymap's key when the site moved it."""
    return first_key(settings.keymap.get(action_id) or spec)


# Named keys that type a character (Textual's names); with the single characters and their
# shift+ forms, these are keys an operator types text with.
_TEXT_KEYS = frozenset(
    "space comma full_stop minus plus slash backslash colon semicolon equals_sign apostrophe "
    "quotation_mark number_sign dollar_sign percent_sign ampersand asterisk left_parenthesis "
    "right_parenthesis underscore less_than_sign greater_than_sign question_mark at "
    "circumflex_accent grave_accent tilde vertical_line left_square_bracket "
    "right_square_bracket left_curly_bracket right_curly_bracket exclamation_mark".split()
)


@cache
def _editing_keys() -> frozenset[str]:
    """The keys a focused field uses itself: its own bindings (Textual's public
    `Input.BINDINGS`: Backspace, Delete, the arrows, Home ...), Enter and Tab."""
    from textual.binding import Binding
    from textual.widgets import Input

    keys = {"enter", "tab", "shift+tab", "ctrl+i", "ctrl+m", "ctrl+h", "escape"}
    for binding in Input.BINDINGS:
        spec = binding.key if isinstance(binding, Binding) else binding[0]
        keys.update(k.strip().lower() for k in spec.split(","))
    return frozenset(keys)


def types_text(key: str) -> bool:
    """Whether a key (one of a binding's comma-separated keys) types or edits text in a
    field: a character, or a key the field uses itself (Backspace, Enter, the arrows ...)."""
    key = key.strip().lower()
    bare = key.removeprefix("shift+")
    return len(bare) == 1 or bare in _TEXT_KEYS or key in _editing_keys()


def works_in_fields(action_id: str) -> bool:
    """An action of the app itself (F1, lock, quit ...), on every screen and over every form,
    or one that fires while a field has the focus (priority): a key that types text would
    act instead of typing (a quit on the letter a, typed into the staff code)."""
    action = ACTIONS[action_id]
    return action_id.startswith("app.") or (
        action.priority and not any(types_text(k) for k in action.key.split(","))
    )


def user_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """The keymap to apply; an id no action has, or a key that types text given to an action
    that works while a field has the focus, is one sentence naming it (SettingsError).

    The area screens register their actions when their modules are imported, which the app
    otherwise does after the first paint: only a site with a keymap imports them here."""
    if not keymap:
        return {}
    for area in AREAS:
        screen_class(area)
    for action_id in keymap:
        if action_id not in ACTIONS:
            from deskterm.config import SettingsError

            raise SettingsError(
                _(
                    "The setting keymap.{id} names no action of the desk; the ids "
                    "are like visitors.new or app.help."
                ).format(id=action_id)
            )
        typed = [k for k in keymap[action_id].split(",") if types_text(k)]
        if typed and works_in_fields(action_id):
            from deskterm.config import SettingsError

            raise SettingsError(
                _(
                    "The setting keymap.{id} puts the action on {key!r}, a key that types "
                    "text in a field; give it a key such as ctrl+q or f9."
                ).format(id=action_id, key=typed[0].strip())
            )
    return {action_id: keys.replace(" ", "") for action_id, keys in keymap.items()}
