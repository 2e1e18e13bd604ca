"""`deskterm demo`: a full, valid, reproducible database with no identity number on disk."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, delete, func, select

from deskterm.config import Settings
from deskterm.db import make_engine, read_session, write_session
from deskterm.demo.build import build_demo
from deskterm.demo.store import sqlite_stamp
from deskterm.errors import DeskError
from deskterm.models.audit import AuditEvent
from deskterm.models.directory import Event
from deskterm.models.repair import Engineer
from deskterm.models.visitor import VisitorSlip
from deskterm.rules.numbering import local_day, parse_number
from deskterm.services import audit
from deskterm.services.admin import maintenance
from deskterm.services.numbering import next_number

# Saturday 2026-11-28 10:00 in Shanghai, as in conftest.
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
TZ = "Asia/Shanghai"


def _build(path, **kw):
    engine = make_engine(str(path))
    report = build_demo(engine=engine, settings=Settings(), now=NOW, **kw)
    return engine, report


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The scale-1 demo, built once for the module's read-only checks."""
    engine, report = _build(tmp_path_factory.mktemp("demo") / "d.db")
    yield engine, report
    engine.dispose()


def _rows(engine, sql):
    with engine.connect() as conn:
        return conn.exec_driver_sql(sql).fetchall()


def _digest(path, table):
    with sqlite3.connect(path) as conn:
        rows = conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_every_table_has_rows(demo):
    engine, report = demo
    counts = maintenance.row_counts(engine)
    # sign-in throttles hold rows only once someone types a wrong password
    assert {name for name, n in counts.items() if n == 0} == {"sign_in_throttle"}
    assert report.counts == counts
    assert counts["visitor_slip"] == 20_000
    assert 1000 <= counts["resident"] <= 2500
    text = "\n".join(report.lines())
    assert "op1 / sup1 / admin1, password demo1234 (demo database only)" in text
    assert "visitor_slip" in text and "20,000" in text


