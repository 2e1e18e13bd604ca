"""The complaints area, driven with keys only (D-40 to D-44, case 2)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from deskterm.db import run_read
from deskterm.models.complaint import Callback, Communication, Complaint, ComplaintStatus
from deskterm.services import callback_schedule
from deskterm.services.complaints import communications
from deskterm.services.complaints import queries as complaint_queries
from tests.tui.conftest import SIZE, settle


def the_complaint(engine) -> Complaint:
    rows = run_read(engine, lambda s: s.exec(select(Complaint)).all())
    assert len(rows) == 1
    return rows[0]


async def keys(pilot, *items: str) -> None:
    """Press keys; a plain string longer than one character is typed letter by letter."""
    for item in items:
        if len(item) > 1 and not item.isascii():
            await pilot.press(*item)
        else:
            await pilot.press(item)
    await settle(pilot)


async def test_complaint_closed_on_the_spot(make_desk_app, engine):
    """D-44: within the desk's authority, closed at once; a callback falls due."""
    app = make_desk_app(area="complaints")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+n", "张先生", "tab", "tab", "楼道很脏")
        await keys(pilot, "tab", "tab", "tab", "已通知保洁马上清理", "ctrl+s")
        c = the_complaint(engine)
        assert c.status == ComplaintStatus.closed and c.answer == "已通知保洁马上清理"
        assert c.answer_how == "on_the_spot"
        steps = [
            st.step for st in run_read(engine, lambda s: complaint_queries.list_steps(s, c.id))
        ]
        assert steps == ["listened", "closed"]
        assert (
            run_read(
                engine,
                lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=c.id),
            )
            is not None
        )
        assert app.screen.query_one("#list-complaints").total == 0  # nothing awaiting a reply


async def test_referred_replied_late_then_called_back_dissatisfied(make_desk_app, engine, clock):
    app = make_desk_app(area="complaints")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+n", "李女士", "tab", "tab", "电梯经常停运")
        await keys(pilot, "tab", "tab", "tab", "tab", "工程部刘经理", "ctrl+s")
        c = the_complaint(engine)
        assert c.status == ComplaintStatus.referred
        assert c.reply_due_at == clock.now() + timedelta(hours=24)
        records = app.screen.query_one("#list-complaints")
        assert records.current.style == ""
        clock.advance(hours=26)
        await keys(pilot, "ctrl+r")
        assert records.current.style == "overdue"  # shown overdue (red)
        assert "late" in str(records.current.cells[-1])
        assert "!1" in str(app.screen.query_one("#views-line").render())
        await keys(pilot, "enter", "a", "已更换电梯控制板", "ctrl+s")
        c = the_complaint(engine)
        assert c.status == ComplaintStatus.closed and c.replied_at > c.reply_due_at
        clock.advance(days=1)
        await keys(pilot, "ctrl+t")
        queue = app.screen.query_one("#list-callbacks")
        assert queue.total == 1 and queue.current.cells[1] == c.number
        # result: none chosen yet -> dissatisfied (past "no answer", satisfied, fairly), then the person, then the comment
        await keys(
            pilot,
            "enter",
            "enter",
            "down",
            "down",
            "down",
            "down",
            "enter",
            "tab",
            "tab",
            "还是经常停",
            "ctrl+s",
        )
        c = the_complaint(engine)
        assert c.status == ComplaintStatus.open and c.replied_at is None
        assert c.reopen_count == 1
        cb = run_read(engine, lambda s: s.exec(select(Callback)).one())
        assert cb.result == "dissatisfied" and cb.comment == "还是经常停"


async def test_follow_up_appears_as_due_when_its_day_comes(make_desk_app, engine, clock):
    app = make_desk_app(area="complaints")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(
            pilot,
            "ctrl+t",
            "ctrl+t",
            "ctrl+n",
            "shift+tab",
            "enter",
            "down",
            "down",
            "down",
            "down",
            "down",
            "down",
            "enter",
        )  # utility
        await keys(
            pilot,
            "tab",
            "自来水公司",
            "tab",
            "12栋停水检修",
            "tab",
            "周二上午停水",
            "tab",
            "张贴停水通知",
            "tab",
        )
        await keys(pilot, *"12-01")
        await keys(pilot, "ctrl+s")
        comm = run_read(engine, lambda s: s.exec(select(Communication)).one())
        assert comm.party_kind == "utility" and comm.follow_up == "张贴停水通知"
        await keys(pilot, "ctrl+l")  # follow-ups due
        records = app.screen.query_one("#list-communications")
        assert records.total == 0
        clock.advance(days=2, hours=14)  # Monday 12-01 00:00 desk time
        await keys(pilot, "ctrl+r")
        assert records.total == 1 and records.current.style == "overdue"
        assert run_read(
            engine, lambda s: [c.id for c in communications.list_due_follow_ups(s, now=clock.now())]
        ) == [comm.id]
        await keys(pilot, "enter", "已张贴通知", "enter")
        assert records.total == 0
    done = run_read(engine, lambda s: s.get(Communication, comm.id))
    assert done.follow_up_done_at == clock.now() and done.follow_up_note == "已张贴通知"
