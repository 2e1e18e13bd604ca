"""The draft the desk app paints its sign-in screen from, before the settings are validated
(settings_draft.py, issue 20: pydantic was a third of the time to the first screen)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from deskterm.config import Settings
from deskterm.settings_draft import DEFAULT_POST, Draft, read_draft


def write(text: str) -> None:
    path = os.environ["DESKTERM_SETTINGS"]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def test_the_default_post_is_the_settings_default():
    assert DEFAULT_POST == Settings().post
    assert read_draft() == Draft()


def test_file_then_environment_then_the_command_line(monkeypatch):
    write('post = "东门"\ndb = "/srv/file.db"\n[keymap]\n"app.help" = "f9"\n')
    assert read_draft() == Draft(db="/srv/file.db", post="东门", keymap={"app.help": "f9"})
    monkeypatch.setenv("DESKTERM_POST", "地库")
    monkeypatch.setenv("DESKTERM_DB", "/srv/env.db")
    assert read_draft() == Draft(db="/srv/env.db", post="地库", keymap={"app.help": "f9"})
    assert read_draft("/srv/option.db").db == "/srv/option.db"


@pytest.mark.parametrize(
    "text", ["post = \n", "post = 3\n", "keymap = 1\n", '[keymap]\n"app.help" = 5\n', "db = true\n"]
)
def test_what_it_cannot_read_plainly_is_left_to_the_validation(text):
    write(text)
    assert read_draft() is None


def test_a_folder_named_as_the_settings_file_is_left_to_the_validation(monkeypatch, tmp_path):
    monkeypatch.setenv("DESKTERM_SETTINGS", str(tmp_path))
    assert read_draft() is None


def test_the_sign_in_screen_paints_without_pydantic(tmp_path):
    """On a terminal the desk app paints before it validates: no pydantic (nor SQLAlchemy)
    is imported by the time the sign-in screen mounts."""
    db = tmp_path / "d.db"
    init = subprocess.run(
        [sys.executable, "-m", "deskterm", "init", "--db", str(db), "--admin", "boss"],
        env={**os.environ, "DESKTERM_PASSWORD": "boss-pass-1"},
        capture_output=True,
        text=True,
    )
    assert init.returncode == 0, init.stderr
    script = textwrap.dedent(f"""
        import os, sys
        from textual.app import App
        original = App.run
        App.run = lambda self, *a, **k: original(self, headless=True, size=(80, 24))
        from deskterm.cli import launch
        launch.paints_first = lambda: True
        from deskterm.tui.screens import signin
        def mounted(self):
            print(",".join(m for m in ("pydantic", "pydantic_settings", "sqlalchemy")
                           if m in sys.modules) or "none", flush=True)
            os._exit(0)
        signin.SignInScreen.on_mount = mounted
        from deskterm.cli.main import run
        run(["--db", {str(db)!r}])
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "none", out.stdout + out.stderr
