"""Money as whole fen (1 yuan = 100 fen): parse, format and multiply, never with floats (D-34)."""

from __future__ import annotations

import re
import unicodedata

_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?")


def parse_yuan(text: str) -> int:
    """Fen from a typed amount: "12", "12.5", "12.50", "¥12.50", "12.50元" -> 1250."""
    value = unicodedata.normalize("NFKC", text or "").strip()  # full-width ￥１２ too
    value = value.removeprefix("¥").removesuffix("元").strip()
    if value.startswith("-"):
        raise ValueError("An amount of money cannot be negative.")
    match = _AMOUNT.fullmatch(value)
    if not match:
        if re.fullmatch(r"[0-9]+\.[0-9]{3,}", value):
            raise ValueError("An amount of money has at most two decimal places (fen).")
        raise ValueError(f"{text!r} is not an amount of money like 12.50.")
    return int(match[1]) * 100 + int((match[2] or "").ljust(2, "0"))


def format_yuan(fen: int) -> str:
    """Yuan with two decimals: 1250 -> "12.50", -5 -> "-0.05"."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError("format_yuan needs a whole number of fen.")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def line_amount(unit_price_fen: int, quantity: int) -> int:
    """Price of one fee line: unit price (fen) times a whole quantity."""
    for name, value in (("unit price", unit_price_fen), ("quantity", quantity)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"The {name} must be a whole number.")
        if value < 0:
            raise ValueError(f"The {name} cannot be negative.")
    return unit_price_fen * quantity
