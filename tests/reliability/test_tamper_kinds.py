"""Issue 19, "Done means": every kind of tampering the issue lists (and those of test_tamper.py),
each on a fresh copy of a demo database, on SQLite and on PostgreSQL: `deskterm audit verify`
(signed in as the demo's supervisor) exits 1 and names the row or the event.

The attacker holds the database file (or a superuser's connection), not the audit key: they drop
the append-only triggers, edit, and rebuild whatever they can (a plain SHA-256 chain, the head).
Set DESKTERM_TAMPER_TABLE=path to write the table kind -> what verify printed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select, text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from deskterm.config import Settings
from deskterm.db import make_engine
from deskterm.models.audit import AuditEvent
from deskterm.services import audit
from tests.conftest import PG_URL
from tests.tamper import drop_guards

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
SUPERVISOR = {"DESKTERM_USER": "sup1", "DESKTERM_PASSWORD": "demo1234"}


def _one(conn, sql: str, **params):
    return conn.execute(text(sql), params).scalar()


def _events(conn) -> list:
    table = AuditEvent.__table__
    return [
        audit.ChainRow(dict(r))
        for r in conn.execute(select(table).order_by(table.c.seq)).mappings()
    ]


def _rewrite_chain(conn, rows, hash_of) -> None:
    """Re-chain every event with `hash_of` (what an attacker without the key can compute)."""
    prev = audit.GENESIS
    for row in rows:
        row.prev_hash = prev
        row.hash = hash_of(row)
        conn.execute(
            text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE seq = :s"),
            {"p": row.prev_hash, "h": row.hash, "s": row.seq},
        )
        prev = row.hash
    conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": rows[-1].seq, "h": prev})


def _plain_sha(row) -> str:
    return audit.legacy_event_hash(row)


# Each kind: (tamper(conn) -> the name verify must print)
def repair_arrived(conn):
    i = _one(conn, "SELECT min(id) FROM repair_order WHERE arrived_at IS NOT NULL")
    conn.execute(text("UPDATE repair_order SET arrived_at = reported_at WHERE id = :i"), {"i": i})
    return f"repair_order {i}: edited"


def complaint_rewritten(conn):
    i = _one(conn, "SELECT min(id) FROM complaint")
    conn.execute(
        text("UPDATE complaint SET content = '住户表示满意', status = 'closed' WHERE id = :i"),
        {"i": i},
    )
    return f"complaint {i}: edited"


def slip_deleted(conn):
    i = _one(conn, "SELECT max(id) FROM visitor_slip")
    conn.execute(text("DELETE FROM visitor_slip WHERE id = :i"), {"i": i})
    return f"visitor_slip {i}: deleted"


def slip_renamed_checkout_undone(conn):
    i = _one(conn, "SELECT min(id) FROM visitor_slip WHERE checked_out_at IS NOT NULL")
    conn.execute(
        text(
            "UPDATE visitor_slip SET visitor_name = '某人', checked_out_at = NULL, "
            "checked_out_by = NULL, status = 'on_site' WHERE id = :i"
        ),
        {"i": i},
    )
    return f"visitor_slip {i}: edited"


def message_rewritten(conn):
    i = _one(conn, "SELECT min(id) FROM message WHERE delivered_by IS NOT NULL")
    other = _one(conn, "SELECT min(id) FROM \"user\" WHERE code = 'op9'")
    conn.execute(
        text("UPDATE message SET text = '无事', delivered_by = :u WHERE id = :i"),
        {"i": i, "u": other},
    )
    return f"message {i}: edited"


def handover_item_edited(conn):
    i = _one(conn, "SELECT min(id) FROM handover_item")
    conn.execute(text("UPDATE handover_item SET text = '一切正常' WHERE id = :i"), {"i": i})
    return f"handover_item {i}: edited"


def operator_made_admin(conn):
    i = _one(conn, "SELECT id FROM \"user\" WHERE code = 'op1'")
    conn.execute(text("UPDATE \"user\" SET role = 'admin' WHERE code = 'op1'"))
    return f"user {i}: edited"


def deny_entry_inserted(conn):
    by = _one(conn, "SELECT id FROM \"user\" WHERE code = 'sup1'")
    conn.execute(
        text(
            "INSERT INTO deny_entry (id, name, reason, created_at, created_by, active) "
            "VALUES (9999, '张某', '伪造', :at, :by, true)"
        ),
        {"at": NOW, "by": by},
    )
    return "deny_entry 9999: inserted behind the app"


def promise_answer_forged(conn):
    i = _one(conn, "SELECT min(id) FROM promised_reply")
    conn.execute(
        text("UPDATE promised_reply SET answer = '已答复', answered_at = created_at WHERE id = :i"),
        {"i": i},
    )
    return f"promised_reply {i}: edited"


def fee_line_lowered(conn):
    i = _one(conn, "SELECT min(id) FROM repair_fee_line")
    conn.execute(text("UPDATE repair_fee_line SET amount_fen = 1 WHERE id = :i"), {"i": i})
    return f"repair_fee_line {i}: edited"


def repair_event_deleted(conn):
    i = _one(conn, "SELECT max(id) FROM repair_event")
    conn.execute(text("DELETE FROM repair_event WHERE id = :i"), {"i": i})
    return f"repair_event {i}: deleted"


def callback_deleted(conn):
    i = _one(conn, "SELECT max(id) FROM callback")
    conn.execute(text("DELETE FROM callback WHERE id = :i"), {"i": i})
    return f"callback {i}: deleted"


def communication_edited(conn):
    i = _one(conn, "SELECT min(id) FROM communication")
    conn.execute(text("UPDATE communication SET agreed = '无' WHERE id = :i"), {"i": i})
    return f"communication {i}: edited"


def logbook_edited(conn):
    i = _one(conn, "SELECT min(id) FROM logbook_entry")
    conn.execute(text("UPDATE logbook_entry SET what = '改过的内容' WHERE id = :i"), {"i": i})
    return f"logbook_entry {i}: edited"


def logbook_deleted(conn):
    i = _one(conn, "SELECT max(id) FROM logbook_entry")
    conn.execute(text("DELETE FROM logbook_entry WHERE id = :i"), {"i": i})
    return f"logbook_entry {i}: deleted"


def handover_edited(conn):
    i = _one(conn, "SELECT min(id) FROM handover")
    conn.execute(text("UPDATE handover SET notices = notices || ' ' WHERE id = :i"), {"i": i})
    return f"handover {i}: edited"


def handover_deleted(conn):
    i = _one(conn, "SELECT max(id) FROM handover")
    conn.execute(text("DELETE FROM handover_item WHERE handover_id = :i"), {"i": i})
    conn.execute(text("DELETE FROM handover WHERE id = :i"), {"i": i})
    return f"handover {i}: deleted"


def event_edited(conn):
    seq = _one(conn, "SELECT min(seq) FROM audit_event WHERE action = 'handover.sign'")
    conn.execute(text("UPDATE audit_event SET user_id = NULL WHERE seq = :s"), {"s": seq})
    return f"event {seq} (handover.sign): event altered"


def event_deleted(conn):
    seq = _one(conn, "SELECT max(seq) FROM audit_event") // 2
    conn.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": seq})
    return f"event {seq}: sequence gap"


def events_reordered(conn):
    a, b = 100, 101
    conn.execute(text("UPDATE audit_event SET seq = -1 WHERE seq = :a"), {"a": a})
    conn.execute(text("UPDATE audit_event SET seq = :a WHERE seq = :b"), {"a": a, "b": b})
    conn.execute(text("UPDATE audit_event SET seq = :b WHERE seq = -1"), {"b": b})
    return f"event {a}: broken link"


def tail_truncated(conn):
    last = _one(conn, "SELECT max(seq) FROM audit_event")
    conn.execute(text("DELETE FROM audit_event WHERE seq > :s"), {"s": last - 3})
    # the head still says `last`: the verifier's own sign-in appends after it, leaving a gap
    return f"event {last - 2}: sequence gap"


def tail_and_head_deleted(conn):
    last = _one(conn, "SELECT max(seq) FROM audit_event")
    keep = last - 5
    conn.execute(text("DELETE FROM audit_event WHERE seq > :s"), {"s": keep})
    conn.execute(
        text(
            "UPDATE audit_head SET seq = :s, hash = (SELECT hash FROM audit_event WHERE seq = :s)"
        ),
        {"s": keep},
    )
    return "inserted behind the app"


def truncated_before_last_anchor(conn):
    anchor = _one(conn, "SELECT max(audit_head_seq) FROM handover")
    keep = anchor - 2
    conn.execute(text("DELETE FROM audit_event WHERE seq > :s"), {"s": keep})
    conn.execute(
        text(
            "UPDATE audit_head SET seq = :s, hash = (SELECT hash FROM audit_event WHERE seq = :s)"
        ),
        {"s": keep},
    )
    i = _one(conn, "SELECT id FROM handover WHERE audit_head_seq = :a", a=anchor)
    return f"handover {i}: its anchor (event {anchor}) is not in the chain"


def all_events_and_head_deleted(conn):
    i = _one(conn, "SELECT min(id) FROM handover")
    conn.execute(text("DELETE FROM audit_event"))
    conn.execute(text("DELETE FROM audit_head"))
    return f"handover {i}: its anchor"


def everything_deleted(conn):
    conn.execute(text("DELETE FROM audit_event"))
    conn.execute(text("DELETE FROM audit_head"))
    conn.execute(text("DELETE FROM handover_item"))
    conn.execute(text("DELETE FROM handover"))
    conn.execute(text("DELETE FROM logbook_entry"))
    i = _one(conn, 'SELECT min(id) FROM "user"')
    return f"user {i}: inserted behind the app"


def chain_recomputed_unkeyed(conn):
    seq = 50
    conn.execute(text("UPDATE audit_event SET entity_id = '1' WHERE seq = :s"), {"s": seq})
    _rewrite_chain(conn, _events(conn), _plain_sha)
    return "event 1 "


def logbook_resealed_by_appended_event(conn):
    i = _one(conn, "SELECT min(id) FROM logbook_entry")
    conn.execute(text("UPDATE logbook_entry SET what = '改过的内容' WHERE id = :i"), {"i": i})
    table = SQLModel.metadata.tables["logbook_entry"]
    values = dict(conn.execute(select(table).where(table.c.id == i)).mappings().one())
    forged = hashlib.sha256(audit.canonical(values).encode()).hexdigest()  # no key: a guess
    head = conn.execute(text("SELECT seq, hash FROM audit_head")).one()
    row = audit.ChainRow(
        {
            "seq": head.seq + 1,
            "at": NOW,
            "user_id": None,
            "action": "logbook.add",
            "entity": "logbook_entry",
            "entity_id": str(i),
            "detail": {},
            "record_digest": forged,
            "seals": {"logbook_entry": {str(i): forged}},
            "prev_hash": head.hash,
        }
    )
    row.hash = hashlib.sha256((head.hash + forged).encode()).hexdigest()
    conn.execute(
        AuditEvent.__table__.insert().values(
            seq=row.seq,
            at=row.at,
            user_id=None,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            detail={},
            record_digest=forged,
            seals=row.seals,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )
    )
    conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": row.seq, "h": row.hash})
    return f"event {row.seq} (logbook.add): event altered"


def head_hash_on_handover_forged(conn):
    i = _one(conn, "SELECT min(id) FROM handover")
    conn.execute(
        text("UPDATE handover SET audit_head_hash = :h WHERE id = :i"), {"h": "f" * 64, "i": i}
    )
    return f"handover {i}:"


def repair_attempt_arrival_moved(conn):
    """Moving an attempt's arrival inside its deadline erases a missed SLA from `report sla`."""
    i = _one(conn, "SELECT min(id) FROM repair_attempt WHERE arrived_at IS NOT NULL")
    conn.execute(text("UPDATE repair_attempt SET arrived_at = started_at WHERE id = :i"), {"i": i})
    return f"repair_attempt {i}: edited"


