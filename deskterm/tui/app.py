"""DeskApp: modes (one per area), global keys, the palette, the idle lock. Wiring only.

`make_app(settings=, engine=, clock=, lang=)` builds it for the CLI and for tests.
The app starts in the "gate" mode (sign-in, self-check, the previous handover); once the
operator is on duty, each area is a mode reached by its F-key, and a screen keeps its state
(a half-filled form) while the operator visits another area.
"""

from __future__ import annotations

import gc
import threading
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen

from deskterm.clock import Clock
from deskterm.i18n import _, set_language
from deskterm.tui.actions import bindings
from deskterm.tui.areas import AREAS, BY_ID, area_for_kind, make_screen
from deskterm.tui.internals import has_pending_messages, withdraw_notification
from deskterm.tui.keymap import user_keymap
from deskterm.tui.messages import BusyChanged, RecordsChanged, ShiftChanged
from deskterm.tui.paste import paste_safe
from deskterm.tui.scanner import ScanReader

if TYPE_CHECKING:  # none is needed to paint the sign-in screen (cli/launch.py)
    from sqlalchemy.engine import Engine
    from textual.notifications import Notification
    from textual.timer import Timer

    from deskterm.config import Settings
    from deskterm.services.actor import Actor
    from deskterm.settings_draft import Draft


class TypedKeysReady(Message, bubble=False):
    """The widget a typed key waited for has caught up: hand the next keys over."""

    def __init__(self, ticket: int) -> None:
        super().__init__()
        self.ticket = ticket  # which wait this ends (a later key's wait is not ended by it)


IDLE_CHECK_SECONDS = 10
WATCH_WAIT_SECONDS = 1.0  # the change watcher's wait (it returns at once on a change)
WATCH_RETRY_SECONDS = 2.0  # a database out of reach is asked again this often
WATCH_GAP_SECONDS = 0.5  # at most two refreshes a second, whatever the other desks do
OVERDUE_CHECK_SECONDS = 30
BUSY_NOTICE_SECONDS = 0.4


COMMAND_KEY_SETTLE_S = 0.05  # long enough for an action to start; nobody types faster
TYPED_WAIT_LIMIT_S = 1.0  # a widget removed while a key waited for it does not stop the keys


def _is_command(key: str) -> bool:
    """A key whose binding runs once the key has bubbled up from the focused widget (Enter in
    an Input too: it moves to the next field or submits), not a character for the field."""
    return (
        key.startswith(("ctrl+", "alt+"))
        or key in ("escape", "enter")
        or (key[:1] == "f" and key[1:].isdigit())
    )


_HERE = Path(__file__).parent
# Rules written as the dialogs' DEFAULT_CSS: they rank as Textual's widgets' own rules do (a
# focused list keeps Textual's focus border over a dialog's "border: none").
DEFAULT_PRIORITY_CSS = frozenset({"dialogs.tcss"})
# What the first screen (sign-in) needs, read as the app starts; `css_files()` is all of it.
FIRST_CSS = [_HERE / "app.tcss", _HERE / "screens" / "signin.tcss"]


def css_files() -> list[Path]:
    """Every stylesheet of the desk: the app's, then each screen's and the dialogs'. Screens
    and dialogs bring no CSS of their own, so opening one never makes Textual parse and
    re-style the app again (tui/README.md); the app reads them all, once (`load_all_css`)."""
    return [
        *FIRST_CSS,
        *sorted(p for p in (_HERE / "screens").glob("*.tcss") if p not in FIRST_CSS),
        *sorted((_HERE / "dialogs").glob("*.tcss")),
        *sorted((_HERE / "widgets").glob("*.tcss")),
    ]


def _no_match_provider():
    from deskterm.tui.commands import NoMatchProvider

    return NoMatchProvider


