"""The audit witness: the highest (seq, hash) of the chain this machine has seen committed, per
database, kept outside the database beside the audit key (issue 19, B1).

The chain and the handovers' anchors live in the database: someone holding the file can delete
the last events, set `audit_head` back and revert the rows those events sealed, and the chain
still verifies. Each process that writes keeps here, after every commit, the head it wrote (only
ever higher); `audit verify` checks that the chain still holds that event with that hash.

- One file per database, `audit-witness/<id>` in the config folder (0600 in a 0700 folder):
  `<id>` is a digest of the database's location (the SQLite file's absolute path, or
  PostgreSQL's host, port and database name), the file holds "seq hash".
- Updated under an exclusive lock (fcntl), so that desks of one machine never lower it.
- `init` and `demo` on a new database, and `db restore`, start it afresh (`forget`).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from typing import Any

from deskterm.paths import config_dir, open_private_fd, private_dir

FOLDER = "audit-witness"


def identity(url: Any) -> str:
    """The database's identity for its witness: where it lives, never its password."""
    from sqlalchemy.engine import make_url

    url = make_url(str(url)) if not hasattr(url, "drivername") else url
    if url.drivername.startswith("sqlite"):
        where = "sqlite:" + str(Path(url.database or "").resolve())
    else:
        where = f"{url.get_backend_name()}:{url.host}:{url.port}/{url.database}"
    return hashlib.sha256(where.encode()).hexdigest()[:32]


def witness_path(url: Any) -> Path:
    return config_dir() / FOLDER / identity(url)


def read(url: Any) -> tuple[int, str] | None:
    """The (seq, hash) this machine saw committed last in that database, or None."""
    path = witness_path(url)
    try:
        text = path.read_text(encoding="ascii").split()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if len(text) != 2 or not text[0].isdigit():
        return None
    return int(text[0]), text[1]


def note(url: Any, seq: int, digest: str) -> None:
    """Keep (seq, hash) if seq is higher than what the witness holds."""
    path = witness_path(url)
    private_dir(path.parent, own=True)
    fd = open_private_fd(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        held = os.read(fd, 200).decode("ascii", "replace").split()
        if len(held) == 2 and held[0].isdigit() and int(held[0]) >= seq:
            return
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, f"{seq} {digest}\n".encode("ascii"))
    finally:
        os.close(fd)  # releases the lock


def forget(url: Any) -> None:
    """A new database at that place, or one restored on purpose: the witness starts afresh."""
    try:
        witness_path(url).unlink()
    except FileNotFoundError:
        pass
