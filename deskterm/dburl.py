"""Where the database is: `--db` / DESKTERM_DB as a SQLAlchemy URL, without loading SQLAlchemy.

Kept apart from deskterm.db so that the desk app can find (and check) its SQLite file before
SQLAlchemy is imported: its first screen paints without it (bench/bench_tui.py).
"""

from __future__ import annotations

from pathlib import Path

from deskterm.paths import default_db_path


class DatabaseUrlError(ValueError):
    """The --db value is neither a usable path nor a SQLAlchemy URL."""


def resolve_url(db: str | None) -> str:
    """A SQLAlchemy URL from --db / DESKTERM_DB: a URL is kept, a path becomes sqlite:///path."""
    if not db:
        from deskterm.paths import private_dir

        path = default_db_path()
        private_dir(path.parent, own=True)
        return f"sqlite:///{path}"
    if "://" in db:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(db)
        except ArgumentError as exc:
            raise DatabaseUrlError(db) from exc
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise DatabaseUrlError(db)
        return db
    path = Path(db).expanduser()
    if path.is_dir():
        raise DatabaseUrlError(db)
    if not path.parent.exists():
        raise DatabaseUrlError(db)
    return f"sqlite:///{path.resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file of a plain sqlite:/// URL (None for anything else: memory, PostgreSQL ...)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or url == prefix or url.endswith(":memory:"):
        return None
    return Path(url[len(prefix) :])
