"""Issue 19 (B2): every table is either sealed (services/audit.py SEALED) or listed in UNSEALED
with the reason, and docs/ARCHITECTURE.md names each unsealed one: a new table that is neither
fails here."""

from pathlib import Path

from sqlmodel import SQLModel

import deskterm.models  # noqa: F401  (every table registered)
from deskterm.services import audit

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "ARCHITECTURE.md"


def test_every_table_is_sealed_or_deliberately_unsealed_with_a_reason():
    tables = set(SQLModel.metadata.tables)
    neither = sorted(tables - set(audit.SEALED) - set(audit.UNSEALED))
    assert not neither, f"neither sealed nor listed in audit.UNSEALED with a reason: {neither}"
    both = sorted(set(audit.SEALED) & set(audit.UNSEALED))
    assert not both, both
    assert set(audit.SEALED) | set(audit.UNSEALED) <= tables  # no stale name
    for table, reason in audit.UNSEALED.items():
        assert len(reason) > 20, table


def test_every_sealed_table_has_one_key_column():
    for table in audit.SEALED:
        audit.key_column(SQLModel.metadata.tables[table])  # raises on none or a composite key


def test_the_architecture_names_every_unsealed_table():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    for table in audit.UNSEALED:
        assert f"`{table}`" in text, table
