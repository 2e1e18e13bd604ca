"""Identity documents: check numbers and keep only a masked form (DESIGN "People and privacy", D-5)."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum


class DocType(StrEnum):
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    DRIVING_LICENCE = "driving_licence"
    RESIDENCE_PERMIT = "residence_permit"
    OTHER = "other"
    SIGHTED = "sighted"  # document seen (D-5) but no number taken


class InvalidIdNumber(ValueError):
    """A document number that fails its check; the message never repeats the number."""


# GB 11643-1999 check character: weights of the first 17 digits, sum mod 11 -> character.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
# Types whose number is an 18-character GB 11643 number: a Chinese driving licence carries
# the holder's resident ID number; HK/Macau/Taiwan residence permits and the 2023 foreigner
# permanent residence card use the same check character.
_GB11643_TYPES = {DocType.RESIDENT_ID, DocType.RESIDENCE_PERMIT, DocType.DRIVING_LICENCE}


def _doc_type(doc_type: str) -> DocType:
    try:
        return DocType(doc_type)
    except ValueError:
        raise ValueError(f"Unknown identity document type {doc_type!r}.") from None


def check_resident_id(number: str) -> str:
    """Validate an 18-character PRC resident ID (shape, birth date, check character); normalise it."""
    value = re.sub(r"\s+", "", number or "").upper()
    if len(value) != 18:
        raise InvalidIdNumber(
            f"A resident ID number has 18 characters, but {len(value)} were given."
        )
    if not _ID_SHAPE.fullmatch(value):
        raise InvalidIdNumber(
            "A resident ID number is 17 digits followed by a digit or the letter X."
        )
    year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
    try:
        born = date(year, month, day)
    except ValueError:
        born = None
    if born is None or not 1900 <= year <= 2100:
        raise InvalidIdNumber("The birth date inside the resident ID number is not a real date.")
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != value[17]:
        raise InvalidIdNumber(
            "The resident ID number's check character does not match; please check for a typo."
        )
    return value


def _normalise(doc_type: DocType, number: str) -> str:
    if doc_type == DocType.OTHER:
        return number.strip()
    return re.sub(r"\s+", "", number).upper()


def validate_document(doc_type: str, number: str | None) -> str | None:
    """Check a document number for its type and return it normalised (None for `sighted`)."""
    kind = _doc_type(doc_type)
    if kind == DocType.SIGHTED:
        if number and number.strip():
            raise InvalidIdNumber("A document that was only sighted must not have a number.")
        return None
    if not number or not number.strip():
        raise InvalidIdNumber("A document number is required for this document type.")
    if kind in _GB11643_TYPES:
        return check_resident_id(number)
    value = _normalise(kind, number)
    if kind == DocType.PASSPORT and not _PASSPORT.fullmatch(value):
        raise InvalidIdNumber("A passport number is 5 to 20 letters and digits.")
    if kind == DocType.OTHER and not (len(value) <= 32 and value.isprintable()):
        raise InvalidIdNumber("A document number is at most 32 printable characters.")
    return value


def mask_document(doc_type: str, number: str | None) -> str | None:
    """The only form that is stored: type plus the last four characters, "resident_id ****123X".

    At most half of a short number is shown (a 6-character number shows 3), so the full
    number never survives. `sighted` gives "sighted"; a missing number gives None.
    """
    kind = _doc_type(doc_type)
    if kind == DocType.SIGHTED:
        return kind.value
    value = _normalise(kind, number or "")
    if not value:
        return None
    shown = min(4, len(value) // 2)
    return f"{kind.value} ****{value[len(value) - shown :]}"


def masked_document(doc_type: str, number: str | None) -> str | None:
    """Validate, then mask: what a form saves."""
    return mask_document(doc_type, validate_document(doc_type, number))