def contact_attempt_deleted(conn):
    i = _one(conn, "SELECT max(id) FROM contact_attempt")
    conn.execute(text("DELETE FROM contact_attempt WHERE id = :i"), {"i": i})
    return f"contact_attempt {i}: deleted"


def inquiry_outcome_edited(conn):
    i = _one(conn, "SELECT min(id) FROM inquiry")
    conn.execute(text("UPDATE inquiry SET topic = topic || '!' WHERE id = :i"), {"i": i})
    return f"inquiry {i}: edited"


def resident_phone_changed(conn):
    i = _one(conn, "SELECT min(id) FROM resident WHERE phone IS NOT NULL")
    conn.execute(text("UPDATE resident SET phone = '13900000000' WHERE id = :i"), {"i": i})
    return f"resident {i}: edited"


def fee_item_raised(conn):
    i = _one(conn, "SELECT min(id) FROM fee_schedule_item")
    conn.execute(
        text("UPDATE fee_schedule_item SET labour_fen = labour_fen + 100 WHERE id = :i"), {"i": i}
    )
    return f"fee_schedule_item {i}: edited"


def shift_operator_changed(conn):
    i = _one(conn, "SELECT min(id) FROM shift")
    other = _one(
        conn,
        f"SELECT min(id) FROM \"user\" WHERE code LIKE 'op%' AND id <> "
        f"(SELECT operator_id FROM shift WHERE id = {int(i)})",
    )  # another operator
    conn.execute(text("UPDATE shift SET operator_id = :u WHERE id = :i"), {"i": i, "u": other})
    return f"shift {i}: edited"


