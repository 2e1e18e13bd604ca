"""The `deskterm` command: the root Typer app, the language switch and the error boundary."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from deskterm.i18n import _, set_language

if TYPE_CHECKING:
    import typer


def _take_lang(argv: list[str]) -> tuple[str | None, list[str]]:
    """Find `--lang X` / `--lang=X` anywhere in argv (it must apply before help is built)."""
    lang = None
    rest: list[str] = []
    skip = False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
            skip = True
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return lang, rest


def _settings_language() -> str | None:
    """The settings' `lang` when neither --lang nor DESKTERM_LANG names one (it must apply
    before help is built). No settings file: nothing to read. A bad one is left to the
    command, whose error boundary says it in one sentence."""
    from deskterm.paths import settings_path

    if not settings_path().exists():
        return None
    from deskterm.config import SettingsError, load_settings

    try:
        return load_settings().lang
    except SettingsError:
        return None


def build_app() -> typer.Typer:
    import typer

    from deskterm.cli import admin, desk

    app = typer.Typer(
        name="deskterm",
        help=_(
            "deskterm: the front desk of a property-management office. "
            "Without a command it opens the desk app. Use --lang zh|en to choose the language."
        ),
        no_args_is_help=False,
        invoke_without_command=True,
        pretty_exceptions_enable=False,
        add_completion=True,  # --install-completion / --show-completion: bash, zsh, fish
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    desk.register(app)
    admin.register(app)
    from deskterm.cli import engineers, purge

    purge.register(app)
    engineers.register(app)
    from deskterm.cli import export, importer, notice, report

    export.register(app)
    report.register(app)
    importer.register(app)
    from deskterm.cli import serve

    serve.register(app)
    notice.register(app)
    from deskterm.cli import configure

    configure.register(app)
    return app


def run(argv: list[str] | None = None) -> None:
    """Entry point of the console script: never lets a traceback reach the user."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang, argv = _take_lang(argv)
    if lang is None and not os.environ.get("DESKTERM_LANG"):
        lang = _settings_language()
    try:
        set_language(lang)
    except ValueError:
        sys.stderr.write(f"Unknown language {lang!r}: use zh or en.\n")
        raise SystemExit(2) from None
    from deskterm.cli.launch import app_db_option, launch

    opens_app, db = app_db_option(argv)
    completing = "_DESKTERM_COMPLETE" in os.environ  # the shell asks for completions
    if opens_app and not completing:  # the desk app alone: no Typer to build (cli/launch.py)
        raise SystemExit(launch(db))
    command = build_command()
    from deskterm.cli.errors import guarded

    raise SystemExit(
        guarded(lambda: command.main(args=argv, prog_name="deskterm", standalone_mode=False))
    )


def build_command():
    """The app as the Click command that runs it, every command's help fitted to 80 columns
    in the chosen language (cli/helpfmt.py)."""
    import typer

    from deskterm.cli.helpfmt import install

    command = typer.main.get_command(build_app())
    install(command)
    return command
