"""The fee schedule in force (D-36), in the fees import's own columns (round trip): importing it
back is unchanged; new prices need a later 生效日期 (valid_from), as a new version."""

from __future__ import annotations

from sqlalchemy import select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import fee_schedule_item as f

FIELDS = (
    (Col("code", nullable=False), f.c.code),
    (Col("name", nullable=False), f.c.name),
    (Col("unit", nullable=False), f.c.unit),
    (Col("labour", "money", nullable=False), f.c.labour_fen),
    (Col("materials", "money", nullable=False), f.c.materials_fen),
    (Col("valid_from", "date", nullable=False), f.c.valid_from),
)
TIME = None
BASE = f
FILTERS: dict = {}
IMPORT_KIND = "fees"


def query():
    return select(*labelled(FIELDS)).where(f.c.valid_to.is_(None)).order_by(f.c.code)
