"""The installation's audit key: the secret that keys the audit chain (HMAC-SHA256).

Kept outside the database, so that someone holding only the database file can neither
recompute the chain after an edit nor forge a record's seal (DESIGN "Audit"; issue 19).

- `DESKTERM_AUDIT_KEY`: the key itself (at least 32 characters), for a site whose desks share
  one PostgreSQL database: every desk must be given the same key.
- otherwise `audit.key` in the config folder (platformdirs; DESKTERM_CONFIG_DIR overrides),
  64 random hex characters, mode 0600 in a 0700 folder. Only `init` and `demo` on a new
  database (no event in its chain) and `db upgrade` of a chain made before the key create it
  (`create_key`): any other use without a key refuses in one sentence saying where the key
  must be, so that a desk never chains events the installation's key cannot verify.

Back the key up apart from the database backups: without it no chain can be verified, and
whoever holds both can rewrite history.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from deskterm.errors import DeskError
from deskterm.paths import config_dir, open_private, private_dir, private_file

KEY_ENV = "DESKTERM_AUDIT_KEY"
KEY_FILE = "audit.key"
MIN_ENV_LENGTH = 32

_cache: dict[str, bytes] = {}


class AuditKeyError(DeskError):
    """No usable key: one sentence saying where the installation's key must be."""


def key_path() -> Path:
    return config_dir() / KEY_FILE


def key_location() -> str:
    """Where this desk looks for the key, for a sentence."""
    return KEY_ENV if os.environ.get(KEY_ENV) is not None else str(key_path())


def _missing() -> AuditKeyError:
    from deskterm.i18n import _

    return AuditKeyError(
        _(
            "This desk has no audit key: copy the installation's key to {path} (mode 0600) or set {env}; nothing was done."
        ).format(path=key_path(), env=KEY_ENV)
    )


def has_key() -> bool:
    return os.environ.get(KEY_ENV) is not None or key_path().exists()


def create_key() -> None:
    """Make the key file if there is no key: for `init` and `demo` on a new database only."""
    if has_key():
        return
    path = key_path()
    private_dir(path.parent, own=True)
    try:
        with open_private(path, "w", exclusive=True, encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    except FileExistsError:  # another desk made it meanwhile
        pass


def audit_key() -> bytes:
    """The key: from DESKTERM_AUDIT_KEY, else the key file; AuditKeyError if there is none."""
    from deskterm.i18n import _

    env = os.environ.get(KEY_ENV)
    if env is not None:
        env = env.strip()
        if len(env) < MIN_ENV_LENGTH:
            raise AuditKeyError(
                _("{env} must hold at least {n} characters.").format(env=KEY_ENV, n=MIN_ENV_LENGTH)
            )
        return env.encode()
    path = key_path()
    cached = _cache.get(str(path))
    if cached is not None:
        return cached
    if not path.exists():
        raise _missing()
    private_file(path)
    key = path.read_text(encoding="ascii").strip().encode()
    if len(key) < MIN_ENV_LENGTH:
        raise AuditKeyError(_("{path} holds no usable audit key.").format(path=path))
    _cache[str(path)] = key
    return key
