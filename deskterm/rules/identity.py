"""Identity documents: check numbers and keep only a masked form (DESIGN "People and privacy", D-5).

The 18-character GB 11643 number is read with python-stdnum's `cn.ric` (its check character,
birth date and region table): a birth date in the future is refused; a region code the table
does not know is only a warning (`region_warning`), since the operator has the card in hand.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from stdnum.cn import ric
from stdnum.exceptions import ValidationError


class DocType(StrEnum):
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    DRIVING_LICENCE = "driving_licence"
    RESIDENCE_PERMIT = "residence_permit"
    OTHER = "other"
    SIGHTED = "sighted"  # document seen (D-5) but no number taken


class InvalidIdNumber(ValueError):
    """A document number that fails its check; the message never repeats the number."""


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


def check_resident_id(number: str, *, today: date | None = None) -> str:
    """Validate an 18-character PRC resident ID (shape, check character, a real birth date not
    after `today` when given); normalise it. The region code is not checked here: see
    `region_warning`. Pure: the caller says what day it is."""
    value = re.sub(r"\s+", "", number or "").upper()
    if len(value) != 18:
        raise InvalidIdNumber(
            f"A resident ID number has 18 characters, but {len(value)} were given."
        )
    if not _ID_SHAPE.fullmatch(value):
        raise InvalidIdNumber(
            "A resident ID number is 17 digits followed by a digit or the letter X."
        )
    try:
        born = ric.get_birth_date(value)
    except ValidationError:
        born = None
    if born is None or born.year < 1900:
        raise InvalidIdNumber("The birth date inside the resident ID number is not a real date.")
    if today is not None and born > today:
        raise InvalidIdNumber("The birth date inside the resident ID number is in the future.")
    if ric.calc_check_digit(value) != value[17]:
        raise InvalidIdNumber(
            "The resident ID number's check character does not match; please check for a typo."
        )
    return value


# Region codes outside the mainland table that GB 11643 numbers legitimately carry: residence
# permits of Hong Kong, Macau and Taiwan residents (810000, 820000, 830000); the 2023
# foreigners' permanent residence card (9, the issuing province's two digits, nationality).
_PROVINCES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65"
).split()
_PERMIT_REGIONS = re.compile(r"8[123]0000|9(?:" + "|".join(_PROVINCES) + ")")


def region_warning(doc_type: str, number: str | None) -> str | None:
    """A sentence when a valid GB 11643 number carries a region code that python-stdnum's table
    does not know (for the birth year); None otherwise. A warning, never a refusal."""
    kind = _doc_type(doc_type)
    if kind not in _GB11643_TYPES or not number:
        return None
    value = re.sub(r"\s+", "", number).upper()
    if len(value) != 18 or _PERMIT_REGIONS.match(value):
        return None
    try:
        ric.get_birth_place(value)
    except (ValidationError, KeyError):  # KeyError: a province-level code, no county
        return "The region code of this ID number is not in the table of known regions."
    except ValueError:
        return None
    return None


def _normalise(doc_type: DocType, number: str) -> str:
    if doc_type == DocType.OTHER:
        return number.strip()
    return re.sub(r"\s+", "", number).upper()


def validate_document(
    doc_type: str, number: str | None, *, today: date | None = None
) -> str | None:
    """Check a document number for its type and return it normalised (None for `sighted`)."""
    kind = _doc_type(doc_type)
    if kind == DocType.SIGHTED:
        if number and number.strip():
            raise InvalidIdNumber("A document that was only sighted must not have a number.")
        return None
    if not number or not number.strip():
        raise InvalidIdNumber("A document number is required for this document type.")
    if kind in _GB11643_TYPES:
        return check_resident_id(number, today=today)
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


def masked_document(doc_type: str, number: str | None, *, today: date | None = None) -> str | None:
    """Validate, then mask: what a form saves."""
    return mask_document(doc_type, validate_document(doc_type, number, today=today))