def directory_phone_changed(conn):
    i = _one(conn, "SELECT min(id) FROM directory_entry")
    conn.execute(text("UPDATE directory_entry SET phone = '110' WHERE id = :i"), {"i": i})
    return f"directory_entry {i}: edited"


def engineer_inserted(conn):
    conn.execute(
        text(
            "INSERT INTO engineer (id, name, trade, on_duty, active) "
            "VALUES (9999, '假师傅', 'plumbing', true, true)"
        )
    )
    return "engineer 9999: inserted behind the app"


def repair_category_edited(conn):
    code = _one(conn, "SELECT min(code) FROM repair_category")
    conn.execute(text("UPDATE repair_category SET name_en = 'x' WHERE code = :c"), {"c": code})
    return f"repair_category {code}: edited"


def head_deleted(conn):
    """`delete from audit_head`: a finding, and no write ends in a database error (B4)."""
    conn.execute(text("DELETE FROM audit_head"))
    return "the audit head is missing"


KINDS: dict[str, Callable] = {
    f.__name__: f
    for f in (
        head_deleted,
        repair_attempt_arrival_moved,
        contact_attempt_deleted,
        inquiry_outcome_edited,
        resident_phone_changed,
        fee_item_raised,
        shift_operator_changed,
        directory_phone_changed,
        engineer_inserted,
        repair_category_edited,
        repair_arrived,
        complaint_rewritten,
        slip_deleted,
        slip_renamed_checkout_undone,
        message_rewritten,
        handover_item_edited,
        operator_made_admin,
        deny_entry_inserted,
        promise_answer_forged,
        fee_line_lowered,
        repair_event_deleted,
        callback_deleted,
        communication_edited,
        logbook_edited,
        logbook_deleted,
        handover_edited,
        handover_deleted,
        event_edited,
        event_deleted,
        events_reordered,
        tail_truncated,
        tail_and_head_deleted,
        truncated_before_last_anchor,
        all_events_and_head_deleted,
        everything_deleted,
        chain_recomputed_unkeyed,
        logbook_resealed_by_appended_event,
        head_hash_on_handover_forged,
    )
}


