"""Pinyin search keys for names, so "zhangsan" or "zs" finds 张三."""

from __future__ import annotations

import unicodedata


def _split(text: str) -> list[str]:
    return list(text)  # non-Chinese runs come back one character each


def _ascii(text: str) -> str:
    """Lower-case ASCII letters and digits only; accents are dropped first ("Zoë" -> "zoe")."""
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in plain if ch.isascii() and ch.isalnum())


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no tones or separators: "A座" -> ("azuo", "az")."""
    from pypinyin import Style, lazy_pinyin  # imported here: it is slow to load

    text = unicodedata.normalize("NFKC", name or "")
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=_split)
    kept = [_ascii(s) for s in syllables]
    kept = [s for s in kept if s]
    return "".join(kept), "".join(s[0] for s in kept)
