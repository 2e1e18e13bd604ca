"""Where deskterm keeps its files: the platform's user data and config folders, and data/."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from deskterm.errors import DeskError
from deskterm.i18n import _

APP_NAME = "deskterm"


def data_dir() -> Path:
    """The user data folder (the default database lives here); DESKTERM_DATA_DIR overrides."""
    override = os.environ.get("DESKTERM_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The user config folder (settings.toml); DESKTERM_CONFIG_DIR overrides."""
    override = os.environ.get("DESKTERM_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    """The settings file: DESKTERM_SETTINGS, else settings.toml in the config folder."""
    named = os.environ.get("DESKTERM_SETTINGS")
    return Path(named) if named else config_dir() / "settings.toml"


def default_db_path() -> Path:
    return data_dir() / "deskterm.db"


def reference_data_dir() -> Path:
    """The reference data shipped with the app (top-level data/, installed as deskterm.data)."""
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "repair_categories.csv").exists():
        return checkout
    try:
        # an installed wheel: data/ is packaged as deskterm.data (absent from a checkout)
        shipped = importlib.import_module("deskterm.data")
    except ImportError as exc:  # a broken install: say so in one sentence, not a traceback
        raise DeskError(
            _(
                "The reference data shipped with deskterm is missing from this install; reinstall deskterm."
            )
        ) from exc
    return Path(next(iter(shipped.__path__)))


# Every file deskterm writes is readable by its owner only, whatever the umask (issue 19 item 5):
# the database and its -wal/-shm, backups, upgrade copies, exports, reports, sheets, work orders
# and the audit key all hold residents' data or secrets. Writers go through these helpers.
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(folder: Path, *, own: bool = False) -> Path:
    """Make `folder` (and missing parents) 0700. An existing folder keeps its mode unless it is
    one of deskterm's own (`own`: the data and config folders and those inside them); a folder
    the user named (e.g. for --out) is theirs."""
    folder = Path(folder)
    if own and folder.is_dir():
        os.chmod(folder, PRIVATE_DIR)
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for made in reversed(missing):
        made.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        os.chmod(made, PRIVATE_DIR)
    return folder


def private_file(path: Path) -> Path:
    """Set an existing file to owner-only (a file written by a library, e.g. sqlite3)."""
    if Path(path).exists():
        os.chmod(path, PRIVATE_FILE)
    return Path(path)


def open_private(path: Path, mode: str = "w", *, exclusive: bool = False, **kwargs):
    """open() for a file only its owner can read: created 0600, an existing one set to 0600."""
    path = Path(path)
    private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else 0)
    flags |= os.O_APPEND if "a" in mode else (0 if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def open_private_fd(path: Path) -> int:
    """A raw descriptor, read and write, on a file only its owner can read (created 0600, an
    existing one set to 0600): for a small state file updated under a lock (audit_witness)."""
    path = Path(path)
    private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_private_text(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    with open_private(path, "w", encoding=encoding) as fh:
        fh.write(text)
    return Path(path)


def private_sqlite(path: Path) -> None:
    """A SQLite database and its companions (-wal, -shm, -journal) set to owner-only."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        private_file(Path(f"{path}{suffix}"))
