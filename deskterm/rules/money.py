"""Money as whole fen (1 yuan = 100 fen): parse, format and multiply, never with floats (D-34)."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def line_amount(unit_price_fen: int, quantity: int | Decimal) -> int:
    """Price of one fee line: unit price (fen) times a quantity (1, 1.5 h, 2.35 m), rounded
    half up to the fen; exact, never through a float."""
    if not isinstance(unit_price_fen, int) or isinstance(unit_price_fen, bool):
        raise TypeError("The unit price must be a whole number of fen.")
    if isinstance(quantity, bool) or not isinstance(quantity, int | Decimal):
        raise TypeError("The quantity must be a whole number or a Decimal.")
    if unit_price_fen < 0 or quantity < 0:
        raise ValueError("A price or a quantity cannot be negative.")
    exact = Decimal(unit_price_fen) * Decimal(quantity)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


_QUANTITY = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")


def parse_quantity(text: str | int | Decimal) -> Decimal:
    """A quantity as typed: "2", "1.5", "2.35" (at most two decimals) -> Decimal; never a float."""
    if isinstance(text, bool):
        raise ValueError("not a quantity")
    if isinstance(text, int | Decimal):
        text = str(text)
    value = unicodedata.normalize("NFKC", text or "").strip()
    if not _QUANTITY.fullmatch(value):
        raise ValueError(f"{text!r} is not a quantity like 1 or 1.5.")
    try:
        return Decimal(value).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"{text!r} is not a quantity like 1 or 1.5.") from None


def format_quantity(quantity: int | Decimal) -> str:
    """A quantity as the desk writes it: 2, 1.5, 2.35 (no trailing zeros)."""
    value = Decimal(quantity).quantize(Decimal("0.01"))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
