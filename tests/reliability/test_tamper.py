"""Promise 7: editing, deleting, reordering or truncating audit, logbook or handover rows in a
copy of the database is detected by `audit verify`, in every one of hundreds of random trials."""

import random
import shutil
import sqlite3

import pytest

from deskterm.db import make_engine, read_session
from deskterm.services import audit
from tests.reliability.workload import save_one

TRIALS = 300


@pytest.fixture(scope="module")
def sealed_db(tmp_path_factory, sqlite_template):
    from deskterm.clock import FixedClock
    from deskterm.config import Settings
    from tests.conftest import FIXED_NOW
    from tests.factories import make_staff

    path = tmp_path_factory.mktemp("tamper") / "sealed.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(str(path))
    clock = FixedClock(FIXED_NOW)
    staff = make_staff(engine, clock, Settings())
    for i in range(30):
        clock.advance(minutes=7)
        save_one(engine, clock, staff.operator, i)
    _seal_handovers(engine, clock, staff)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    with read_session(engine) as session:
        assert audit.verify(session).ok
    engine.dispose()
    return path


def _seal_handovers(engine, clock, staff):
    """Three shifts handed over: signed by the outgoing operator, accepted by the next."""
    from deskterm.config import Settings
    from deskterm.db import run_write
    from deskterm.services.actor import Actor
    from deskterm.services.shift import duty as shifts
    from deskterm.services.shift import handover

    settings = Settings()
    people = [staff.operator, staff.supervisor]

    def on_duty(who):
        shift = run_write(
            engine,
            lambda s: shifts.start_shift(
                session=s,
                actor=who,
                clock=clock,
                settings=settings,
                self_check={item: True for item in settings.self_check_items},
            ),
        )
        return Actor(who.user_id, who.code, who.name, who.role, shift.id)

    current = on_duty(people[0])
    for turn in range(3):
        clock.advance(hours=12)
        signed = run_write(
            engine,
            lambda s, a=current, t=turn: handover.sign(
                session=s,
                actor=a,
                clock=clock,
                settings=settings,
                notices=f"第{t}班交接：钥匙齐全",
                physical_items={"keys": 12},
            ),
        )
        current = on_duty(people[(turn + 1) % 2])
        run_write(
            engine,
            lambda s, a=current, h=signed.id: handover.accept(
                session=s, actor=a, clock=clock, handover_id=h
            ),
        )


def _drop_guards(con):
    for (name,) in con.execute("select name from sqlite_master where type = 'trigger'").fetchall():
        con.execute(f"drop trigger {name}")


def test_the_database_refuses_edits_of_sealed_rows(sealed_db, tmp_path):
    copy = tmp_path / "guarded.db"
    shutil.copy(sealed_db, copy)
    con = sqlite3.connect(copy)
    for statement in (
        "update audit_event set action = 'x' where seq = 1",
        "delete from audit_event where seq = 1",
        "update logbook_entry set what = 'x'",
        "delete from logbook_entry",
        "delete from handover",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute(statement)
    con.close()


def _tables(con):
    return {
        "logbook_entry": [r[0] for r in con.execute("select id from logbook_entry")],
        "handover": [r[0] for r in con.execute("select id from handover")],
        "audit_event": [r[0] for r in con.execute("select seq from audit_event order by seq")],
    }


def _tamper(con, rng: random.Random) -> str:
    rows = _tables(con)
    kinds = ["edit_log", "delete_log", "edit_event", "delete_event", "reorder", "truncate"]
    if rows["handover"]:
        kinds += ["edit_handover", "delete_handover"]
    kind = rng.choice(kinds)
    if kind == "edit_log":
        i = rng.choice(rows["logbook_entry"])
        col, value = rng.choice(
            [
                ("what", "改过的内容"),
                ("location", "别处"),
                ("occurred_at", "2020-01-01 00:00:00.000000"),
                ("category", "fire"),
                ("user_id", 2),
            ]
        )
        con.execute(f"update logbook_entry set {col} = ? where id = ?", (value, i))
    elif kind == "delete_log":
        con.execute("delete from logbook_entry where id = ?", (rng.choice(rows["logbook_entry"]),))
    elif kind == "edit_handover":
        con.execute(
            "update handover set notices = notices || ' ' where id = ?",
            (rng.choice(rows["handover"]),),
        )
    elif kind == "delete_handover":
        i = rng.choice(rows["handover"])
        con.execute("delete from handover_item where handover_id = ?", (i,))
        con.execute("delete from handover where id = ?", (i,))
    elif kind == "edit_event":
        seq = rng.choice(rows["audit_event"])
        col, value = rng.choice(
            [
                ("action", "logbook.nothing"),
                ("detail", '{"x": 1}'),
                ("at", "2020-01-01 00:00:00.000000"),
                ("entity_id", "999"),
                ("record_digest", "0" * 64),
                ("user_id", 99999),
            ]
        )
        con.execute(f"update audit_event set {col} = ? where seq = ?", (value, seq))
    elif kind == "delete_event":
        con.execute("delete from audit_event where seq = ?", (rng.choice(rows["audit_event"]),))
    elif kind == "reorder":
        a, b = rng.sample(rows["audit_event"], 2)
        con.execute("update audit_event set seq = -1 where seq = ?", (a,))
        con.execute("update audit_event set seq = ? where seq = ?", (a, b))
        con.execute("update audit_event set seq = ? where seq = -1", (b,))
    elif kind == "truncate":
        k = rng.randint(1, 10)
        con.execute("delete from audit_event where seq > ?", (rows["audit_event"][-1] - k,))
    return kind


def test_random_tampering_is_always_detected(sealed_db, tmp_path):
    rng = random.Random(7)
    seen: dict[str, int] = {}
    for trial in range(TRIALS):
        copy = tmp_path / f"copy{trial % 2}.db"
        shutil.copy(sealed_db, copy)
        con = sqlite3.connect(copy)
        _drop_guards(con)  # an attacker with the file can drop the triggers first
        kind = _tamper(con, rng)
        con.commit()
        con.close()
        engine = make_engine(str(copy))
        with read_session(engine) as session:
            result = audit.verify(session)
        engine.dispose()
        assert not result.ok, f"trial {trial}: {kind} went undetected"
        seen[kind] = seen.get(kind, 0) + 1
    assert set(seen) >= {
        "edit_log",
        "delete_log",
        "edit_event",
        "delete_event",
        "reorder",
        "truncate",
    }
