"""Issue 18 H: settings.toml is read by one checker for every setting: a value of the wrong
type, or a number below its minimum, is one sentence naming the setting (never a TypeError
later, never a negative age accepted). The numeric settings are enumerated from the dataclasses,
so a new one cannot escape its bounds."""

from __future__ import annotations

import subprocess
import sys
import typing
from dataclasses import fields
from pathlib import Path

import pytest

from deskterm.config import MAXIMUM, MINIMUM, Settings, SettingsError, SlaPolicy, load_settings


def numeric() -> list[tuple[str, str, type]]:
    """(setting, its place in the file, int | float) for every numeric setting."""
    found = []
    for cls, section in ((Settings, None), (SlaPolicy, "sla")):
        hints = typing.get_type_hints(cls)
        for f in fields(cls):
            if hints[f.name] in (int, float):
                found.append((f.name, section, hints[f.name]))
    return found


NUMERIC = numeric()


def write(tmp_path, name: str, section: str | None, literal: str):
    path = tmp_path / "settings.toml"
    path.write_text(f"[{section}]\n{name} = {literal}\n" if section else f"{name} = {literal}\n",
                    encoding="utf-8")
    return path


def test_every_numeric_setting_has_its_bounds():
    assert len(NUMERIC) >= 16
    assert {name for name, _s, _k in NUMERIC} == set(MINIMUM)
    assert set(MAXIMUM) <= set(MINIMUM)


@pytest.mark.parametrize(("name", "section", "kind"), NUMERIC, ids=[n for n, _s, _k in NUMERIC])
@pytest.mark.parametrize("literal", ['"x"', "-1", "true", "[1]", '"12"'])
def test_a_bad_number_is_one_sentence_naming_the_setting(tmp_path, name, section, kind, literal):
    if kind is float and literal == "-1":
        literal = "-0.5"
    with pytest.raises(SettingsError) as caught:
        load_settings(write(tmp_path, name, section, literal))
    message = str(caught.value)
    assert name in message and "\n" not in message and message.endswith(".")


@pytest.mark.parametrize(("name", "section", "kind"), NUMERIC, ids=[n for n, _s, _k in NUMERIC])
def test_a_good_number_is_kept(tmp_path, name, section, kind):
    value = MAXIMUM.get(name, MINIMUM[name] + 3)
    loaded = load_settings(write(tmp_path, name, section, repr(kind(value))))
    assert getattr(loaded.sla if section else loaded, name) == kind(value)


def test_a_fraction_above_its_maximum_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="near_breach_fraction"):
        load_settings(write(tmp_path, "near_breach_fraction", "sla", "1.5"))


@pytest.mark.parametrize(("name", "literal"), [
    ("timezone", "8"), ("post", "[1]"), ("backup_dir", "3"), ("self_check_items", '"keys"'),
    ("physical_items", "[1, 2]"), ("sla", "3"), ("nonsense", "1"), ("printer", '"laser"'),
])
def test_other_settings_are_checked_too(tmp_path, name, literal):
    with pytest.raises(SettingsError) as caught:
        load_settings(write(tmp_path, name, None, literal))
    assert name in str(caught.value)


def test_the_command_line_says_it_in_one_sentence(tmp_path):
    path = write(tmp_path, "backup_max_age_hours", None, '"x"')
    done = subprocess.run([sys.executable, "-m", "deskterm", "--lang", "en", "db", "status",
                           "--db", str(tmp_path / "none.db")],
                          env={"PATH": "/usr/bin:/bin", "DESKTERM_SETTINGS": str(path),
                               "PYTHONPATH": str(Path(__file__).parents[2]),
                               "DESKTERM_CONFIG_DIR": str(tmp_path), "DESKTERM_DATA_DIR": str(tmp_path)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip() == "The setting backup_max_age_hours must be a whole number of at least 1, not 'x'."
