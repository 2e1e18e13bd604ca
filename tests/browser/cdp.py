"""A headless Chromium driven over its DevTools protocol, reading the served app's screen.

The page draws the terminal on a canvas (xterm.js with WebGL), so the text is not in the DOM.
The test reads what the app sent instead: every web-socket frame the page receives (the
DevTools `Network.webSocketFrameReceived` event) goes into a VT emulator (pyte) of the size
the page asked for, which gives the screen as the browser shows it. Keys are typed as a
person types them: `Input.dispatchKeyEvent` into the page, through xterm.js.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pyte
from websockets.sync.client import connect

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
    "--remote-debugging-port=0",
)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


# key name -> (key, code, windowsVirtualKeyCode, text)
SPECIAL = {
    "enter": ("Enter", "Enter", 13, "\r"),
    "tab": ("Tab", "Tab", 9, ""),
    "escape": ("Escape", "Escape", 27, ""),
    "space": (" ", "Space", 32, " "),
    "backspace": ("Backspace", "Backspace", 8, ""),
    "up": ("ArrowUp", "ArrowUp", 38, ""),
    "down": ("ArrowDown", "ArrowDown", 40, ""),
    "left": ("ArrowLeft", "ArrowLeft", 37, ""),
    "right": ("ArrowRight", "ArrowRight", 39, ""),
    **{f"f{n}": (f"F{n}", f"F{n}", 111 + n, "") for n in range(1, 13)},
}
MODIFIERS = {"alt": 1, "ctrl": 2, "meta": 4, "shift": 8}


class Browser:
    def __init__(self, profile: Path, *, width: int = 1000, height: int = 620) -> None:
        exe = chromium_path()
        if exe is None:
            raise RuntimeError("no chromium")
        self.proc = subprocess.Popen(
            [
                exe,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port = int(port_file.read_text().splitlines()[0])
        self.devtools_port = port
        self._ids = itertools.count(1)
        self._replies: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.frames = 0
        self.closed_sockets = 0
        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(
            connect(self._page_socket(port), max_size=None, open_timeout=10)
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.call("Network.enable")
        self.call("Page.enable")
        # The page's size, exactly (a headless window's chrome varies between versions).
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _page_socket(self, port: int) -> str:
        from urllib.request import urlopen

        deadline = time.monotonic() + 10
        while True:
            with urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as reply:
                pages = [t for t in json.load(reply) if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            if time.monotonic() > deadline:
                raise RuntimeError("chromium has no page")
            time.sleep(0.1)

    # -- protocol ----------------------------------------------------------------------------
    def call(self, method: str, **params):
        ident = next(self._ids)
        box: queue.Queue = queue.Queue()
        self._replies[ident] = box
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        reply = box.get(timeout=30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def _read(self) -> None:
        try:
            while True:
                raw = self.ws.recv()
                message = json.loads(raw)
                if "id" in message:
                    box = self._replies.pop(message["id"], None)
                    if box is not None:
                        box.put(message)
                    continue
                self._event(message.get("method"), message.get("params", {}))
        except Exception:  # the browser went away: the test's waits time out and say so
            return

    def _event(self, method: str | None, params: dict) -> None:
        if method == "Network.webSocketCreated":
            query = parse_qs(urlparse(params["url"]).query)
            with self._lock:
                self.screen.reset()  # a new socket is a new app: its own screen
            if "width" in query and "height" in query:
                with self._lock:
                    self.screen.resize(int(query["height"][0]), int(query["width"][0]))
        elif method == "Network.webSocketFrameSent":
            frame = params["response"]
            if frame.get("opcode") == 1:
                try:
                    kind, data = json.loads(frame["payloadData"])[:2]
                except (ValueError, TypeError):
                    return
                if kind == "resize":
                    with self._lock:
                        self.screen.resize(int(data["height"]), int(data["width"]))
        elif method == "Network.webSocketFrameReceived":
            frame = params["response"]
            if frame.get("opcode") == 2:  # the app's output (text frames are meta packets)
                with self._lock:
                    self.stream.feed(base64.b64decode(frame["payloadData"]))
                    self.frames += 1
        elif method == "Network.webSocketClosed":
            self.closed_sockets += 1

    # -- what a person does -------------------------------------------------------------------
    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def text(self) -> str:
        with self._lock:
            return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, *needles: str, timeout: float = 10.0) -> float:
        """Seconds until every needle is on screen; AssertionError with the screen if not."""
        started = time.monotonic()
        while True:
            screen = self.text()
            if all(n in screen for n in needles):
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise AssertionError(f"not on screen after {timeout:.0f} s: {needles!r}\n{screen}")
            time.sleep(0.05)

    def wait_any(self, *needles: str, timeout: float = 10.0) -> str:
        """The first needle to appear on screen."""
        started = time.monotonic()
        while True:
            screen = self.text()
            for needle in needles:
                if needle in screen:
                    return needle
            if time.monotonic() - started > timeout:
                raise AssertionError(f"none on screen after {timeout:.0f} s: {needles!r}\n{screen}")
            time.sleep(0.05)

    def focus(self) -> None:
        self.call(
            "Runtime.evaluate",
            expression=(
                "(document.querySelector('.xterm-helper-textarea') || document.body).focus()"
            ),
        )

    def press(self, *keys: str, pause: float = 0.08) -> None:
        for key in keys:
            self._press(key)
            time.sleep(pause)

    def _press(self, spec: str) -> None:
        *mods, name = spec.split("+") if len(spec) > 1 else [spec]
        modifiers = sum(MODIFIERS[m] for m in mods)
        if name in SPECIAL:
            key, code, vk, text = SPECIAL[name]
        else:
            key, text = name, name
            code = (
                f"Key{name.upper()}"
                if name.isalpha()
                else (f"Digit{name}" if name.isdigit() else "")
            )
            vk = ord(name.upper()) if name.isalnum() else 0
        if modifiers & (MODIFIERS["alt"] | MODIFIERS["ctrl"] | MODIFIERS["meta"]):
            text = ""  # a chord types nothing by itself; xterm.js makes its sequence
        down = {
            "type": "keyDown" if text else "rawKeyDown",
            "key": key,
            "code": code,
            "windowsVirtualKeyCode": vk,
            "nativeVirtualKeyCode": vk,
            "modifiers": modifiers,
        }
        if text:
            down.update(text=text, unmodifiedText=text)
        self.call("Input.dispatchKeyEvent", **down)
        self.call(
            "Input.dispatchKeyEvent",
            type="keyUp",
            key=key,
            code=code,
            windowsVirtualKeyCode=vk,
            nativeVirtualKeyCode=vk,
            modifiers=modifiers,
        )

    def type(self, text: str) -> None:
        for ch in text:
            self._press(ch)
            time.sleep(0.02)

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self._stack.close()
        except Exception:  # the browser closed it first
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def artifacts_dir(fallback: Path) -> Path:
    folder = Path(os.environ.get("DESKTERM_TEST_ARTIFACTS") or fallback)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
