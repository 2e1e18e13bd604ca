"""Issue 20 item 7: settings.example.toml lists every setting of the model, with its default,
and nothing else; a commented-out line stands for a setting whose default is "not set"."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from deskterm.config import Settings, SlaPolicy, load_settings

EXAMPLE = Path(__file__).parents[2] / "settings.example.toml"


def test_the_example_parses_to_the_defaults():
    assert load_settings(EXAMPLE) == Settings()


def test_the_example_names_exactly_the_fields():
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    text = EXAMPLE.read_text(encoding="utf-8")
    unset = {name for name, info in Settings.model_fields.items() if info.default is None}
    for name in unset:  # shown commented out, with an example value
        assert re.search(rf"^# {name} = ", text, re.MULTILINE), name
    assert set(data) | unset == set(Settings.model_fields)
    assert set(data["sla"]) == set(SlaPolicy.model_fields)


def test_every_setting_has_its_meaning_above_it():
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    names = [*Settings.model_fields, *SlaPolicy.model_fields]
    for name in names:
        at = next(
            i for i, line in enumerate(lines) if re.match(rf"(# )?(\[{name}\]|{name} = )", line)
        )
        above = lines[at - 1]
        while re.match(r"(# )?\w+ = |\[\w+\]$", above):  # one comment for several, or a table
            at -= 1
            above = lines[at - 1]
        assert above.startswith("# ") and len(above) > 10, name
