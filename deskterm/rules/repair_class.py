"""The repair categories of D-30 (the text of data/repair_categories.csv, parsed) and classification.

No I/O: services/admin/reference.py reads the file and hands its text here."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

REPAIR_CLASSES = ("urgent", "general")  # D-30: 急修 / 一般
SCOPES = ("household", "public", "any")
COLUMNS = ("code", "name_zh", "name_en", "repair_class", "scope", "sort")


@dataclass(frozen=True)
class Category:
    """One row of the category list: a D-30 item or a finer category that maps onto one."""

    code: str
    name_zh: str
    name_en: str
    repair_class: str
    scope: str
    sort: int


class UnknownCategory(ValueError):
    """A repair category code that is not in the list."""


def parse_categories(text: str, path: str = "categories") -> list[Category]:
    """Check the category CSV's text (`path` names it in errors), ordered by `sort`."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"{path}: the columns must be {','.join(COLUMNS)}.")
    categories = [_row(row, path, reader.line_num) for row in reader]
    codes = [c.code for c in categories]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ValueError(f"{path}: duplicate category codes: {', '.join(duplicates)}.")
    return sorted(categories, key=lambda c: (c.sort, c.code))


def _row(row: dict[str, str], path: str, line: int) -> Category:
    values = {key: (row.get(key) or "").strip() for key in COLUMNS}
    if not all(values.values()):
        raise ValueError(f"{path} line {line}: every column needs a value.")
    if values["repair_class"] not in REPAIR_CLASSES:
        raise ValueError(f"{path} line {line}: repair_class must be urgent or general.")
    if values["scope"] not in SCOPES:
        raise ValueError(f"{path} line {line}: scope must be household, public or any.")
    try:
        sort = int(values.pop("sort"))
    except ValueError:
        raise ValueError(f"{path} line {line}: sort must be a whole number.") from None
    return Category(sort=sort, **values)


def classify(
    code: str,
    categories: Iterable[Category],
    override: str | None = None,
    reason: str | None = None,
) -> str:
    """The repair class of a category (D-30); the desk may override it only with a reason."""
    category = next((c for c in categories if c.code == code), None)
    if category is None:
        raise UnknownCategory(f"Unknown repair category {code!r}.")
    if override is None:
        return category.repair_class
    if override not in REPAIR_CLASSES:
        raise ValueError(f"Unknown repair class {override!r}; expected 'urgent' or 'general'.")
    if override != category.repair_class and not (reason and reason.strip()):
        raise ValueError(
            f"Changing category {code!r} from {category.repair_class} to {override} needs a reason."
        )
    return override
