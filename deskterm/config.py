"""Settings: documented fields with the seed's defaults, read from settings.toml and the environment.

The file is `settings.toml` in the config folder (see paths.py); every field may be left out.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from deskterm.paths import config_dir


@dataclass(frozen=True)
class SlaPolicy:
    """Repair time limits of D-31, in minutes from the report."""

    urgent_onsite_minutes: int = 120
    urgent_fix_minutes: int = 24 * 60
    general_fix_minutes: int = 72 * 60
    near_breach_fraction: float = 0.25  # amber when less than this share of the time is left


@dataclass(frozen=True)
class Settings:
    db: str | None = None  # path or SQLAlchemy URL; None = the platform default
    lang: str | None = None  # "zh_CN" | "en"; None = from the locale
    timezone: str = "Asia/Shanghai"
    post: str = "前台"  # the desk (post) this terminal serves
    idle_lock_minutes: int = 5
    failed_login_limit: int = 5
    failed_login_lock_minutes: int = 15
    min_password_length: int = 8
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    warranty_months: int = 3  # D-35
    repair_callback_hours: int = 48
    complaint_reply_hours: int = 24
    complaint_callback_days: int = 3
    inquiry_tries: int = 3  # D-22: tries before "not reached" may close an inquiry
    # D-32, the published notice of where and when repairs are reported: the place (empty:
    # the desk, `post`), the hours, and the directory's phone entries whose names hold these
    repair_report_place: str = ""
    repair_report_hours: str = "08:00-20:00"
    repair_phone_names: tuple[str, ...] = ("报修", "工程", "客户服务", "前台")
    # The desk's roster: when shifts start (desk time); a shift ends where the next begins.
    shift_starts: tuple[str, ...] = ("08:00", "20:00")
    # When a callback (回访) falls due, by what it follows (services.callbacks.due): keys
    # "repair", "repair.urgent", "repair.general", "repair.<category code>", "complaint",
    # "complaint.<category>", "from_complaint" (a repair or complaint that came from a
    # complaint, case 1); values "shift_end" (before this shift ends), "<n>h" or "<n>d".
    # A kind without a key of its own falls back to repair_callback_hours or
    # complaint_callback_days.
    callback_due: dict[str, str] = field(default_factory=lambda: {
        "repair.urgent": "shift_end",
        "from_complaint": "shift_end",
    })
    long_stay_minutes: int = 240
    visitor_retention_days: int = 180
    print_command: str | None = None  # e.g. "lp"; the printout is sent on stdin
    printer: str = "text"  # "text": UTF-8 text; "escpos": a receipt printer, slip numbers as barcodes
    self_check_items: tuple[str, ...] = (
        "appearance",
        "desk_tidy",
        "equipment",
    )
    physical_items: tuple[str, ...] = (
        "keys",
        "blank_slips",
        "temporary_passes",
        "parcels",
        "borrowed_tools",
    )

    def __post_init__(self) -> None:
        if self.printer not in PRINTERS:
            raise ValueError(f"printer in settings.toml is one of {', '.join(PRINTERS)}, not {self.printer!r}")
        for text in self.shift_starts:
            if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", str(text).strip()):
                raise ValueError(f"shift_starts in settings.toml holds times like 08:00, not {text!r}")
        if not self.shift_starts:
            raise ValueError("shift_starts in settings.toml needs at least one time")
        for key, value in dict(self.callback_due).items():
            if not re.fullmatch(r"shift_end|[1-9][0-9]{0,3}[hd]", str(value).strip()):
                raise ValueError(f"callback_due.{key} in settings.toml is shift_end, <n>h or "
                                 f"<n>d, not {value!r}")


PRINTERS = ("text", "escpos")


def _coerce(section: dict, cls):
    known = {f.name: f for f in fields(cls)}
    kwargs = {}
    for key, value in section.items():
        if key not in known:
            raise ValueError(f"unknown setting: {key}")
        if key == "sla" and isinstance(value, dict):
            value = _coerce(value, SlaPolicy)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[key] = value
    return cls(**kwargs)


def load_settings(path: Path | None = None, **overrides) -> Settings:
    """Settings from the file (if any), then DESKTERM_* environment variables, then overrides."""
    path = path or Path(os.environ.get("DESKTERM_SETTINGS", config_dir() / "settings.toml"))
    settings = Settings()
    if path.exists():
        with path.open("rb") as fh:
            settings = _coerce(tomllib.load(fh), Settings)
    env = {}
    if os.environ.get("DESKTERM_DB"):
        env["db"] = os.environ["DESKTERM_DB"]
    if os.environ.get("DESKTERM_LANG"):
        env["lang"] = os.environ["DESKTERM_LANG"]
    settings = replace(settings, **env)
    clean = {k: v for k, v in overrides.items() if v is not None}
    return replace(settings, **clean)
