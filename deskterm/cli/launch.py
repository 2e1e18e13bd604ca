"""Opening the desk app: `deskterm`, `deskterm --db X`, `deskterm run --db X`.

The app's first screen (sign-in) needs neither the command line (Typer) nor the database
layer (SQLAlchemy, the models, Alembic): together they took longer to import than Textual
itself. So plain `deskterm [run] [--db X]` comes here straight from `cli.main.run` without
building the Typer app, a SQLite database's schema is checked with the standard library,
and the engine is opened by the app in a thread once the sign-in screen is painted, while
the operator types (bench/bench_tui.py measures it). Anything else — another option, a
PostgreSQL URL — takes the ordinary way.
"""

from __future__ import annotations

import os
import sys


def app_db_option(argv: list[str]) -> tuple[bool, str | None]:
    """(True, --db value) when argv only opens the app: [run] [--db X | --db=X]."""
    args = list(argv)
    if args[:1] == ["run"]:
        args = args[1:]
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db" and not args[1].startswith("-"):
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > 5:
        return True, args[0][5:]
    return False, None


def launch(db: str | None) -> int:
    """Open the app; a failure gets the command line's one sentence and exit code."""
    try:
        open_app(db)
    except BaseException as exc:  # the same boundary as every command (cli/errors.py)
        from deskterm.cli.errors import guarded

        failure = exc

        def again() -> None:
            raise failure

        return guarded(again)
    return 0


def served_to_browser() -> bool:
    """The app runs in a browser tab started by `deskterm serve` (see tui/actions.in_browser)."""
    from deskterm.tui.actions import in_browser

    return in_browser()


def paints_first() -> bool:
    """Whether the desk app paints before it validates its settings: on a terminal (a pipe,
    a browser's session or a test runner validates first; bench/tui_first_paint.py measures
    the terminal's way)."""
    return sys.stdout.isatty()


def open_app(db: str | None) -> None:
    """Settings, the schema check, then the app; the engine opens after the first paint."""
    from deskterm.clock import SystemClock
    from deskterm.dburl import resolve_url, sqlite_path
    from deskterm.i18n import current_language
    from deskterm.settings_draft import read_draft

    if db is not None and not db.strip():  # `--db ""`: not the default database by accident
        from deskterm.errors import InvalidInput
        from deskterm.i18n import _

        raise InvalidInput(
            _("--db is empty: name a database file or URL, or leave --db out for the default.")
        )
    db = db or os.environ.get("DESKTERM_DB") or None

    def load_settings():
        from deskterm.config import load_settings as validated

        return validated(db=db)

    # A terminal's desk paints the sign-in screen from a draft and validates right after the
    # paint (settings_draft.py: pydantic is a third of the time to the first screen); anything
    # else (a pipe, a test, a file the draft cannot read) validates before the app opens.
    draft = read_draft(db) if paints_first() else None
    if draft is not None:
        settings, db_url = None, draft.db
    else:
        settings = load_settings()
        db_url = settings.db
    path = sqlite_path(resolve_url(db_url))
    engine = None
    deferred = False  # the schema is checked when the app opens the engine, in its thread
    if path is not None:
        from deskterm.schema import check_revision, sqlite_revision

        check_revision(sqlite_revision(path))
    elif served_to_browser():
        # A browser tab (`deskterm serve`): a failure here would only close the page's session
        # ("Session ended"). The sign-in screen comes up instead, and the first database work
        # (signing in) shows the app's own "the database could not be reached" sentence.
        deferred = True
    else:
        from deskterm import schema
        from deskterm.db import make_engine

        if settings is None:  # the server is opened before the paint anyway: validate now
            settings = load_settings()
        engine = make_engine(db_url)
        schema.ensure_current(engine)

    def open_engine():
        from deskterm.db import make_engine

        opened = make_engine(db_url)
        if deferred:
            from deskterm import schema

            schema.ensure_current(opened)
        return opened

    from deskterm.tui.app import make_app  # Textual is imported only here

    app = make_app(
        settings=settings,
        engine=engine,
        open_engine=open_engine,
        clock=SystemClock(),
        lang=current_language(),
        live=True,
        draft=draft,
        load_settings=load_settings,
    )
    app.run()
    if app.settings_error is not None:
        raise app.settings_error  # its one sentence, exit 1 (cli/errors.py)
