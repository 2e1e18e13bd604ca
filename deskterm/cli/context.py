"""What every command needs: the shared options, the engine, the clock, and who is acting."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from deskterm.cli import passwords
from deskterm.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from deskterm.clock import Clock
    from deskterm.config import Settings
    from deskterm.services.actor import Actor

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="DESKTERM_DB",
        metavar="PATH|URL",
        help=_("Database: a file path or a SQLAlchemy URL (default: the user data folder)."),
        show_default=False,
    ),
]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        envvar="DESKTERM_USER",
        metavar="CODE",
        help=_("Staff code to act as (the password is asked, or read from DESKTERM_PASSWORD)."),
        show_default=False,
    ),
]


@dataclass
class Desk:
    engine: Engine
    settings: Settings
    clock: Clock


def open_desk(db: str | None, *, check_schema: bool = True, create: bool = False) -> Desk:
    """The engine for --db with the settings and the system clock; refuses an old schema.

    Only `create` (init, demo) may make a new database: anything else refuses a --db that is
    empty or names a SQLite file that does not exist (a typo must not leave an empty database
    behind), in one sentence."""
    from deskterm.clock import SystemClock
    from deskterm.config import load_settings
    from deskterm.db import make_engine

    if db is not None and not db.strip():
        raise typer.BadParameter(
            _("--db is empty: name a database file or URL, or leave --db out for the default."),
            param_hint="--db",
        )
    settings = load_settings(db=db)
    if not create:
        require_existing(settings.db)
        require_deskterm_file(settings.db, current=check_schema)
    engine = make_engine(settings.db)
    if check_schema:
        from deskterm import schema

        schema.ensure_current(engine)
    return Desk(engine=engine, settings=settings, clock=SystemClock())


def require_existing(db: str | None) -> None:
    """Refuse a SQLite database file that does not exist (PostgreSQL is checked on connecting)."""
    from deskterm.dburl import resolve_url, sqlite_path

    path = sqlite_path(resolve_url(db))
    if path is not None and not path.exists():
        raise typer.BadParameter(
            _(
                "There is no database at {path}: check the path, or create one with "
                "`deskterm init --db {path}`."
            ).format(path=path),
            param_hint="--db",
        )


def require_deskterm_file(db: str | None, *, current: bool) -> None:
    """A SQLite file is looked at read-only before any engine opens it (opening sets WAL,
    which writes): an empty file, another program's file or a database without deskterm's
    schema is refused as it is, untouched (only init, demo and restore make a database);
    `current` also refuses another release's schema (db upgrade and db status take it)."""
    from deskterm.dburl import resolve_url, sqlite_path
    from deskterm.schema import check_revision, sqlite_revision

    path = sqlite_path(resolve_url(db))
    if path is None:
        return
    revision = sqlite_revision(path)
    if revision is None:  # a damaged file is not "another program's": restore is the way out
        from deskterm.services.admin import restore as db_restore

        reason = db_restore.sqlite_damage(path)
        if reason:
            raise db_restore.damaged(path, reason)
    if revision is None or current:
        check_revision(revision)


def act_as(desk: Desk, user: str | None, action: str) -> Actor:
    """Sign in as --user and check that the role may run `action`; a denial is audited."""
    from deskterm.errors import AuthFailed
    from deskterm.services import permissions
    from deskterm.services.actor import Actor
    from deskterm.services.admin import users

    if not user:
        raise AuthFailed(_("Name the staff member with --user (or DESKTERM_USER)."))
    password = os.environ.get("DESKTERM_PASSWORD")
    if password is None:
        password = passwords.ask(_("Password"))  # on stderr: stdout is data
        os.environ["DESKTERM_PASSWORD"] = password  # `passwd` checks it again as the current one
    account = users.sign_in(
        engine=desk.engine, clock=desk.clock, settings=desk.settings, code=user, password=password
    )
    actor = Actor.from_user(account)
    if account.must_change_password and action != "account.password":
        raise AuthFailed(
            _(
                "{code} must change the password first: deskterm passwd --user {code}, or sign in to the desk app."
            ).format(code=account.code)
        )
    permissions.authorize(engine=desk.engine, clock=desk.clock, actor=actor, action=action)
    return actor


def act_as_without_writing(desk: Desk, user: str | None, action: str) -> Actor:
    """Sign in as --user for `action` without writing anything (the password checked with
    argon2, the role with the roles table): for `audit verify` when the chain refuses events."""
    from deskterm.errors import AuthFailed
    from deskterm.services import permissions
    from deskterm.services.actor import Actor
    from deskterm.services.admin import users

    if not user:
        raise AuthFailed(_("Name the staff member with --user (or DESKTERM_USER)."))
    password = os.environ.get("DESKTERM_PASSWORD")
    if password is None:
        password = passwords.ask(_("Password"))
    found = users.check_password_any_schema(desk.engine, user, password)
    if found is None:
        raise AuthFailed(_("Wrong staff code or password."))
    actor = Actor(found["id"], found["code"], found["name"], found["role"], None)
    permissions.require(actor, action)
    return actor


def act_as_admin_for_upgrade(desk: Desk, user: str | None) -> Actor:
    """`db upgrade` signs in on a schema that may be older than this release's models: the
    account is read with the columns every release has, and the role must be admin (POLICY
    db.manage)."""
    return act_as_without_writing(desk, user, "db.manage")
