"""Where deskterm keeps its files: the platform's user data and config folders, and data/."""

from __future__ import annotations

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


def default_db_path() -> Path:
    return data_dir() / "deskterm.db"


def reference_data_dir() -> Path:
    """The reference data shipped with the app (top-level data/, installed as deskterm.data)."""
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "repair_categories.csv").exists():
        return checkout
    try:
        import deskterm.data as shipped  # installed wheel: data/ is packaged as deskterm.data
    except ImportError as exc:  # a broken install: say so in one sentence, not a traceback
        raise DeskError(
            _("The reference data shipped with deskterm is missing from this install; reinstall deskterm.")
        ) from exc
    return Path(next(iter(shipped.__path__)))
