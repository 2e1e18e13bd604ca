"""Settings: one validated model (pydantic-settings) with the seed's defaults, read from
settings.toml and DESKTERM_* environment variables.

`Settings(...)` is exactly its arguments over the defaults, validated (tests and the demo build
it so); `load_settings()` layers the file, then the environment, then the command line's
options. The file is `settings.toml` in the config folder (paths.py; DESKTERM_SETTINGS names
another); every field may be left out. `settings.example.toml` at the repository root lists
every field with its default (tests/unit/test_settings_example.py keeps it exact).

Every field is checked by the model (types, bounds, formats, a real IANA time zone) and a bad
value is ONE translated sentence naming the setting (`SettingsError`), never a traceback.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
import typing
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings import SettingsError as SourceError

from deskterm.errors import DeskError
from deskterm.i18n import LANGUAGES, _, normalise_language
from deskterm.paths import settings_path
from deskterm.reasons import os_reason, toml_place


class SettingsError(DeskError, ValueError):
    """settings.toml or the environment holds a value deskterm cannot use; the sentence names
    the setting."""


# Numbers are strict: TOML 12, never "12" or true. Every numeric field has its bounds (issue 18
# H; tests/unit/test_settings_values.py): never negative, and never 0 where it divides or limits;
# and at most a sensible `le` (issue 20), so every value accepted works (a time stays a date).
Count = Annotated[int, Field(strict=True, ge=0)]  # 0 has a meaning (e.g. no idle lock)
AtLeastOne = Annotated[int, Field(strict=True, ge=1)]
Fraction = Annotated[float, Field(strict=True, ge=0, le=1)]
DAY, WEEK, YEAR = 24 * 60, 7 * 24 * 60, 365 * 24 * 60  # in minutes


def most(default: int, high: int) -> Any:
    """A numeric setting's default and its upper bound."""
    return Field(default, strict=True, le=high)


class _Validated(BaseModel):
    """A model whose invalid input is one SettingsError sentence, not a ValidationError."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise SettingsError(sentence(exc, type(self))) from None

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes`, validated like any other value."""
        return type(self)(**{**dict(self), **changes})


class SlaPolicy(_Validated):
    """Repair time limits of D-31, in minutes from the report."""

    urgent_onsite_minutes: AtLeastOne = most(120, WEEK)
    urgent_fix_minutes: AtLeastOne = most(24 * 60, YEAR)
    general_fix_minutes: AtLeastOne = most(72 * 60, YEAR)
    near_breach_fraction: Fraction = 0.25  # amber when less than this share of the time is left


PRINTERS = ("text", "escpos")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_DUE = re.compile(r"shift_end|[1-9][0-9]{0,3}[hd]")
# A Textual key list: "ctrl+o", "f2,alt+1", "question_mark", "shift+tab".
_KEY = r"(?:[a-z]+\+)*(?:[a-z0-9_]+|[^\s,+])"
_KEYS = re.compile(rf"{_KEY}(?:,\s*{_KEY})*")


