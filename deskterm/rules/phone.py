"""Phone numbers: normalise, recognise and mask them (DESIGN "People and privacy", D-21)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


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


_PHONE_CHARS = frozenset(
    "0123456789+-() \u00a0\uff0b\uff0d\uff08\uff09\u2010\u2011\u2012\u2013\u2014"
)


def only_phone_characters(s: str | None) -> bool:
    """Whether text typed as a phone number holds nothing but digits (any width), spaces,
    dashes, brackets and + ("粤B54321" does not: its digits alone would be another number)."""
    return all(ch.isdecimal() or ch in _PHONE_CHARS for ch in (s or "").strip())


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
        text,
    )


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


class PhoneRuleError(ValueError):
    """A typed number that is no mainland phone number; `args[0]` says why in English words
    the caller translates (see NOT_A_PHONE)."""


# Mainland numbers (GB/T 13400 numbering): an 11-digit mobile 1[3-9]xxxxxxxxx; a landline as
# trunk 0 + area code (010, 02x, 0xxx) + a 7- or 8-digit local number, 10 to 12 digits in all;
# a 400 / 800 service number of 10 digits. +86 / 0086 in front is the country code.
_EXTENSION = re.compile(r"\s*(?:转|轉|分机|分機|ext\.?|x|#|-)\s*(\d{1,6})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class MainlandPhone:
    number: str  # digits only: "13812345678", "057188880001"
    extension: str = ""  # "802" for "0571-8888 0001 转 802"


def parse_mainland_phone(text: str) -> MainlandPhone:
    """A mainland mobile, landline with area code, or 400/800 number, its extension kept apart
    (a number from abroad, written with + and its country code, is kept as written).

    "138 1234 5678", "+86 138-1234-5678", "０５７１－８８８８０００１" and "(0571) 8888 0001 转 802"
    are read; "1381234", "138-1234-567" (10 digits) and "12345" are refused (PhoneRuleError).
    """
    value = unicodedata.normalize("NFKC", text or "").strip()
    extension = ""
    if value.startswith("+") and not value.startswith(("+86", "+ 86")):  # abroad: E.164 as written
        digits = "".join(ch for ch in value if ch.isdigit())
        if 8 <= len(digits) <= 15:
            return MainlandPhone("+" + digits)
        raise PhoneRuleError("foreign")
    digits_all = "".join(ch for ch in value if ch.isdigit())
    if not _is_number(_national(digits_all, value)):
        found = _EXTENSION.search(value)
        if found:
            extension = found.group(1)
            value = value[: found.start()]
    digits = _national("".join(ch for ch in value if ch.isdigit()), value)
    if not digits:
        raise PhoneRuleError("empty")
    if not _is_number(digits):
        if digits.startswith("1"):
            raise PhoneRuleError("mobile")
        if digits.startswith("0"):
            raise PhoneRuleError("landline")
        raise PhoneRuleError("area")
    return MainlandPhone(digits, extension)


def _national(digits: str, text: str) -> str:
    if text.lstrip().startswith("+86") or text.lstrip().startswith("+ 86"):
        return digits[2:]
    if digits.startswith("0086"):
        return digits[4:]
    return digits


def _is_number(digits: str) -> bool:
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return True
    if digits.startswith(("400", "800")) and len(digits) == 10:
        return True
    if digits.startswith("0") and not digits.startswith("00"):
        # 010 and 02x: 2-digit area codes with 8-digit numbers; 0xxx: 3 digits, 7 or 8
        if digits[1] in "12":
            return len(digits) == 11
        return len(digits) in (11, 12)
    return False
