"""The audit trail: every create, change and sign-off appends a chained event in the same
transaction; `verify` finds the first broken link and every sealed record changed behind its back.

Two mechanisms, each in one place:

- **The chain is keyed.** Each event's hash is an HMAC-SHA256 (deskterm.audit_key: a secret kept
  outside the database) over its fields and the previous hash: an edited event cannot be re-hashed
  without the key. Each signed handover records the head's seq and hash (its anchor).
- **Every sealed record is sealed by the write path itself.** A session listener notes every row
  of a SEALED table that a flush inserts, changes or deletes, and every ORM UPDATE/DELETE
  statement's rows; the next event appended in that transaction carries the rows' digests
  (`seals`, a keyed digest of the row as stored, or null for a row deleted by the app). A
  transaction that changes sealed rows and appends no event gets one `audit.seal` event at
  commit. Services need do nothing: a new table is sealed by adding it to SEALED.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as core_select
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel, col, select

from deskterm import audit_witness
from deskterm.audit_key import audit_key, key_location
from deskterm.bulk import WRITTEN, insert_rows
from deskterm.clock import Clock, SystemClock, as_utc
from deskterm.db import lock_row, table_of
from deskterm.errors import DeskError
from deskterm.i18n import N_, _
from deskterm.models.audit import AuditEvent, AuditHead
from deskterm.models.guard import check_values
from deskterm.models.shift import Handover
from deskterm.rules.text import mask_personal_in
from deskterm.services.actor import Actor
from deskterm.services.audit_problems import Problem

GENESIS = "0" * 64

# Records whose every insert, change and deletion is sealed: table -> columns left out of the
# digest (state that is not evidence: a sign-in throttle changes at every wrong password).
# Everything a report, an export or a decision reads is sealed; the few tables that are not are
# in UNSEALED with the reason (tests/reliability/test_sealed_tables.py holds every table to one).
SEALED: dict[str, frozenset[str]] = {
    "user": frozenset({"failed_logins", "locked_until", "code_key"}),
    "building": frozenset(),
    "unit": frozenset(),
    "resident": frozenset(),
    "company": frozenset(),
    "engineer": frozenset(),
    "repair_category": frozenset(),
    "complaint_category": frozenset(),
    "fee_schedule_item": frozenset(),
    "directory_entry": frozenset(),
    "event": frozenset(),
    "inquiry": frozenset(),
    "contact_attempt": frozenset(),
    "shift": frozenset(),
    "repair_attempt": frozenset(),
    "visitor_slip": frozenset(),
    "expected_visitor": frozenset(),
    "deny_entry": frozenset(),
    "message": frozenset(),
    "promised_reply": frozenset(),
    "repair_order": frozenset(),
    "repair_event": frozenset(),
    "repair_fee_line": frozenset(),
    "complaint": frozenset(),
    "complaint_step": frozenset(),
    "complaint_repair": frozenset(),
    "public_area_request": frozenset(),
    "callback": frozenset(),
    "communication": frozenset(),
    "handover": frozenset(),
    "handover_item": frozenset(),
    "logbook_entry": frozenset(),
}
# Tables deliberately left out of SEALED, each with the reason (docs/ARCHITECTURE.md "Audit").
UNSEALED: dict[str, str] = {
    "audit_event": "the chain itself: every event is checked by its keyed hash and link",
    "audit_head": "the chain's head: checked against the chain's last event (and the witness)",
    "sign_in_throttle": "sign-in delays, changed at every wrong password: not evidence; an edit "
    "can only lift or lengthen a delay",
    "counter": "the last number given per prefix and day: the numbers themselves are sealed in "
    "the rows that bear them; an edit can only skip a number or make the next one "
    "collide (refused by the unique index)",
}
SEAL_CHUNK = 2000  # rows per `audit.seal` event when a whole table is sealed at once

_SCALARS = frozenset((str, int, float, bool, type(None)))
# json.dumps(..., sort_keys=True, ...) builds an encoder per call: one, reused, writes the same.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def plain(value: Any) -> Any:
    """A value as the chain hashes it: datetimes as UTC ISO text, enums by value, dicts keyed
    by text, tuples as lists (also used by the demo, which builds its chain in bulk)."""
    if type(value) in _SCALARS:  # the common case first (not subclasses: an Enum is one)
        return value
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):  # quantities (1.5 h): exact, as written
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def canonical(data: dict[str, Any]) -> str:
    return _CANONICAL.encode(plain(data))


def _mac(text: str) -> str:
    return hmac.new(audit_key(), text.encode(), hashlib.sha256).hexdigest()


def row_digest(table: str, values: dict[str, Any]) -> str:
    """The keyed digest of a sealed row's columns (as stored; the table's exclusions left out)."""
    skip = SEALED.get(table, frozenset())
    return _mac(table + "\x00" + canonical({k: v for k, v in values.items() if k not in skip}))


def record_digest(record: SQLModel) -> str:
    """A keyed digest of every column of a record (a sealed table's exclusions left out)."""
    table = table_of(type(record)).name
    columns = {c.key: getattr(record, c.key) for c in sa_inspect(type(record)).columns}
    return row_digest(table, columns)


def event_hash(event: Any) -> str:
    """The keyed hash of an audit event (its fields, nothing else): the chain's link."""
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
            "seals": getattr(event, "seals", None),
            "prev_hash": event.prev_hash,
        }
    )


