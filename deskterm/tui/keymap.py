"""The user keymap: settings' `[keymap]` table (action id = "keys"), checked against the
registered actions and handed to Textual's public `App.set_keymap` (tui/README.md)."""

from __future__ import annotations

from collections.abc import Mapping
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


def user_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """The keymap to apply; an id no action has is one sentence naming it (SettingsError).

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
    return {action_id: keys.replace(" ", "") for action_id, keys in keymap.items()}
