"""The inquiry desk driven with keys only (D-20 to D-27): find by pinyin initials and by unit,
ring someone until a message is taken, deliver it, promise a reply and keep it, answer from
the directory, refuse a phone-number search, reveal a number on purpose."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskterm.db import run_read
from deskterm.models.audit import AuditEvent
from deskterm.models.inquiry import (
    ContactAttempt,
    Inquiry,
    InquiryOutcome,
    Message,
    PromisedReply,
)
from deskterm.services.inquiries.search import HitKind
from deskterm.tui.dialogs.inquiry_answer import AnswerInquiryDialog
from deskterm.tui.dialogs.inquiry_contact import ContactDialog, GiveUpDialog
from deskterm.tui.dialogs.message_take import TakeMessageDialog
from deskterm.tui.widgets.field import FormField
from tests.factories import seed_estate
from tests.tui.conftest import SIZE, screen_text, settle


@pytest.fixture
def estate(engine, clock, staff):
    return seed_estate(engine, clock, staff.admin)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)
    await settle(pilot)


def hits(app):
    return [row.data for row in app.screen.query_one("#list-find").rows_in_view]


def all_rows(engine, model):
    return run_read(engine, lambda s: list(s.exec(select(model))))


async def test_find_by_pinyin_initials_then_ring(make_desk_app, estate):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "zs")
        found = hits(app)
        assert {h.name for h in found} == {"张三", "赵山", "张帅"}
        assert all(h.kind is HitKind.resident for h in found)
        await pilot.press("down", "enter")  # to the list, ring the first
        await settle(pilot)
        assert isinstance(app.screen, ContactDialog)
        assert app.screen.hit.name == found[0].name


async def test_find_by_unit_as_people_say_it(make_desk_app, estate):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "12栋1203")
        assert {(h.name, h.place) for h in hits(app)} == {
            ("张三", "12-1203"),
            ("张建国", "12-1203"),
        }
        await pilot.press(*["backspace"] * 7)
        await type_text(pilot, "A座1501")
        assert [h.name for h in hits(app)] == ["云帆网络科技有限公司"]
        assert "1 found" in str(app.screen.query_one("#find-hint").render())


async def test_tries_end_in_a_message(make_desk_app, engine, estate):
    """D-22: three tries unanswered, then an apology and a message (D-21: no number given)."""
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "李四")
        await pilot.press("enter")  # the only hit: ring at once
        await settle(pilot)
        assert isinstance(app.screen, ContactDialog)
        await pilot.press("shift+tab", "shift+tab")  # from the outcomes back to "Asking"
        await type_text(pilot, "王先生")
        await pilot.press("enter", "enter")  # inquirer, topic -> the outcomes
        for _ in range(3):
            await pilot.press("4", "ctrl+s")  # choose "no answer", record the try
            await settle(pilot)
        status = str(app.screen.query_one("#contact-status").render())
        assert "Tries: 3" in status and "apologise" in status
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, TakeMessageDialog)
        await type_text(pilot, "请回电")  # focus starts in the message text
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = all_rows(engine, Message)[0]
        assert (message.for_kind, message.for_id, message.for_name) == (
            "resident",
            estate.residents["李四"],
            "12-1204 李四",
        )
        assert (message.from_name, message.text, message.delivered_at) == ("王先生", "请回电", None)
        inquiry = all_rows(engine, Inquiry)[0]
        assert inquiry.outcome == InquiryOutcome.message_taken
        assert inquiry.id == message.inquiry_id
        assert [a.outcome for a in all_rows(engine, ContactAttempt)] == ["no_answer"] * 3
        views_line = str(app.screen.query_one("#views-line").render())
        assert "Messages 1" in views_line


async def test_ring_and_transfer_is_three_keys(make_desk_app, engine, estate):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "李四")
        await pilot.press("enter", "1")  # ring the only hit; they agree: transferred ...
        await settle(pilot)
        assert all_rows(engine, ContactAttempt) == []  # ... chosen, not recorded yet
        assert "Transferred" in str(app.screen.query_one("#contact-will").render())
        await pilot.press("ctrl+s")  # ... recorded
        await settle(pilot)
        assert not isinstance(app.screen, ContactDialog)
        inquiry = all_rows(engine, Inquiry)[0]
        assert (inquiry.outcome, inquiry.target_text) == (
            InquiryOutcome.transferred,
            "12-1204 李四",
        )
        assert [a.outcome for a in all_rows(engine, ContactAttempt)] == ["transferred"]


async def test_closing_after_tries_logs_not_reached(make_desk_app, engine, estate):
    """D-22: two tries of three; the desk must say the inquirer declined before closing as
    not reached. Esc in the question goes back to ringing; Ctrl+D records the refusal."""
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "康宁")
        await pilot.press("enter", "4", "ctrl+s", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GiveUpDialog)
        await pilot.press("escape")  # back to ringing: nothing closed
        await settle(pilot)
        assert isinstance(app.screen, ContactDialog)
        assert all_rows(engine, Inquiry)[0].outcome is None
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+d")  # the inquirer declined
        await settle(pilot)
        assert not isinstance(app.screen, (ContactDialog, GiveUpDialog))
        inquiry = all_rows(engine, Inquiry)[0]
        assert (inquiry.outcome, inquiry.target_kind) == (InquiryOutcome.not_found, "company")
        assert inquiry.inquirer_declined and inquiry.inquirer_contact == ""
        assert len(all_rows(engine, ContactAttempt)) == 2


async def test_one_try_then_the_inquirers_contact(make_desk_app, engine, estate):
    """D-22: after one try the inquirer leaves their own number; Enter on an empty field
    says what is needed and loses nothing."""
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "康宁")
        await pilot.press("enter", "4", "ctrl+s")  # one try: no answer
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # nothing typed: refused, still here
        await settle(pilot)
        assert isinstance(app.screen, GiveUpDialog)
        await type_text(pilot, "-")  # not a contact (issue 21): refused, kept
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GiveUpDialog)
        assert (
            "phone number or at least 4 letters or digits" in app.screen.query_one(FormField).error
        )
        assert app.screen.query_one(FormField).value == "-"
        await pilot.press("backspace")
        await type_text(pilot, "13900001111")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, (ContactDialog, GiveUpDialog))
        inquiry = all_rows(engine, Inquiry)[0]
        assert inquiry.outcome == InquiryOutcome.not_found
        assert inquiry.inquirer_contact == "13900001111" and not inquiry.inquirer_declined


async def test_three_tries_close_without_a_question(make_desk_app, engine, estate):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "康宁")
        await pilot.press("enter", "4", "ctrl+s", "4", "ctrl+s", "4", "ctrl+s")  # each try recorded
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, (ContactDialog, GiveUpDialog))
        assert all_rows(engine, Inquiry)[0].outcome == InquiryOutcome.not_found


async def test_message_delivered_from_the_list(make_desk_app, engine, clock, staff, estate):
    from deskterm.db import run_write
    from deskterm.models.inquiry import MessageCreate
    from deskterm.services.inquiries import messages

    run_write(
        engine,
        lambda s: messages.take_message(
            session=s,
            actor=staff.operator,
            clock=clock,
            message_in=MessageCreate(
                for_name="工程部 刘师傅", from_name="5-802业主", text="明早看漏水"
            ),
        ),
    )
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")  # messages
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")  # in person
        await settle(pilot)
        message = all_rows(engine, Message)[0]
        assert (message.delivered_how, message.delivered_by) == (
            "in_person",
            staff.operator.user_id,
        )
        assert app.screen.query_one("#list-messages").current.cells[-1] != "waiting"


async def test_promise_made_and_kept(make_desk_app, engine, clock, estate):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await type_text(pilot, "停水何时恢复")
        await pilot.press("enter")
        await type_text(pilot, "3-502业主")
        await pilot.press("enter")
        await type_text(pilot, "13600002222")
        await pilot.press("enter")  # the due time: +2h as offered
        await pilot.press("ctrl+s")
        await settle(pilot)
        promise = all_rows(engine, PromisedReply)[0]
        assert (promise.question, promise.asked_by, promise.contact) == (
            "停水何时恢复",
            "3-502业主",
            "13600002222",
        )
        assert promise.due_at == clock.now().replace(hour=4)  # 10:00 + 2 h, in UTC 04:00
        await pilot.press("ctrl+t", "ctrl+t")  # promised replies
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "已电话告知18点恢复")
        await pilot.press("ctrl+s")
        await settle(pilot)
        promise = all_rows(engine, PromisedReply)[0]
        assert promise.answer == "已电话告知18点恢复" and promise.answered_at == clock.now()


async def test_directory_lookup_logged_as_answered(make_desk_app, engine, estate):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")  # a walk-in
        await type_text(pilot, "银行")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AnswerInquiryDialog)
        entry = str(app.screen.query_one("#answer-entry").render())
        assert "南门商业街12号" in entry and "09:00-17:00" in entry
        await pilot.press("1")
        await settle(pilot)
        inquiry = all_rows(engine, Inquiry)[0]
        assert (inquiry.channel, inquiry.outcome, inquiry.target_kind) == (
            "walk_in",
            InquiryOutcome.answered,
            "directory",
        )
        assert inquiry.target_id == estate.directory["中国工商银行(文二西路支行)"]


async def test_a_phone_number_search_finds_nobody(make_desk_app, estate):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "13912340001")
        assert hits(app) == []
        assert "not searched" in str(app.screen.query_one("#find-hint").render())


async def test_reveal_is_asked_for_and_audited(make_desk_app, engine, staff, estate):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "zhangsan")
        detail = str(app.screen.query_one("#detail").render())
        assert "139****0001" in detail and "13912340001" not in detail
        await pilot.press("ctrl+o")
        await settle(pilot)
        await type_text(pilot, "家属急事")
        await pilot.press("enter")
        await settle(pilot)
        assert "13912340001" in str(app.screen.query_one("#detail").render())
        events = all_rows(engine, AuditEvent)
        reveal = [e for e in events if e.action == "resident.reveal_phone"]
        assert len(reveal) == 1
        assert (reveal[0].user_id, reveal[0].detail["reason"]) == (
            staff.operator.user_id,
            "家属急事",
        )
        await type_text(pilot, "x")  # the search changes: the number is masked again
        await pilot.press("backspace")
        await settle(pilot)
        assert "13912340001" not in str(app.screen.query_one("#detail").render())


async def test_escape_on_a_reveal_shows_nothing_and_audits_nothing(make_desk_app, engine, estate):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "zhangsan")
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "13912340001" not in str(app.screen.query_one("#detail").render())
        assert not [e for e in all_rows(engine, AuditEvent) if "reveal" in e.action]


async def test_the_directory_is_browsed_by_kind(make_desk_app, engine, estate):
    """D-23 (issue 21): the fifth list pages the reference material by kind; past events
    stay findable; Enter reads an entry out and logs the inquiry as answered."""
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t", "ctrl+t")  # the directory
        await settle(pilot)
        directory = app.screen.query_one("#list-directory")
        assert directory.display
        kinds_seen = {}
        for _ in range(9):
            line = str(app.screen.query_one("#views-line").render())
            kinds_seen[line.rsplit("·", 1)[-1].strip()] = [
                r.data.name for r in directory.rows_in_view
            ]
            await pilot.press("ctrl+k")
            await settle(pilot)
        past = next(v for k, v in kinds_seen.items() if k.startswith("past events"))
        assert past == ["消防演练"]
        banks = next(v for k, v in kinds_seen.items() if k.startswith("bank"))
        assert banks and all("银行" in name for name in banks)
        while (
            not str(app.screen.query_one("#views-line").render())
            .rstrip()
            .split("·")[-1]
            .strip()
            .startswith("events")
        ):
            await pilot.press("ctrl+k")
            await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AnswerInquiryDialog)


async def test_the_repair_notice_is_shown_from_the_settings_and_the_directory(
    make_desk_app, estate
):
    """D-32 (issue 21): F11 shows where and when repairs are reported; the phone comes from
    the directory and the time limits from the settings."""
    from deskterm.tui.dialogs.repair_notice import RepairNoticeDialog

    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, RepairNoticeDialog)
        text = screen_text(app)
        assert "Where and when to report repairs" in text
        assert "on site within 2 h" in text and "72 h" in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RepairNoticeDialog)


@pytest.mark.parametrize(
    ("ui", "site", "stored"), [("en", "zh_CN", "找人"), ("zh_CN", "en", "Looking for someone")]
)
async def test_the_topic_the_app_fills_in_is_in_the_site_s_language(
    make_desk_app, engine, estate, settings, ui, site, stored
):
    """Issue 16 re-test: a contact with no topic typed stored "Looking for someone" from an
    English screen on a Chinese site; the app's word is the site's (i18n.site_text)."""
    app = make_desk_app(area="inquiries", lang=ui, app_settings=settings.replace(site_lang=site))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "李四")
        await pilot.press("enter")  # the only hit: ring at once
        await settle(pilot)
        assert isinstance(app.screen, ContactDialog)
        await pilot.press("4", "ctrl+s")  # "no answer", no topic typed
        await settle(pilot)
    assert [i.topic for i in all_rows(engine, Inquiry)] == [stored]
