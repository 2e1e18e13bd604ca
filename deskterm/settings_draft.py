"""What the desk app shows before its first paint, read without validating (issue 20).

Validating the settings (deskterm.config, pydantic-settings) imports pydantic: about 100 ms, a
third of the time to the sign-in screen (bench/tui_first_paint.py). The sign-in screen needs
only the post's name and the keymap, and the launcher the database; those are read here from
the settings file and the environment as they stand. The desk app validates the whole of the
settings right after the first paint, while the operator types, and closes with the one
sentence of a bad setting (exit 1) before anyone can sign in (tui/app.py `warm_up`).

A file or value this cannot read plainly (broken TOML, a value of the wrong kind) gives None:
the launcher then validates at once and says what is wrong before the app opens.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field

from deskterm.paths import settings_path

DEFAULT_POST = "前台"  # deskterm.config.Settings.post's default (tests/unit/test_settings_draft.py)


@dataclass(frozen=True)
class Draft:
    db: str | None = None
    post: str = DEFAULT_POST
    keymap: dict[str, str] = field(default_factory=dict)


def read_draft(db: str | None = None) -> Draft | None:
    """The database, the post and the keymap as the settings would give them, or None."""
    path = settings_path()
    values: dict = {}
    try:
        if path.is_file():
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        elif path.exists():
            return None  # a folder where the file should be: said by the validation
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    env = {name.upper(): value for name, value in os.environ.items()}
    if "DESKTERM_KEYMAP" in env:
        return None  # a keymap from the environment: read by the validation only
    post = env.get("DESKTERM_POST") or values.get("post", DEFAULT_POST)
    keymap = values.get("keymap", {})
    chosen = db or env.get("DESKTERM_DB") or values.get("db")
    plain = (
        isinstance(post, str)
        and isinstance(keymap, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in keymap.items())
        and (chosen is None or isinstance(chosen, str))
    )
    return Draft(db=chosen or None, post=post, keymap=dict(keymap)) if plain else None
