"""Phone numbers: normalise, recognise and mask them (DESIGN "People and privacy", D-21)."""

from __future__ import annotations

import re
import unicodedata


def _digit(ch: str) -> str | None:
    """An ASCII digit for any decimal digit (full-width ones come from Chinese input methods)."""
    return str(unicodedata.decimal(ch)) if ch.isdecimal() else None


def normalise_phone(s: str | None) -> str:
    """Digits only, plus a "+" if the number starts with one: "+86 138-1234-5678" -> "+8613812345678"."""
    text = (s or "").strip()
    if text.isdigit() and text.isascii():  # already plain digits: most numbers, every stored one
        return text
    digits = "".join(d for d in map(_digit, text) if d is not None)
    return "+" + digits if text.startswith(("+", "＋")) and digits else digits


_PHONE_CHARS = frozenset("0123456789+-() \u00a0\uff0b\uff0d\uff08\uff09\u2010\u2011\u2012\u2013\u2014")


def is_phone(s: str | None) -> bool:
    """Whether a phone column's text is a phone number: 7 or more digits and nothing but
    digits, spaces, dashes, brackets and a leading +. "对讲机3频道" or a unit "1-602" is not."""
    text = (s or "").strip()
    digits = sum(1 for ch in text if ch.isdecimal())
    return digits >= 7 and all(ch.isdecimal() or ch in _PHONE_CHARS for ch in text)


def mask_phone(phone: str | None) -> str:
    """Shown form of a phone column: "13812345678" -> "138****5678" (issue 15: only what is a
    phone is masked).

    A phone number (`is_phone`) keeps its first 3 and last 4 digits, stars for the rest.
    Anything else is kept as typed, except the phone and ID numbers inside it
    ("张太 13900001111" -> "张太 139****1111"; rules.text.mask_personal).
    """
    if phone is None:
        return ""
    if is_phone(phone):
        return _mask_number(normalise_phone(phone))
    from deskterm.rules.text import mask_personal

    text = mask_personal(phone)[0]
    return _NUMBER_IN_TEXT.sub(
        lambda m: _mask_number(normalise_phone(m.group())) if is_phone(m.group()) else m.group(),
        text)


_NUMBER_IN_TEXT = re.compile(r"[+\uff0b]?\d[\d \-\uff0d]{5,}\d")


def _mask_number(value: str) -> str:
    """Eight or more characters keep the first 3 and last 4; seven keep the last 2."""
    if len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * (len(value) - 2) + value[-2:]


def looks_like_phone(s: str | None) -> bool:
    """Whether a search text is a phone number (7+ digits making up most of it).

    A search that looks like a phone number must never confirm whose number it is (D-21).
    """
    compact = "".join((s or "").split())
    digits = sum(1 for ch in compact if ch.isdecimal())
    return digits >= 7 and digits * 2 > len(compact)
