"""The reference directory (D-23): import rows (all or nothing, idempotent), entries, events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from deskterm.db import run_read, run_write
from deskterm.errors import PermissionDenied
from deskterm.models.audit import AuditEvent
from deskterm.models.directory import DirectoryEntry, Event
from deskterm.services.inquiries import directory
from deskterm.services.inquiries.search import HitKind, search

TZ = "Asia/Shanghai"
ROWS = [
    {
        "kind": "bank",
        "name": "建设银行ATM",
        "location": "南门",
        "phone": "",
        "hours": "24小时",
        "notes": "",
    },
    {
        "kind": "交通",
        "name": "地铁5号线 三坝站",
        "location": "北门向西600米",
        "phone": None,
        "hours": "06:00-23:00",
        "notes": None,
    },
    {
        "kind": "phone",
        "name": "保安队长",
        "location": "南门岗亭",
        "phone": "0571-8888 0110",
        "hours": "24小时",
        "notes": "夜间紧急",
    },
    {
        "kind": "活动",
        "name": "元旦游园会",
        "location": "中心花园",
        "starts_at": "2027-01-01 14:00",
        "ends_at": "2027-01-01 17:00",
        "notes": "猜谜、抽奖",
    },
]


def count(engine, model):
    return run_read(engine, lambda s: s.exec(select(func.count()).select_from(model)).one())


def imp(engine, clock, actor, rows, dry_run=False):
    return run_write(
        engine,
        lambda s: directory.import_directory_rows(
            session=s, actor=actor, clock=clock, tz=TZ, rows=rows, dry_run=dry_run
        ),
    )


def test_import_adds_entries_and_events_then_changes_nothing_twice(engine, clock, staff):
    before = count(engine, DirectoryEntry)
    report = imp(engine, clock, staff.admin, ROWS)
    assert (report.ok, report.added, report.events_added) == (True, 3, 1)
    assert count(engine, DirectoryEntry) == before + 3
    event = run_read(engine, lambda s: s.exec(select(Event)).one())
    assert (event.place, event.content) == ("中心花园", "猜谜、抽奖")
    assert event.starts_at == datetime(2027, 1, 1, 6, 0, tzinfo=UTC)  # 14:00 desk time
    again = imp(engine, clock, staff.admin, ROWS)
    assert (again.added, again.updated, again.unchanged, again.events_added) == (0, 0, 4, 0)
    changed = [dict(ROWS[0], hours="08:00-22:00")]
    assert imp(engine, clock, staff.admin, changed).updated == 1
    audits = run_read(
        engine,
        lambda s: s.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "directory.import")
        ).one(),
    )
    assert audits == 3


def test_imported_entries_are_searchable_by_pinyin(engine, clock, staff):
    imp(engine, clock, staff.admin, ROWS)
    found = run_read(
        engine, lambda s: search(session=s, actor=staff.operator, clock=clock, text="badz")
    )
    assert [h.name for h in found.hits if h.kind is HitKind.directory] == ["保安队长"]
    found = run_read(
        engine, lambda s: search(session=s, actor=staff.operator, clock=clock, text="游园")
    )
    assert [h.name for h in found.hits if h.kind is HitKind.event] == ["元旦游园会"]


def test_one_bad_row_writes_nothing_and_names_every_bad_line(engine, clock, staff):
    before = count(engine, DirectoryEntry)
    rows = ROWS + [
        {"kind": "spaceport", "name": "x"},
        {"kind": "bank", "name": ""},
        {"kind": "event", "name": "晚会", "location": "大堂", "starts_at": "tonight"},
        {"kind": "phone", "name": "无号码办公室"},
        {"kind": "bank", "name": "建设银行ATM"},
    ]
    report = imp(engine, clock, staff.admin, rows)
    assert not report.ok
    assert [p.line for p in report.problems] == [6, 7, 8, 9, 10]
    assert "spaceport" in report.problems[0].message
    assert "line 2" in report.problems[4].message
    assert count(engine, DirectoryEntry) == before
    assert count(engine, Event) == 0


def test_dry_run_counts_and_writes_nothing(engine, clock, staff):
    before = count(engine, DirectoryEntry)
    report = imp(engine, clock, staff.admin, ROWS, dry_run=True)
    assert (report.dry_run, report.added, report.events_added) == (True, 3, 1)
    assert count(engine, DirectoryEntry) == before
    assert count(engine, Event) == 0


def test_only_admins_import(engine, clock, staff):
    with pytest.raises(PermissionDenied):
        imp(engine, clock, staff.operator, ROWS)


def test_entry_view_for_reading_out(engine, clock, staff):
    imp(engine, clock, staff.admin, ROWS)
    entry_id = run_read(
        engine,
        lambda s: s.exec(select(DirectoryEntry.id).where(DirectoryEntry.name == "保安队长")).one(),
    )
    view = run_read(
        engine, lambda s: directory.get_entry(session=s, kind="phone", entry_id=entry_id)
    )
    assert (view.name, view.location, view.phone, view.hours) == (
        "保安队长",
        "南门岗亭",
        "0571-8888 0110",
        "24小时",
    )
    assert directory.kind_label(view.kind) == "office phone"
