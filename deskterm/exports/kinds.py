"""The kinds of records `deskterm export` writes (its own module: exports/__init__.py and
exports/labels.py both read it, and neither imports the other for it)."""

KINDS = (
    "visitors",
    "inquiries",
    "messages",
    "repairs",
    "complaints",
    "logbook",
    "handovers",
    "audit",
    "residents",
    "units",
    "directory",
    "fees",
    "categories",
)
# kinds written in their import's own columns (round trip: export, edit, import)
TABLE_KINDS = ("residents", "units", "directory", "fees", "categories")
