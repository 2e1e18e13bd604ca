"""The service directory (D-23), in the directory import's own columns (round trip). Its phones
are the estate's offices and services, never residents' (directory.DirectoryKind.phone)."""

from __future__ import annotations

from sqlalchemy import select

from deskterm.export import Col
from deskterm.exports import labelled
from deskterm.exports.tables import directory_entry as d

FIELDS = (
    (Col("kind", nullable=False), d.c.kind),
    (Col("name", nullable=False), d.c.name),
    (Col("location"), d.c.location),
    (Col("phone"), d.c.phone),
    (Col("hours"), d.c.hours),
    (Col("notes"), d.c.notes),
)
TIME = None
BASE = d
FILTERS: dict = {}
IMPORT_KIND = "directory"


def query():
    return select(*labelled(FIELDS)).order_by(d.c.kind, d.c.name, d.c.id)
