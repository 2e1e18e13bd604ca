"""The registry of bindable actions: one declaration per key, feeding the footer, F1 help,
the command palette and a user keymap (`App.set_keymap` with these ids).

A screen builds its `BINDINGS` with `bindings("logbook.new", "logbook.search", ...)`; the
descriptions stay English in the class and are translated where they are shown
(`shown_description`: the footer, F1 help), as the language is chosen at start-up.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from textual.binding import Binding, BindingType

from deskterm.i18n import N_, _


@dataclass(frozen=True)
class DeskAction:
    id: str  # "logbook.new": also the binding id for keymaps
    key: str  # Textual key spec, "ctrl+n" or "f2,alt+1"
    action: str  # the Textual action string run on the screen (or "app.xxx")
    description: str  # short label for the footer (N_ marked, English)
    tooltip: str = ""  # one sentence for F1 help and the palette (N_ marked)
    show: bool = True  # shown in the footer
    priority: bool = False  # fires even when an Input has focus and binds the same key
    area: str | None = None  # the area whose screen runs it (palette switches there first)
    permission: str | None = None  # a services.permissions POLICY id the actor must have


ACTIONS: dict[str, DeskAction] = {}


def register(*actions: DeskAction) -> None:
    for item in actions:
        if item.id in ACTIONS and ACTIONS[item.id] != item:
            raise ValueError(f"action {item.id!r} registered twice")
        ACTIONS[item.id] = item


# Keys a browser keeps for itself (issue 18): F5 reloads the page, Ctrl+W closes the tab,
# Ctrl+T and Ctrl+N open a tab or a window, and the page never sees them. When the app runs
# in a browser (`deskterm serve`), every binding of such a key gets the alternative first:
# the footer, F1, the area bar and the palette show it, and the original stays as a second key
# for browsers that pass it through. A key with no binding of ours (Ctrl+W) still appears in
# F1's browser note with what to use instead.
BROWSER_KEPT: dict[str, tuple[str, str]] = {
    # Not Alt+4: a terminal sends Alt+digit as ESC+digit, which Textual reads as a macOS
    # Option character (ESC 4 is "¢"), so Alt+digits never arrive through xterm.js or tmux.
    "f5": ("alt+r", N_("Repairs")),
    "ctrl+n": ("alt+n", N_("new record")),
    "ctrl+t": ("alt+t", N_("toggle, next list")),
    "ctrl+w": ("ctrl+u", N_("in a field: delete before the cursor")),
}
IN_BROWSER_ENV = "DESKTERM_IN_BROWSER"


def in_browser() -> bool:
    """True when the app is served to a browser: `deskterm serve` sets DESKTERM_IN_BROWSER=1
    for the app processes it starts (textual-serve starts them with Textual's web driver)."""
    return os.environ.get(IN_BROWSER_ENV) == "1" or "web_driver" in os.environ.get(
        "TEXTUAL_DRIVER", ""
    )


def key_spec(spec: str, *, browser: bool | None = None) -> str:
    """The key spec to bind: in a browser, a kept key's alternative comes first."""
    if not (in_browser() if browser is None else browser):
        return spec
    keys = spec.split(",")
    out: list[str] = []
    for key in keys:
        alternative = BROWSER_KEPT.get(key, ("", ""))[0]
        if alternative and alternative not in out:
            out.append(alternative)
    out += [k for k in keys if k not in out]
    return ",".join(out)


def browser_note() -> str:
    """F1's sentence on the keys a browser keeps, with what to press instead."""
    pairs = ", ".join(
        _("{key} → {alternative} ({what})").format(
            key=_key_words(key), alternative=_key_words(alt), what=_(what)
        )
        for key, (alt, what) in BROWSER_KEPT.items()
    )
    return _("In a browser these keys belong to the browser; use instead: {pairs}.").format(
        pairs=pairs
    )


def _key_words(key: str) -> str:
    return "+".join(p.capitalize() if len(p) > 1 else p.upper() for p in key.split("+"))


def first_key(spec: str) -> str:
    """The key shown for a spec (area bar, palette): the first one that works here."""
    return key_spec(spec).split(",")[0]


def binding_for(item: DeskAction) -> Binding:
    spec = key_spec(item.key)
    # In a browser a kept key's alternative (Alt+N, Alt+T, Alt+R) is a printable key to a text
    # field (a terminal sends ESC n: Key "alt+n" with character "n"), so the field would type
    # it: the binding that carries an alternative is a priority binding (issue 18 E).
    carries_alternative = spec != item.key
    return Binding(
        spec,
        item.action,
        item.description,
        show=item.show,
        priority=item.priority or carries_alternative,
        tooltip=item.tooltip,
        id=item.id,
    )


def bindings(*ids: str) -> list[BindingType]:
    """Bindings for a screen's `BINDINGS`, from registered action ids."""
    return [binding_for(ACTIONS[i]) for i in ids]


_RULE_CODES = re.compile(r"\s*[(（]D-\d+(?:\s*(?:,|，|、|to|至|-)\s*D-\d+)*[)）]")


_RULE_CODE_WORD = re.compile(r"\bD-\d+(?:[:：]\s*|\s+)")  # "(D-42: listen first", "a D-42 step"


def without_rule_codes(text: str) -> str:
    """Help for the desk, not for the developers: "(D-5)" and "（D-20、D-21）" are left out
    (the rule codes stay in the English source, DOMAIN.md and the tests)."""
    return _RULE_CODE_WORD.sub("", _RULE_CODES.sub("", text))


# Textual's own words, translated where they are shown (shown_description): the descriptions
# of the bindings of Textual's widgets (the F1 keys list shows them) and of its palette. Marked
# here so the zh catalog has them; tests/tui/test_desk_safety.py records every msgid looked up
# on every screen.
TEXTUAL_WORDS = (
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Copy selected text"),
    N_("Up"),
    N_("Down"),
    N_("Select"),
    N_("First"),
    N_("Last"),
    N_("Page Up"),
    N_("Page Down"),
    N_("Page Left"),
    N_("Page Right"),
    N_("Scroll Left"),
    N_("Scroll Right"),
    N_("No matching commands"),
)


def shown_description(binding: Binding) -> str:
    """A binding's description in the desk's language, as the footer and the help show it.

    Bindings are declared with their English words (`N_`) when the modules are imported, and
    the language is chosen at start-up (and per test), so the words are translated where they
    are shown, not in the bindings."""
    return _(binding.description) if binding.description else ""


def shown_tooltip(tooltip: str) -> str:
    """A binding's tooltip in the desk's language, without rule codes."""
    return without_rule_codes(_(tooltip)) if tooltip else ""


# Global actions: every screen after sign-in has them (DeskApp.BINDINGS).
register(
    # F1 and F9 work in dialogs too (priority: a dialog is modal and would hide app keys).
    DeskAction(
        "app.help",
        "f1",
        "app.help",
        N_("Help"),
        N_("Show the keys and the help of the screen in view."),
        priority=True,
    ),
    DeskAction(
        "app.palette",
        "ctrl+p",
        "app.command_palette",
        N_("Commands"),
        N_("Search every screen and action by name."),
        show=False,
        priority=True,
    ),
    DeskAction(
        "app.lock",
        "f9",
        "app.lock",
        N_("Lock"),
        N_("Lock the screen now; your password opens it again."),
        show=False,
        priority=True,
    ),
    DeskAction(
        "app.sign_out",
        "f10",
        "app.sign_out",
        N_("Sign out"),
        N_("Leave the desk without closing the shift (another operator can sign in)."),
        show=False,
    ),
    DeskAction(
        "app.quit",
        "ctrl+q",
        "app.quit",
        N_("Quit"),
        N_("Close the desk app."),
        show=False,
        priority=True,
    ),
    # priority: in a dialog too (the deliver dialog's message), which is modal
    DeskAction(
        "app.read_all",
        "f12",
        "app.read_all",
        N_("Read all"),
        N_("Show all of the text of the highlighted record, in a pane that scrolls."),
        show=False,
        priority=True,
    ),
)

# Keys every area screen uses the same way (documented in tui/README.md).
register(
    DeskAction("form.save", "ctrl+s", "save", N_("Save"), N_("Save the form."), priority=True),
    DeskAction(
        "form.cancel", "escape", "cancel", N_("Cancel"), N_("Close the form without saving.")
    ),
    DeskAction("dialog.confirm", "ctrl+s", "confirm", N_("Confirm"), N_("Confirm."), priority=True),
    DeskAction("dialog.cancel", "escape", "cancel", N_("Cancel"), N_("Close without doing it.")),
    # The desk's own calls (a callback, a message delivered by phone) show the number inside
    # their dialog, asked with a reason and audited (D-21).
    # A callback's result is recorded by a key that says so; the line above the footer names
    # the outcome and the callback (issue 16: no pre-filled outcome, no bare "Confirm").
    DeskAction(
        "callback.record",
        "ctrl+s",
        "confirm",
        N_("Record result"),
        N_("Record the chosen result of the callback."),
        priority=True,
    ),
    DeskAction(
        "call.reveal",
        "ctrl+o",
        "reveal",
        N_("Number"),
        N_(
            "Show the number to dial for the desk's own call; asks why, and the audit "
            "keeps who and why."
        ),
        priority=True,
    ),
)
