"""Report rows for complaints and callbacks: the window, no phone numbers, the on-time share."""

from __future__ import annotations

from datetime import timedelta

from deskterm.db import run_read, run_write
from deskterm.reports import complaints as rep
from deskterm.services import callback_schedule
from deskterm.services.callbacks import outcomes as callback_outcomes
from deskterm.services.complaints import handling as complaints
from tests.services.test_complaints import add_unit, intake


def test_rows_keep_the_columns_and_leave_out_the_contact(engine, clock, settings, staff):
    add_unit(engine)
    start = clock.now()
    row = intake(
        engine,
        clock,
        settings,
        staff.operator,
        unit="12-1203",
        contact="13812345678",
        refer_to="刘经理",
    )
    clock.advance(hours=30)
    run_write(
        engine,
        lambda s: complaints.close_complaint(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            complaint_id=row.id,
            version=row.version,
            answer="已修",
            how="phone",
        ),
    )
    rows = run_read(
        engine,
        lambda s: list(
            rep.iter_complaints(session=s, since=start, until=start + timedelta(days=1))
        ),
    )
    assert len(rows) == 1 and tuple(rows[0]) == rep.COMPLAINT_COLUMNS
    assert rows[0]["unit"] == "12-1203" and rows[0]["reply_late"] is True
    assert rows[0]["received_by"] == "op1"
    assert "13812345678" not in repr(rows) and "5678" not in repr(rows)
    assert (
        run_read(
            engine, lambda s: list(rep.iter_complaints(session=s, since=start + timedelta(days=1)))
        )
        == []
    )
    counts = run_read(engine, lambda s: rep.complaint_counts(session=s))
    assert counts["received"] == 1 and counts["replied_late"] == 1
    assert counts["by_category"] == {"facilities": 1}


def test_callback_rows_and_on_time_share(engine, clock, settings, staff):
    a = intake(engine, clock, settings, staff.operator, close_answer="已处理")
    b = intake(engine, clock, settings, staff.operator, close_answer="已处理")
    intake(engine, clock, settings, staff.operator, close_answer="已处理")
    start = clock.now()
    clock.advance(days=2)  # a: on time
    cb = run_read(
        engine, lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=a.id)
    )
    run_write(
        engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            callback_id=cb.id,
            version=cb.version,
            method="phone",
            result="satisfied",
        ),
    )
    clock.advance(days=2)  # b: late; the third never done
    cb = run_read(
        engine, lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=b.id)
    )
    run_write(
        engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            callback_id=cb.id,
            version=cb.version,
            method="visit",
            result="fairly_satisfied",
        ),
    )
    share = run_read(engine, lambda s: rep.callback_on_time_share(session=s, since=start))
    assert share == {"due": 3, "done": 2, "on_time": 1, "share": 1 / 3}
    rows = run_read(engine, lambda s: list(rep.iter_callbacks(session=s, since=start)))
    assert [r["on_time"] for r in rows] == [True, False, None]
    assert rows[0]["number"] == a.number and rows[0]["kind"] == "complaint"
    assert rows[0]["done_by"] == "op1"
    empty = run_read(
        engine, lambda s: rep.callback_on_time_share(session=s, since=start + timedelta(days=30))
    )
    assert empty["share"] is None and empty["due"] == 0