def _verify(db: str) -> tuple[int, str]:
    from deskterm.cli.main import run

    runner = CliRunner()
    with runner.isolation(env=SUPERVISOR) as (out, err, _mixed):
        try:
            run(["audit", "verify", "--db", db])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        return code, out.getvalue().decode() + err.getvalue().decode()


def _record(engine_name: str, kind: str, printed: str) -> None:
    path = os.environ.get("DESKTERM_TAMPER_TABLE")
    if path:
        lines = printed.strip().splitlines()
        shown = " | ".join(lines[:2]) + (f" (+{len(lines) - 2} more)" if len(lines) > 2 else "")
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{engine_name}\t{kind}\t{shown}\n")


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory):
    from deskterm.demo.build import build_demo

    path = tmp_path_factory.mktemp("tamper-demo") / "demo.db"
    engine = make_engine(str(path))
    build_demo(engine=engine, settings=Settings(), now=NOW, visitors=1500)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_sqlite_tampering_is_found_and_named(sqlite_demo, tmp_path, kind):
    copy = tmp_path / "copy.db"
    shutil.copy(sqlite_demo, copy)
    assert _verify(str(copy))[0] == 0  # the untouched copy verifies
    engine = make_engine(str(copy))
    with engine.begin() as conn:
        drop_guards(conn)
        expected = KINDS[kind](conn)
    engine.dispose()
    code, printed = _verify(str(copy))
    _record("sqlite", kind, printed)
    assert code == 1, printed
    assert expected in printed, printed


@pytest.fixture(scope="module")
def pg_demo():
    if not PG_URL:
        pytest.skip("PostgreSQL tests need DESKTERM_TEST_PG_URL")
    from deskterm.demo.build import build_demo
    from deskterm.services.admin.setup import initialise

    name = f"deskterm_tamper_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(PG_URL.rsplit("/", 1)[0] + f"/{name}")
    from deskterm.clock import FixedClock

    initialise(engine=engine, clock=FixedClock(NOW), settings=Settings())
    build_demo(engine=engine, settings=Settings(), now=NOW, visitors=1500)
    engine.dispose()
    yield admin, name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_postgresql_tampering_is_found_and_named(pg_demo, kind):
    admin, template = pg_demo
    name = f"deskterm_tk_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        engine = make_engine(url)
        with engine.begin() as conn:
            drop_guards(conn)
            expected = KINDS[kind](conn)
        engine.dispose()
        code, printed = _verify(url)
        _record("postgresql", kind, printed)
        assert code == 1, printed
        assert expected in printed, printed
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
