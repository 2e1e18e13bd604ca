"""Messages (留言): taken for someone, delivered when and how, waiting ones listed (D-21)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, NotFound, StaleEdit
from deskterm.models.audit import AuditEvent
from deskterm.models.forms import validated
from deskterm.models.inquiry import InquiryCreate, InquiryOutcome, Message, MessageCreate
from deskterm.services.inquiries import log as inquiries
from deskterm.services.inquiries import messages
from tests.factories import PHONES, seed_estate


@pytest.fixture
def estate(engine, clock, staff):
    return seed_estate(engine, clock, staff.admin)


def take(engine, clock, actor, **values):
    return run_write(
        engine,
        lambda s: messages.take_message(
            session=s, actor=actor, clock=clock, message_in=MessageCreate(**values)
        ),
    )


def deliver(engine, clock, actor, message_id, how, version):
    return run_write(
        engine,
        lambda s: messages.deliver_message(
            session=s, actor=actor, clock=clock, message_id=message_id, how=how, version=version
        ),
    )


def test_a_message_for_a_resident_ends_the_inquiry(engine, clock, staff, estate):
    inquiry = run_write(
        engine,
        lambda s: inquiries.open_inquiry(
            session=s,
            actor=staff.operator,
            clock=clock,
            inquiry_in=InquiryCreate(
                topic="找人", target_kind="resident", target_id=estate.residents["张三"]
            ),
        ),
    )
    message = take(
        engine,
        clock,
        staff.operator,
        for_kind="resident",
        for_id=estate.residents["张三"],
        for_name="whatever",
        from_name="王先生",
        from_contact="13500001111",
        text="请回电,关于车位转租",
        inquiry_id=inquiry.id,
    )
    assert message.for_name == "12-1203 张三"  # from the record, never a phone
    assert (message.from_contact, message.taken_by) == ("13500001111", staff.operator.user_id)
    assert message.delivered_at is None
    row = run_read(engine, lambda s: s.get(Message, message.id))
    dumped = repr(row)
    assert not any(p in dumped for p in PHONES)
    assert run_read(engine, lambda s: s.get(type(inquiry), inquiry.id)).outcome == (
        InquiryOutcome.message_taken
    )


def test_a_message_for_someone_not_on_record(engine, clock, staff, estate):
    message = take(
        engine,
        clock,
        staff.operator,
        for_kind="other",
        for_name="工程部 刘师傅",
        from_name="5-802业主",
        text="明早来看漏水",
    )
    assert message.for_name == "工程部 刘师傅"


@pytest.mark.parametrize(
    "values, field",
    [
        ({"for_name": "", "from_name": "王", "text": "x"}, "for_name"),
        ({"for_name": "张三", "from_name": " ", "text": "x"}, "from_name"),
        ({"for_name": "张三", "from_name": "王", "text": "   "}, "text"),
        ({"for_name": "张三", "from_name": "王", "text": "x", "for_kind": "alien"}, "for_kind"),
    ],
)
def test_missing_parts_are_named(engine, clock, staff, estate, values, field):
    with pytest.raises(InvalidInput) as err:
        run_write(
            engine,
            lambda s: messages.take_message(
                session=s,
                actor=staff.operator,
                clock=clock,
                message_in=validated(MessageCreate, {"for_kind": "other", **values}),
            ),
        )
    assert err.value.field == field


def test_delivery_is_recorded_once_with_how_and_by_whom(engine, clock, staff, estate):
    message = take(engine, clock, staff.operator, for_name="李四", from_name="物业", text="取快递")
    assert [m.id for m in run_read(engine, lambda s: messages.list_undelivered(session=s))] == [
        message.id
    ]
    clock.advance(minutes=30)
    done = deliver(engine, clock, staff.supervisor, message.id, "phone", message.version)
    assert (done.delivered_at, done.delivered_by, done.delivered_how) == (
        clock.now(),
        staff.supervisor.user_id,
        "phone",
    )
    assert run_read(engine, lambda s: messages.list_undelivered(session=s)) == []
    view = run_read(engine, lambda s: messages.get_message(session=s, message_id=message.id))
    assert (view.taken_by, view.delivered_by) == ("李静", "王强")
    assert messages.delivery_label(view.delivered_how) == "by phone"
    assert messages.delivery_label("留言条放入信箱") == "留言条放入信箱"  # free text as it is
    actions = run_read(
        engine,
        lambda s: [
            e.action
            for e in s.exec(
                select(AuditEvent).where(AuditEvent.entity == "message").order_by(AuditEvent.seq)
            )
        ],
    )
    assert actions == ["message.create", "message.deliver"]


def test_two_desks_delivering_the_same_message(engine, clock, staff, estate):
    message = take(engine, clock, staff.operator, for_name="李四", from_name="物业", text="取快递")
    deliver(engine, clock, staff.supervisor, message.id, "in_person", message.version)
    with pytest.raises(StaleEdit, match="王强"):
        deliver(engine, clock, staff.operator, message.id, "phone", message.version)
    with pytest.raises(InvalidInput):
        deliver(engine, clock, staff.operator, message.id, "  ", 2)
    with pytest.raises(NotFound):
        deliver(engine, clock, staff.operator, 424242, "phone", 1)


def test_messages_list_waiting_first(engine, clock, staff, estate):
    old = take(engine, clock, staff.operator, for_name="A", from_name="x", text="1")
    clock.advance(minutes=1)
    done = take(engine, clock, staff.operator, for_name="B", from_name="x", text="2")
    clock.advance(minutes=1)
    new = take(engine, clock, staff.operator, for_name="C", from_name="x", text="3")
    deliver(engine, clock, staff.operator, done.id, "note", done.version)
    listed = run_read(engine, lambda s: messages.list_messages(session=s))
    assert [(m.id, m.delivered) for m in listed] == [
        (old.id, False),
        (new.id, False),
        (done.id, True),
    ]
