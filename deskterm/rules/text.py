"""What typed text may hold, how to show what it must not, and personal numbers in it (issue 15).

One set of rules every way in and every way out uses:

- `CONTROL` finds what a terminal or a printer would obey rather than show: C0 controls
  (tab, line feed and CR LF are allowed where a text has lines), DEL, C1 controls, and the
  bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) that make
  text read backwards. Zero-width joiners, variation selectors and combining marks are
  ordinary text (an emoji family stays one family) and are never touched.
- `pictures` shows each of those as a visible picture: ESC as ␛, DEL as ␡, a C1 control or a
  bidi control as its name in angle brackets (⟨RLO⟩). Nothing is dropped without a trace.
- `mask_personal` finds an 18-character resident ID number that passes its check character,
  a mainland mobile number and a landline with its area code in free text, and masks them
  the way stored documents and phones are masked (D-5, D-21).
"""

from __future__ import annotations

import re
import unicodedata

# C0 but tab and line feed, DEL, C1, bidi embeddings/overrides/isolates.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# ... where a text has lines: tab, line feed and a carriage return ending a line are text.
_CONTROL_NO_LINES = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)"
)

BIDI_NAMES = {
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}
_C0_NAMES = (
    "NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK "
    "SYN ETB CAN EM SUB ESC FS GS RS US"
).split()


def name_of(ch: str) -> str:
    """A short name for a control character, as a person reads it: ESC, BEL, RLO, U+009B."""
    code = ord(ch)
    if code < 0x20:
        return _C0_NAMES[code]
    if code == 0x7F:
        return "DEL"
    if ch in BIDI_NAMES:
        return BIDI_NAMES[ch]
    return f"U+{code:04X}"


def _pattern(lines: bool) -> re.Pattern[str]:
    return _CONTROL_NO_LINES if lines else CONTROL


def controls(text: str, *, lines: bool = False) -> list[str]:
    """Names of the control characters in `text` (tab and line feed allowed when `lines`)."""
    found: list[str] = []
    for match in _pattern(lines).finditer(text):
        name = name_of(match.group())
        if name not in found:
            found.append(name)
    return found


def _picture(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟ (ESC becomes ␛)
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\u27e8{name_of(ch)}\u27e9"  # ⟨RLO⟩, ⟨U+009B⟩


def pictures(text: str, *, lines: bool = True) -> str:
    """`text` with every control character as a visible picture; line feeds (and tabs) kept
    when `lines`, otherwise pictured too."""
    if lines:
        return _CONTROL_NO_LINES.sub(_picture, text)
    return CONTROL.sub(_picture, text.replace("\t", " "))


def has_control(text: str, *, lines: bool = True) -> bool:
    return _pattern(lines).search(text) is not None


# -- personal numbers -------------------------------------------------------------------------
ID_NUMBER = "id_number"
MOBILE = "mobile"
LANDLINE = "landline"

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SEP = r"[ \-\u2010-\u2015\u30fc\uff0d]?"  # a space or a dash (full-width ones too)
_D = r"\d"  # any decimal digit: full-width ones come from Chinese input methods
_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])"
_X = r"[\dXx\uff38\uff58]"
# 18 characters, typed in one run or in groups ("1101 0519 4912 3100 2X", "110105-19491231-002X")
_ID18 = rf"{_D}(?:{_SEP}{_D}){{16}}{_SEP}{_X}"
_ID15 = rf"{_D}(?:{_SEP}{_D}){{14}}"  # the old 15-digit ID (before 1999): no check character
_ID = re.compile(rf"{_NOT_ALNUM_BEFORE}(?:{_ID18}|{_ID15}){_NOT_ALNUM_AFTER}")
# Labelled ("身份证号 ...", "ID: ..."): an ID number's shape is enough, the check is not needed.
_ID_LABEL = (
    r"(?:身份证(?:号码|号)?|证件号(?:码)?|公民身份号码|(?<![A-Za-z])ID(?:\s*(?:No\.?|number|#))?)"
)
_LABELLED_ID = re.compile(
    rf"(?P<label>{_ID_LABEL}\s*[:：]?\s*)(?P<number>{_ID18}|{_ID15}){_NOT_ALNUM_AFTER}",
    re.IGNORECASE,
)
_MOBILE = re.compile(
    rf"(?<![\d+\uff0b])(?:(?:\+|\uff0b)?86{_SEP}|0086{_SEP})?1[3-9１３-９]{_D}{_SEP}{_D}{{4}}{_SEP}{_D}{{4}}(?!\d)".replace(
        "1[3-9１３-９]", "[1１][3-9３-９]"
    )
)
# An area code, then the local number in one run or cut in two ("0571 8888 0001").
_LANDLINE = re.compile(
    rf"(?<!\d)(?P<area>(?:\(|\uff08)?[0０](?:[1-9１-９]{_D}{{1,2}})(?:\)|\uff09)?)(?P<sep>{_SEP})"
    rf"(?P<local>[2-9２-９]{_D}{{2,3}}{_SEP}{_D}{{4}}|[2-9２-９]{_D}{{5,7}})(?!\d)"
)


def _ascii_digits(text: str) -> str:
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() else ch.upper()
        for ch in text
        if ch.isdecimal() or ch in "Xx\uff38\uff58"
    )


