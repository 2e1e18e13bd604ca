"""The repair categories (D-30), in the categories import's own columns (round trip: export,
edit in a spreadsheet, `deskterm import categories`). Retired ones are listed too (a file
cannot retire or revive one: the admin's screen does); in Chinese the class and scope are
the words the import reads back (急修/一般, 户内/公共/不限)."""

from __future__ import annotations

from sqlalchemy import select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import repair_category as c

FIELDS = (
    (Col("code", nullable=False), c.c.code),
    (Col("name_zh", nullable=False), c.c.name_zh),
    (Col("name_en", nullable=False), c.c.name_en),
    (Col("repair_class", nullable=False), c.c.repair_class),
    (Col("scope", nullable=False), c.c.scope),
    (Col("sort", "int", nullable=False), c.c.sort),
)
TIME = None
BASE = c
FILTERS: dict = {}
IMPORT_KIND = "categories"


def query():
    return select(*labelled(FIELDS)).order_by(c.c.sort, c.c.code)
