"""The one module of deskterm that uses parts of a library outside its public API.

Everything else goes through public names only (ruff's SLF001 is on for the whole project and
ignored for this file alone; no other module imports a `textual.*._*` module or overrides a
Textual `_on_*` handler). Each internal below says what it is, why no public way exists, and
what to do when it goes away. `tests/tui/test_library_internals.py` checks every one of them
against the installed Textual (pinned in pyproject.toml), so an upgrade that changes one fails
there, by name, instead of showing as a stale style or a stuck toast. The issues to file with
Textual are in docs/upstream.md.

Textual 8.2.8 internals read or set here, and nowhere else:

1. `Screen._css_update_count` and `App._css_update_count` (`mark_styles_current`).
   `App._init_mode` and `App.switch_mode` call `refresh_css()` -- a new Stylesheet, every CSS
   source of the app parsed again from scratch, the whole app re-styled -- whenever the
   screen's count differs from the app's, and a new screen's count is -1. So the first open
   of every area (a mode) parsed and re-styled everything twice although no CSS had changed
   (all of it is read once, `DeskApp.load_all_css`), and as the screen is not mounted
   yet when Textual would set the count, every later visit to that area did it again. A new
   area screen says it is styled with the app's current CSS; a theme change still counts up
   and refreshes it as Textual does. Without this: ~40 ms more per F-key (bench/bench_tui.py).
2. `App._unnotify(notification)` and `App._notifications` (`withdraw_notification`).
   `App.notify` returns nothing and only `clear_notifications()` (all of them) is public; the
   "Waiting for the database…" toast must go when the wait ends, and the others (a scan
   checked out, another desk's change) must stay.
3. `textual._xterm_parser.XTermParser` and `textual._parser.ParseError` (`xterm_parser`).
   The paste guard (tui/paste.py) runs terminal input through `PasteGuard` before Textual's
   parser, in a copy of `LinuxDriver.run_input_thread` (a public method of a public class),
   which needs the parser Textual itself uses; there is no public hook on driver input.
4. `Screen._compositor` (its `Compositor.render_update`) and `App._background_screens`
   (`terminal_update`),
   for tests only (tests/reliability/test_hostile_text.py): the exact update the driver would
   write to the terminal, control codes and all, to prove no stored text can put an escape
   sequence or a `@click` action there. Textual's public screenshots (SVG, text) escape
   exactly what the test looks for.
5. `MessagePump._message_queue` (`has_pending_messages`). The desk hands typed keys on one
   at a time (tui/app.py `_hand_over_typed`): a key waits until the focused widget and its
   containers have handled everything queued before it, including the messages the previous
   key made them post to themselves (a ticked box posts SelectedChanged). Textual has no
   public "is this widget idle?"; a chain of `call_later` callbacks (public) passes once and
   misses what is posted while it passes: Space, Space, Ctrl+S at check-in saved before the
   last tick ("Not in order"). Without this: a fast burst can act before its own keys.
6. `App._display` (`watch_frames`), for bench/ only: the moment a frame goes to the
   terminal, which is what "first paint" and "first rows" time. Textual has no public
   "frame written" event (`App.on_idle`/`Screen.on_resize` fire before or without a frame).
"""

from __future__ import annotations

from typing import Any

# (module, attribute) of every Textual internal used here: the test reads this list.
TEXTUAL_INTERNALS: tuple[tuple[str, str], ...] = (
    ("textual.app:App", "_css_update_count"),
    ("textual.screen:Screen", "_css_update_count"),
    ("textual.app:App", "_unnotify"),
    ("textual.app:App", "_notifications"),
    ("textual._xterm_parser", "XTermParser"),
    ("textual._parser", "ParseError"),
    ("textual.screen:Screen", "_compositor"),
    ("textual._compositor:Compositor", "render_update"),
    ("textual.app:App", "_background_screens"),
    ("textual.message_pump:MessagePump", "_message_queue"),
    ("textual.app:App", "_display"),
)


def mark_styles_current(screen: Any) -> None:
    """Say that a new screen (not mounted yet) is styled by the app's stylesheet as it is now,
    so that switching to its mode does not re-parse and re-style the whole app (note 1).
    Call it only when the screen brings no CSS of its own (all CSS is the app's)."""
    screen._css_update_count = screen.app._css_update_count


def withdraw_notification(app: Any, notification: Any) -> None:
    """Take one notification (a `textual.notifications.Notification` posted with `Notify`)
    off the screen, if it is still shown (note 2)."""
    if notification in app._notifications:
        app._unnotify(notification)


def xterm_parser() -> tuple[type, type[Exception]]:
    """(XTermParser, ParseError): the terminal input parser Textual's LinuxDriver runs (note 3)."""
    from textual._parser import ParseError
    from textual._xterm_parser import XTermParser

    return XTermParser, ParseError


def screens_beneath(app: Any) -> list[Any]:
    """The screens drawn beneath the one in view (under a dialog), bottom first: public
    `screen_stack` and `is_modal` only."""
    stack = list(app.screen_stack)
    beneath = []
    for screen in reversed(stack[:-1]):
        if not stack[stack.index(screen) + 1].is_modal:
            break
        beneath.append(screen)
    return list(reversed(beneath))


def terminal_update(app: Any) -> Any:
    """The full update Textual's compositor makes of the screen in view and the screens
    beneath it, as `App._display` hands it to the driver (note 4; for tests)."""
    return app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)


def has_pending_messages(node: Any) -> bool:
    """Whether a widget, screen or app still has messages queued (internal 5)."""
    queue = getattr(node, "_message_queue", None)
    return queue is not None and not queue.empty()


def watch_frames(target: Any, after: Any) -> None:
    """Call `after(screen, renderable)` each time `target` (an App, or the App class for every
    app) has written a frame to the terminal (internal 6; for bench/ only)."""
    bound = isinstance(target, type)
    original = target._display

    if bound:

        def display(self: Any, screen: Any, renderable: Any) -> None:
            original(self, screen, renderable)
            after(screen, renderable)

    else:

        def display(screen: Any, renderable: Any) -> None:  # type: ignore[misc]
            original(screen, renderable)
            after(screen, renderable)

    target._display = display
