"""Pinyin search keys for names, so "zhangsan" or "zs" finds 张三.

The keys are pypinyin's `lazy_pinyin` of the name (style NORMAL, no tones), kept to ASCII
letters and digits. `lazy_pinyin` cuts the text into words (runs of Chinese characters split by
its phrase dictionary, and runs of other characters) and converts each word on its own; here
the cutting is pypinyin's and each word's conversion is remembered, because a call costs some
40 µs while an estate's 50,000 names are made of a few hundred characters and phrases
(an import of 50,000 residents spent a second in pypinyin). Same keys, computed once per word.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from deskterm.rules.text import mask_personal

FULL_MAX, INITIALS_MAX = 256, 64  # the narrowest name_pinyin / name_initials columns


def _split(text: str) -> list[str]:
    return list(text)  # non-Chinese runs come back one character each


def _ascii(text: str) -> str:
    """Lower-case ASCII letters and digits only; accents are dropped first ("Zoë" -> "zoe")."""
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in plain if ch.isascii() and ch.isalnum())


@lru_cache(maxsize=1)
def _engine() -> tuple[Callable[[str], Iterable[str]], Any, Any]:
    """pypinyin's documented `Pinyin` with the converter `lazy_pinyin` uses (`Pinyin.seg` cuts
    a text into words, `converter.convert` converts one); imported late: slow."""
    from pypinyin import Style
    from pypinyin.converter import UltimateConverter
    from pypinyin.core import Pinyin

    converter = UltimateConverter(v_to_u=False, neutral_tone_with_five=False, tone_sandhi=False)
    return Pinyin(converter).seg, converter, Style.NORMAL


@lru_cache(maxsize=16384)
def _word(word: str) -> tuple[str, ...]:
    """The kept syllables of one word as `lazy_pinyin` converts it (no empty ones)."""
    _cut, converter, style = _engine()
    readings = converter.convert(word, style, False, _split, strict=True)
    kept = (_ascii(s) for reading in readings for s in reading)
    return tuple(s for s in kept if s)


@lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no tones or separators: "A座" -> ("azuo", "az").

    Made from the name as it is stored, personal numbers masked (rules.text.mask_personal):
    a name imported as "王13900001111" keeps no phone number in its search keys."""
    text = unicodedata.normalize("NFKC", mask_personal(name or "")[0])
    if not text:
        return "", ""
    kept = [s for word in _engine()[0](text) for s in _word(word)]
    # A search key longer than its column is cut, never refused: a long company or resident
    # name is still saved, and found by the first 40-odd syllables anyone would type.
    return "".join(kept)[:FULL_MAX], "".join(s[0] for s in kept)[:INITIALS_MAX]
