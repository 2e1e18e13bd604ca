"""The duty logbook (D-10): append-only entries, corrections, search; sealed in the audit."""

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from deskterm.db import read_session, run_read, run_write
from deskterm.errors import InvalidInput, NotFound, PermissionDenied
from deskterm.models.forms import validated
from deskterm.models.shift import LogbookEntryCreate, LogCategory
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.shift import logbook
from tests.tamper import drop_guards


def add(engine, clock, actor, **fields):
    fields.setdefault("occurred_at", clock.now())
    fields.setdefault("what", "电梯困人")
    # validated as every form is (models.forms.validated, issue 20); the service trusts it
    entry_in = validated(LogbookEntryCreate, {"category": LogCategory.other, **fields})
    return run_write(
        engine, lambda s: logbook.add_entry(session=s, actor=actor, clock=clock, entry_in=entry_in)
    )


def test_an_entry_is_written_with_its_shift_and_sealed(engine, clock, staff):
    actor = Actor(staff.operator.user_id, "op1", "李静", staff.operator.role, None)
    entry = add(
        engine,
        clock,
        actor,
        category=LogCategory.emergency,
        location="3栋1号电梯",
        action_taken="通知维保,安抚住户",
        notified="工程部",
    )
    assert entry.id and entry.recorded_at == clock.now()
    assert entry.user_id == staff.operator.user_id
    assert entry.abnormal is True
    with read_session(engine) as s:
        assert audit.verify(s).ok


def test_editing_an_entry_behind_the_app_is_detected(sqlite_engine, clock, settings):
    from tests.factories import make_staff

    staff = make_staff(sqlite_engine, clock, settings)
    entry = add(sqlite_engine, clock, staff.operator)
    with sqlite_engine.begin() as conn:
        drop_guards(conn)
        conn.execute(text("UPDATE logbook_entry SET what='nothing' WHERE id=:i"), {"i": entry.id})
    with read_session(sqlite_engine) as s:
        result = audit.verify(s)
    assert not result.ok and "logbook_entry" in result.problem


def test_a_correction_points_at_the_old_entry_which_stays(engine, clock, staff):
    old = add(engine, clock, staff.operator, what="外卖车闯入")
    clock.advance(minutes=10)
    new = add(engine, clock, staff.operator, what="更正:外卖电动车闯入南门", corrects_id=old.id)
    assert new.corrects_id == old.id
    rows = run_read(engine, lambda s: logbook.search(s, logbook.LogbookQuery(), _settings()))
    by_id = {r.entry.id: r for r in rows}
    assert by_id[old.id].corrected_by == new.id
    assert by_id[old.id].entry.what == "外卖车闯入"
    assert by_id[new.id].corrected_by is None
    with pytest.raises(NotFound):
        add(engine, clock, staff.operator, corrects_id=9999)


def _settings():
    from deskterm.config import Settings

    return Settings()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"what": "   "}, "what"),
        ({"location": "x" * 129}, "location"),
        ({"notified": "x" * 257}, "notified"),
    ],
)
def test_bad_values_name_their_field(engine, clock, staff, fields, field):
    with pytest.raises(InvalidInput) as err:
        add(engine, clock, staff.operator, **fields)
    assert err.value.field == field


def test_the_future_is_refused(engine, clock, staff):
    with pytest.raises(InvalidInput) as err:
        add(engine, clock, staff.operator, occurred_at=clock.now() + timedelta(hours=1))
    assert err.value.field == "occurred_at"


def test_a_signed_out_actor_may_not_write(engine, clock, staff):
    with pytest.raises(InvalidInput):
        add(engine, clock, Actor(None, "x", "x", staff.operator.role))


def test_permission_is_checked(engine, clock, staff):
    from deskterm.services import permissions

    assert permissions.allowed(staff.operator, "logbook.add")
    with pytest.raises((PermissionDenied, KeyError)):
        permissions.require(staff.operator, "no.such.action")


def test_search_by_text_category_day_and_shift(engine, clock, staff, settings):
    add(
        engine,
        clock,
        staff.operator,
        what="水泵房报警",
        category=LogCategory.water_power,
        location="3栋地下室",
    )
    add(engine, clock, staff.operator, what="可疑人员发小广告", category=LogCategory.security)
    clock.advance(days=1)
    add(engine, clock, staff.operator, what="100% 完成巡查_东区", category=LogCategory.other)

    def find(**kw):
        query = logbook.LogbookQuery(**kw)
        rows = run_read(engine, lambda s: logbook.search(s, query, settings))
        total = run_read(engine, lambda s: logbook.count_entries(s, query, settings))
        assert total == len(rows)
        return [r.entry.what for r in rows]

    assert find(text="水泵") == ["水泵房报警"]
    assert find(text="地下室") == ["水泵房报警"]  # location is searched too
    assert find(category="security") == ["可疑人员发小广告"]
    assert sorted(find(day=date(2026, 11, 28))) == sorted(["可疑人员发小广告", "水泵房报警"])
    assert find(day=date(2026, 11, 29)) == ["100% 完成巡查_东区"]
    assert find(text="100%") == ["100% 完成巡查_东区"]
    assert find(text="%") == ["100% 完成巡查_东区"]  # LIKE wildcards are literal
    assert find(text="_") == ["100% 完成巡查_东区"]
    assert len(find()) == 3
    newest_first = find()
    assert newest_first[0] == "100% 完成巡查_东区"


def test_category_labels_cover_every_category():
    for category in LogCategory:
        assert logbook.category_label(category) != ""