def _id_passes(text: str) -> bool:
    """An 18-character ID number with a real date and its check character, or a 15-digit
    old one with a real date (19YYMMDD) and an area code (its first digit 1 to 8)."""
    value = _ascii_digits(text).replace("\uff38", "X").replace("\uff58", "X")
    if len(value) == 15 and value.isdigit():
        month, day = int(value[8:10]), int(value[10:12])
        return value[0] in "12345678" and 1 <= month <= 12 and 1 <= day <= 31
    if len(value) != 18 or not value[:17].isdigit():
        return False
    year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == value[17]


def _inside_token(match: re.Match[str]) -> bool:
    """Whether a phone-shaped run of digits is part of a longer machine token, such as a
    backup's sha256 ("…c4f0276343581ff…") or a serial number. It counts as one when the
    letters right next to it lead on to more digits. A number typed against a word
    ("Tel13812345678", "微信wx13812345678") stands apart, and is masked."""
    text, start, end = match.string, match.start(), match.end()
    while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isascii() and text[end].isalpha():
        end += 1
    return (start > 0 and text[start - 1].isdecimal()) or (
        end < len(text) and text[end].isdecimal()
    )


def _star_digits(text: str, keep_head: int, keep_tail: int) -> str:
    """Stars for the digits of `text` but the first `keep_head` and last `keep_tail`;
    separators stay where they were typed."""
    positions = [i for i, ch in enumerate(text) if ch.isdecimal() or ch in "Xx\uff38\uff58"]
    hide = set(positions[keep_head : len(positions) - keep_tail])
    return "".join("*" if i in hide else ch for i, ch in enumerate(text))


def mask_personal(text: str, *, ids_only: bool = False) -> tuple[str, list[str]]:
    """`text` with ID numbers (last 4 shown), mobiles (138****5678) and landlines with an
    area code (0571-****5678) masked; and which kinds were found, in that order.

    ID numbers: 18 characters passing the check character, or 15 digits with a real date,
    typed in one run or in groups; after a label (身份证号, 证件号, ID) any number of that
    shape. `ids_only`: ID numbers only (a phone column keeps its phone numbers, D-21)."""
    if not text or sum(ch.isdecimal() for ch in text) < 7:
        return text, []
    found: list[str] = []

    def labelled(match: re.Match[str]) -> str:
        found.append(ID_NUMBER)
        return match.group("label") + _star_digits(match.group("number"), 0, 4)

    def ident(match: re.Match[str]) -> str:
        if not _id_passes(match.group()):
            return match.group()
        found.append(ID_NUMBER)
        return _star_digits(match.group(), 0, 4)

    def mobile(match: re.Match[str]) -> str:
        if _inside_token(match):
            return match.group()
        found.append(MOBILE)
        number = match.group()
        digits = sum(ch.isdecimal() for ch in number)
        return _star_digits(number, digits - 8, 4)  # the 3 after any +86 and the last 4 stay

    def landline(match: re.Match[str]) -> str:
        if _inside_token(match):
            return match.group()
        found.append(LANDLINE)
        number = match.group()
        area = sum(ch.isdecimal() for ch in match.group("area"))
        if not match.group("sep") and not match.group("area").endswith((")", "\uff09")):
            # written without a separator: 3 or 4 digits of area code
            digits = "".join(ch for ch in number if ch.isdecimal())
            area = 3 if _ascii_digits(digits[:2]) in ("01", "02") else 4
        return _star_digits(number, area, 4)

    masked = _ID.sub(ident, _LABELLED_ID.sub(labelled, text))
    if not ids_only:
        masked = _LANDLINE.sub(landline, _MOBILE.sub(mobile, masked))
    return (masked, list(dict.fromkeys(found))) if found else (text, [])


def mask_personal_in(value: object) -> tuple[object, list[str]]:
    """`mask_personal` on every string inside a JSON-like value (dicts, lists); the new value
    (the same object when nothing changed) and the kinds found."""
    if isinstance(value, str):
        return mask_personal(value)
    if isinstance(value, dict):
        out, kinds, changed = {}, [], False
        for key, item in value.items():
            new, found = mask_personal_in(item)
            changed = changed or new is not item
            out[key] = new
            kinds += found
        return (out if changed else value), list(dict.fromkeys(kinds))
    if isinstance(value, list | tuple):
        items, kinds, changed = [], [], False
        for item in value:
            new, found = mask_personal_in(item)
            changed = changed or new is not item
            items.append(new)
            kinds += found
        return ((type(value)(items) if changed else value), list(dict.fromkeys(kinds)))
    return value, []


# -- names compared as a person reads them (issue 21, findings 6 and 7) ----------------------
def format_characters(text: str) -> list[str]:
    """The invisible format characters (Unicode category Cf: zero-width space and joiners,
    soft hyphen, BOM, bidi marks) in `text`, as U+XXXX, each once: a name holding one looks
    the same as the name without it."""
    return list(
        dict.fromkeys(f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cf")
    )


def name_key(text: str) -> str:
    """What two names are compared by for "the same name": NFKC (full-width ＬＩＵ is LIU),
    invisible format characters removed, whitespace collapsed, case folded. 刘师傅 and
    刘师傅 + U+200B, LIU, liu and ＬＩＵ each have one key."""
    value = unicodedata.normalize("NFKC", text or "")
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Cf")
    return " ".join(value.split()).casefold()
