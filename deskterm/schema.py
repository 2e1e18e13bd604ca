"""The schema's version: create, upgrade and check a database through Alembic.

The TUI never migrates by itself (another desk may still run the old release): it calls
`ensure_current`, which raises SchemaOutdated naming the command to run.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from deskterm.errors import SchemaOutdated
from deskterm.i18n import _

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def ensure_current(engine: Engine) -> None:
    current = current_revision(engine)
    if current is None:
        raise SchemaOutdated(
            _("This database is empty or not a deskterm database; run `deskterm init` first.")
        )
    if current != head_revision():
        raise SchemaOutdated(
            _("This database was made by another release of deskterm; run `deskterm db upgrade`.")
        )
