"""The command palette (Ctrl+P): every area, and every registered action of every area.

Choosing an action of another area switches there first and then runs it, so the palette
reaches everything the keys reach.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import SystemCommand
from textual.command import Hit, Hits, Provider
from textual.screen import Screen

from deskterm.i18n import _
from deskterm.tui.actions import ACTIONS, without_rule_codes
from deskterm.tui.areas import AREAS, screen_class
from deskterm.tui.keymap import shown_key


def desk_commands(app, screen: Screen) -> Iterable[SystemCommand]:
    if app.locked:
        return
    if app.on_duty:
        for area in AREAS:  # importing a screen module registers its actions
            screen_class(area)
        for area in AREAS:
            yield SystemCommand(
                _("Go to: {area}").format(area=_(area.label)),
                _("Key {key}").format(
                    key=shown_key(app.settings, f"area.{area.id}", area.key).upper()
                ),
                lambda area_id=area.id: app.switch_area(area_id),
            )
        for action in ACTIONS.values():
            if action.area is None or action.id.startswith("area."):
                continue
            if action.permission and not app.may(action.permission):
                continue
            area_label = _(next((a.label for a in AREAS if a.id == action.area), action.area))
            yield SystemCommand(
                f"{area_label}: {_(action.description)}",
                without_rule_codes(_(action.tooltip)) if action.tooltip else "",
                lambda action=action: app.run_area_action(action.area, action.action),
            )
        yield SystemCommand(
            _("Change my password"),
            _("Your current password, then the new one twice."),
            app.action_change_password,
        )
        yield SystemCommand(_("Lock the screen"), _(ACTIONS["app.lock"].tooltip), app.action_lock)
        yield SystemCommand(_("Sign out"), _(ACTIONS["app.sign_out"].tooltip), app.action_sign_out)
    yield SystemCommand(_("Help"), _(ACTIONS["app.help"].tooltip), app.action_help)
    # Quitting asks while on duty or with a typed form open (DeskApp.action_quit).
    yield SystemCommand(_("Quit"), _(ACTIONS["app.quit"].tooltip), app.action_quit)


class NoMatchProvider(Provider):
    """The palette's word for "nothing matches" in the desk's language. Textual writes its
    own English "No matches found" when no provider has a hit; this provider answers, with
    "No matching commands", exactly when none of the desk's commands (the system commands,
    matched as Textual matches them) matches what was typed, so Textual's line never shows.
    Choosing it does nothing but ring."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.app
        if any(matcher.match(command[0]) > 0 for command in app.get_system_commands(self.screen)):
            return
        words = _("No matching commands")
        yield Hit(1.0, Text(words, style="not bold"), app.bell, text=words)
