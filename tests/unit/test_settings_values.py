"""Issue 18 H: settings.toml is read by one checker for every setting: a value of the wrong
type, or a number below its minimum, is one sentence naming the setting (never a TypeError
later, never a negative age accepted). The numeric settings are enumerated from the model's
fields (issue 20: a pydantic-settings model), so a new one cannot escape its bounds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import annotated_types
import pytest

from deskterm.config import Settings, SettingsError, SlaPolicy, load_settings


def numeric() -> list[tuple[str, str | None, type]]:
    """(setting, its place in the file, int | float) for every numeric setting."""
    found = []
    for cls, section in ((Settings, None), (SlaPolicy, "sla")):
        for name, info in cls.model_fields.items():
            if info.annotation in (int, float):
                found.append((name, section, info.annotation))
    return found


def bound(cls, name: str, kind) -> float | None:
    info = cls.model_fields[name]
    return next(
        (getattr(m, kind.__name__.lower()) for m in info.metadata if isinstance(m, kind)), None
    )


NUMERIC = numeric()
MINIMUM = {n: bound(SlaPolicy if s else Settings, n, annotated_types.Ge) for n, s, _k in NUMERIC}
MAXIMUM = {
    n: v
    for n, s, _k in NUMERIC
    if (v := bound(SlaPolicy if s else Settings, n, annotated_types.Le)) is not None
}


def write(tmp_path, name: str, section: str | None, literal: str):
    path = tmp_path / "settings.toml"
    path.write_text(
        f"[{section}]\n{name} = {literal}\n" if section else f"{name} = {literal}\n",
        encoding="utf-8",
    )
    return path


def test_every_numeric_setting_has_its_bounds():
    assert len(NUMERIC) >= 16
    assert all(low is not None and low >= 0 for low in MINIMUM.values()), MINIMUM
    assert {name for name, _s, kind in NUMERIC if kind is float} <= set(MAXIMUM)
    for name, section, _kind in NUMERIC:  # strict: "12" and true are refused, not coerced
        assert (SlaPolicy if section else Settings).model_fields[name].metadata[0].strict


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


@pytest.mark.parametrize(
    ("name", "literal"),
    [
        ("timezone", "8"),
        ("post", "[1]"),
        ("backup_dir", "3"),
        ("self_check_items", '"keys"'),
        ("physical_items", "[1, 2]"),
        ("sla", "3"),
        ("nonsense", "1"),
        ("printer", '"laser"'),
        ("timezone", '"Mars/Olympus"'),
        ("lang", '"fr"'),
        ("keymap", '"ctrl+o"'),
        ("callback_due", '{repair = "soon"}'),
        ("shift_starts", '["8 am"]'),
    ],
)
def test_other_settings_are_checked_too(tmp_path, name, literal):
    with pytest.raises(SettingsError) as caught:
        load_settings(write(tmp_path, name, None, literal))
    assert name in str(caught.value)


def test_the_command_line_says_it_in_one_sentence(tmp_path):
    path = write(tmp_path, "backup_max_age_hours", None, '"x"')
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "deskterm",
            "--lang",
            "en",
            "db",
            "status",
            "--db",
            str(tmp_path / "none.db"),
        ],
        env={
            "PATH": "/usr/bin:/bin",
            "DESKTERM_SETTINGS": str(path),
            "PYTHONPATH": str(Path(__file__).parents[2]),
            "DESKTERM_CONFIG_DIR": str(tmp_path),
            "DESKTERM_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == "The setting backup_max_age_hours must be a whole number of at least 1, not 'x'."
    )


def test_every_numeric_setting_has_an_upper_bound_in_the_example():
    """Issue 20: no number without a maximum, and settings.example.toml's comment names it."""
    import re

    assert set(MAXIMUM) == {name for name, _s, _k in NUMERIC}
    lines = (Path(__file__).parents[2] / "settings.example.toml").read_text("utf-8").splitlines()
    for name, _section, kind in NUMERIC:
        if kind is float:
            continue
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{name} = "))
        comment = []
        while lines[at - 1].startswith("#") or re.match(r"\w+ = |\[", lines[at - 1]):
            at -= 1
            comment.insert(0, lines[at])
        assert f"{MAXIMUM[name]:g}" in " ".join(comment).replace("\n", " "), name


@pytest.mark.parametrize(("name", "section", "kind"), NUMERIC, ids=[n for n, _s, _k in NUMERIC])
def test_a_number_above_its_maximum_is_one_sentence_naming_the_bound(tmp_path, name, section, kind):
    too_big = MAXIMUM[name] + 1 if kind is int else 1.5
    with pytest.raises(SettingsError) as caught:
        load_settings(write(tmp_path, name, section, repr(kind(too_big))))
    message = str(caught.value)
    assert name in message and f"{MAXIMUM[name]:g}" in message and "\n" not in message


def test_duplicate_shift_starts_are_refused(tmp_path):
    with pytest.raises(SettingsError) as caught:
        load_settings(write(tmp_path, "shift_starts", None, '["08:00", "20:00", " 08:00"]'))
    assert str(caught.value) == (
        "The setting shift_starts holds 08:00 twice; each shift starts at a time of its own."
    )


def test_an_unknown_setting_names_the_file_it_is_in(tmp_path):
    path = tmp_path / "site-desk.toml"
    path.write_text("[sla]\nurgent_onsite_minute = 1\n", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value) == "site-desk.toml has an unknown setting: sla.urgent_onsite_minute."


def test_an_unknown_setting_from_the_environment_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_SLA__URGENT_ONSITE_MINUTE", "1")
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path / "none.toml")
    assert str(caught.value) == (
        "The environment variable DESKTERM_SLA__URGENT_ONSITE_MINUTE names no setting of deskterm."
    )


def test_a_settings_path_that_is_a_folder_or_unreadable_is_one_sentence(tmp_path, monkeypatch):
    with pytest.raises(SettingsError, match="is a folder"):
        load_settings(tmp_path)
    path = write(tmp_path, "post", None, '"东门"')

    def refused(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refused)  # root reads any file: the refusal is simulated
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value) == f"The settings file {path} cannot be read: permission denied."


def test_a_settings_file_that_is_not_utf8_is_one_sentence(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_bytes(b'post = "\xff"\n')
    with pytest.raises(SettingsError, match="not UTF-8"):
        load_settings(path)
