"""Bases of every deskterm screen and dialog (screens/ and dialogs/ both build on this module).

`DeskNode` (a Screen): `run_db`, `show_error`, `records_changed`, `HELP_TEXT` for F1, and
`self.app` typed as the `DeskApp` it runs in. `DeskScreen` and `DeskDialog` build on it;
`AreaScreen`: an area's mode screen with the status line, the area bar and the footer around
`compose_body()`.

Typing (issue 20): `self.app` is `DeskApp` through Textual's `getters.app`, declared for the
type checker only (`if TYPE_CHECKING`): nothing changes at run time and this module never
imports app.py (which imports the screens). A screen's mixin (a part of one screen kept in
its own module, such as `RegisterFlow` of VisitorsScreen) subclasses the base its host
builds on, and declares what it uses of its host under `if TYPE_CHECKING`; mypy checks both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import Worker

from deskterm.i18n import _
from deskterm.tui.actions import without_rule_codes
from deskterm.tui.internals import mark_styles_current
from deskterm.tui.messages import RecordsChanged
from deskterm.tui.worker import run_db, show_error

if TYPE_CHECKING:
    from sqlmodel import Session
    from textual import getters

    from deskterm.tui.app import DeskApp

T = TypeVar("T")


class DeskNode(Screen[T]):
    """What every deskterm screen and dialog can do (DeskScreen and DeskDialog build on it)."""

    if TYPE_CHECKING:  # the app a desk screen runs in: Textual's typed `app` (textual.getters)
        app = getters.app(DeskApp)

    HELP_TEXT: ClassVar[str] = ""  # N_-marked paragraph shown under the keys by F1

    def run_db(
        self,
        work: Callable[[Any], Any],  # work(session); with write=None, work(engine)
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        write: bool | None = True,
        group: str = "db",
        exclusive: bool = False,
        hold_keys: bool = False,
    ) -> Worker:
        """Run `work(session)` in a thread (one transaction); see tui/worker.py."""
        return run_db(
            self,
            self.app,
            work,
            on_done=on_done,
            on_error=on_error,
            write=write,
            group=group,
            exclusive=exclusive,
            hold_keys=hold_keys,
        )

    def show_error(self, exc: BaseException) -> None:
        show_error(self, exc)

    def records_changed(self, *kinds: str) -> None:
        """Tell every screen (the dashboard first) that records of these kinds changed."""
        self.app.post_message(RecordsChanged(*kinds))

    def help_text(self) -> str:
        return without_rule_codes(_(self.HELP_TEXT)) if self.HELP_TEXT else ""

    # Textual calls these as well as a subclass's own on_mount / on_unmount (every class's
    # handler, subclass first): the app knows every desk screen of every mode (DeskApp).
    def on_mount(self) -> None:
        screens = getattr(self.app, "desk_screens", None)
        if screens is not None:
            screens[self] = None

    def on_unmount(self) -> None:
        screens = getattr(self.app, "desk_screens", None)
        if screens is not None:
            screens.pop(self, None)

    def on_paste(self, event: events.Paste) -> None:
        """A paste no field took (the focus on a list, a tick box, a choice): said, never
        dropped without a word. A screen with a place for it takes it first (the inquiries'
        results: a new search) and stops it from reaching here (`prevent_default`)."""
        event.stop()
        if event.text.strip():
            self.app.bell()
            self.notify(
                _("Nothing was pasted: move to a field first (Tab), then paste again."),
                severity="warning",
                timeout=5,
            )

    def on_descendant_focus(self, event) -> None:
        # Tests and snapshots run with the blink off (make_app(cursor_blink=False)).
        if not getattr(self.app, "cursor_blink", True) and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False


def desk_screen(widget: Widget) -> DeskNode[Any]:
    """The desk screen or dialog a widget is on, typed (Textual's `widget.screen` is any
    Screen): its `run_db`, `show_error`. A desk widget is only ever on one."""
    screen = widget.screen
    if not isinstance(screen, DeskNode):
        raise TypeError(f"{widget!r} is not on a desk screen")
    return screen


class DeskScreen(DeskNode[Any]):
    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)


def typed_text(screen) -> dict[str, str]:
    """The text typed into a screen's text fields (passwords left out), by widget."""
    from textual.widgets import Input, TextArea

    found: dict[str, str] = {}
    for i, widget in enumerate(screen.query("Input, TextArea")):
        if isinstance(widget, Input) and not widget.password:
            found[widget.id or f"#{i}"] = widget.value
        elif isinstance(widget, TextArea) and not widget.read_only:
            found[widget.id or f"#{i}"] = widget.text
    return found


