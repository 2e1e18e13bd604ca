"""Translations through gettext catalogs compiled by Babel.

Source strings are English. `zh_CN` catalogs live in locale/zh_CN/LC_MESSAGES/ as one .po/.mo
pair per area (core.po, visitors.po, ...) so that areas can be translated independently; they
are chained into one translation at start-up. `_()` translates now; `N_()` only marks a string
for extraction (translate it later with `_()` at display time).
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("zh_CN", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_current = "en"
_chosen = False  # the language was named (--lang), not detected
# Text the app writes into records itself (a logbook line, a handover item) is in the site's
# language, not the operator's: `written_in` sets this for the current thread or task only,
# so the screens drawn meanwhile (another thread) keep the operator's language.
_record_translation: ContextVar[gettext.NullTranslations | None] = ContextVar(
    "deskterm_record_translation", default=None
)


def normalise_language(value: str | None) -> str | None:
    """Map what people type (`zh`, `zh_CN.UTF-8`, `cn`, `en_US`) to a shipped language."""
    if not value:
        return None
    v = value.strip().lower().replace("-", "_")
    if v.startswith(("zh", "cn")):
        return "zh_CN"
    if v.startswith(("en", "c", "posix")):
        return "en"
    return None


def detect_language(explicit: str | None = None) -> str:
    """Explicit choice, else DESKTERM_LANG, else the locale; English when nothing matches."""
    for candidate in (
        explicit,
        os.environ.get("DESKTERM_LANG"),
        os.environ.get("LC_ALL"),
        os.environ.get("LC_MESSAGES"),
        os.environ.get("LANG"),
    ):
        lang = normalise_language(candidate)
        if lang:
            return lang
    return "en"


@lru_cache(maxsize=4)
def _cached_translation(lang: str) -> gettext.NullTranslations:
    return load_translation(lang)


@contextmanager
def written_in(lang: str | None) -> Iterator[str]:
    """Every `_()` inside the block (in this thread or task) speaks `lang`, the site's
    language (settings.site_lang): the one way a service renders the system text it stores
    (a logbook line it writes itself, a handover item), whoever's screen is in English."""
    chosen = normalise_language(lang) or "zh_CN"
    token = _record_translation.set(_cached_translation(chosen))
    try:
        yield chosen
    finally:
        _record_translation.reset(token)


def site_text(msgid: str, lang: str | None) -> str:
    """An app-chosen word stored in a record, in the site's language (settings.site_lang):
    `written_in` for one message (a default topic the screen fills in, issue 16)."""
    with written_in(lang):
        return _(msgid)


def load_translation(lang: str) -> gettext.NullTranslations:
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    translation: gettext.NullTranslations = gettext.NullTranslations()
    if lang == "en" or not folder.is_dir():
        return translation
    chain: gettext.NullTranslations | None = None
    for mo in sorted(folder.glob("*.mo")):
        with mo.open("rb") as fh:
            part = gettext.GNUTranslations(fh)
        if chain is None:
            chain = part
        else:
            chain.add_fallback(part)
    return chain or translation


def set_language(lang: str | None) -> str:
    """Switch every later `_()` call to `lang` (a shipped language, or detected)."""
    global _translation, _current, _chosen
    chosen = normalise_language(lang) if lang else detect_language()
    if chosen is None:
        raise ValueError(f"unknown language: {lang}")
    _current, _chosen = chosen, bool(lang)
    _translation = load_translation(chosen)
    _speak_to_click(chosen)
    return chosen


def current_translation() -> gettext.NullTranslations:
    """The translation every `_()` uses now (a test wraps it to record what is looked up)."""
    return _translation


def use_translation(translation: gettext.NullTranslations) -> None:
    """Make `translation` the one every later `_()` uses (tests: put back what
    `current_translation` gave)."""
    global _translation
    _translation = translation


CLICK_DOMAIN = "click"  # locale/zh_CN/LC_MESSAGES/click.po: Click's and Typer's own words


def _speak_to_click(lang: str) -> None:
    """Click and Typer translate their own words ("Usage:", "Options", "[default: csv]",
    "Error: ...") with the standard library's gettext in its global text domain, in the
    language the environment names: point both at click.po for Chinese, back for English."""
    if lang == "zh_CN":
        gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALE_DIR))
        gettext.textdomain(CLICK_DOMAIN)
        os.environ["LANGUAGE"] = "zh_CN"
    elif gettext.textdomain() == CLICK_DOMAIN:
        gettext.textdomain("messages")


def current_language() -> str:
    return _current


def language_named() -> bool:
    """Whether the language was named (--lang) rather than detected from the environment."""
    return _chosen


def _(message: str) -> str:
    return (_record_translation.get() or _translation).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return (_record_translation.get() or _translation).ngettext(singular, plural, n)


def N_(message: str) -> str:
    return message
