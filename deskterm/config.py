"""Settings: documented fields with the seed's defaults, read from settings.toml and the environment.

The file is `settings.toml` in the config folder (see paths.py); every field may be left out.
"""

from __future__ import annotations

import os
import re
import tomllib
import typing
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from deskterm.errors import DeskError
from deskterm.i18n import LANGUAGES, _, normalise_language
from deskterm.paths import config_dir


class SettingsError(DeskError, ValueError):
    """settings.toml holds a value deskterm cannot use; the sentence names the setting."""


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
    # The site's language: the lines the app writes into records itself (logbook lines,
    # handover items) are in it, whatever language an operator's screen speaks.
    site_lang: str = "zh_CN"
    timezone: str = "Asia/Shanghai"
    post: str = "前台"  # the desk (post) this terminal serves
    idle_lock_minutes: int = 5
    failed_login_limit: int = 5
    failed_login_lock_minutes: int = 15
    min_password_length: int = 8
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    warranty_months: int = 3  # D-35
    repair_callback_hours: int = 48
    repair_backdate_hours: int = 72  # how far back a reported time may go (D-31, case 1)
    dispatch_minutes: int = 15  # "passed to engineering at once" (D-36): flagged after this
    quotation_days: int = 2  # jobs of this many work-days or more need a quotation (D-34)
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
    backup_dir: str | None = None  # `db backup` without a path writes here (default: data folder/backups)
    backup_keep_days: int = 14  # dated backups older than this are removed after a new one
    backup_max_age_hours: int = 26  # `db status` exits 1 when the last backup is older
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
        if normalise_language(self.site_lang) is None:
            raise SettingsError(_("The setting site_lang is one of {choices}, not {value!r}.").format(
                choices=", ".join(LANGUAGES), value=self.site_lang))
        if self.printer not in PRINTERS:
            raise SettingsError(_("The setting printer is one of {choices}, not {value!r}.").format(
                choices=", ".join(PRINTERS), value=self.printer))
        for text in self.shift_starts:
            if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", str(text).strip()):
                raise SettingsError(_("The setting shift_starts holds times like 08:00, not {value!r}.").format(value=text))
        if not self.shift_starts:
            raise SettingsError(_("The setting shift_starts needs at least one time."))
        for key, value in dict(self.callback_due).items():
            if not re.fullmatch(r"shift_end|[1-9][0-9]{0,3}[hd]", str(value).strip()):
                raise SettingsError(_("The setting callback_due.{key} is shift_end, <n>h or <n>d, not {value!r}.").format(key=key, value=value))


PRINTERS = ("text", "escpos")

# The smallest value of each numeric setting (issue 18 H): a count, a time or a length is never
# negative, and the ones that divide or limit something are never 0. 0 where it has a meaning
# (idle_lock_minutes: no lock). Every numeric field must be here (tests/unit/test_settings_values.py).
MINIMUM: dict[str, float] = {
    "idle_lock_minutes": 0,
    "failed_login_limit": 1,
    "failed_login_lock_minutes": 0,
    "min_password_length": 1,
    "warranty_months": 0,
    "repair_callback_hours": 0,
    "complaint_reply_hours": 1,
    "complaint_callback_days": 0,
    "long_stay_minutes": 1,
    "visitor_retention_days": 1,
    "backup_keep_days": 0,
    "backup_max_age_hours": 1,
    "urgent_onsite_minutes": 1,
    "urgent_fix_minutes": 1,
    "general_fix_minutes": 1,
    "near_breach_fraction": 0,
    "repair_backdate_hours": 0,  # 0: a repair is reported now, never earlier
    "dispatch_minutes": 1,
    "quotation_days": 1,
    "inquiry_tries": 1,  # D-22: at least one try before "not reached"
}
MAXIMUM: dict[str, float] = {"near_breach_fraction": 1}


def _check(name: str, kind, value):
    """`value` as the field's type, or one sentence naming the setting."""
    origin = typing.get_origin(kind)
    if kind is int or kind is float:
        number_ok = isinstance(value, int) if kind is int else isinstance(value, int | float)
        low, high = MINIMUM[name], MAXIMUM.get(name)
        if not number_ok or isinstance(value, bool) or value < low or (high is not None and value > high):
            if kind is int:
                raise SettingsError(_("The setting {name} must be a whole number of at least {low}, not {value!r}.")
                                    .format(name=name, low=int(low), value=value))
            raise SettingsError(_("The setting {name} must be a number from {low} to {high}, not {value!r}.")
                                .format(name=name, low=low, high=high, value=value))
        return kind(value)
    if kind is str:
        if not isinstance(value, str):
            raise SettingsError(_("The setting {name} must be text in quotes, not {value!r}.").format(
                name=name, value=value))
        return value
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingsError(_("The setting {name} must be a list of texts, such as [\"a\", \"b\"].")
                                .format(name=name))
        return tuple(value)
    if isinstance(kind, type) and kind is SlaPolicy:
        if not isinstance(value, dict):
            raise SettingsError(_("The setting {name} must be a table ([{name}] with its own lines).")
                                .format(name=name))
        return _coerce(value, SlaPolicy)
    args = typing.get_args(kind)  # X | None: TOML has no null, so a value is an X
    if type(None) in args:
        return _check(name, next(a for a in args if a is not type(None)), value)
    raise SettingsError(_("The setting {name} cannot be read.").format(name=name))  # pragma: no cover


def _coerce(section: dict, cls):
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    kwargs = {}
    for key, value in section.items():
        if key not in known:
            raise SettingsError(_("settings.toml has an unknown setting: {name}.").format(name=key))
        kwargs[key] = _check(key, hints[key], value)
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