def _hash_body(body: dict[str, Any]) -> str:
    return _mac(canonical(body))


def legacy_event_hash(event: Any) -> str:
    """The unkeyed SHA-256 of releases before the key (only `db upgrade` reads it)."""
    body = {
        k: getattr(event, k)
        for k in (
            "seq",
            "at",
            "user_id",
            "action",
            "entity",
            "entity_id",
            "detail",
            "record_digest",
            "prev_hash",
        )
    }
    return hashlib.sha256(canonical(body).encode()).hexdigest()


# ---- the seal tracker: rows of sealed tables touched in this session, not yet sealed ----

PENDING_SEALS = "deskterm_unsealed"
_CLOCK = "deskterm_audit_clock"


def key_column(table: Any) -> Any:
    """The one primary-key column a sealed row is named by (an id, or a category's code)."""
    (column,) = table.primary_key.columns
    return column


def _typed_keys(column: Any, idents: list[str]) -> list[Any]:
    return [int(i) for i in idents] if column.type.python_type is int else list(idents)


def _ident_order(ident: str) -> tuple[int, Any]:
    return (0, int(ident)) if ident.isdigit() else (1, ident)


def _sealed_table(obj: Any) -> str | None:
    table = getattr(type(obj), "__table__", None)
    name = getattr(table, "name", None)
    return name if name in SEALED else None


def touched(session: OrmSession, table: str, ids: Iterable[Any]) -> None:
    """Note rows of a sealed table written outside the ORM unit of work (a Core insert)."""
    if table in SEALED:
        session.info.setdefault(PENDING_SEALS, set()).update((table, str(i)) for i in ids)


def _after_flush(session: OrmSession, _context: Any) -> None:
    pending = None
    for group in (session.new, session.dirty, session.deleted):
        for obj in group:
            table = _sealed_table(obj)
            if table is None:
                continue
            key = sa_inspect(obj).mapper.primary_key_from_instance(
                obj
            )  # given by the INSERT just flushed
            ident = key[0] if len(key) == 1 else None
            if ident is None or (group is session.dirty and not session.is_modified(obj)):
                continue
            if pending is None:
                pending = session.info.setdefault(PENDING_SEALS, set())
            pending.add((table, str(ident)))