class DeskApp(App[None]):
    CSS_PATH = [*FIRST_CSS]  # (a list of paths, as Textual types it)
    TITLE = "deskterm"
    # Textual's system commands (the desk's, get_system_commands) and the desk's own word
    # when nothing matches (Textual's "No matches found" is English only)
    COMMANDS = App.COMMANDS | {lambda: _no_match_provider()}
    BINDINGS = [
        *bindings(
            "app.help",
            "app.palette",
            "app.lock",
            "app.sign_out",
            "app.quit",
            "app.read_all",
            *(f"area.{area.id}" for area in AREAS),
        ),
        # Focus moves when the app reads Tab, not when the old field gets round to it, so a
        # burst of keys (scanner, fast typist) fills the fields it was typed into.
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    busy: reactive[int] = reactive(0, init=False)
    overdue_repairs: reactive[int] = reactive(0, init=False)  # always in the status line (D-31)
    db_unreachable: reactive[bool] = reactive(False, init=False)  # the status line says so

    def __init__(
        self,
        *,
        settings: Settings | None,
        engine: Engine | None,
        clock: Clock,
        cursor_blink: bool = True,
        actor: Actor | None = None,
        area: str = "dashboard",
        open_engine: Callable[[], Engine] | None = None,
        live: bool = False,
        draft: Draft | None = None,
        load_settings: Callable[[], Settings] | None = None,
    ) -> None:
        super().__init__()
        self.live = live  # show the other desks' saves as they happen (issue 14, item 3)
        self._watching: threading.Event | None = None
        # The CLI's desk paints the sign-in screen from a draft (settings_draft.py) and hands
        # `load_settings`, run right after the paint (warm_up); tests hand the settings.
        self._settings = settings
        self._load_settings = load_settings
        self._settings_lock = threading.Lock()
        self.settings_error: Exception | None = None  # a bad setting found after the paint
        # (table, id, version) of records a save was refused on as stale: saving again puts
        # what was typed over that version (services/overwrite.py)
        self.stale_seen: set[tuple[str, int, int]] = set()
        if settings is not None:
            self.post_name, keymap = settings.post, settings.keymap
        elif draft is not None and load_settings is not None:
            self.post_name, keymap = draft.post, draft.keymap
        else:
            raise ValueError("the desk app needs its settings, or a draft and load_settings")
        self.set_keymap(user_keymap(keymap))  # settings' [keymap] (tui/keymap.py)
        self._engine = engine
        self._open_engine = open_engine
        self._engine_lock = threading.Lock()
        self.clock = clock
        self.cursor_blink = cursor_blink
        self.actor: Actor | None = actor
        self.start_area = area
        self.on_duty = False  # signed in, checked in, previous handover dealt with
        self.locked = False
        self.last_activity = clock.now()
        self._busy_timer: Timer | None = None
        self._busy_notice: Notification | None = None
        self._overdue_timer: Timer | None = None
        self._typed: deque[events.Event] = deque()
        self._typed_wait = False
        self._typed_ticket = 0
        self._typed_checked = -1
        self._typed_after_app = False
        # The desk's screens and dialogs now mounted, in every mode (DeskNode adds and drops
        # them): records_changed and Ctrl+Q reach all of them, not only the mode in view.
        self.desk_screens: dict[Screen, None] = {}
        self._typed_holds = 0  # reads whose dialog the keys typed meanwhile belong to
        self._areas_prepared = False
        self._stylesheets_read = False
        # The desk's saves (tui/worker.py): how many run now, whether the last one committed
        # (None: none since sign-in), and a sign-out waiting for the running ones to end.
        self._saves_running = 0
        self._last_save_saved: bool | None = None
        self._sign_out_waiting: str | None = None
        self.scan_reader = ScanReader(
            self,
            release=self._release_typed,
            on_scan=self.check_out_scanned,
            active=lambda: self.on_duty and not self.locked,
        )
        from deskterm.tui.screens.signin import SignInScreen

        self.add_mode("gate", SignInScreen)
        for each in AREAS:
            self.add_mode(each.id, partial(make_screen, each))

    # -- the database ----------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        """The engine; the CLI hands `open_engine` instead, called at first use or warm_up."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    if self._open_engine is None:
                        raise RuntimeError("DeskApp needs an engine or open_engine")
                    self._engine = self._open_engine()
        return self._engine

    @property
    def settings(self) -> Settings:
        """The validated settings (a draft painted the sign-in screen: validated at first use,
        which warm_up makes right after the paint)."""
        if self._settings is None:
            with self._settings_lock:
                if self._settings is None:
                    assert self._load_settings is not None
                    self._settings = self._load_settings()
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._settings = value

    def _validate_settings(self) -> None:
        """In a thread after the first paint: a bad setting closes the app, exit 1, with its
        one sentence (cli/launch.py says it), before anyone can sign in."""
        from deskterm.config import SettingsError

        try:
            _ = self.settings
        except SettingsError as exc:
            self.settings_error = exc
            self.call_from_thread(self.exit, None, 1)

    def warm_up(self) -> None:
        """Once the first screen is painted: validate the settings, open the engine and load
        what signing in uses, in a thread while the operator types (pydantic, SQLAlchemy and
        the models take ~0.6 s)."""
        if self._settings is None:
            self.run_worker(
                self._validate_settings, thread=True, group="settings", exit_on_error=False
            )
        if self._engine is not None:
            return

        def work() -> None:
            _ = self.engine
            import deskterm.services.admin.users  # noqa: F401
            import deskterm.services.shift.duty  # noqa: F401

            self._prepare_areas_work()

        self._areas_prepared = True
        self.run_worker(work, thread=True, group="warm-up", exit_on_error=False)

    # -- the first F3, F5 ... only composes its screen -------------------------------------
    def prepare_areas(self) -> None:
        """Import the area screens' modules (in a thread), unless warm_up did, so that the
        first F3, F5 ... only composes its screen (bench/bench_tui.py)."""
        if self._areas_prepared:
            return
        self._areas_prepared = True
        self.run_worker(
            self._prepare_areas_work, thread=True, group="prepare-areas", exit_on_error=False
        )

    def _prepare_areas_work(self) -> None:
        from deskterm.tui.areas import screen_class

        for area in AREAS:
            screen_class(area)
        self.call_from_thread(self._areas_imported)

    # -- the stylesheets: the sign-in's at start, all the others once, before anything else shows
    def load_all_css(self) -> None:
        """Read every stylesheet the app has not read yet, parse once and re-style what is
        shown. Called after the sign-in screen is painted (`warm_up`, while the operator
        types), and in any case before another screen is shown (push_screen, switch_mode)."""
        if self._stylesheets_read:
            return
        self._stylesheets_read = True
        rest = [path for path in css_files() if not self.stylesheet.has_source(str(path))]
        if not rest:
            return
        for path in rest:
            if path.name in DEFAULT_PRIORITY_CSS:  # as a widget's DEFAULT_CSS ranks
                self.stylesheet.add_source(
                    path.read_text(encoding="utf-8"), read_from=(str(path), ""), is_default_css=True
                )
            else:
                self.stylesheet.read(path)
        self.stylesheet.reparse()
        for screen in self.screen_stack:
            self.stylesheet.update(screen)

    def push_screen(self, screen, *args, **kwargs):
        self.load_all_css()
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen):
        self.load_all_css()
        return super().switch_screen(screen)

    def switch_mode(self, mode: str):
        if mode != "gate":  # the sign-in's own CSS is read at start
            self.load_all_css()
        return super().switch_mode(mode)

    def _areas_imported(self) -> None:
        self.load_all_css()
        if not self.is_headless:
            self._freeze_loaded()

    def _freeze_loaded(self) -> None:
        # What is loaded now (SQLAlchemy, Textual, the models, every area's module: ~200k
        # objects) lives as long as the app. Python's full garbage collection walked all of it
        # each time (~60-100 ms, now and then in the middle of opening an area); frozen, it
        # walks only what comes after. Not under tests or the benchmark (headless): they run
        # many apps in one process.
        gc.freeze()

    # -- start, activity, idle lock --------------------------------------------------------
    def on_mount(self) -> None:
        self.switch_mode("gate")
        self.set_interval(IDLE_CHECK_SECONDS, self.check_idle_lock)
        self.set_interval(TYPED_WAIT_LIMIT_S, self._check_typed_wait)
        if self.actor is not None and self.actor.shift_id is not None:
            self.go_on_duty(self.start_area)  # handed in already on duty (tests, a restart)

    def get_driver_class(self):
        # A paste holding an ESC stays one paste, not key presses (tui/paste.py).
        return paste_safe(super().get_driver_class())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.Paste):
            self.last_activity = self.clock.now()
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if isinstance(event, events.Key):
                if await self.scan_reader.take(event):
                    return  # held back: maybe a scan (scanner.py)
            else:
                await self.scan_reader.flush()
            self._typed.append(event)
            await self._hand_over_typed()
            return
        await super().on_event(event)

    # Textual hands each key to the widget focused *when the app reads it*. A burst (a barcode
    # scanner, a fast typist) is read before the focused field, or the form around it, has
    # handled the Tab or Enter that moves the focus: later keys would land in the old field,
    # and Ctrl+S would save before the text is in (or before the last box is ticked). So keys
    # wait in one queue, in the order they were typed, and each goes on only when the focused
    # widget and its containers up to the screen have handled everything queued before it,
    # the messages the previous key made them post included (tui/internals.py, 5).
    def _busy_node(self) -> DOMNode | None:
        node: DOMNode | None = self.focused
        while node is not None:
            if has_pending_messages(node):
                return node
            if node is self.screen:
                return None
            node = node.parent
        return None

    def _check_typed_wait(self) -> None:
        """Every TYPED_WAIT_LIMIT_S: a wait still the same as at the last look ends (a widget
        removed with the callback still queued would otherwise hold the keys for ever)."""
        if self._typed_wait and self._typed_ticket == self._typed_checked:
            self.post_message(TypedKeysReady(self._typed_ticket))
        self._typed_checked = self._typed_ticket

    async def _release_typed(self, keys: list[events.Key]) -> None:
        """Keys the scan reader held back were typing after all: on they go, in order."""
        self._typed.extend(keys)
        await self._hand_over_typed()

    # -- a scanned slip: checked out wherever the focus is (scanner.py) --------------------
    def check_out_scanned(self, number: str) -> None:
        """A scan checks out the scanned slip, never a highlighted row, and its keys are
        never shortcuts: the visitors screen shows the result in its line, anywhere else (a
        dialog stays as it was) it is a notification."""
        self.last_activity = self.clock.now()
        handler = getattr(self.screen, "scan_checkout", None)
        if handler is not None:
            handler(number)
            return
        from deskterm.services.visitors.slips import check_out
        from deskterm.tui.scanner import checked_out_text
        from deskterm.tui.worker import describe_error, run_db

        def done(slip) -> None:
            self.notify(checked_out_text(slip, self.settings), markup=False)
            self.post_message(RecordsChanged("visitor"))

        run_db(
            self,
            self,
            lambda s: check_out(
                session=s,
                actor=self.signed_in_actor,
                clock=self.clock,
                settings=self.settings,
                number=number,
            ),
            on_done=done,
            group="scan",
            on_error=lambda exc: self.notify(describe_error(exc), severity="error", markup=False),
        )

    def hold_typed_keys(self) -> Callable[[], None]:
        """Keys typed from now on wait until the returned function is called: for a dialog that
        opens only after a database read (Ctrl+N on complaints reads the categories first),
        the text typed right after the key belongs in it, not in the list behind it."""
        self._typed_holds += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._typed_holds -= 1
                if not self._typed_holds:  # after the dialog is up and its field focused
                    self.call_after_refresh(self._hand_over_typed)

        return release

    async def _hand_over_typed(self) -> None:
        while self._typed:
            if self._typed_wait or self._typed_holds:
                return
            busy = self._busy_node()
            if busy is None and not self._typed_after_app and has_pending_messages(self):
                # A focus change asked for by the form is a callback queued on the app itself:
                # let what is queued before us run first (once per key, so this always ends).
                busy = self
                self._typed_after_app = True
            if busy is not None:
                self._typed_wait = True
                self._typed_ticket += 1
                ticket = self._typed_ticket
                if busy.call_later(self.post_message, TypedKeysReady(ticket)):
                    return  # on again once the busy widget has handled what it had queued
                self._typed_wait = False  # a widget being removed takes no callback
            self._typed_after_app = False
            event = self._typed.popleft()
            await super().on_event(event)
            if isinstance(event, events.Key) and _is_command(event.key):
                # A command key (Ctrl+N, F5 ...) runs its action after the key has bubbled up
                # to the screen, and the form it opens comes a few steps later (a push, or a
                # read first: hold_typed_keys). The keys after it wait a moment, so that the
                # text typed with Ctrl+N lands in the new form, not in the list behind it.
                self._typed_wait = True
                self._typed_ticket += 1
                ticket = self._typed_ticket
                self.set_timer(
                    COMMAND_KEY_SETTLE_S, partial(self.post_message, TypedKeysReady(ticket))
                )
                return

    async def on_typed_keys_ready(self, message: TypedKeysReady) -> None:
        if message.ticket != self._typed_ticket:
            return  # a wait that a later key's has replaced
        self._typed_wait = False
        await self._hand_over_typed()

    def check_idle_lock(self) -> None:
        """Lock after settings.idle_lock_minutes without a key (0 turns the lock off)."""
        minutes = self.settings.idle_lock_minutes
        if self.actor is None or self.locked or minutes <= 0:
            return
        if self.clock.now() - self.last_activity >= timedelta(minutes=minutes):
            self.action_lock()

    def on_busy_changed(self, message: BusyChanged) -> None:
        if message.step > 0:
            self.begin_busy()
        else:
            self.end_busy()

    def begin_busy(self) -> None:
        self.busy += 1
        if self.busy == 1 and self._busy_timer is None:
            self._busy_timer = self.set_timer(BUSY_NOTICE_SECONDS, self._show_busy)

    def end_busy(self) -> None:
        self.busy = max(self.busy - 1, 0)
        if self.busy:
            return
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        if self._busy_notice is not None:
            withdraw_notification(self, self._busy_notice)
            self._busy_notice = None

    def _show_busy(self) -> None:
        """Still waiting after a moment: say so on top of whatever screen is in view."""
        from textual.notifications import Notification, Notify

        self._busy_timer = None
        if not self.busy or self._busy_notice is not None:
            return
        self._busy_notice = Notification(
            _("Waiting for the database… what you typed is kept."),
            "",
            "warning",
            3600,
            markup=False,
        )
        self.post_message(Notify(self._busy_notice))

    # -- who is on duty --------------------------------------------------------------------
    def may(self, permission: str) -> bool:
        from deskterm.services.permissions import allowed

        return self.actor is not None and allowed(self.actor, permission)

    @property
    def signed_in_actor(self) -> Actor:
        """The operator signed in at this desk, for a service call: `actor` is None only
        before the sign-in and after the sign-out, when no area screen saves (the sign-out
        waits for the saves running; issue 20: typed, not assumed)."""
        if self.actor is None:
            raise RuntimeError("no operator is signed in at this desk")
        return self.actor

    def set_actor(self, actor: Actor | None) -> None:
        self.actor = actor
        self.last_activity = self.clock.now()
        self.post_message(ShiftChanged())

    def go_on_duty(self, area: str = "dashboard") -> None:
        """Check-in is done: open the dashboard (or `area`)."""
        self.on_duty = True
        self.last_activity = self.clock.now()
        self.switch_mode(area)
        self.refresh_bindings()
        self.refresh_overdue()
        self.prepare_areas()
        if self._overdue_timer is None:
            self._overdue_timer = self.set_interval(OVERDUE_CHECK_SECONDS, self.refresh_overdue)
        if self.live and self._watching is None:
            self.watch_other_desks()

    # -- the other desks (issue 14, item 3) and a database out of reach -----------------------
    def watch_other_desks(self) -> threading.Event:
        """A thread (not a worker: it never ends while the app runs) that waits for saves made
        anywhere and has every screen refresh (RecordsChanged with no kind: anything)."""
        stop = self._watching = threading.Event()
        threading.Thread(
            target=self._watch, args=(stop,), name="deskterm-changes", daemon=True
        ).start()
        return stop

    def _watch(self, stop: threading.Event) -> None:
        from deskterm.changes import ChangeWatcher

        watcher = ChangeWatcher(self.engine)
        try:
            while not stop.is_set():
                try:
                    changed = watcher.wait(WATCH_WAIT_SECONDS)
                    reachable = True
                except Exception:  # the server is down or restarting: say so, try again
                    changed, reachable = False, False
                if reachable == self.db_unreachable:
                    try:
                        self.call_from_thread(self.database_reachable, reachable)
                    except RuntimeError:  # the app has ended meanwhile
                        return
                if not reachable:
                    stop.wait(WATCH_RETRY_SECONDS)
                elif changed and self.actor is not None and self.on_duty:
                    self.post_message(RecordsChanged())
                    stop.wait(WATCH_GAP_SECONDS)  # a burst of saves is one refresh
        finally:
            watcher.close()

    def database_reachable(self, reachable: bool) -> None:
        """The status line says "the database cannot be reached; trying again" while it
        cannot (widgets/bars.py); when it answers again the screens refresh. What is typed
        in a form stays where it is."""
        if reachable == (not self.db_unreachable):
            return
        self.db_unreachable = not reachable
        if reachable and self.actor is not None:
            self.post_message(RecordsChanged())

    def on_unmount(self) -> None:
        if self._watching is not None:
            self._watching.set()

    def refresh_overdue(self) -> None:
        """Count the repair orders past a deadline, off the UI thread."""
        if self.actor is None:
            return
        from deskterm.services.repairs.queries import count_overdue
        from deskterm.tui.worker import run_db

        now = self.clock.now()
        run_db(
            self,
            self,
            lambda s: count_overdue(session=s, now=now),
            write=False,
            on_done=self._set_overdue,
            on_error=lambda _exc: None,
            group="overdue",
            exclusive=True,
        )

    def _set_overdue(self, count: int) -> None:
        self.overdue_repairs = count

    async def action_sign_out(self, message: str = "") -> None:
        """Leave the desk (the shift stays open): back to sign-in, every area forgotten;
        `message` is shown on the sign-in screen (why the desk signed out)."""
        self.actor = None
        self.on_duty = False
        self.locked = False
        self._last_save_saved = self._sign_out_waiting = None
        await self.switch_mode("gate")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        for area in AREAS:  # (a mode never opened has no screens to remove)
            await self.remove_mode(area.id)
            self.add_mode(area.id, partial(make_screen, area))
        self.clear_notifications()
        from deskterm.tui.screens.signin import SignInScreen

        if isinstance(self.screen, SignInScreen):  # (the gate mode's screen)
            self.screen.reset(message)
        self.post_message(ShiftChanged())

    def action_change_password(self) -> None:
        if self.actor is None:
            return
        from deskterm.tui.dialogs.password import PasswordDialog

        self.push_screen(PasswordDialog())

    def action_read_all(self) -> None:
        """F12: all of the text of the screen's detail pane, when it could not show it all."""
        from deskterm.tui.dialogs.text_view import TextViewDialog
        from deskterm.tui.widgets.detail import DetailPane

        for pane in self.screen.query(DetailPane):
            if pane.full.plain and pane.display:
                self.push_screen(TextViewDialog(pane.full, pane.title))
                return
        self.bell()

    def write_started(self) -> None:
        self._saves_running += 1

    def write_finished(self, saved: bool) -> None:
        """A save of this desk ended (committed or not); a sign-out waiting for it goes on."""
        self._saves_running = max(self._saves_running - 1, 0)
        self._last_save_saved = saved
        if self._sign_out_waiting is not None and not self._saves_running:
            sentence, self._sign_out_waiting = self._sign_out_waiting, None
            self.call_later(self.account_changed, sentence)

    async def account_changed(self, sentence: str, *, refused_save: bool = False) -> None:
        """The account was disabled, its role changed or its shift closed at another desk:
        sign out and say so, and say whether the desk's last save stands (issue 14, item 5).

        A refused save was not written. Refused at a read (a screen refreshing, a live
        update), the last save ended before it: saved or not, as it ended. A save still
        running is waited for (its own check decides), so the sentence is never a guess."""
        if self.actor is None:
            return
        if refused_save:
            self._last_save_saved = False
        elif self._saves_running:
            self._sign_out_waiting = sentence
            return
        if self._last_save_saved is None:
            after = _("Nothing was being saved.")
        elif self._last_save_saved:
            after = _("Your last action was saved.")
        else:
            after = _("Your last action was not saved.")
        await self.action_sign_out(f"{sentence} {after}")

    def action_lock(self) -> None:
        if self.actor is None or self.locked:
            return
        from deskterm.tui.screens.lock import LockScreen

        self.locked = True
        self.clear_notifications()
        self.push_screen(LockScreen())
        self.refresh_bindings()

    def unlocked(self) -> None:
        self.locked = False
        self.last_activity = self.clock.now()
        self.refresh_bindings()

    # -- areas -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("switch_area", "run_area_action"):
            return self.on_duty and not self.locked
        if action == "lock":
            return self.actor is not None and not self.locked
        if action == "sign_out":
            return self.actor is not None
        if action in ("command_palette", "help"):
            return not self.locked
        return True

    def action_switch_area(self, area_id: str) -> None:
        self.switch_area(area_id)

    def switch_area(self, area_id: str):
        if not self.on_duty or self.locked or area_id not in BY_ID:
            self.bell()
            return None
        return self.switch_mode(area_id)

    async def run_area_action(self, area_id: str, action: str) -> None:
        """Go to an area and run one of its screen's actions (the palette uses this)."""
        await self.switch_area(area_id)
        await self.run_action(action, self.screen)

    async def open_record(self, kind: str, record_id: int) -> None:
        """Open one record in the area that owns its kind (a dashboard line)."""
        area = area_for_kind(kind)
        if area is None:
            self.bell()
            return
        await self.switch_area(area.id)
        base = self.screen_stack[0]
        opener = getattr(base, "open_record", None)
        if opener is not None:
            opener(kind, record_id)

    def action_command_palette(self) -> None:
        """Textual's palette with its placeholder in the desk's language."""
        from textual.command import CommandPalette

        # (Textual types is_open's app as App[object]; the desk's is an App[None])
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=_("Search for commands…"))
            )

    def confirm(self, question: str, detail: str, answered: Callable[[bool], None]) -> None:
        """Ask yes or no (y / n, never Enter) and hand the answer to `answered`."""
        from deskterm.tui.dialogs.confirm import ConfirmDialog

        self.push_screen(ConfirmDialog(question, detail), answered)

    async def action_quit(self) -> None:
        """Ctrl+Q asks first while on duty or while a dialog with typed text is open (the
        shift stays open; typed text would be lost); Ctrl+Q again, or y, quits."""
        from deskterm.tui.dialogs.confirm import ConfirmDialog

        if isinstance(self.screen, ConfirmDialog) and getattr(self.screen, "quitting", False):
            self.exit()
            return
        typed = any(
            getattr(screen, "typed_since_open", lambda: False)() for screen in self.desk_screens
        )
        if not self.on_duty and not typed:
            self.exit()
            return
        question = _("Quit the desk app?")
        details = []
        if self.on_duty:
            details.append(_("You are on duty: the shift stays open until it is handed over (F8)."))
        if typed:
            details.append(_("A form with typed text is open: it will be lost."))
        details.append(_("y or Ctrl+Q: quit · n or Esc: stay"))
        dialog = ConfirmDialog(question, "\n".join(details))
        dialog.quitting = True
        self.push_screen(dialog, lambda yes: self.exit() if yes else None)

    def action_help(self) -> None:
        from deskterm.tui.dialogs.help import HelpDialog

        if isinstance(self.screen, HelpDialog):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpDialog(self.screen))

    def get_system_commands(self, screen):
        from deskterm.tui.commands import desk_commands

        yield from desk_commands(self, screen)

    # -- app-wide messages -----------------------------------------------------------------
    def on_records_changed(self, message: RecordsChanged) -> None:
        """Forward to every screen and dialog of every mode (the dashboard refreshes)."""
        self.refresh_overdue()
        for screen in list(self.desk_screens):
            screen.post_message(RecordsChanged(*message.kinds))


def make_app(
    *,
    settings: Settings | None,
    engine: Engine | None,
    clock: Clock,
    lang: str | None = None,
    cursor_blink: bool = True,
    actor: Actor | None = None,
    area: str = "dashboard",
    open_engine: Callable[[], Engine] | None = None,
    live: bool = False,
    draft: Draft | None = None,
    load_settings: Callable[[], Settings] | None = None,
) -> DeskApp:
    """The desk app for the CLI and for tests (a fixed clock makes it deterministic).

    `actor` with a `shift_id` starts the app on duty in `area` (tests use this to skip the
    sign-in; the CLI never passes it). `live`: the screens follow the other desks' saves
    (the CLI's desk; tests that are about it).
    """
    if lang:
        set_language(lang)
    return DeskApp(
        settings=settings,
        engine=engine,
        clock=clock,
        cursor_blink=cursor_blink,
        actor=actor,
        area=area,
        open_engine=open_engine,
        live=live,
        draft=draft,
        load_settings=load_settings,
    )
