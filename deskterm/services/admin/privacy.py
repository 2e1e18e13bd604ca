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

from sqlalchemy import select, update
from sqlmodel import Session, SQLModel

from deskterm.clock import Clock
from deskterm.models.guard import json_columns, text_limits
from deskterm.rules.text import mask_personal, mask_personal_in
from deskterm.services import audit

BATCH = 2000


def _tables() -> list[type[SQLModel]]:
    import deskterm.models as models

    found = {getattr(models, name) for name in models.__all__}
    return sorted((m for m in found if isinstance(m, type) and issubclass(m, SQLModel)
                   and hasattr(m, "__table__") and "id" in m.__table__.columns),
                  key=lambda m: m.__tablename__)


def mask_stored(*, session: Session, clock: Clock) -> dict[str, int]:
    """Mask personal numbers in every stored free text; rows changed per table."""
    counts: dict[str, int] = {}
    for model in _tables():
        table = model.__tablename__
        if table == "audit_event":
            continue
        texts = [key for key, _length, kind in text_limits(model) if kind.personal]
        blobs = list(json_columns(model))
        if not texts and not blobs:
            continue
        columns = [getattr(model, key) for key in (*texts, *blobs)]
        changes: list[tuple[int, dict]] = []
        query = select(model.id, *columns).order_by(model.id).execution_options(yield_per=BATCH)
        for row in session.execute(query):
            new = {}
            for key, value in zip((*texts, *blobs), row[1:], strict=True):
                masked, kinds = (mask_personal(value) if isinstance(value, str)
                                 else mask_personal_in(value))
                if kinds:
                    new[key] = masked
            if new:
                changes.append((row[0], new))
        for row_id, new in changes:
            if table in audit.SEALED:
                record = session.get(model, row_id)
                for key, value in new.items():
                    setattr(record, key, value)
                audit.record(session=session, actor=None, clock=clock, action="privacy.masked",
                             entity=table, detail={"fields": sorted(new)}, subject=record)
            else:
                session.execute(update(model).where(model.id == row_id).values(**new))
        if changes:
            counts[table] = len(changes)
    session.flush()
    return counts
