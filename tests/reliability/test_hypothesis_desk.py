"""Issue 9, promise 10 (the inquiry desk and the logbook): Hypothesis drives the logbook,
inquiries, messages and promised replies with arbitrary text, numbers and times. Each call
saves exactly what it was given (read back from the file) or is refused in one sentence with
every table unchanged; nothing raises anything else.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.clock import FixedClock, as_utc
from deskterm.config import Settings
from deskterm.models.inquiry import (
    FOR_KINDS,
    TARGET_KINDS,
    Inquiry,
    InquiryCreate,
    InquiryOutcome,
    Message,
    MessageCreate,
    PromisedReply,
    PromisedReplyCreate,
)
from deskterm.models.shift import LogbookEntry, LogbookEntryCreate, LogCategory
from deskterm.services.inquiries import log as inquiries
from deskterm.services.inquiries import messages, promises
from deskterm.services.shift import logbook
from tests.conftest import FIXED_NOW
from tests.reliability.bad_input import (
    BACKENDS,
    TRIALS,
    attempt,
    good_texts,
    ids,
    instants,
    squash,
    stored,
    strip,
    texts,
    trial_engine,
    versions,
)
from tests.reliability.world import World, construct

pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")
NOW = FIXED_NOW


@pytest.fixture(scope="module", params=BACKENDS)
def w(request, tmp_path_factory):
    """One database for the module (Hypothesis runs many examples per test)."""
    with trial_engine(request, tmp_path_factory, "desk") as engine:
        world = World.build(engine, FixedClock(NOW), Settings())
        yield world


def one_of_or_text(values):
    return st.one_of(st.sampled_from(list(values)), texts(40))


# -- the logbook (D-10) ------------------------------------------------------------------------
def _log(w, **values):
    # the form as the desk validates it (models.forms.validated); no time given is now
    when = {"occurred_at": values.get("occurred_at") or w.clock.now()}
    entry_in = construct(LogbookEntryCreate, **{"category": "other", "what": "x", **values, **when})
    given_texts = tuple(v for v in values.values() if isinstance(v, str))
    return attempt(
        w.engine,
        lambda s: logbook.add_entry(session=s, actor=w.operator, clock=w.clock, entry_in=entry_in),
        given=given_texts,
    )


def _check_log(w, out, values):
    row = stored(w.engine, LogbookEntry, out.saved.id)
    for field in ("what", "action_taken"):  # Block: trimmed
        assert getattr(row, field) == strip(values.get(field, "")), field
    for field in ("location", "notified"):  # Line: one line, runs of spaces made one
        assert getattr(row, field) == squash(values.get(field, "")), field
    assert row.category == values.get("category", "other")
    when = values.get("occurred_at")
    assert row.occurred_at == (as_utc(when) if when else w.clock.now())
    assert out.added("logbook_entry") == 1 and out.added("audit_event") == 1


@TRIALS
@given(
    what=texts(),
    location=texts(),
    action_taken=texts(),
    notified=texts(),
    category=one_of_or_text(LogCategory),
    occurred_at=st.one_of(st.none(), instants(NOW)),
)
def test_logbook_entries_save_exactly_or_are_refused(
    w, what, location, action_taken, notified, category, occurred_at
):
    values = dict(
        what=what,
        location=location,
        action_taken=action_taken,
        notified=notified,
        category=category,
        occurred_at=occurred_at,
    )
    out = _log(w, **values)
    if out.saved is not None:
        _check_log(w, out, values)


@TRIALS
@given(what=good_texts(1, 300), location=good_texts(0, 128), notified=good_texts(0, 256))
def test_logbook_takes_any_plain_text(w, what, location, notified):
    values = dict(what=what, location=location, notified=notified)
    out = _log(w, **values)
    assert out.refused is None, out.refused
    _check_log(w, out, values)


@TRIALS
@given(corrects=ids())
def test_a_correction_points_at_an_entry_or_is_refused(w, corrects):
    out = _log(w, what="更正", corrects_id=corrects)
    if out.saved is not None:
        assert stored(w.engine, LogbookEntry, out.saved.id).corrects_id == corrects


# -- inquiries (D-20 to D-22) ------------------------------------------------------------------
@TRIALS
@given(
    channel=one_of_or_text(("phone", "walk_in")),
    topic=texts(),
    inquirer=texts(),
    target_kind=st.one_of(st.none(), one_of_or_text(TARGET_KINDS)),
    target_id=st.one_of(st.none(), ids()),
    target_text=texts(),
    outcome=st.one_of(st.none(), one_of_or_text(InquiryOutcome)),
)
def test_inquiries_save_exactly_or_are_refused(
    w, channel, topic, inquirer, target_kind, target_id, target_text, outcome
):
    data = construct(
        InquiryCreate,
        channel=channel,
        topic=topic,
        inquirer=inquirer,
        target_kind=target_kind,
        target_id=target_id,
        target_text=target_text,
        outcome=outcome,
    )
    out = attempt(
        w.engine,
        lambda s: inquiries.open_inquiry(
            session=s, actor=w.operator, clock=w.clock, inquiry_in=data
        ),
        given=(channel, topic, inquirer, target_kind, target_text, outcome),
    )
    if out.saved is None:
        return
    row = stored(w.engine, Inquiry, out.saved.id)
    assert (row.channel, row.topic, row.inquirer) == (channel, squash(topic), squash(inquirer))
    # a blank kind is none (models/inquiry.py: the field's rule)
    assert row.target_kind == ((target_kind or "").strip() or None)
    assert row.target_id == target_id
    assert row.outcome == (outcome or None)
    if row.target_kind not in ("resident", "company", "staff") or target_id is None:
        assert row.target_text == squash(target_text)
    assert out.added("inquiry") == 1


@TRIALS
@given(
    outcome=one_of_or_text(InquiryOutcome),
    topic=st.one_of(st.none(), texts()),
    attempt_outcome=one_of_or_text(("transferred", "declined", "absent", "no_answer")),
)
def test_closing_an_inquiry_saves_exactly_or_is_refused(w, outcome, topic, attempt_outcome):
    inquiry = w.inquiry()
    tried = attempt(
        w.engine,
        lambda s: inquiries.record_attempt(
            session=s,
            actor=w.operator,
            clock=w.clock,
            inquiry_id=inquiry.id,
            outcome=attempt_outcome,
        ),
        given=(attempt_outcome,),
    )
    if tried.saved is not None:
        assert tried.added("contact_attempt") == 1
    out = attempt(
        w.engine,
        lambda s: inquiries.close_inquiry(
            session=s,
            actor=w.operator,
            clock=w.clock,
            inquiry_id=inquiry.id,
            outcome=outcome,
            topic=topic,
        ),
        given=(outcome, topic),
    )
    if out.saved is not None:
        row = stored(w.engine, Inquiry, inquiry.id)
        assert row.outcome == outcome
        assert row.topic == (squash(topic) if topic is not None else "找人")


# -- messages (留言, D-21, D-22) -----------------------------------------------------------------
@TRIALS
@given(
    for_kind=one_of_or_text(FOR_KINDS),
    for_id=st.one_of(st.none(), ids()),
    for_name=texts(),
    from_name=texts(),
    from_contact=texts(),
    text=texts(2500),
    inquiry_id=st.one_of(st.none(), ids()),
)
def test_messages_save_exactly_or_are_refused(
    w, for_kind, for_id, for_name, from_name, from_contact, text, inquiry_id
):
    data = construct(
        MessageCreate,
        for_kind=for_kind,
        for_id=for_id,
        for_name=for_name,
        from_name=from_name,
        from_contact=from_contact,
        text=text,
        inquiry_id=inquiry_id,
    )
    out = attempt(
        w.engine,
        lambda s: messages.take_message(
            session=s, actor=w.operator, clock=w.clock, message_in=data
        ),
        given=(for_kind, for_name, from_name, from_contact, text),
    )
    if out.saved is None:
        return
    row = stored(w.engine, Message, out.saved.id)
    assert (row.from_name, row.from_contact, row.text) == (
        squash(from_name),
        squash(from_contact),
        strip(text),
    )
    kind = (for_kind or "").strip() or "other"  # a blank kind is "other" (the field's rule)
    assert row.for_kind == kind and row.for_id == for_id and row.inquiry_id == inquiry_id
    if for_id is None or kind not in ("resident", "company", "staff"):
        assert row.for_name == squash(for_name)
    assert out.added("message") == 1


@TRIALS
@given(for_name=good_texts(1, 128), from_name=good_texts(1, 64), text=good_texts(1, 300))
def test_messages_take_any_plain_text(w, for_name, from_name, text):
    data = construct(
        MessageCreate, for_kind="other", for_name=for_name, from_name=from_name, text=text
    )
    out = attempt(
        w.engine,
        lambda s: messages.take_message(
            session=s, actor=w.operator, clock=w.clock, message_in=data
        ),
    )
    assert out.refused is None, out.refused
    assert stored(w.engine, Message, out.saved.id).text == text


@TRIALS
@given(how=texts(100), version=versions())
def test_delivering_a_message_saves_exactly_or_is_refused(w, how, version):
    message = w.message()
    out = attempt(
        w.engine,
        lambda s: messages.deliver_message(
            session=s,
            actor=w.operator,
            clock=w.clock,
            message_id=message.id,
            how=how,
            version=version,
        ),
        given=(how,),
    )
    row = stored(w.engine, Message, message.id)
    if out.saved is not None:
        assert row.delivered_how == squash(how) and row.delivered_at == w.clock.now()
    else:
        assert row.delivered_at is None


# -- promised replies (D-25) ------------------------------------------------------------------------
@TRIALS
@given(
    question=texts(2500),
    asked_by=texts(),
    contact=texts(),
    due_at=st.one_of(st.none(), instants(NOW)),
    inquiry_id=st.one_of(st.none(), ids()),
)
def test_promises_save_exactly_or_are_refused(w, question, asked_by, contact, due_at, inquiry_id):
    data = construct(
        PromisedReplyCreate,
        question=question,
        asked_by=asked_by,
        contact=contact,
        due_at=due_at,
        inquiry_id=inquiry_id,
    )
    out = attempt(
        w.engine,
        lambda s: promises.make_promise(
            session=s, actor=w.operator, clock=w.clock, promise_in=data
        ),
        given=(question, asked_by, contact),
    )
    if out.saved is None:
        return
    row = stored(w.engine, PromisedReply, out.saved.id)
    assert (row.question, row.asked_by, row.contact) == (
        strip(question),
        squash(asked_by),
        squash(contact),
    )
    assert row.due_at == as_utc(due_at) and row.due_at > w.clock.now()
    assert out.added("promised_reply") == 1


@TRIALS
@given(answer=texts(2500), version=versions())
def test_answering_a_promise_saves_exactly_or_is_refused(w, answer, version):
    promise = w.promise()
    out = attempt(
        w.engine,
        lambda s: promises.answer_promise(
            session=s,
            actor=w.operator,
            clock=w.clock,
            promise_id=promise.id,
            answer=answer,
            version=version,
        ),
        given=(answer,),
    )
    row = stored(w.engine, PromisedReply, promise.id)
    if out.saved is not None:
        assert row.answer == strip(answer) and row.answered_at == w.clock.now()
    else:
        assert row.answer is None and row.answered_at is None


@TRIALS
@given(text=texts(60))
def test_a_typed_due_time_is_understood_or_refused(w, text):
    """The due-time box (`16:00`, `明天10点`, `+2h` ...): a time ahead, or one sentence."""
    from deskterm.errors import InvalidInput

    try:
        due = promises.parse_due(text, now=w.clock.now(), tz=w.settings.timezone)
    except InvalidInput as exc:
        from tests.reliability.bad_input import one_sentence

        one_sentence(exc, (text,))
        return
    assert due > w.clock.now()