class DeskDialog(ModalScreen[T], DeskNode[T]):
    """A dialog. Closing it without a result (Escape, `dismiss(None)`) after text was typed
    into it asks first: typed work is never thrown away by one key (issue 16). A dialog
    whose None is not a discard sets `ASK_BEFORE_DISCARD = False`.

    ModalScreen comes first: Textual takes a class's CSS (ModalScreen's dimmed backdrop) and
    its CSS type names along the first DOM base of each class, and DeskNode adds none."""

    if TYPE_CHECKING:  # (ModalScreen's `app` comes first in the bases)
        app = getters.app(DeskApp)

    ASK_BEFORE_DISCARD: ClassVar[bool] = True

    _save_work: Callable[[Any], Callable[[Session], Any]] | None = None
    _saving = False

    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._text_at_open: dict[str, str] | None = None
        self.discard_agreed = False

    def on_mount(self) -> None:
        # After the dialog's own on_mount (Textual runs a subclass's handler first) has
        # filled its fields (a draft, a default).
        self.call_after_refresh(self._remember_text)

    def _remember_text(self) -> None:
        self._text_at_open = typed_text(self)

    def typed_since_open(self) -> bool:
        """Text was typed (or deleted) in a field since the dialog opened."""
        if self._text_at_open is None:
            return False
        now = typed_text(self)
        return any(value != self._text_at_open.get(key, "") for key, value in now.items())

    def _ask_discard(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.discard_agreed = True
                self.dismiss(None)

        self.app.confirm(  # DeskApp.confirm: the yes/no dialog (not imported here: no cycle)
            _("Throw away what you typed?"),
            _("y: close and throw it away · n or Esc: back to the form, as typed"),
            answered,
        )

    def save_with(self, work: Callable[[Any], Callable[[Session], Any]]) -> DeskDialog[T]:
        """The dialog saves what it would close with: `work(value)` gives the transaction.
        It closes, with the saved result, only when the save succeeded; a refusal (a stale
        edit, a full disk, a locked or lost database) shows its sentence in the dialog and
        everything typed stays as it is (issue 14, item 7). Cancelling closes as before."""
        self._save_work = work
        return self

    def dismiss(self, result: Any = None):
        if (
            result is None
            and self.ASK_BEFORE_DISCARD
            and not self.discard_agreed
            and self.is_current
            and self.typed_since_open()
        ):
            self._ask_discard()  # typed work is never thrown away by one key (issue 16)
            return None
        work = self._save_work
        if work is None or result is None or result is False:
            return super().dismiss(result)
        if self._saving:  # Enter pressed again while saving
            return None
        self._saving = True

        def saved(value: Any) -> None:
            self._saving = False
            ModalScreen.dismiss(self, value)

        def refused(exc: BaseException) -> None:
            self._saving = False
            self.show_error(exc)

        self.run_db(
            work(result), on_done=saved, on_error=refused, group="dialog-save", exclusive=True
        )
        return None


class AreaScreen(DeskScreen):
    """The base screen of an area (a mode). Subclasses set AREA and write `compose_body`.

    Optional hooks: `open_record(kind, record_id)` (the dashboard opens a line there) and
    `on_records_changed(message)` (something was saved elsewhere).
    """

    AREA: ClassVar[str] = ""

    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # All of the desk's CSS is the app's, read once (DeskApp.load_all_css): a new area
        # screen is styled by the stylesheet as it is, yet switching to its mode would make
        # Textual re-parse and re-style the whole app, twice (tui/internals.py, note 1).
        try:
            self.app  # noqa: B018 - built inside a running app?
        except RuntimeError:  # built outside one (NoActiveAppError): nothing to say
            return
        mark_styles_current(self)

    _left = False  # the screen was suspended (another area, a dialog) since it mounted

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual re-styles the whole screen at every resume, twice when an area opens
        # (`_init_mode` and `switch_mode` each post one); the first time, every widget was
        # styled as it mounted, moments ago. After a visit elsewhere it re-styles as before.
        # (This runs before Screen's own handler, which reads `refresh_styles`.)
        if not self._left:
            event.refresh_styles = False

    def on_screen_suspend(self) -> None:
        self._left = True

    def compose(self) -> ComposeResult:
        from deskterm.tui.widgets.bars import AreaBar, StatusLine
        from deskterm.tui.widgets.footer import DeskFooter

        yield StatusLine(id="status-line")
        yield AreaBar(self.AREA, id="area-bar")
        yield from self.compose_body()
        # the whole 80 columns for the area's own keys (English needs them: ^r Refresh, ^f
        # Search were left off); Ctrl+P still opens the commands, and F1 lists it
        yield DeskFooter(show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def open_record(self, kind: str, record_id: int) -> None:
        """Show one record of this area (called after the app switched here)."""

    def on_records_changed(self, message: RecordsChanged) -> None:
        """Records changed elsewhere; refresh what this screen shows, if anything."""
