"""The desk's own calls show the number inside their dialog (D-21, issue 21): a callback and
a message delivered by phone. The number is asked for with a reason, shown only after it,
and the audit keeps who and why, never the number."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.models.audit import AuditEvent
from deskterm.models.complaint import ComplaintCreate
from deskterm.models.inquiry import MessageCreate
from deskterm.services.complaints import handling as complaints
from deskterm.services.inquiries import messages
from deskterm.tui.dialogs.callback_form import CallbackDialog
from deskterm.tui.dialogs.message_deliver import DeliverMessageDialog
from deskterm.tui.dialogs.reason import ReasonDialog
from tests.factories import seed_estate
from tests.tui.conftest import SIZE, screen_text, settle


def reveals(engine, action):
    return run_read(
        engine, lambda s: list(s.exec(select(AuditEvent).where(AuditEvent.action == action)))
    )


async def test_the_callback_number_is_shown_in_the_callback_dialog(
    make_desk_app, engine, clock, settings, staff
):
    run_write(
        engine,
        lambda s: complaints.intake_complaint(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            complaint_in=ComplaintCreate(
                who_name="A座业主", content="暖气不热", contact="139 0000 2222"
            ),
            close_answer="维修员已修好",
        ),
    )
    app = make_desk_app(area="complaints")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", "enter")  # the callback queue, record it
        await settle(pilot)
        assert isinstance(app.screen, CallbackDialog)
        assert "13900002222" not in screen_text(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)  # why, first
        await pilot.press("escape")
        await settle(pilot)
        assert reveals(engine, "callback.reveal_phone") == []
        await pilot.press("ctrl+o", "enter")  # the suggested reason
        await settle(pilot)
        assert isinstance(app.screen, CallbackDialog)
        assert "13900002222" in screen_text(app)
    (event,) = reveals(engine, "callback.reveal_phone")
    assert event.detail["reason"].startswith("To call back") and "2222" not in str(event.detail)


async def test_a_message_delivered_by_phone_shows_the_number_there(
    make_desk_app, engine, clock, staff
):
    estate = seed_estate(engine, clock, staff.admin)
    run_write(
        engine,
        lambda s: messages.take_message(
            session=s,
            actor=staff.operator,
            clock=clock,
            message_in=MessageCreate(
                for_kind="resident",
                for_id=estate.residents["张三"],
                for_name="x",
                from_name="快递员",
                text="包裹放在前台",
            ),
        ),
    )
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", "enter")  # messages, deliver
        await settle(pilot)
        assert isinstance(app.screen, DeliverMessageDialog)
        assert "13912340001" not in screen_text(app)
        await pilot.press("ctrl+o", "enter")
        await settle(pilot)
        assert "13912340001" in screen_text(app)
    (event,) = reveals(engine, "resident.reveal_phone")
    assert event.entity_id == str(estate.residents["张三"])
    assert "0001" not in str(event.detail)


async def test_a_promised_reply_called_back_shows_the_askers_number_there(
    make_desk_app, engine, clock, staff
):
    """Who asked is on record (12-1203 张三): the answer dialog names them and Ctrl+O gives the
    number after the reason, through the one reveal (resident.reveal_phone), audited."""
    from datetime import timedelta

    from deskterm.models.inquiry import PromisedReplyCreate
    from deskterm.services.inquiries import promises
    from deskterm.tui.dialogs.promise_answer import AnswerPromiseDialog

    estate = seed_estate(engine, clock, staff.admin)
    run_write(
        engine,
        lambda s: promises.make_promise(
            session=s,
            actor=staff.operator,
            clock=clock,
            promise_in=PromisedReplyCreate(
                question="停水几点恢复",
                asked_by="12-1203 张三",
                contact="家里",
                due_at=clock.now() + timedelta(hours=2),
            ),
        ),
    )
    app = make_desk_app(area="inquiries", lang="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", "ctrl+t", "enter")  # promises, answer it
        await settle(pilot)
        assert isinstance(app.screen, AnswerPromiseDialog)
        assert "张三" in screen_text(app) and "13912340001" not in screen_text(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)  # why, first
        await pilot.press("escape")
        await settle(pilot)
        assert reveals(engine, "resident.reveal_phone") == []
        await pilot.press("ctrl+o", "enter")  # the suggested reason
        await settle(pilot)
        assert isinstance(app.screen, AnswerPromiseDialog)
        assert "13912340001" in screen_text(app)
        await pilot.press(*"已电话告知", "ctrl+s")  # the answer typed is kept
        await settle(pilot)
    (event,) = reveals(engine, "resident.reveal_phone")
    assert event.entity_id == str(estate.residents["张三"]) and "0001" not in str(event.detail)
    kept = run_read(
        engine, lambda s: promises.list_promises(session=s, clock=clock, tz="Asia/Shanghai")
    )
    assert [p.answer for p in kept] == ["已电话告知"]


@pytest.mark.parametrize(
    "asked_by, contact",
    [
        ("王先生", "13600002222"),
        ("王五", "12-1203"),  # the outside test: 张三/9-102 offered the owner's number
        ("张", "12-1203"),  # part of a name (林 for 林静洁) is nobody
        ("12-1203", "回电"),  # a bare unit is not a person
    ],
)
async def test_nobody_on_record_is_one_sentence_and_ctrl_o_says_so(
    make_desk_app, engine, clock, staff, asked_by, contact
):
    """Issue 21 #1: nobody on record is who asked: the dialog says so in one sentence, Ctrl+O
    says it again instead of doing nothing, and no number is asked for or revealed."""
    from datetime import timedelta

    from deskterm.models.inquiry import PromisedReplyCreate
    from deskterm.services.inquiries import promises
    from deskterm.tui.dialogs.promise_answer import AnswerPromiseDialog

    seed_estate(engine, clock, staff.admin)
    run_write(
        engine,
        lambda s: promises.make_promise(
            session=s,
            actor=staff.operator,
            clock=clock,
            promise_in=PromisedReplyCreate(
                question="快递放哪",
                asked_by=asked_by,
                contact=contact,
                due_at=clock.now() + timedelta(hours=2),
            ),
        ),
    )
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", "ctrl+t", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AnswerPromiseDialog)
        assert "Nobody on record matches who asked" in screen_text(app)
        assert "张三" not in screen_text(app)
        notes = []
        app.notify = lambda message, **kw: notes.append(str(message))
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, AnswerPromiseDialog)  # no reason asked
        assert any("Nobody on record matches who asked" in n for n in notes)
        assert "13912340001" not in screen_text(app)
    assert reveals(engine, "resident.reveal_phone") == []


async def test_a_family_member_who_asked_gets_her_own_number_not_the_owners(
    make_desk_app, engine, clock, staff
):
    """Issue 21 #1: 林静洁 (family at 9-102) asked, 9-102 to reach her: her number, not the
    owner's; here 张建国 (family at 12-1203, whose owner is 张三)."""
    from datetime import timedelta

    from deskterm.models.inquiry import PromisedReplyCreate
    from deskterm.services.inquiries import promises
    from deskterm.tui.dialogs.promise_answer import AnswerPromiseDialog

    estate = seed_estate(engine, clock, staff.admin)
    run_write(
        engine,
        lambda s: promises.make_promise(
            session=s,
            actor=staff.operator,
            clock=clock,
            promise_in=PromisedReplyCreate(
                question="停水几点恢复",
                asked_by="张建国",
                contact="12-1203",
                due_at=clock.now() + timedelta(hours=2),
            ),
        ),
    )
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", "ctrl+t", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AnswerPromiseDialog)
        assert "张建国 (12-1203) is on record" in screen_text(app)
        await pilot.press("ctrl+o", "enter")
        await settle(pilot)
        assert "13912340002" in screen_text(app) and "13912340001" not in screen_text(app)
    (event,) = reveals(engine, "resident.reveal_phone")
    assert event.entity_id == str(estate.residents["张建国"])
