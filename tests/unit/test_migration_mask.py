"""Issue 15, item 2: migration 0004 masks personal numbers already stored in free text.

A demo database at revision 0002 gets an ID number and a mobile typed (behind the app, as an
older release stored them) into a logbook entry, a handover's notices and its snapshot, a
visitor's purpose, a message, a complaint, a repair description and a resident's note; a
resident's phone column holds a number and a walkie-talkie channel. After the upgrade no
full number is left in those texts, the phone column is as it was, the audit chain still
verifies (the changed sealed records are sealed again), and the append-only trigger is back.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import text

from deskterm import schema
from deskterm.config import Settings
from deskterm.db import make_engine
from deskterm.services.admin import maintenance
from tests.tamper import drop_guards

ID = "310115198001011238"
MOBILE = "13900001111"
TYPED = f"身份证{ID} 电话{MOBILE}"
PLACES = [
    ("logbook_entry", "what"),
    ("handover", "notices"),
    ("visitor_slip", "purpose_text"),
    ("message", "text"),
    ("complaint", "content"),
    ("repair_order", "description"),
    ("resident", "note"),
]


def test_stored_numbers_are_masked_and_the_chain_still_verifies(tmp_path, monkeypatch):
    from deskterm.demo.build import build_demo

    engine = make_engine(str(tmp_path / "old.db"))
    schema.upgrade(engine, "0002")
    monkeypatch.setattr(schema, "upgrade", lambda eng, revision="head": None)
    build_demo(
        engine=engine, settings=Settings(), visitors=30, now=datetime(2026, 11, 28, 2, tzinfo=UTC)
    )
    monkeypatch.undo()
    with engine.begin() as conn:
        drop_guards(conn)
        for table, column in PLACES:
            conn.execute(
                text(
                    f'UPDATE "{table}" SET "{column}" = :t WHERE id IN '
                    f'(SELECT id FROM "{table}" ORDER BY id LIMIT 2)'
                ),
                {"t": TYPED},
            )
        conn.execute(
            text("UPDATE handover SET open_items = :j WHERE id = 1"),
            {"j": json.dumps([{"kind": "message", "ref": "M1", "text": TYPED}])},
        )
        conn.execute(text("UPDATE resident SET phone = :p WHERE id = 1"), {"p": MOBILE})
        conn.execute(text("UPDATE resident SET phone = :p WHERE id = 2"), {"p": "对讲机3频道"})
    # put the guards back as 0002 made them (the upgrade must keep them)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0001')"))
    schema.upgrade(engine, "0002")
    # (the audit check reads this release's chain only: at 0002 it is not run; 0003 re-keys the
    # chain and seals the rows as it finds them -- see docs/ARCHITECTURE.md, "Audit")

    schema.upgrade(engine)

    assert schema.current_revision(engine) == schema.head_revision()
    with engine.connect() as conn:
        for table, column in PLACES:
            values = [
                r[0]
                for r in conn.execute(text(f'SELECT "{column}" FROM "{table}" ORDER BY id LIMIT 2'))
            ]
            assert values == ["身份证**************1238 电话139****1111"] * 2, (table, values)
        assert (
            MOBILE
            not in conn.execute(text("SELECT open_items FROM handover WHERE id = 1")).scalar()
        )
        phones = dict(conn.execute(text("SELECT id, phone FROM resident WHERE id IN (1, 2)")).all())
        assert phones == {1: MOBILE, 2: "对讲机3频道"}  # a phone column is not free text
        masked = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'privacy.masked'")
        ).scalar()
        assert masked == 2 * len(PLACES)  # every changed row is in a sealed table: sealed again
        triggers = {
            r[0]
            for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        }
    assert "logbook_entry_no_update" in triggers
    assert maintenance.check(engine).ok
