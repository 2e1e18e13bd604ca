"""Phone numbers: normalise, recognise and mask them (DESIGN "People and privacy", D-21)."""

from __future__ import annotations

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


def mask_phone(phone: str | None) -> str:
    """Shown form of a stored number: "13812345678" -> "138****5678".

    Eight or more characters keep the first 3 and last 4; shorter ones keep only the last 2
    (and numbers of 1 or 2 digits show nothing). Stars stand for the hidden characters.
    """
    value = normalise_phone(phone)
    if len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) > 2:
        return "*" * (len(value) - 2) + value[-2:]
    return "*" * len(value)


def looks_like_phone(s: str | None) -> bool:
    """Whether a search text is a phone number (7+ digits making up most of it).

    A search that looks like a phone number must never confirm whose number it is (D-21).
    """
    compact = "".join((s or "").split())
    digits = sum(1 for ch in compact if ch.isdecimal())
    return digits >= 7 and digits * 2 > len(compact)
