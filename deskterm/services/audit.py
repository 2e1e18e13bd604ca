"""The audit trail: every create, change and sign-off appends a hash-chained event in the same
transaction; `verify` finds the first broken link and any sealed record changed behind its back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel, select

from deskterm.bulk import insert_rows
from deskterm.clock import Clock, as_utc
from deskterm.db import lock_row
from deskterm.models.audit import AuditEvent, AuditHead
from deskterm.models.guard import check_values
from deskterm.models.shift import Handover, LogbookEntry
from deskterm.services.actor import Actor

GENESIS = "0" * 64

# Records whose every change is audited with a digest: verify compares them row by row.
SEALED: dict[str, type[SQLModel]] = {
    "logbook_entry": LogbookEntry,
    "handover": Handover,
}


_SCALARS = frozenset((str, int, float, bool, type(None)))
# json.dumps(..., sort_keys=True, ...) builds an encoder per call: one, reused, writes the same.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:  # the common case first (not subclasses: an Enum is one)
        return value
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical(data: dict[str, Any]) -> str:
    return _CANONICAL.encode(_plain(data))


def record_digest(record: SQLModel) -> str:
    """A digest of every column of a record as stored."""
    columns = {c.key: getattr(record, c.key) for c in sa_inspect(type(record)).columns}
    return hashlib.sha256(canonical(columns).encode()).hexdigest()


def _event_hash(event: AuditEvent) -> str:
    return _hash_body(
        {
            "seq": event.seq,
            "at": event.at,
            "user_id": event.user_id,
            "action": event.action,
            "entity": event.entity,
            "entity_id": event.entity_id,
            "detail": event.detail,
            "record_digest": event.record_digest,
            "prev_hash": event.prev_hash,
        }
    )


def _hash_body(body: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(body).encode()).hexdigest()


def _locked_head(session: Session) -> AuditHead:
    head = lock_row(session, AuditHead, 1)
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
        session.flush()
    return head


def record(
    *,
    session: Session,
    actor: Actor | None,
    clock: Clock,
    action: str,
    entity: str,
    entity_id: Any = None,
    detail: dict[str, Any] | None = None,
    subject: SQLModel | None = None,
) -> AuditEvent:
    """Append one event. `subject` (a record) is flushed and its digest sealed in the event."""
    digest = None
    if subject is not None:
        session.add(subject)
        session.flush()
        digest = record_digest(subject)
        if entity_id is None:
            entity_id = getattr(subject, "id", None)
    head = _locked_head(session)
    event = AuditEvent(
        seq=head.seq + 1,
        at=as_utc(clock.now()),
        user_id=actor.user_id if actor else None,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        detail=_plain(detail or {}),
        record_digest=digest,
        prev_hash=head.hash,
        hash="",
    )
    event.hash = _event_hash(event)
    session.add(event)
    head.seq = event.seq
    head.hash = event.hash
    session.add(head)
    session.flush()
    return event


def record_many(
    *,
    session: Session,
    actor: Actor | None,
    clock: Clock,
    events: Iterable[tuple[str, str, Any, dict[str, Any] | None]],
) -> int:
    """Append many events at once, (action, entity, entity_id, detail) each: a bulk import.

    The same events, hashed and chained exactly as `record` would append them one by one (no
    sealed digests; one `at` for them all, the clock read once), written as plain rows, an
    executemany per 5,000 (deskterm.bulk), instead of one ORM flush each: importing 50,000
    residents spent half its time appending their events singly (bench/bench_import.py).
    Their text is held to the columns' limits as an ORM flush would (models/guard.py).
    """
    head = _locked_head(session)
    seq, prev = head.seq, head.hash
    user_id = actor.user_id if actor else None
    table = AuditEvent.__table__
    rows: list[tuple] = []
    count = 0
    at = as_utc(clock.now())  # one instant for the batch, written in one transaction
    at_text = _plain(at)
    kinds: set[tuple[str, str]] = set()  # (action, entity) pairs already held to the limits
    for action, entity, entity_id, detail in events:
        seq += 1
        entity_id = None if entity_id is None else str(entity_id)
        if (action, entity) not in kinds:
            check_values(AuditEvent, {"action": action, "entity": entity})
            kinds.add((action, entity))
        if entity_id is not None and (len(entity_id) > 32 or "\x00" in entity_id):
            check_values(AuditEvent, {"entity_id": entity_id})
        detail = _plain(detail or {})
        body = {"seq": seq, "at": at_text, "user_id": user_id, "action": action, "entity": entity,
                "entity_id": entity_id, "detail": detail, "record_digest": None, "prev_hash": prev}
        # body is plain already: what canonical() would encode, without walking it again
        digest = hashlib.sha256(_CANONICAL.encode(body).encode()).hexdigest()
        rows.append((seq, at, user_id, action, entity, entity_id, detail, prev, digest))
        prev = digest
        if len(rows) == 5000:
            insert_rows(session, table, _BULK_COLUMNS, rows)
            count += len(rows)
            rows = []
    if rows:
        insert_rows(session, table, _BULK_COLUMNS, rows)
        count += len(rows)
    if count:
        head.seq, head.hash = seq, prev
        session.add(head)
        session.flush()
    return count


_BULK_COLUMNS = ("seq", "at", "user_id", "action", "entity", "entity_id", "detail", "prev_hash", "hash")


def head_hash(session: Session) -> str:
    head = session.get(AuditHead, 1)
    return head.hash if head else GENESIS


@dataclass
class VerifyResult:
    ok: bool
    events_checked: int
    records_checked: int
    problem: str | None = None  # English; the CLI translates the kind
    seq: int | None = None


def verify(session: Session) -> VerifyResult:
    """Walk the chain from the start; then compare every sealed record with its last digest."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    last_digest: dict[tuple[str, str], str | None] = {}
    for event in session.exec(select(AuditEvent).order_by(AuditEvent.seq)):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, 0, "sequence gap or reorder", expected_seq)
        if event.prev_hash != expected_prev:
            return VerifyResult(False, checked, 0, "broken link", event.seq)
        if _event_hash(event) != event.hash:
            return VerifyResult(False, checked, 0, "event altered", event.seq)
        if event.entity in SEALED and event.entity_id is not None:
            last_digest[(event.entity, event.entity_id)] = event.record_digest
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return VerifyResult(False, checked, 0, "chain truncated", checked + 1)
    records = 0
    for entity, model in SEALED.items():
        seen: set[str] = set()
        for row in session.exec(select(model)):
            key = (entity, str(row.id))
            seen.add(str(row.id))
            records += 1
            if key not in last_digest or last_digest[key] != record_digest(row):
                return VerifyResult(False, checked, records, f"{entity} {row.id} altered", None)
        for (ent, ent_id), digest in last_digest.items():
            if ent == entity and digest is not None and ent_id not in seen:
                return VerifyResult(False, checked, records, f"{entity} {ent_id} deleted", None)
    return VerifyResult(True, checked, records)
