"""Reference data shipped in data/: repair categories (D-30), the fee schedule, the directory.

Loading is idempotent and never overwrites a site's own edits (D-30): a shipped category is
added only when its code is not there yet (a renamed or reclassified category stays as the site
made it), fee items and directory entries only when their table is empty.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlmodel import Session, func, select

from deskterm.models.directory import DirectoryEntry, DirectoryKind
from deskterm.models.repair import FeeScheduleItem, RepairCategory, RepairClass
from deskterm.paths import reference_data_dir
from deskterm.rules.money import parse_yuan
from deskterm.rules.pinyin import pinyin_keys
from deskterm.rules.repair_class import Category, parse_categories


def load_categories(path: Path | None = None) -> list[Category]:
    """The category list shipped in data/ (or the CSV at `path`), checked and ordered."""
    path = Path(path) if path is not None else reference_data_dir() / "repair_categories.csv"
    return parse_categories(path.read_text(encoding="utf-8-sig"), str(path))


def load_repair_categories(session: Session, path: Path | None = None) -> int:
    """Add the shipped categories a site does not have yet; returns how many were added."""
    count = 0
    for cat in load_categories(path):
        if session.get(RepairCategory, cat.code) is not None:
            continue  # the site's row, as shipped or as the site edited it
        row = RepairCategory(
            code=cat.code,
            name_zh=cat.name_zh,
            name_en=cat.name_en,
            repair_class=RepairClass(cat.repair_class),
            scope=cat.scope,
            sort=cat.sort,
        )
        session.add(row)
        count += 1
    session.flush()
    return count


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def load_fee_schedule(session: Session, path: Path | None = None) -> int:
    if session.exec(select(func.count()).select_from(FeeScheduleItem)).one():
        return 0
    path = path or reference_data_dir() / "fee_schedule.csv"
    count = 0
    for row in _rows(path):
        session.add(
            FeeScheduleItem(
                code=row["code"],
                name=row["name"],
                unit=row["unit"],
                labour_fen=parse_yuan(row["labour_yuan"]),
                materials_fen=parse_yuan(row["materials_yuan"]),
                valid_from=date.fromisoformat(row["valid_from"]),
            )
        )
        count += 1
    session.flush()
    return count


def load_directory(session: Session, path: Path | None = None) -> int:
    if session.exec(select(func.count()).select_from(DirectoryEntry)).one():
        return 0
    path = path or reference_data_dir() / "directory.csv"
    count = 0
    for row in _rows(path):
        full, initials = pinyin_keys(row["name"])
        session.add(
            DirectoryEntry(
                kind=DirectoryKind(row["kind"]),
                name=row["name"],
                name_pinyin=full,
                name_initials=initials,
                location=row.get("location") or None,
                phone=row.get("phone") or None,
                hours=row.get("hours") or None,
                notes=row.get("notes") or None,
            )
        )
        count += 1
    session.flush()
    return count
