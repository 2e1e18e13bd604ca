"""A spreadsheet cell that cannot run as a formula, and the guard taken off again on import.

A CSV cell that begins with = + - @, a tab or a carriage return is a formula to Excel and
LibreOffice; deskterm's CSV writes a leading quote before it (`neutralise`), and its import
takes exactly that quote off again (`unguard`), so an export imports back as it was.
"""

from __future__ import annotations

FORMULA_START = frozenset("=+-@\t\r")


def neutralise(value: str) -> str:
    """A text that cannot run as a spreadsheet formula: a leading quote where it could."""
    return "'" + value if value and value[0] in FORMULA_START else value


def unguard(value: str) -> str:
    """`neutralise` undone: exactly the quote it adds (a leading ' before = + - @ tab or CR)
    comes off, so a CSV export imports back as it was (services/sheets.py)."""
    return (
        value[1:] if value[:1] == "'" and value[1:2] in FORMULA_START and len(value) > 1 else value
    )
