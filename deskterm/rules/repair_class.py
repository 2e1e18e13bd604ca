"""The repair categories of D-30 (loaded from data/repair_categories.csv) and classification."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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


def load_categories(path: Path | None = None) -> list[Category]:
    """Read and check the category CSV (the only I/O in deskterm.rules), ordered by `sort`."""
    if path is None:
        from deskterm.paths import reference_data_dir

        path = reference_data_dir() / "repair_categories.csv"
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: the columns must be {','.join(COLUMNS)}.")
        categories = [_row(row, path, reader.line_num) for row in reader]
    codes = [c.code for c in categories]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ValueError(f"{path}: duplicate category codes: {', '.join(duplicates)}.")
    return sorted(categories, key=lambda c: (c.sort, c.code))


def _row(row: dict[str, str], path: Path, line: int) -> Category:
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