class Settings(_Validated, BaseSettings):
    model_config = SettingsConfigDict(
        frozen=True,
        extra="forbid",
        env_prefix="DESKTERM_",
        env_nested_delimiter="__",
        env_ignore_empty=True,
        case_sensitive=False,
    )

    db: str | None = None  # path or SQLAlchemy URL; None = the platform default
    lang: str | None = None  # "zh_CN" | "en"; None = from the locale
    # The site's language: the lines the app writes into records itself (logbook lines,
    # handover items) are in it, whatever language an operator's screen speaks.
    site_lang: str = "zh_CN"
    timezone: str = "Asia/Shanghai"  # an IANA time zone name
    post: str = "前台"  # the desk (post) this terminal serves
    idle_lock_minutes: Count = most(5, DAY)  # 0: no lock
    failed_login_limit: AtLeastOne = most(5, 1000)
    failed_login_lock_minutes: Count = most(15, WEEK)
    min_password_length: AtLeastOne = most(8, 256)
    sla: SlaPolicy = Field(default_factory=SlaPolicy)
    warranty_months: Count = most(3, 120)  # D-35
    repair_callback_hours: Count = most(48, 24 * 365)
    repair_backdate_hours: Count = most(
        72, 24 * 365
    )  # how far back a reported time may go (D-31, case 1); 0: now only
    dispatch_minutes: AtLeastOne = most(
        15, WEEK
    )  # "passed to engineering at once" (D-36): flagged after this
    quotation_days: AtLeastOne = most(
        2, 365
    )  # jobs of this many work-days or more need a quotation (D-34)
    complaint_reply_hours: AtLeastOne = most(24, 24 * 365)
    complaint_callback_days: Count = most(3, 365)
    inquiry_tries: AtLeastOne = most(3, 20)  # D-22: tries before "not reached" may close an inquiry
    # D-32, the published notice of where and when repairs are reported: the place (empty:
    # the desk, `post`), the hours, and the directory's phone entries whose names hold these
    repair_report_place: str = ""
    repair_report_hours: str = "08:00-20:00"
    repair_phone_names: tuple[str, ...] = ("报修", "工程", "客户服务", "前台")
    # The desk's roster: when shifts start (desk time); a shift ends where the next begins.
    shift_starts: tuple[str, ...] = ("08:00", "20:00")
    # When a callback (回访) falls due, by what it follows (services.callback_schedule): keys
    # "repair", "repair.urgent", "repair.general", "repair.<category code>", "complaint",
    # "complaint.<category>", "from_complaint" (a repair or complaint that came from a
    # complaint, case 1); values "shift_end" (before this shift ends), "<n>h" or "<n>d".
    # A kind without a key of its own falls back to repair_callback_hours or
    # complaint_callback_days.
    callback_due: dict[str, str] = Field(
        default_factory=lambda: {
            "repair.urgent": "shift_end",
            "from_complaint": "shift_end",
        }
    )
    long_stay_minutes: AtLeastOne = most(240, WEEK)
    visitor_retention_days: AtLeastOne = most(180, 3650)
    backup_dir: str | None = (
        None  # `db backup` without a path writes here (default: data folder/backups)
    )
    backup_keep_days: Count = most(
        14, 3650
    )  # dated backups older than this are removed after a new one
    backup_max_age_hours: AtLeastOne = most(
        26, 24 * 365
    )  # `db status` exits 1 when the last backup is older
    print_command: str | None = None  # e.g. "lp"; the printout is sent on stdin
    printer: str = (
        "text"  # "text": UTF-8 text; "escpos": a receipt printer, slip numbers as barcodes
    )
    self_check_items: tuple[str, ...] = ("appearance", "desk_tidy", "equipment")
    physical_items: tuple[str, ...] = (
        "keys",
        "blank_slips",
        "temporary_passes",
        "parcels",
        "borrowed_tools",
    )
    # The user keymap: action id -> Textual key list, applied by the desk app through
    # App.set_keymap (ids: tui/actions.py, F1 help); e.g. {"visitors.new" = "ctrl+o"}.
    keymap: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """`Settings(...)` is its arguments alone: the file and the environment are layered by
        `load_settings`, which knows where each value came from (`deskterm config show`)."""
        return (init_settings,)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                _(
                    "The setting timezone must be a time zone name such as "
                    "Asia/Shanghai, not {value!r}."
                ).format(value=value)
            ) from None
        return value

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str | None) -> str | None:
        if value is None:
            return None
        shipped = normalise_language(value)
        if not shipped:
            raise SettingsError(
                _("The setting lang is zh_CN or en, not {value!r}.").format(value=value)
            )
        return shipped

    @field_validator("site_lang")
    @classmethod
    def _site_lang(cls, value: str) -> str:
        shipped = normalise_language(value)
        if not shipped:
            raise SettingsError(
                _("The setting site_lang is one of {choices}, not {value!r}.").format(
                    choices=", ".join(LANGUAGES), value=value
                )
            )
        return shipped

    @field_validator("printer")
    @classmethod
    def _printer(cls, value: str) -> str:
        if value not in PRINTERS:
            raise SettingsError(
                _("The setting printer is one of {choices}, not {value!r}.").format(
                    choices=", ".join(PRINTERS), value=value
                )
            )
        return value

    @field_validator("shift_starts")
    @classmethod
    def _shift_starts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            if not _TIME.fullmatch(text.strip()):
                raise SettingsError(
                    _("The setting shift_starts holds times like 08:00, not {value!r}.").format(
                        value=text
                    )
                )
        if not value:
            raise SettingsError(_("The setting shift_starts needs at least one time."))
        seen: set[str] = set()
        for text in value:
            if text.strip() in seen:
                raise SettingsError(
                    _(
                        "The setting shift_starts holds {value} twice; each shift "
                        "starts at a time of its own."
                    ).format(value=text.strip())
                )
            seen.add(text.strip())
        return value

    @field_validator("callback_due")
    @classmethod
    def _callback_due(cls, value: dict[str, str]) -> dict[str, str]:
        for key, due in value.items():
            if not _DUE.fullmatch(due.strip()):
                raise SettingsError(
                    _(
                        "The setting callback_due.{key} is shift_end, <n>h or <n>d, not {value!r}."
                    ).format(key=key, value=due)
                )
        return value

    @field_validator("keymap")
    @classmethod
    def _keymap(cls, value: dict[str, str]) -> dict[str, str]:
        for key, keys in value.items():
            if not _KEYS.fullmatch(keys.strip()):
                raise SettingsError(
                    _(
                        "The setting keymap.{key} is a key such as ctrl+o or f2 "
                        "(several with commas), not {value!r}."
                    ).format(key=key, value=keys)
                )
        return value