def test_integrity_foreign_keys_and_audit_chain(demo):
    engine, _report = demo
    assert _rows(engine, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(engine, "PRAGMA foreign_key_check") == []
    with read_session(engine) as session:
        result = audit.verify(session)
    assert result.ok, result.problem
    sealed = sum(_count(engine, table, "1") for table in audit.SEALED)  # every sealed table
    assert result.records_checked == sealed > 20_000
    head = _rows(engine, "SELECT seq, hash FROM audit_head")
    assert head == _rows(engine, "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")


def test_times_are_stored_as_the_orm_stores_them(demo):
    engine, _report = demo
    with Session(engine) as session:  # one instant written by the ORM, then rolled back
        session.add(Event(title="t", place="p", starts_at=NOW))
        session.flush()
        orm_text = (
            session.connection()
            .exec_driver_sql("SELECT starts_at FROM event WHERE title = 't'")
            .scalar()
        )
        session.rollback()
    assert orm_text == sqlite_stamp()(int(NOW.timestamp())) == "2026-11-28 02:00:00.000000"
    raw = _rows(
        engine,
        "SELECT checked_in_at, checked_out_at FROM visitor_slip "
        "WHERE checked_out_at IS NOT NULL LIMIT 1",
    )[0]
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
    assert all(stamp.fullmatch(value) for value in raw)
    with Session(engine) as session:  # read back through the ORM: aware UTC
        slip = session.exec(select(VisitorSlip).order_by(VisitorSlip.id.desc()).limit(1)).one()
        assert slip.checked_in_at.tzinfo is not None and slip.checked_in_at <= NOW
        assert parse_number(slip.number)[1] == local_day(slip.checked_in_at, TZ)


def _count(engine, table, where):
    return _rows(engine, f"SELECT count(*) FROM {table} WHERE {where}")[0][0]


def test_the_desk_has_work_in_every_state(demo):
    engine, _report = demo
    statuses = {r[0] for r in _rows(engine, "SELECT DISTINCT status FROM repair_order")}
    assert statuses == {
        "reported",
        "dispatched",
        "on_site",
        "repaired",
        "accepted",
        "called_back",
        "closed",
        "cancelled",
        "on_hold",
    }
    complaint_states = {r[0] for r in _rows(engine, "SELECT DISTINCT status FROM complaint")}
    assert complaint_states == {"open", "referred", "replied", "closed", "signed_off"}
    assert _count(engine, "handover", "status = 'refused' AND refusal_reason <> ''") == 1
    # The demo ends with op3's shift handed over: op1 signs in to check-in and its review.
    assert _count(engine, "shift", "status = 'open'") == 0
    waiting = _rows(
        engine,
        "SELECT u.code FROM handover h JOIN user u ON u.id = "
        "h.outgoing_user_id WHERE h.status = 'signed'",
    )
    assert [code for (code,) in waiting] == ["op3"]
    on_site = _rows(engine, "SELECT checked_in_at FROM visitor_slip WHERE status = 'on_site'")
    long_stays = [
        at
        for (at,) in on_site
        if NOW - datetime.fromisoformat(at).replace(tzinfo=UTC) > timedelta(hours=4)
    ]
    assert len(on_site) >= 3 and len(long_stays) >= 2
    now = f"'{NOW:%Y-%m-%d %H:%M:%S}'"
    open_repair = "status IN ('reported', 'dispatched', 'on_site', 'on_hold')"
    assert _count(engine, "repair_order", f"{open_repair} AND fix_due_at < {now}") >= 1
    assert _count(engine, "repair_order", "warranty_of_id IS NOT NULL") >= 1
    assert _count(engine, "repair_fee_line", "review = 'pending'") == 1
    assert _count(engine, "callback", "result = 'dissatisfied' AND complaint_id IS NOT NULL") == 1
    assert _count(engine, "callback", f"done_at IS NULL AND due_at < {now}") >= 1
    assert _count(engine, "promised_reply", f"answered_at IS NULL AND due_at < {now}") >= 1
    assert _count(engine, "message", "delivered_at IS NULL") >= 1
    assert _count(engine, "complaint", "content LIKE '%舞狮%' AND status = 'signed_off'") == 1
    assert _count(engine, "expected_visitor", "arrived_slip_id IS NOT NULL") == 2
    assert _count(engine, "visitor_slip", "deny_entry_id IS NOT NULL") == 1


def test_the_last_handover_lists_what_the_desks_own_handover_would(demo):
    """Issue 21 (outside test): the demo's final handover listed only messages and promises
    while repairs and complaints were open, and never the visitors on site. It lists, kind by
    kind, what services.shift.dashboard.open_items (the desk's handover) finds at its signing,
    and every visitor whose slip was out at the signing (checked in, not yet checked out)."""
    from deskterm.clock import as_utc
    from deskterm.models.shift import Handover, HandoverItem
    from deskterm.services.shift import dashboard

    engine, _report = demo
    with read_session(engine) as s:
        last = s.exec(select(Handover).order_by(Handover.id.desc())).first()
        desk = dashboard.open_items(
            s, dashboard.Scope(now=as_utc(last.signed_at), settings=Settings())
        )
        listed = {(i["kind"], i["id"]) for i in last.open_items}
        signed = as_utc(last.signed_at)
        slips = s.exec(select(VisitorSlip)).all()
        on_site = {
            ("visitor", v.id)
            for v in slips
            if as_utc(v.checked_in_at) <= signed
            and (v.checked_out_at is None or as_utc(v.checked_out_at) > signed)
        }
        items = {
            (i.ref_kind, i.ref_id)
            for i in s.exec(
                select(HandoverItem).where(
                    HandoverItem.handover_id == last.id, HandoverItem.kind == "open"
                )
            )
        }
        sign = s.exec(
            select(AuditEvent).where(
                AuditEvent.action == "handover.sign", AuditEvent.entity_id == str(last.id)
            )
        ).one()
    expected = {
        (i.kind, i.id)
        for i in desk
        if i.kind != "visitor" and (i.at is None or as_utc(i.at) <= signed)
    }  # not yet there at signing
    assert {k for k, _ in expected} >= {"repair", "complaint"}
    assert len(on_site) >= 3  # the demo keeps visitors on site at its present
    assert listed == expected | on_site
    assert items == listed and sign.detail["open_items"] == len(listed)
    # what the desk itself lists as on site now, checked in before the signing, is there too
    assert {
        (i.kind, i.id) for i in desk if i.kind == "visitor" and as_utc(i.at) <= signed
    } <= on_site


def test_every_handover_lists_the_visitors_on_site_at_its_signing(demo):
    """D-8, D-11: not only the last one; a handover signed while nobody was on site lists none."""
    from deskterm.clock import as_utc
    from deskterm.models.shift import Handover

    engine, _report = demo
    with read_session(engine) as s:
        handovers = s.exec(select(Handover)).all()
        stays = [
            (as_utc(v.checked_in_at), v.checked_out_at and as_utc(v.checked_out_at), v.id)
            for v in s.exec(
                select(VisitorSlip).where(
                    VisitorSlip.checked_in_at
                    >= min(h.signed_at for h in handovers) - timedelta(days=1)
                )
            )
        ]
    with_visitors = 0
    for h in handovers:
        signed = as_utc(h.signed_at)
        want = {i for start, end, i in stays if start <= signed and (end is None or end > signed)}
        got = {i["id"] for i in h.open_items if i["kind"] == "visitor"}
        assert got == want, h.id
        with_visitors += bool(got)
    assert with_visitors > len(handovers) // 2


def test_every_handover_says_what_its_shift_did_as_the_desks_handover_would(demo):
    """Issue 21, finding 10 (D-2): all 30 demo handovers said "Done this shift (none)". Each
    holds what services.shift.handover.done_summary counts from the audit trail for its
    operator from the shift's start to the signing; the slips (written in bulk, one event per
    batch) counted from the slips themselves, as one visitor.register / visitor.checkout
    event each would have counted them."""
    from deskterm.clock import as_utc
    from deskterm.models.shift import Handover, Shift
    from deskterm.services.shift.handover import done_summary

    engine, _report = demo
    with read_session(engine) as s:
        handovers = s.exec(select(Handover).order_by(Handover.id)).all()
        slips = [
            (
                v.checked_in_by,
                as_utc(v.checked_in_at),
                v.checked_out_by,
                v.checked_out_at and as_utc(v.checked_out_at),
                v.slip_returned,
            )
            for v in s.exec(select(VisitorSlip))
        ]
        for h in handovers:
            start, signed = as_utc(s.get(Shift, h.shift_id).started_at), as_utc(h.signed_at)
            want = done_summary(s, user_id=h.outgoing_user_id, since=start, until=signed)
            came = sum(
                1
                for by, at, _o, _t, _r in slips
                if by == h.outgoing_user_id and start <= at <= signed
            )
            out = [
                back
                for _b, _a, by, at, back in slips
                if at is not None and by == h.outgoing_user_id and start <= at <= signed
            ]
            lost = sum(1 for back in out if back is False)  # D-8: counted apart, not returned
            want.update(
                {
                    k: n
                    for k, n in (
                        ("visitors_in", came),
                        ("visitors_out", len(out) - lost),
                        ("visitors_lost", lost),
                    )
                    if n
                }
            )
            assert h.done_summary == {k: want[k] for k in h.done_summary}, h.id
            assert set(h.done_summary) == set(want) and h.done_summary, h.id


def test_demo_handovers_store_each_item_with_its_number_and_due_time(demo):
    """Issue 21, finding 10: `report shift` showed "—" for every number and due time of a
    demo handover. Each open item is stored as handover.sign stores it
    (dashboard.AttentionItem.snapshot): numbered kinds carry their number, kinds with a
    deadline their due time; the report shows them."""
    from deskterm.clock import FixedClock
    from deskterm.models.shift import Handover
    from deskterm.reports.period import Period
    from deskterm.reports.shift import build_shift
    from deskterm.services.shift.dashboard import AttentionItem

    engine, _report = demo
    keys = set(AttentionItem("x", 1, "", "").snapshot())
    numbered, timed = (
        {"repair", "complaint", "callback", "visitor"},
        {"repair", "complaint", "callback", "promise", "visitor"},
    )
    with read_session(engine) as s:
        handovers = s.exec(select(Handover)).all()
        seen = set()
        for h in handovers:
            for item in h.open_items:
                assert set(item) == keys, item
                seen.add(item["kind"])
                if item["kind"] in numbered:
                    assert item["ref"], item
                if item["kind"] in timed:
                    assert item["due_at"], item
        assert {"repair", "complaint", "visitor"} <= seen
        last = max(handovers, key=lambda h: h.id)
        report = build_shift(
            session=s,
            period=Period(NOW - timedelta(days=1), NOW, shift_id=last.shift_id),
            settings=Settings(),
            clock=FixedClock(NOW),
        )
    table = next(t for sec in report.sections for t in sec.tables if t.key == "open_items")
    rows = {(r[1], r[3] is not None) for r in table.rows}
    repairs = [i for i in last.open_items if i["kind"] == "repair"]
    assert repairs and all((i["ref"], True) in rows for i in repairs)


def test_builds_minutes_after_a_shift_change(tmp_path):
    """Found with issue 21's demo handovers: built at 20:10 desk time (the roster's night
    shift began at 20:00, the day shift was handed over at 20:07), the slips of those minutes
    belonged to a shift the demo does not have and the build failed (IndexError)."""
    engine = make_engine(str(tmp_path / "late.db"))
    build_demo(
        engine=engine,
        settings=Settings(),
        visitors=2000,
        now=datetime(2026, 11, 28, 12, 10, tzinfo=UTC),
    )
    with read_session(engine) as session:
        assert audit.verify(session).ok
    engine.dispose()


def test_accounts_sign_in_with_the_demo_password(demo):
    from deskterm.clock import FixedClock
    from deskterm.services.admin.users import sign_in

    engine, _report = demo
    for code in ("op1", "sup1", "admin1"):
        user = sign_in(
            engine=engine,
            clock=FixedClock(NOW),
            settings=Settings(),
            code=code,
            password="demo1234",
        )
        assert user.code == code
    with read_session(engine) as session:  # the sign-ins were appended to the chain
        assert audit.verify(session).ok


def test_counters_continue_after_the_demo(demo):
    engine, _report = demo
    today = f"V{local_day(NOW, TZ):%Y%m%d}-%"
    numbers = _rows(engine, f"SELECT number FROM visitor_slip WHERE number LIKE '{today}'")
    demo_last = max(parse_number(number)[2] for (number,) in numbers)
    with write_session(engine) as session:
        number = next_number(session=session, prefix="V", at=NOW, tz=TZ)
        session.rollback()
    assert parse_number(number)[2] == demo_last + 1


def test_no_identity_number_reaches_the_file(demo):
    engine, _report = demo
    masks = {m for (m,) in _rows(engine, "SELECT DISTINCT doc_masked FROM visitor_slip")}
    assert all(m is None or re.fullmatch(r"(sighted|[a-z_]+ \*{4}[0-9X]{4})", m) for m in masks)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    data = open(engine.url.database, "rb").read()
    # The shape of a resident ID (region, birth date, sequence, check character) standing alone:
    # inside a longer run of letters and digits (a sha256 hex digest) it is not a number.
    resident_id = re.compile(
        rb"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
        rb"[0-9]{3}[0-9X](?![0-9A-Za-z])"
    )
    assert resident_id.search(data) is None
    assert resident_id.search(b"visitor 110101199003074518.") is not None  # the pattern works


def test_same_seed_same_data_other_seed_other_data(demo, tmp_path):
    engine, _report = demo
    paths = [engine.url.database, tmp_path / "same.db", tmp_path / "other.db"]
    for path, seed in zip(paths[1:], (7, 8), strict=True):
        other, _report = _build(path, seed=seed)
        other.dispose()
    for table in ("visitor_slip", "resident"):
        first, same, other = (_digest(p, table) for p in paths)
        assert first == same
        assert first != other


def test_a_second_demo_adds_nothing_and_is_not_a_failure(demo):
    from deskterm.demo.build import DemoAlreadyBuilt

    engine, _report = demo
    with pytest.raises(DemoAlreadyBuilt) as err:
        build_demo(engine=engine, settings=Settings(), now=NOW, visitors=10)
    assert err.value.exit_code == 0


def test_refuses_a_database_that_holds_other_records(engine, clock, settings):
    from deskterm.models.user import Role
    from tests.factories import make_user

    make_user(engine, clock, settings, "boss", Role.admin)
    with pytest.raises(DeskError) as err:
        build_demo(engine=engine, settings=Settings(), now=NOW, visitors=10)
    assert err.value.exit_code == 1
    assert "empty database" in str(err.value)


def test_refuses_a_database_that_holds_only_a_site_engineering_list(engine):
    """The `engine` fixture holds the tests' engineering list (D-36) and nothing else: no
    account, no audit event. The demo says so in one sentence instead of failing on its own
    engineer ids."""
    with read_session(engine) as session:
        assert session.exec(select(func.count()).select_from(Engineer)).one() > 0
    with pytest.raises(DeskError) as err:
        build_demo(engine=engine, settings=Settings(), now=NOW, visitors=10)
    assert err.value.exit_code == 1
    assert "empty database" in str(err.value)
    assert maintenance.row_counts(engine)["user"] == 0


def test_every_table_the_demo_fills_is_checked_empty_first(demo, tmp_path):
    """A table the demo fills that is not in DEMO_TABLES could hold a site's rows unseen."""
    from deskterm.clock import FixedClock
    from deskterm.demo.build import DEMO_TABLES
    from deskterm.services.admin.setup import initialise

    fresh = make_engine(str(tmp_path / "fresh.db"))
    initialise(engine=fresh, clock=FixedClock(NOW), settings=Settings())
    reference = {name for name, n in maintenance.row_counts(fresh).items() if n}
    fresh.dispose()
    engine, report = demo
    filled = {name for name, n in report.counts.items() if n} - reference
    assert filled <= set(DEMO_TABLES), filled - set(DEMO_TABLES)


def test_builds_on_postgresql_too(engine):
    """Same build through Core inserts on PostgreSQL (the `engine` fixture's other database)."""
    if engine.dialect.name == "sqlite":
        pytest.skip("the SQLite build is checked above")
    with write_session(
        engine
    ) as session:  # the demo wants a new database: not the tests' engineers
        session.exec(delete(Engineer))
    report = build_demo(engine=engine, settings=Settings(), now=NOW, visitors=2000)
    assert {name for name, n in report.counts.items() if n == 0} == {"sign_in_throttle"}
    with read_session(engine) as session:
        assert audit.verify(session).ok
    with write_session(engine) as session:  # ids continue after the demo's explicit ones
        assert int(next_number(session=session, prefix="V", at=NOW, tz=TZ)[-4:]) > 1
        session.rollback()
    from deskterm.clock import FixedClock
    from deskterm.services.admin.users import add_user

    with write_session(engine) as session:
        user = add_user(
            session=session,
            actor=None,
            clock=FixedClock(NOW),
            settings=Settings(),
            code="op8",
            name="新同事",
            role="operator",
            password="long-enough",
        )
        assert user.id == report.counts["user"] + 1


@pytest.mark.parametrize("minutes_after", [13, 30])
def test_builds_at_any_minute_after_a_shift_change(tmp_path, minutes_after):
    """The demo's last roster shift is left out when it began a moment ago (demo/shifts.py);
    a visitor who arrived in it is on the last shift's slip, not an index error (found at
    20:13 Shanghai: `deskterm demo` failed for 18 minutes after each shift change)."""
    from datetime import timedelta

    changed = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    engine = make_engine(str(tmp_path / "d.db"))
    report = build_demo(
        engine=engine, settings=Settings(), now=changed + timedelta(minutes=minutes_after)
    )
    assert report is not None
    with engine.connect() as conn:
        orphans = conn.exec_driver_sql(
            "select count(*) from visitor_slip where shift_id is null "
            "and checked_in_at >= '2026-11-28'"
        ).scalar()
    assert orphans == 0
    engine.dispose()
