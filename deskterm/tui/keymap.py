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
        unknown = [k for k in keymap[action_id].split(",") if not known_key(k)]
        if unknown:
            from deskterm.config import SettingsError

            raise SettingsError(
                _(
                    "The setting keymap.{id} names {key!r}, which is no key of a keyboard; "
                    "give it a key such as ctrl+q or f9."
                ).format(id=action_id, key=unknown[0].strip())
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
    clash = shared_key(keymap)
    if clash is not None:
        from deskterm.config import SettingsError

        key, first, second = clash
        raise SettingsError(
            _(
                "The setting keymap puts {key!r} on both {first} and {second}, which can be "
                "on the screen at once; give one of them another key."
            ).format(key=key, first=first, second=second)
        )
    return {action_id: keys.replace(" ", "") for action_id, keys in keymap.items()}


_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


@cache
def _key_names() -> frozenset[str]:
    """The names Textual gives keys (its public `textual.keys`): the keys of `Keys` without
    their modifiers (f1 ... f24, home, pageup, tab ...) and the names of the characters."""
    from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys

    names = {k.value.rsplit("+", 1)[-1] for k in Keys if not k.value.startswith("<")}
    names.discard("ctrl-at")
    names.update(KEY_TO_UNICODE_NAME, KEY_NAME_REPLACEMENTS.values())
    return frozenset(n for n in names if len(n) > 1)


def known_key(key: str) -> bool:
    """Whether one key of a binding's list is a key a keyboard sends, as Textual names it:
    modifiers (ctrl+, shift+, alt+ ...) before a key name of `textual.keys` or one printable
    ASCII character; "f99" and "ctrl+😀" are no key, and a binding on them never fires."""
    *modifiers, bare = key.strip().lower().split("+") if key.strip() != "+" else ["+"]
    if any(m not in _MODIFIERS for m in modifiers) or len(set(modifiers)) != len(modifiers):
        return False
    if len(bare) == 1:
        return bare.isascii() and bare.isprintable() and not bare.isspace()
    return bare in _key_names()


def _same_keys(spec: str) -> set[str]:
    """A binding's keys with the names a terminal sends for them too (tab is ctrl+i)."""
    from textual.keys import KEY_ALIASES

    keys = {k.strip().lower() for k in spec.split(",") if k.strip()}
    for key in list(keys):
        keys.update(KEY_ALIASES.get(key, ()))
        keys.update(name for name, aliases in KEY_ALIASES.items() if key in aliases)
    return keys


def shared_key(keymap: Mapping[str, str]) -> tuple[str, str, str] | None:
    """A key the keymap leaves on two actions that can be on the screen at once, as (key,
    action, action), else None. The desk's own actions (app.*) work on every screen, so each
    needs a key of its own among all the actions; an area's actions live on their own
    screens, and the shipped keys share keys between those (Ctrl+N is every list's "new")."""
    keys = {
        action_id: _same_keys(keymap.get(action_id) or a.key) for action_id, a in ACTIONS.items()
    }
    ordered = sorted(keys, key=lambda i: (i not in keymap, i))  # the keymap's own first
    for first in ordered:
        if not first.startswith("app."):
            continue
        for second in ordered:
            if second == first or (first not in keymap and second not in keymap):
                continue
            common = keys[first] & keys[second]
            if common:
                pair = sorted((first, second), key=lambda i: (i not in keymap, i))
                return min(common), pair[0], pair[1]
    return None
