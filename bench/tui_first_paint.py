"""One process: start, paint the first screen (headless, 80×24), exit at once. For bench_tui.py.

    python bench/tui_first_paint.py deskterm DB   # `deskterm --db DB`: the sign-in screen
    python bench/tui_first_paint.py bare          # a bare Textual app with the same widget kinds
    python bench/tui_first_paint.py ready DB      # `deskterm --db DB` until sign-in can run:
                                                  # the engine opened in the background

Headless Textual still composes, lays out and renders every line of the screen (the
compositor's update); only the write to the terminal is skipped. The process ends (os._exit)
right after the first update of the first real screen that shows its inputs, so the wall time
of the whole process, measured from outside, is "from process start to first screen painted".
Both contenders are patched the same way: App.run is made headless, and the first frame
written exits (`deskterm.tui.internals.watch_frames`, the one module that uses Textual internals).
"""

from __future__ import annotations

import os
import sys

from textual.app import App
from textual.widgets import Input

from deskterm.tui.internals import watch_frames  # both contenders: the frame-written hook

SIZE = (80, 24)


def _headless(original_run):
    def run(self, *args, **kwargs):
        kwargs["headless"] = True
        kwargs["size"] = SIZE
        return original_run(self, *args, **kwargs)

    return run


def _patch(target_screen: str) -> None:
    run = _headless(App.run)

    def frame_written(screen, renderable) -> None:
        if renderable is None or type(screen).__name__ != target_screen:
            return
        inputs = screen.query(Input)
        if inputs and all(i.region.area for i in inputs):  # laid out: the screen is there
            os._exit(0)

    App.run = run
    watch_frames(App, frame_written)


BARE = """
Screen { align: center middle; }
#box { width: 44; height: auto; border: round $primary; padding: 0 1; }
.label { width: 12; }
.row { height: 1; }
Input { width: 1fr; }
"""


def bare() -> None:
    from textual.containers import Center, Horizontal, Middle, Vertical
    from textual.screen import Screen
    from textual.widgets import Footer, Label, Static

    class BareSignIn(Screen):
        BINDINGS = [("ctrl+s", "submit", "Sign in")]

        def compose(self):
            with Middle(), Center(), Vertical(id="box"):
                yield Static("deskterm")
                yield Static("前台")
                for label, password in (("Staff code", False), ("Password", True)):
                    with Vertical(classes="field"):
                        with Horizontal(classes="row"):
                            yield Label(label, classes="label")
                            yield Input(compact=True, password=password, max_length=32)
                        yield Static("", classes="error")
                yield Static("")
            yield Footer()

        def on_mount(self) -> None:
            self.query_one(Input).focus()

    class Bare(App):
        CSS = BARE
        BINDINGS = [("f1", "help", "Help"), ("ctrl+q", "quit", "Quit")]
        MODES = {"gate": BareSignIn}

        def on_mount(self) -> None:
            self.switch_mode("gate")

    Bare().run()


def _exit_when_ready() -> None:
    """Instead of exiting at the first paint: exit when the app's warm-up worker is done."""
    from deskterm.tui.app import DeskApp

    original = DeskApp.warm_up

    def warm_up(self) -> None:
        original(self)
        workers = [w for w in self.workers if w.group == "warm-up"]

        async def wait() -> None:
            for worker in workers:
                await worker.wait()
            os._exit(0)

        self.run_worker(wait())

    DeskApp.warm_up = warm_up


def main() -> None:
    kind = sys.argv[1]
    if kind == "bare":
        _patch("BareSignIn")
        bare()
    else:
        if kind == "ready":
            _exit_when_ready()
            App.run = _headless(App.run)
        else:
            _patch("SignInScreen")
        from deskterm.cli import launch
        from deskterm.cli.main import run

        launch.paints_first = lambda: True  # as on a terminal (headless here)

        run(["--db", sys.argv[2]])
    sys.stderr.write("the first screen was never painted\n")
    os._exit(3)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
