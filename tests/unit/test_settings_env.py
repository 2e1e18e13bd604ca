"""Issue 20 item 7: a DESKTERM_ variable that is neither a setting nor one of deskterm's other
names (config.NOT_SETTINGS) is a typo `deskterm config show` warns of. The known list is
complete: every DESKTERM_ name written anywhere in the repository is a setting or on it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from deskterm.config import (
    NOT_SETTING_PREFIXES,
    NOT_SETTINGS,
    is_setting_variable,
    stray_variables,
    stray_warning,
)

ROOT = Path(__file__).parents[2]
TYPOS = ("tests/unit/test_settings_env.py", "tests/cli/test_config_cli.py")


def repository_names() -> set[str]:
    """Every DESKTERM_ name in the repository's files, but for the tests that write typos on
    purpose; "DESKTERM_TEST" of "DESKTERM_TEST_*" is a known prefix, not a name."""
    text = subprocess.run(
        [
            "git",
            "grep",
            "-ohIE",
            r"\bDESKTERM_[A-Za-z0-9_]*[A-Za-z0-9]",
            "--",
            ".",
            *(f":!{typos}" for typos in TYPOS),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {name for name in text.split() if f"{name}_" not in NOT_SETTING_PREFIXES}


def test_every_deskterm_name_in_the_repository_is_a_setting_or_known():
    names = repository_names()
    assert {"DESKTERM_PASSWORD", "DESKTERM_SETTINGS", "DESKTERM_TEST_PG_URL"} <= names
    missing = sorted(
        n
        for n in names
        if not is_setting_variable(n)
        and n not in NOT_SETTINGS
        and not n.startswith(NOT_SETTING_PREFIXES)
    )
    assert not missing, f"add these to deskterm.config.NOT_SETTINGS: {missing}"


def test_a_typo_is_stray_and_the_others_are_not():
    environ = {
        "DESKTERM_IDLE_LOCK_MINUTEZ": "3",
        "DESKTERM_IDLE_LOCK_MINUTES": "3",
        "DESKTERM_SLA__URGENT_FIX_MINUTES": "9",
        "DESKTERM_KEYMAP__visitors_new": "f2",
        "DESKTERM_PASSWORD": "x",
        "DESKTERM_TEST_PG_URL": "x",
        "DESKTERM_db": "x",
        "DESKTERM_POST__X": "x",
        "HOME": "/root",
    }
    assert stray_variables(environ) == ["DESKTERM_IDLE_LOCK_MINUTEZ", "DESKTERM_POST__X"]
    assert stray_warning("DESKTERM_IDLE_LOCK_MINUTEZ") == (
        "Warning: the environment variable DESKTERM_IDLE_LOCK_MINUTEZ is not a setting; it is "
        "ignored (did you mean DESKTERM_IDLE_LOCK_MINUTES?)."
    )
    assert re.fullmatch(
        r"Warning: .* DESKTERM_QQQ is not a setting; it is ignored\.", stray_warning("DESKTERM_QQQ")
    )