def _on_orm_execute(state: Any) -> None:
    """An ORM UPDATE or DELETE statement on a sealed table: note the rows it will touch."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    table = getattr(mapper, "local_table", None) if mapper is not None else None
    if table is None or table.name not in SEALED:
        return
    where = state.statement.whereclause
    query = core_select(key_column(table))
    if where is not None:
        query = query.where(where)
    ids = state.session.execute(query).scalars().all()
    touched(state.session, table.name, ids)


def _before_commit(session: OrmSession) -> None:
    session.flush()
    _collect_bulk(session)
    pending = sorted(session.info.pop(PENDING_SEALS, ()), key=lambda p: (p[0], _ident_order(p[1])))
    clock = session.info.get(_CLOCK) or SystemClock()
    for start in range(0, len(pending), SEAL_CHUNK):  # a bulk import: SEAL_CHUNK rows an event
        # the listener is declared on SQLAlchemy's Session; every session of deskterm is
        # sqlmodel's (deskterm.db), which `record` takes
        assert isinstance(session, Session)
        session.info[PENDING_SEALS] = set(pending[start : start + SEAL_CHUNK])
        record(session=session, actor=None, clock=clock, action="audit.seal", entity="audit")
    head = session.info.get(_HEAD_OBJ)
    if head is not None and session.info.get(_WITNESS_HELD, True):
        session.info[_WITNESS_NOTE] = (_bind_url(session), head.seq, head.hash)


def _after_commit(session: OrmSession) -> None:
    note = session.info.get(_WITNESS_NOTE)
    _end_transaction(session)
    if note is not None and note[1]:
        try:
            audit_witness.note(*note)
        except OSError:  # committed already; the witness stays where it was
            pass


def _end_transaction(session: OrmSession, *_args: Any) -> None:
    for key in _PER_TRANSACTION:
        session.info.pop(key, None)


sa_event.listen(OrmSession, "after_flush", _after_flush)
sa_event.listen(OrmSession, "do_orm_execute", _on_orm_execute)
sa_event.listen(OrmSession, "before_commit", _before_commit)
sa_event.listen(OrmSession, "after_commit", _after_commit)
sa_event.listen(OrmSession, "after_rollback", _end_transaction)


def _stored_digests(connection: Any, table: str, ids: list[str]) -> dict[str, str | None]:
    """Digests of these rows as stored now; None for a row that is gone."""
    from sqlmodel import SQLModel as _Meta

    t = _Meta.metadata.tables[table]
    column = key_column(t)
    found: dict[str, str | None] = dict.fromkeys(ids)
    keys = _typed_keys(column, ids)
    for start in range(0, len(keys), 500):
        for row in connection.execute(
            core_select(t).where(column.in_(keys[start : start + 500]))
        ).mappings():
            found[str(row[column.name])] = row_digest(table, dict(row))
    return found


def _collect_bulk(session: OrmSession) -> None:
    """Rows written by deskterm.bulk.insert_rows (no ORM flush) join the rows to seal."""
    written = session.info.pop(WRITTEN, None)
    if written:
        touched_rows = {(t, i) for t, i in written if t in SEALED}
        if touched_rows:
            session.info.setdefault(PENDING_SEALS, set()).update(touched_rows)


def _take_seals(session: OrmSession) -> dict[str, dict[str, str | None]] | None:
    _collect_bulk(session)
    pending = session.info.pop(PENDING_SEALS, None)
    if not pending:
        return None
    by_table: dict[str, list[str]] = {}
    for table, ident in pending:
        by_table.setdefault(table, []).append(ident)
    connection = session.connection()
    return {
        table: _stored_digests(connection, table, sorted(ids, key=_ident_order))
        for table, ids in sorted(by_table.items())
    }


class ChainRefused(DeskError):
    """The chain cannot take an event: its head is missing, or this desk's key does not verify
    its last event. One sentence; nothing was saved."""


_HEAD_CHECKED = "deskterm_audit_head_checked"
_HEAD_OBJ = "deskterm_audit_head"
_WITNESS_HELD = "deskterm_audit_witness_held"
_WITNESS_NOTE = "deskterm_audit_witness_note"
_PER_TRANSACTION = (_HEAD_CHECKED, _HEAD_OBJ, _WITNESS_HELD, _WITNESS_NOTE)


def _locked_head(session: Session) -> AuditHead:
    """The head, locked, checked once per transaction: present whenever the chain holds an event
    (a deleted head would make the next event collide with seq 1), and its event verifying with
    this desk's key (a desk with another key would chain events nobody can verify)."""
    if not session.info.get(_HEAD_CHECKED):
        # Checked on the chain's end as it stands just before the lock, not under it: every
        # desk's write waits for this lock, so it is held for the append only (bench_desks).
        found = session.exec(
            select(AuditHead.seq, AuditHead.hash, AuditEvent)
            .outerjoin(AuditEvent, col(AuditEvent.seq) == AuditHead.seq)
            .where(AuditHead.id == 1)
        ).first()
        seq, digest, last = found if found is not None else (0, GENESIS, None)
        if last is not None and event_hash(last) != last.hash:
            raise ChainRefused(
                _(
                    "This desk's audit key does not verify the last audit event: nothing was saved. The installation's key must be in {where}; `deskterm audit verify` tells a wrong key from tampering."
                ).format(where=key_location())
            )
        # the witness is raised at commit only while the chain still holds it (B1): a chain cut
        # back below it stays reported by verify, whatever is appended after the cut (a head
        # moved on meanwhile by a desk of this machine has raised the witness itself)
        session.info[_WITNESS_HELD] = _holds_witness(session, seq, digest)
    head = lock_row(session, AuditHead, 1)
    if head is None:
        if session.exec(select(AuditEvent.seq).limit(1)).first() is not None:
            raise ChainRefused(
                _(
                    "The audit head is missing: nothing was saved. Run `deskterm audit verify` and restore the last verified backup."
                )
            )
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
        session.flush()
    session.info[_HEAD_CHECKED] = True
    session.info[_HEAD_OBJ] = head
    return head