# Where a value came from, for `deskterm config show`.
DEFAULT, FILE, ENV, OPTION = "default", "file", "env", "option"


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the file (if any), then DESKTERM_* environment variables, then overrides
    (the command line's options; None leaves a value alone)."""
    return load_with_origins(path, **overrides)[0]


def load_with_origins(
    path: Path | None = None, **overrides: Any
) -> tuple[Settings, dict[str, str]]:
    """The settings and, for each field (`sla.<name>` for the SLA table), where its value came
    from: default, file, env or option."""
    layers = [
        (FILE, file_values(path or settings_path())),
        (ENV, env_values()),
        (OPTION, {k: v for k, v in overrides.items() if v is not None}),
    ]
    merged: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for origin, values in layers:
        _merge(merged, values)
        for key, value in values.items():
            if key == "sla" and isinstance(value, dict):
                origins.update({f"sla.{name}": origin for name in value})
            else:
                origins[key] = origin
    # A setting the model does not have is said with the file or variable it came from.
    # (pydantic calls each model's own __init__, the nested [sla] one too: hence a context.)
    token = _PLACE.set(Place(path or settings_path(), origins))
    try:
        return Settings(**merged), origins
    finally:
        _PLACE.reset(token)


def file_values(path: Path) -> dict[str, Any]:
    """The file's values; none when there is no file. A folder, a file that cannot be read or
    is not UTF-8 TOML is one sentence naming it."""
    if not path.exists():
        return {}
    if not path.is_file():
        raise SettingsError(
            _("The settings file {path} is a folder or a device, not a file.").format(path=path)
        )
    try:
        return TomlConfigSettingsSource(Settings, toml_file=path)()
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(
            _("{file} is not a valid TOML file ({place}).").format(
                file=path.name, place=toml_place(exc)
            )
        ) from None
    except UnicodeDecodeError:
        raise SettingsError(
            _("{file} is not a valid TOML file: it is not UTF-8 text.").format(file=path.name)
        ) from None
    except OSError as exc:
        raise SettingsError(
            _("The settings file {path} cannot be read: {reason}.").format(
                path=path, reason=os_reason(exc)
            )
        ) from None


def env_values() -> dict[str, Any]:
    """DESKTERM_<FIELD> (and DESKTERM_SLA__<FIELD>): lists and tables as JSON, numbers as
    digits (a number from the environment is text until it is read here)."""
    try:
        values = EnvSettingsSource(Settings)()
    except SourceError:
        raise SettingsError(_env_culprit()) from None
    return _numbers(Settings, values)


# The DESKTERM_ environment variables that are not settings, in this one place (`config show`
# warns of any other that is not a setting; tests/unit/test_settings_env.py greps the repository
# for every DESKTERM_ name and fails on one missing here).
NOT_SETTINGS = frozenset(
    {
        "DESKTERM_SETTINGS",
        "DESKTERM_CONFIG_DIR",
        "DESKTERM_DATA_DIR",  # paths.py
        "DESKTERM_USER",
        "DESKTERM_PASSWORD",
        "DESKTERM_NEW_PASSWORD",  # the CLI's sign-in
        "DESKTERM_AUDIT_KEY",
        "DESKTERM_TERMINAL",
        "DESKTERM_IN_BROWSER",
        # the test suite's and the benchmarks' knobs
        "DESKTERM_TZ_CHILD",
        "DESKTERM_TIMING_REPORT",
        "DESKTERM_TAMPER_TABLE",
        "DESKTERM_FUZZ_EXAMPLES",
        "DESKTERM_CRASH_TRIALS",
    }
)
NOT_SETTING_PREFIXES = ("DESKTERM_TEST_", "DESKTERM_BENCH_", "DESKTERM_PG_")
_TABLES = ("sla", "callback_due", "keymap")  # DESKTERM_<TABLE>__<KEY> sets one key of a table


def setting_variables() -> list[str]:
    """The environment variable of every setting (DESKTERM_SLA__<NAME> for the [sla] table)."""
    names = [f"DESKTERM_{name.upper()}" for name in Settings.model_fields]
    return names + [f"DESKTERM_SLA__{name.upper()}" for name in SlaPolicy.model_fields]


def is_setting_variable(var: str) -> bool:
    rest = var.upper().removeprefix("DESKTERM_").lower()
    head, nested, _key = rest.partition("__")
    return head in Settings.model_fields and (not nested or head in _TABLES)


def stray_variables(environ: typing.Mapping[str, str] | None = None) -> list[str]:
    """DESKTERM_ variables that are neither a setting nor a known other name: a typo, most
    likely (`deskterm config show` warns of each; start-up does not refuse them)."""
    environ = os.environ if environ is None else environ
    return sorted(
        var
        for var in environ
        if var.upper().startswith("DESKTERM_")
        and not is_setting_variable(var)
        and var.upper() not in NOT_SETTINGS
        and not var.upper().startswith(NOT_SETTING_PREFIXES)
    )


def stray_warning(var: str) -> str:
    """One line for a stray DESKTERM_ variable, with the setting it likely meant."""
    near = difflib.get_close_matches(var.upper(), setting_variables(), n=1, cutoff=0.8)
    if near:
        return _(
            "Warning: the environment variable {var} is not a setting; it is ignored "
            "(did you mean {near}?)."
        ).format(var=var, near=near[0])
    return _("Warning: the environment variable {var} is not a setting; it is ignored.").format(
        var=var
    )


def _env_culprit() -> str:
    for name, info in Settings.model_fields.items():
        raw = os.environ.get(f"DESKTERM_{name.upper()}") or os.environ.get(f"DESKTERM_{name}")
        if raw and not _scalar(info.annotation):
            try:
                json.loads(raw)
            except ValueError:
                return _(
                    "The environment variable DESKTERM_{var} holds the setting {name} as "
                    'JSON, such as ["a", "b"] or {{"a": "b"}}.'
                ).format(var=name.upper(), name=name)
    return _("The DESKTERM_ environment variables cannot be read.")  # pragma: no cover


def _scalar(annotation: Any) -> bool:
    args = typing.get_args(annotation) or (annotation,)
    return all(a in (str, int, float, type(None)) for a in args)


def _numbers(model: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for key, value in values.items():
        info = model.model_fields.get(key)
        if info is None:
            continue
        if isinstance(value, dict) and info.annotation is SlaPolicy:
            out[key] = _numbers(SlaPolicy, value)
        elif isinstance(value, str) and info.annotation in (int, float):
            try:
                out[key] = info.annotation(value.strip())
            except ValueError:
                pass  # left as text: the model names the setting
    return out


def _merge(into: dict[str, Any], values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "sla" and isinstance(value, dict) and isinstance(into.get(key), dict):
            into[key] = {**into[key], **value}
        else:
            into[key] = value


def _field(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[str, FieldInfo | None, bool]:
    """The setting's dotted name, its field and whether the error is about the field as a
    whole (not one item of a list or table)."""
    info = model.model_fields.get(str(loc[0]))
    if info is not None and info.annotation is SlaPolicy and len(loc) > 1:
        name, inner, whole = _field(SlaPolicy, loc[1:])
        return f"{loc[0]}.{name}", inner, whole
    return str(loc[0]), info, len(loc) == 1


def _bounds(info: FieldInfo) -> tuple[Any, Any]:
    low = next((m.ge for m in info.metadata if isinstance(m, annotated_types.Ge)), None)
    high = next((m.le for m in info.metadata if isinstance(m, annotated_types.Le)), None)
    return low, high


@dataclass(frozen=True)
class Place:
    """Where the values came from (load_with_origins): the file and each setting's origin."""

    file: Path
    origins: dict[str, str]

    def unknown(self, name: str) -> str:
        """The sentence for a setting the model does not have, naming where it was given."""
        if self.origins.get(name) == ENV:
            wanted = "DESKTERM_" + name.replace(".", "__").upper()
            var = next((k for k in os.environ if k.upper() == wanted), wanted)
            return _("The environment variable {var} names no setting of deskterm.").format(var=var)
        return _("{file} has an unknown setting: {name}.").format(file=self.file.name, name=name)


_PLACE: ContextVar[Place | None] = ContextVar("deskterm_settings_place", default=None)


def sentence(exc: ValidationError, model: type[BaseModel]) -> str:
    """One translated sentence for the first problem, naming the setting (and, for a setting
    the model does not have, the file or environment variable it came from)."""
    error = exc.errors()[0]
    inner = (error.get("ctx") or {}).get("error")
    if isinstance(inner, SettingsError):
        return str(inner)
    if not error["loc"]:  # pragma: no cover - a model-level check: none today
        return _("The settings cannot be read.")
    name, info, whole = _field(model, tuple(error["loc"]))
    if model is SlaPolicy:  # validated on its own, as the [sla] table
        name = f"sla.{name}"
    value = error.get("input")
    if error["type"] == "extra_forbidden" or info is None:
        place = _PLACE.get()
        if place is not None:
            return place.unknown(name)
        return _("There is no setting {name}.").format(name=name)
    kind = info.annotation
    if kind is int:
        low, high = _bounds(info)
        if error["type"] == "less_than_equal":
            return _(
                "The setting {name} must be a whole number of at most {high}, not {value!r}."
            ).format(name=name, high=high, value=value)
        return _(
            "The setting {name} must be a whole number of at least {low}, not {value!r}."
        ).format(name=name, low=low, value=value)
    if kind is float:
        low, high = _bounds(info)
        return _("The setting {name} must be a number from {low} to {high}, not {value!r}.").format(
            name=name, low=low, high=high, value=value
        )
    if typing.get_origin(kind) is tuple:
        return _('The setting {name} must be a list of texts, such as ["a", "b"].').format(
            name=name
        )
    if kind is SlaPolicy or typing.get_origin(kind) is dict:
        if whole:
            return _("The setting {name} must be a table ([{name}] with its own lines).").format(
                name=name
            )
        return _("The setting {name} must be text in quotes, not {value!r}.").format(
            name=f"{name}.{error['loc'][-1]}", value=value
        )
    return _("The setting {name} must be text in quotes, not {value!r}.").format(
        name=name, value=value
    )
