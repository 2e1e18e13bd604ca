"""The installation's audit key: the secret that keys the audit chain (HMAC-SHA256).

Kept outside the database, so that someone holding only the database file can neither
recompute the chain after an edit nor forge a record's seal (DESIGN "Audit"; issue 19).

- `DESKTERM_AUDIT_KEY`: the key itself (at least 32 characters), for a site whose desks share
  one PostgreSQL database: every desk must be given the same key.
- otherwise `audit.key` in the config folder (platformdirs; DESKTERM_CONFIG_DIR overrides),
  made on first need with 64 random hex characters, mode 0600 in a 0700 folder.

Back the key up apart from the database backups: without it no chain can be verified, and
whoever holds both can rewrite history.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from deskterm.paths import config_dir, open_private, private_dir, private_file

KEY_ENV = "DESKTERM_AUDIT_KEY"
KEY_FILE = "audit.key"
MIN_ENV_LENGTH = 32

_cache: dict[str, bytes] = {}


class AuditKeyError(RuntimeError):
    """The key is unusable (too short, unreadable)."""


def key_path() -> Path:
    return config_dir() / KEY_FILE


def audit_key() -> bytes:
    """The key: from DESKTERM_AUDIT_KEY, else the key file (made if missing)."""
    env = os.environ.get(KEY_ENV)
    if env is not None:
        env = env.strip()
        if len(env) < MIN_ENV_LENGTH:
            raise AuditKeyError(f"{KEY_ENV} must hold at least {MIN_ENV_LENGTH} characters")
        return env.encode()
    path = key_path()
    cached = _cache.get(str(path))
    if cached is not None:
        return cached
    private_dir(path.parent, own=True)
    if not path.exists():
        try:
            with open_private(path, "w", exclusive=True, encoding="ascii") as fh:
                fh.write(secrets.token_hex(32) + "\n")
        except FileExistsError:  # another desk made it meanwhile
            pass
    private_file(path)
    key = path.read_text(encoding="ascii").strip().encode()
    if len(key) < MIN_ENV_LENGTH:
        raise AuditKeyError(f"{path} holds no usable key")
    _cache[str(path)] = key
    return key
