"""Masking personal numbers already stored in free text (issue 15; migration 0004).

New text is masked when it is written (models/guard.py). This pass does the same to rows
written before: every `Line` / `Block` column (and the JSON snapshots that copy typed text)
of every table is read in batches, and only the rows holding an ID number, a mobile or a
landline are changed. A record sealed in the audit trail (the logbook, handovers) is sealed
again by a `privacy.masked` event carrying its new digest, so `deskterm admin check` still
verifies the chain: the change is recorded, not hidden. Audit events themselves are never
rewritten (their hashes are the chain).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select, update
from sqlmodel import Session, SQLModel

from deskterm.clock import Clock
from deskterm.db import lock_row, table_of
from deskterm.models.estate import name_tails
from deskterm.models.guard import json_columns, text_limits
from deskterm.models.text import PHONE
from deskterm.rules.pinyin import pinyin_keys
from deskterm.rules.text import mask_personal, mask_personal_in
from deskterm.services import audit

BATCH = 2000


def _tables() -> list[tuple[type[SQLModel], Table]]:
    """Every table model with an `id` column, and its table, by table name."""
    import deskterm.models as models

    found = {getattr(models, name) for name in models.__all__}
    tables = [
        (m, table)
        for m in found
        if isinstance(m, type)
        and issubclass(m, SQLModel)
        and hasattr(m, "__table__")  # a table model
        and "id" in (table := table_of(m)).columns
    ]
    return sorted(tables, key=lambda pair: pair[1].name)


def mask_stored(*, session: Session, clock: Clock) -> dict[str, int]:
    """Mask personal numbers in every stored free text; rows changed per table."""
    counts: dict[str, int] = {}
    for model, mapped in _tables():
        table = mapped.name
        if table == "audit_event":
            continue
        # free text, and phone columns for ID numbers only (a phone stays a phone, D-21)
        phones = {key for key, _length, kind in text_limits(model) if kind == PHONE}
        texts = [key for key, _length, kind in text_limits(model) if kind.personal or key in phones]
        blobs = list(json_columns(model))
        if not texts and not blobs:
            continue
        columns = [getattr(model, key) for key in (*texts, *blobs)]
        changes: list[tuple[int, dict[str, Any]]] = []
        id_column = mapped.c.id
        query = select(id_column, *columns).order_by(id_column).execution_options(yield_per=BATCH)
        for row in session.execute(query):
            new: dict[str, Any] = {}
            for key, value in zip((*texts, *blobs), row[1:], strict=True):
                masked, kinds = (
                    mask_personal(value, ids_only=key in phones)
                    if isinstance(value, str)
                    else mask_personal_in(value)
                )
                if kinds:
                    new[key] = masked
            if new:
                changes.append((row[0], new))
        for row_id, new in changes:
            if table in audit.SEALED:
                record = lock_row(session, model, row_id)
                for key, value in new.items():
                    setattr(record, key, value)
                audit.record(
                    session=session,
                    actor=None,
                    clock=clock,
                    action="privacy.masked",
                    entity=table,
                    detail={"fields": sorted(new)},
                    subject=record,
                )
            else:
                session.execute(update(model).where(mapped.c.id == row_id).values(**new))
        if changes:
            counts[table] = len(changes)
        rekeyed = _rekey(session, model, mapped)
        if rekeyed:
            counts[f"{table} search keys"] = rekeyed
    session.flush()
    return counts


def _search_keys(model: type[SQLModel], name: str | None) -> dict[str, str]:
    """A row's search keys as they are made for a new row (from the masked name)."""
    full, initials = pinyin_keys(name or "")
    keys = {"name_pinyin": full, "name_initials": initials}
    if hasattr(model, "name_after_1"):
        keys["name_after_1"], keys["name_after_2"] = name_tails(name)
    return keys


def _rekey(session: Session, model: type[SQLModel], table: Table) -> int:
    """Search keys made again from the masked name where a stored key holds a personal
    number (keys made from a name before it was masked: "wang13900001111")."""
    if not hasattr(model, "name_pinyin"):
        return 0
    keys = list(_search_keys(model, ""))
    query = select(table.c.id, table.c.name, *(table.c[k] for k in keys)).order_by(table.c.id)
    changes: list[tuple[int, dict[str, str]]] = []
    for row in session.execute(query.execution_options(yield_per=BATCH)):
        stored = dict(zip(keys, row[2:], strict=True))
        if not any(_digit_run(v) for v in stored.values()):
            continue
        wanted = _search_keys(model, row[1])
        if wanted != stored:
            changes.append((row[0], wanted))
    for row_id, wanted in changes:
        session.execute(update(model).where(table.c.id == row_id).values(**wanted))
    return len(changes)


def _digit_run(value: str | None, length: int = 7) -> bool:
    run = 0
    for ch in value or "":
        run = run + 1 if ch.isdecimal() else 0
        if run >= length:
            return True
    return False
