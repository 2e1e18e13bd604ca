"""Issue 20 item 7: `deskterm config path|show`, and a bad setting is one sentence and a
non-zero exit for the commands and for the desk app alike (no traceback)."""

from __future__ import annotations

import os
import tomllib

import pytest

from deskterm.config import Settings


def settings_file(text: str) -> None:
    path = os.environ["DESKTERM_SETTINGS"]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def test_config_path_prints_the_settings_file(cli):
    result = cli("config", "path")
    assert result.exit_code == 0, result.stderr
    assert result.output.strip() == os.environ["DESKTERM_SETTINGS"]


def test_config_show_names_where_each_value_came_from(cli):
    settings_file(
        'timezone = "Europe/Berlin"\n[sla]\nurgent_onsite_minutes = 90\n'
        '[keymap]\n"visitors.new" = "ctrl+y"\n'
    )
    result = cli(
        "config", "show", env={"DESKTERM_POST": "东门", "DESKTERM_SLA__URGENT_FIX_MINUTES": "600"}
    )
    assert result.exit_code == 0, result.stderr
    lines = result.output.splitlines()
    assert lines[0].startswith(f"# {os.environ['DESKTERM_SETTINGS']}")
    assert 'timezone = "Europe/Berlin"  # file' in lines
    assert 'post = "东门"  # environment' in lines
    assert "idle_lock_minutes = 5  # default" in lines
    assert "urgent_onsite_minutes = 90  # file" in lines
    assert "urgent_fix_minutes = 600  # environment" in lines
    assert 'keymap = {"visitors.new" = "ctrl+y"}  # file' in lines
    # every setting is there, and what is shown reads back as the same settings
    shown = tomllib.loads("\n".join(line for line in lines if not line.startswith("#")))
    names = {*shown, *(line.split()[1] for line in lines[1:] if line.startswith("# "))}
    assert names == set(Settings.model_fields)
    assert Settings(**shown) == Settings(
        timezone="Europe/Berlin",
        post="东门",
        keymap={"visitors.new": "ctrl+y"},
        sla={"urgent_onsite_minutes": 90, "urgent_fix_minutes": 600},
    )


def test_config_show_never_prints_a_database_password(cli):
    result = cli(
        "config", "show", env={"DESKTERM_DB": "postgresql+psycopg://desk:s3cret@db.site/deskterm"}
    )
    assert result.exit_code == 0, result.stderr
    assert "s3cret" not in result.output
    assert 'db = "postgresql+psycopg://desk:***@db.site/deskterm"  # environment' in result.output


def test_the_settings_language_is_spoken_unless_lang_says_otherwise(cli):
    settings_file('lang = "zh"\n')
    assert "(已读取)" in cli("config", "show").output.splitlines()[0]
    assert "(read)" in cli("--lang", "en", "config", "show").output.splitlines()[0]
    assert "(read)" in cli("config", "show", env={"DESKTERM_LANG": "en"}).output.splitlines()[0]


@pytest.mark.parametrize(
    ("text", "env", "sentence"),
    [
        (
            'timezone = "Mars/Olympus"\n',
            {},
            "The setting timezone must be a time zone name such as Asia/Shanghai, not 'Mars/Olympus'.",
        ),
        (
            "",
            {"DESKTERM_IDLE_LOCK_MINUTES": "-3"},
            "The setting idle_lock_minutes must be a whole number of at least 0, not -3.",
        ),
        (
            '[keymap]\n"visitors.nothing" = "ctrl+y"\n',
            {},
            "The setting keymap.visitors.nothing names no action of the desk; the ids are like "
            "visitors.new or app.help.",
        ),
        (
            '[keymap]\n"app.quit" = "a"\n',
            {},
            "The setting keymap.app.quit puts the action on 'a', a key that types text in a "
            "field; give it a key such as ctrl+q or f9.",
        ),
        (
            '[keymap]\n"visitors.new" = "f99"\n',
            {},
            "The setting keymap.visitors.new names 'f99', which is no key of a keyboard; give "
            "it a key such as ctrl+q or f9.",
        ),
        (
            '[keymap]\n"visitors.new" = "ctrl+\U0001f600"\n',
            {},
            "The setting keymap.visitors.new names 'ctrl+\U0001f600', which is no key of a "
            "keyboard; give it a key such as ctrl+q or f9.",
        ),
        (
            '[keymap]\n"visitors.new" = "ctrl+o"\n"app.help" = "ctrl+o"\n',
            {},
            "The setting keymap puts 'ctrl+o' on both app.help and visitors.new, which can be "
            "on the screen at once; give one of them another key.",
        ),
        ("timezone = \n", {}, None),
    ],
)
@pytest.mark.parametrize("command", [("config", "show"), ("db", "status"), ()])
def test_a_bad_setting_is_one_sentence_and_exit_1(cli, desk_db, text, env, sentence, command):
    if command == ("db", "status") and "keymap" in text:
        pytest.skip("the keymap is the desk app's: checked by it and by config show")
    settings_file(text)
    args = (*command, "--db", desk_db) if command else ("--db", desk_db)  # (): the desk app
    if command == ("config", "show"):
        args = command
    result = cli(*args, env=env)
    assert result.exit_code == 1, result.output
    said = result.stderr.strip()
    assert "\n" not in said and "Traceback" not in said and said.endswith(".")
    if sentence:
        assert said == sentence
    else:
        assert said.startswith("settings.toml is not a valid TOML file")


