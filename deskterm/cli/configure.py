"""`deskterm config path|show`: where the settings file is, and the settings in force with
where each value came from (the default, the file or a DESKTERM_ environment variable)."""

from __future__ import annotations

import json
import re
from typing import Any

import typer

from deskterm.i18n import N_, _

ORIGIN_WORDS = {
    "default": N_("default"),
    "file": N_("file"),
    "env": N_("environment"),
    "option": N_("option"),
}


def toml_value(value: Any) -> str:
    """A value as TOML (the output of `config show` can be pasted into settings.toml)."""
    if isinstance(value, bool):  # pragma: no cover - no setting is a bool today
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items()
            )
            + "}"
        )
    raise TypeError(type(value).__name__)  # pragma: no cover


def show_lines() -> list[str]:
    """settings.toml lines of every setting in force, each with where it came from."""
    from deskterm.config import DEFAULT, load_with_origins
    from deskterm.paths import settings_path

    path = settings_path()
    settings, origins = load_with_origins(path)
    from deskterm.tui.keymap import user_keymap

    user_keymap(settings.keymap)  # the keymap's action ids, checked as the desk app checks them
    state = _("read") if path.exists() else _("not found")
    lines = [f"# {path} ({state})"]

    def line(key: str, value: Any, origin: str) -> str:
        said = _(ORIGIN_WORDS[origin])
        if value is None:
            return f"# {key} = ({_('not set')})  # {said}"
        return f"{key} = {toml_value(value)}  # {said}"

    for name in type(settings).model_fields:
        if name != "sla":
            value = getattr(settings, name)
            if name == "db" and value:
                value = _without_password(value)
            lines.append(line(name, value, origins.get(name, DEFAULT)))
    lines.append("[sla]")
    for name in type(settings.sla).model_fields:
        lines.append(line(name, getattr(settings.sla, name), origins.get(f"sla.{name}", DEFAULT)))
    return lines


# A password in the URL's query (?password=..., passwd, pwd: any case), and the user's password
# when the URL cannot be parsed.
_QUERY_PASSWORD = re.compile(r"([?&](?:password|passwd|pwd)=)[^&#]*", re.IGNORECASE)
_USER_PASSWORD = re.compile(r"(://[^:/@?#]*):[^@/?#]*@")


def _without_password(db: str) -> str:
    """A database URL as shown on screen: its passwords as *** (a path is shown as it is)."""
    if "://" not in db:
        return db
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        shown = make_url(db).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        shown = _USER_PASSWORD.sub(r"\1:***@", db)
    return _QUERY_PASSWORD.sub(r"\1***", shown)


def register(app: typer.Typer) -> None:
    config_app = typer.Typer(
        help=_("The settings: where the file is, and the values in force."), no_args_is_help=True
    )
    app.add_typer(config_app, name="config")

    @config_app.command(
        "path",
        help=_(
            "Print the path of the settings file (it may not exist "
            "yet; settings.example.toml lists every setting)."
        ),
    )
    def config_path() -> None:
        from deskterm.paths import settings_path

        typer.echo(str(settings_path()))

    @config_app.command(
        "show",
        help=_(
            "Print every setting in force, each with where it came "
            "from: default, file or environment (DESKTERM_...)."
        ),
    )
    def config_show() -> None:
        from deskterm.config import stray_variables, stray_warning

        typer.echo("\n".join(show_lines()))
        for var in stray_variables():  # a typo'd DESKTERM_ name: said, not refused
            typer.echo(stray_warning(var), err=True)