def _holds_witness(session: Session, head_seq: int, head_hash: str) -> bool:
    seen = audit_witness.read(_bind_url(session))
    if seen is None:
        return True
    seq, digest = seen
    if seq > head_seq:
        return False
    if seq == head_seq:
        return head_hash == digest
    return session.exec(select(AuditEvent.hash).where(AuditEvent.seq == seq)).first() == digest


def _masked_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """An event's detail as the chain holds it: plain, every personal number masked (issue 15)."""
    masked = mask_personal_in(plain(detail or {}))[0]
    assert isinstance(masked, dict)  # a dict in, a dict out
    return masked


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
    """Append one event; it seals every sealed row this transaction wrote since the last event.

    `subject` (a record) is flushed, and its digest is the event's `record_digest` too.
    """
    if subject is not None:
        session.add(subject)
        if entity_id is None:
            session.flush()
            entity_id = getattr(subject, "id", None)
    session.info[_CLOCK] = clock
    session.flush()
    seals = _take_seals(session)
    digest = None
    if subject is not None:
        table = table_of(type(subject)).name
        key = sa_inspect(subject).mapper.primary_key_from_instance(subject)
        digest = (
            (seals or {}).get(table, {}).get(str(key[0]))
            if table in SEALED and len(key) == 1
            else None
        )
        if digest is None:
            digest = record_digest(subject)
    head = _locked_head(session)
    event = AuditEvent(
        seq=head.seq + 1,
        at=as_utc(clock.now()),
        user_id=actor.user_id if actor else None,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        detail=_masked_detail(detail),  # issue 15
        record_digest=digest,
        seals=seals,
        prev_hash=head.hash,
        hash="",
    )
    event.hash = event_hash(event)
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
    session.info[_CLOCK] = clock
    head = _locked_head(session)
    seq, prev = head.seq, head.hash
    key = audit_key()
    user_id = actor.user_id if actor else None
    table = table_of(AuditEvent)
    rows: list[tuple[Any, ...]] = []
    count = 0
    at = as_utc(clock.now())  # one instant for the batch, written in one transaction
    at_text = plain(at)
    kinds: set[tuple[str, str]] = set()  # (action, entity) pairs already held to the limits
    for action, entity, entity_id, detail in events:
        seq += 1
        entity_id = None if entity_id is None else str(entity_id)
        if (action, entity) not in kinds:
            check_values(AuditEvent, {"action": action, "entity": entity})
            kinds.add((action, entity))
        if entity_id is not None and (len(entity_id) > 32 or "\x00" in entity_id):
            check_values(AuditEvent, {"entity_id": entity_id})
        masked = _masked_detail(detail)  # no personal number (issue 15)
        body = {
            "seq": seq,
            "at": at_text,
            "user_id": user_id,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "detail": masked,
            "record_digest": None,
            "seals": None,
            "prev_hash": prev,
        }
        # body is plain already: what canonical() would encode, without walking it again
        digest = hmac.new(key, _CANONICAL.encode(body).encode(), hashlib.sha256).hexdigest()
        rows.append((seq, at, user_id, action, entity, entity_id, masked, prev, digest))
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


_BULK_COLUMNS = (
    "seq",
    "at",
    "user_id",
    "action",
    "entity",
    "entity_id",
    "detail",
    "prev_hash",
    "hash",
)


def prepare_new_database(engine: Any) -> None:
    """`init` and `demo`: on a new database (its chain holds no event) make the installation's
    key if there is none, and start this machine's witness for that place afresh. Anything else
    without a key refuses (deskterm.audit_key)."""
    from sqlalchemy import func
    from sqlalchemy import inspect as inspect_engine

    from deskterm.audit_key import create_key, has_key

    with engine.connect() as conn:
        new = (
            "audit_event" not in inspect_engine(conn).get_table_names()
            or not conn.execute(
                core_select(func.count()).select_from(table_of(AuditEvent))
            ).scalar_one()
        )
    if new:
        audit_witness.forget(engine.url)
        if not has_key():
            create_key()


def head_hash(session: Session) -> str:
    head = session.get(AuditHead, 1)
    return head.hash if head else GENESIS