@pytest.mark.parametrize("name", ["password", "PassWord", "passwd", "pwd"])
def test_config_show_masks_a_password_in_the_url_query(cli, name):
    url = f"postgresql+psycopg://desk:s3cret@db.site/deskterm?sslmode=require&{name}=q9secret"
    result = cli("config", "show", env={"DESKTERM_DB": url})
    assert result.exit_code == 0, result.stderr
    assert "s3cret" not in result.output and "q9secret" not in result.output
    assert f"{name}=***" in result.output


def test_config_show_warns_of_a_stray_deskterm_variable_and_still_shows(cli):
    result = cli(
        "config", "show", env={"DESKTERM_IDLE_LOCK_MINUTEZ": "3", "DESKTERM_TEST_SOMETHING": "1"}
    )
    assert result.exit_code == 0, result.stderr
    assert "idle_lock_minutes = 5  # default" in result.output.splitlines()
    assert result.stderr.strip().splitlines() == [
        "Warning: the environment variable DESKTERM_IDLE_LOCK_MINUTEZ is not a setting; it is "
        "ignored (did you mean DESKTERM_IDLE_LOCK_MINUTES?)."
    ]


@pytest.mark.parametrize(
    ("env", "sentence"),
    [
        (
            {"DESKTERM_SLA__URGENT_ONSITE_MINUTE": "1"},
            "The environment variable DESKTERM_SLA__URGENT_ONSITE_MINUTE names no setting of deskterm.",
        ),
        (
            {"DESKTERM_BACKUP_MAX_AGE_HOURS": "999999999999999999"},
            "The setting backup_max_age_hours must be a whole number of at most 8760, not "
            "999999999999999999.",
        ),
        (
            {"DESKTERM_WARRANTY_MONTHS": "99999999999"},
            "The setting warranty_months must be a whole number of at most 120, not 99999999999.",
        ),
        (
            {"DESKTERM_SHIFT_STARTS": '["08:00", "08:00"]'},
            "The setting shift_starts holds 08:00 twice; each shift starts at a time of its own.",
        ),
        ({"DESKTERM_SETTINGS": "/"}, "The settings file / is a folder or a device, not a file."),
    ],
)
@pytest.mark.parametrize("command", [("config", "show"), ("db", "status")])
def test_a_bad_environment_is_one_sentence_naming_its_source(cli, desk_db, env, sentence, command):
    args = (*command, "--db", desk_db) if command == ("db", "status") else command
    result = cli(*args, env=env)
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == sentence


def test_a_settings_file_of_another_name_is_named_as_it_is(cli, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("nonsense = 1\n", encoding="utf-8")
    result = cli("config", "show", env={"DESKTERM_SETTINGS": str(path)})
    assert result.exit_code == 1
    assert result.stderr.strip() == "s.toml has an unknown setting: nonsense."


def numeric_extremes(which: type) -> dict[str, str]:
    """Every whole-number setting at its bound (annotated_types.Ge or Le), as DESKTERM_ variables."""
    from deskterm.config import SlaPolicy

    env = {}
    for cls, prefix in ((Settings, "DESKTERM_"), (SlaPolicy, "DESKTERM_SLA__")):
        for name, info in cls.model_fields.items():
            if info.annotation is int:
                bound = next(m for m in info.metadata if isinstance(m, which))
                env[prefix + name.upper()] = str(getattr(bound, which.__name__.lower()))
    return env


@pytest.mark.parametrize("which", ["Ge", "Le"])
def test_every_number_accepted_works(cli, desk_db, which):
    """Issue 20: a setting at its bound is accepted and works (no OverflowError from a time)."""
    import annotated_types

    env = {
        **numeric_extremes(getattr(annotated_types, which)),
        "DESKTERM_USER": "boss",
        "DESKTERM_PASSWORD": "boss-pass-1",
    }
    for args in (
        ("config", "show"),
        ("notice", "--db", desk_db),
        ("db", "backup", "--db", desk_db),
        ("db", "status", "--db", desk_db),
    ):
        result = cli(*args, env=env)
        assert "Unexpected" not in result.stderr, (args, result.stderr)
        assert result.exit_code == 0, (args, result.stderr)
