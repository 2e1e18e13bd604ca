"""The schema's version: create, upgrade and check a database through Alembic.

The TUI never migrates by itself (another desk may still run the old release): it calls
`ensure_current`, which raises SchemaOutdated naming the command to run.

Checking needs no Alembic (it costs a third of a second to import, on the desk app's way to
its first screen): the head is read from the revision files and the database's revision
from its `alembic_version` table. Creating and upgrading go through Alembic.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from deskterm.errors import SchemaOutdated
from deskterm.i18n import _

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision(?:\s*:\s*[\w\s|]+)?\s*=\s*['\"]([\w-]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision(?:\s*:\s*[^=]+)?\s*=\s*(None|['\"]([\w-]+)['\"]|\S.*)$", re.M)


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


@cache
def head_revision() -> str:
    """The newest revision: read from the files of a single line of revisions, else Alembic."""
    revisions, parents = set(), set()
    simple = True
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found, down = _REVISION.search(text), _DOWN.search(text)
        if found is None:
            continue
        revisions.add(found[1])
        if down is None or (down[1] != "None" and down[2] is None):
            simple = False  # a merge (a tuple of parents) or a spelling we do not read
        elif down[2]:
            parents.add(down[2])
    heads = revisions - parents
    if simple and len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # deskterm ships its migrations: none is a broken install
        raise RuntimeError("deskterm's migrations have no head revision")
    return head


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def sqlite_revision(path: Path) -> str | None:
    """The revision of a SQLite database file, read with the standard library (no engine)."""
    import sqlite3

    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if len(rows) == 1 else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as conn:
        upgrade_on(conn, revision)


def upgrade_on(conn: Connection, revision: str = "head") -> None:
    """Upgrade inside the caller's transaction (init adds its reference data to the same one)."""
    from alembic import command

    cfg = alembic_config(conn.engine)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


def check_revision(current: str | None) -> None:
    """Refuse a database that is not at this release's schema, naming the command to run."""
    if current is None:
        raise SchemaOutdated(
            _("This database is empty or not a deskterm database; run `deskterm init` first.")
        )
    if current != head_revision():
        raise SchemaOutdated(
            _("This database was made by another release of deskterm; run `deskterm db upgrade`.")
        )


def ensure_current(engine: Engine) -> None:
    check_revision(current_revision(engine))