def head_anchor(session: Session) -> tuple[int, str]:
    """(seq, hash) of the chain's head, for a handover to record as its anchor."""
    head = session.get(AuditHead, 1)
    return (head.seq, head.hash) if head else (0, GENESIS)


def seal_events(
    connection: Any,
    *,
    seq: int,
    prev: str,
    at: datetime,
    user_id: int | None = None,
    only_unsealed: dict[tuple[str, str], str | None] | None = None,
    reason: str = "bulk",
) -> list[dict[str, Any]]:
    """`audit.seal` events (as rows, chained after seq/prev) sealing every row of every sealed
    table as stored now: for bulk writers that pass no ORM flush (the demo) and for `db upgrade`
    of a database made before every record was sealed. `only_unsealed`: the digests verify
    found; rows that already match theirs are left out."""
    from sqlmodel import SQLModel as _Meta

    chunks: list[tuple[str, dict[str, str]]] = []
    for table in SEALED:
        t = _Meta.metadata.tables[table]
        column = key_column(t)
        chunk: dict[str, str] = {}
        for values in connection.execute(core_select(t).order_by(column)).mappings():
            ident = str(values[column.name])
            digest = row_digest(table, dict(values))
            if only_unsealed is not None and only_unsealed.get((table, ident)) == digest:
                continue
            chunk[ident] = digest
            if len(chunk) >= SEAL_CHUNK:
                chunks.append((table, chunk))
                chunk = {}
        if chunk:
            chunks.append((table, chunk))
    events: list[dict[str, Any]] = []
    for table, digests in chunks:
        seq += 1
        row = {
            "seq": seq,
            "at": at,
            "user_id": user_id,
            "action": "audit.seal",
            "entity": "audit",
            "entity_id": None,
            "detail": {"reason": reason, "table": table, "rows": len(digests)},
            "record_digest": None,
            "seals": {table: digests},
            "prev_hash": prev,
        }
        row["hash"] = prev = event_hash(ChainRow(row))
        events.append(row)
    return events


class ChainRow:
    """A stored audit row (a mapping) with the attributes `event_hash` reads."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        self.detail = plain(values["detail"])
        self.at = values["at"]


@dataclass
class VerifyResult:
    ok: bool
    events_checked: int
    records_checked: int
    problem: str | None = None  # the first problem, English; the CLI translates the kind
    seq: int | None = None
    problems: list[str] = field(default_factory=list)  # every problem found, each naming its row


MAX_PROBLEMS = 200


def chain_digests(
    session: Session,
) -> tuple[list[str], int | None, int, dict[tuple[str, str], str | None], dict[int, str]]:
    """Walk the chain: (problems, seq of the first break, events checked, last digest per
    sealed row, hash per seq)."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    problems: list[str] = []
    first: int | None = None
    last_digest: dict[tuple[str, str], str | None] = {}
    hashes: dict[int, str] = {}
    for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))):
        # past a break the seals are still read, so that rows are named precisely, but no
        # event after it counts as checked
        if not problems:
            if event.seq != expected_seq:
                problems.append(
                    Problem(
                        N_("event {seq}: sequence gap or reorder (found {found})"),
                        seq=expected_seq,
                        found=event.seq,
                    )
                )
            elif event.prev_hash != expected_prev:
                problems.append(Problem(N_("event {seq}: broken link"), seq=event.seq))
            elif event_hash(event) != event.hash:
                problems.append(
                    Problem(
                        N_("event {seq} ({action}): event altered"),
                        seq=event.seq,
                        action=event.action,
                    )
                )
            if problems:
                first = expected_seq
            else:
                hashes[event.seq] = event.hash
                expected_prev = event.hash
                expected_seq += 1
                checked += 1
        for table, rows in (event.seals or {}).items():
            for ident, digest in rows.items():
                last_digest[(table, ident)] = digest
    if not problems:
        head = session.get(AuditHead, 1)
        if head is None and checked:
            problems.append(
                Problem(
                    N_("the audit head is missing (the chain ends at event {checked})"),
                    checked=checked,
                )
            )
            first = checked
        elif head is not None and (head.seq != checked or head.hash != expected_prev):
            problems.append(
                Problem(
                    N_("chain truncated: the head says event {seq}, the chain ends at {checked}"),
                    seq=head.seq,
                    checked=checked,
                )
            )
            first = checked + 1
    return problems, first, checked, last_digest, hashes


def _wrong_key(session: Session) -> bool:
    """Not one event verifies with this key, yet the chain as stored is whole: every link holds
    and every handover's anchor is in it. What a desk with another installation's key sees (an
    attacker re-hashing without the key leaves the anchors behind)."""
    prev, stored = GENESIS, dict[int, str]()
    for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))):
        if (
            event.seq != len(stored) + 1
            or event.prev_hash != prev
            or event_hash(event) == event.hash
        ):
            return False
        stored[event.seq] = prev = event.hash
    anchors = session.exec(
        select(Handover.audit_head_seq, Handover.audit_head_hash).where(
            col(Handover.audit_head_seq).is_not(None)
        )
    )
    return bool(stored) and all(
        seq == 0 or (seq is not None and stored.get(seq) == digest) for seq, digest in anchors
    )


def verify(session: Session) -> VerifyResult:
    """Walk the keyed chain; check every handover's anchor against it; then compare every sealed
    table with its last sealed digests, naming each row edited, deleted or inserted behind the
    app."""
    problems, first, checked, last_digest, hashes = chain_digests(session)
    if first == 1 and problems[0].startswith("event 1 (") and _wrong_key(session):
        wrong = Problem(
            N_(
                "wrong key: not one event verifies with this desk's audit key ({where}), "
                "while the chain's links and the handovers' anchors agree: this is not the "
                "installation's key (or the whole chain and its anchors were rewritten)"
            ),
            where=key_location(),
        )
        return VerifyResult(False, 0, 0, wrong, None, [wrong])
    chain_ok = not problems
    witnessed = audit_witness.read(_bind_url(session))
    if witnessed is not None and witnessed[0] and (chain_ok or witnessed[0] < (first or 0)):
        seq, digest = witnessed
        if seq > checked:
            problems.append(
                Problem(
                    N_(
                        "the chain was cut back below event {seq} seen by this machine "
                        "(it ends at event {checked})"
                    ),
                    seq=seq,
                    checked=checked,
                )
            )
            first = first if first is not None else checked + 1
        elif hashes.get(seq) != digest:
            problems.append(
                Problem(
                    N_(
                        "the chain was cut back below event {seq} seen by this machine "
                        "(its event {seq} is not the one committed here)"
                    ),
                    seq=seq,
                )
            )
            first = first if first is not None else seq
    for handover in session.exec(
        select(Handover).where(col(Handover.audit_head_seq).is_not(None)).order_by(col(Handover.id))
    ):
        anchor, expect = handover.audit_head_seq, handover.audit_head_hash
        if anchor is None or (anchor == 0 and expect == GENESIS):  # None: not selected
            continue
        if hashes.get(anchor) != expect:
            if chain_ok or anchor < (first or 0):
                problems.append(
                    Problem(
                        N_("handover {id}: its anchor (event {anchor}) is not in the chain"),
                        id=handover.id,
                        anchor=anchor,
                    )
                )
                first = first if first is not None else anchor
    records = 0
    connection = session.connection()
    from sqlmodel import SQLModel as _Meta

    for table in SEALED:
        t = _Meta.metadata.tables[table]
        column = key_column(t)
        seen: set[str] = set()
        for values in connection.execute(core_select(t).order_by(column)).mappings():
            ident = str(values[column.name])
            seen.add(ident)
            records += 1
            key = (table, ident)
            if key not in last_digest:
                problems.append(
                    Problem(
                        N_("{table} {ident}: inserted behind the app (never sealed)"),
                        table=table,
                        ident=ident,
                    )
                )
            elif last_digest[key] is None:
                problems.append(
                    Problem(
                        N_("{table} {ident}: present, but the app deleted it"),
                        table=table,
                        ident=ident,
                    )
                )
            elif last_digest[key] != row_digest(table, dict(values)):
                problems.append(
                    Problem(N_("{table} {ident}: edited behind the app"), table=table, ident=ident)
                )
            if len(problems) >= MAX_PROBLEMS:
                break
        for (tab, ident), sealed in last_digest.items():
            if tab == table and sealed is not None and ident not in seen:
                problems.append(
                    Problem(N_("{table} {ident}: deleted behind the app"), table=table, ident=ident)
                )
                if len(problems) >= MAX_PROBLEMS:
                    break
    if problems:
        return VerifyResult(False, checked, records, problems[0], first, problems)
    return VerifyResult(True, checked, records)


def _bind_url(session: OrmSession) -> URL:
    """The database's URL, whether the session is bound to an engine or to one of its
    connections (init runs the schema and the reference data on one connection)."""
    bind = session.get_bind()
    return bind.url if isinstance(bind, Engine) else bind.engine.url
