"""Issue 9, promise 10 (complaints, callbacks, communications, D-40 to D-44): Hypothesis drives
complaint intake, the handling steps, corrections, referral, the answer, reopening, the
communication log with its follow-ups, and the callback queue with arbitrary text, numbers
and times. Each call saves exactly what it was given (read back) or is refused in one
sentence with every table unchanged.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from deskterm.clock import FixedClock, as_utc
from deskterm.config import Settings
from deskterm.errors import InvalidInput
from deskterm.models.complaint import (
    AnswerHow,
    Callback,
    CallbackMethod,
    CallbackResult,
    Communication,
    CommunicationCreate,
    CommunicationHow,
    Complaint,
    ComplaintCategory,
    ComplaintCreate,
    ComplaintStep,
    ComplaintUpdate,
    PartyKind,
    Severity,
)
from deskterm.models.forms import validated
from deskterm.rules.phone import normalise_phone
from deskterm.services import callback_schedule
from deskterm.services.callbacks import outcomes as callback_outcomes
from deskterm.services.callbacks import queue as callbacks
from deskterm.services.complaints import categories as complaint_categories
from deskterm.services.complaints import communications
from deskterm.services.complaints import handling as complaints
from deskterm.services.complaints import queries as complaint_queries
from tests.conftest import FIXED_NOW
from tests.reliability.bad_input import (
    BACKENDS,
    TRIALS,
    attempt,
    good_texts,
    instants,
    mostly,
    stored,
    strip,
    texts,
    trial_engine,
)
from tests.reliability.world import World, construct

pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")
NOW = FIXED_NOW
CATEGORIES = [code for code, _label in complaint_categories.BUILTIN_CATEGORIES]


@pytest.fixture(scope="module", params=BACKENDS)
def w(request, tmp_path_factory):
    with trial_engine(request, tmp_path_factory, "complaints") as engine:
        world = World.build(engine, FixedClock(NOW), Settings())
        yield world


def choice_or_text(values):
    return st.one_of(st.sampled_from([getattr(v, "value", v) for v in values]), texts(40))


def _steps(w, complaint_id: int) -> list[ComplaintStep]:
    return w.read(lambda s: complaint_queries.list_steps(s, complaint_id))


@TRIALS
@given(
    who_kind=mostly(st.just("resident"), choice_or_text(("resident", "company", "other"))),
    who_name=mostly(good_texts(1, 20), texts()),
    contact=mostly(st.just(""), texts(40)),
    channel=mostly(st.just("phone"), choice_or_text(("phone", "walk_in", "letter", "passed_down"))),
    passed_down_by=mostly(st.just(""), texts()),
    category=mostly(st.sampled_from(CATEGORIES), texts(40)),
    content=mostly(good_texts(1, 80), texts(4500)),
    severity=mostly(st.just("normal"), choice_or_text(Severity)),
    department=mostly(st.just(""), texts()),
    unit=st.one_of(st.none(), texts(20), st.just("12-1203")),
    steps=st.lists(choice_or_text(("listened", "clarified", "sympathy", "action")), max_size=3),
    ending=st.sampled_from(["none", "close", "refer"]),
    answer_or_person=texts(),
    reply_due=st.one_of(st.none(), instants(NOW)),
)
def test_intake_saves_exactly_or_is_refused(
    w,
    who_kind,
    who_name,
    contact,
    channel,
    passed_down_by,
    category,
    content,
    severity,
    department,
    unit,
    steps,
    ending,
    answer_or_person,
    reply_due,
):
    data = construct(
        ComplaintCreate,
        who_kind=who_kind,
        who_name=who_name,
        contact=contact,
        channel=channel,
        passed_down_by=passed_down_by,
        category=category,
        content=content,
        severity=severity,
        department=department,
    )
    options = {
        "close": dict(close_answer=answer_or_person),
        "refer": dict(refer_to=answer_or_person, reply_due_at=reply_due),
    }.get(ending, {})
    out = attempt(
        w.engine,
        lambda s: complaints.intake_complaint(
            session=s,
            actor=w.operator,
            clock=w.clock,
            settings=w.settings,
            complaint_in=data,
            unit=unit,
            steps=tuple(steps),
            **options,
        ),
        given=(
            who_kind,
            who_name,
            contact,
            channel,
            passed_down_by,
            category,
            content,
            severity,
            department,
            unit,
            *steps,
            answer_or_person,
        ),
    )
    if out.saved is None:
        return
    row = stored(w.engine, Complaint, out.saved.id)
    assert (row.who_name, row.content, row.passed_down_by, row.department) == (
        strip(who_name),
        strip(content),
        strip(passed_down_by),
        strip(department),
    )
    assert (row.who_kind, row.channel, row.category, row.severity) == (
        who_kind,
        channel,
        category,
        severity,
    )
    assert row.contact == normalise_phone(contact)
    notes = [st_.note for st_ in _steps(w, row.id)]
    if ending == "close":
        assert row.answer == strip(answer_or_person) and row.status == "closed"
    elif ending == "refer":
        assert row.referred_to == strip(answer_or_person) and row.status == "referred"
        assert row.reply_due_at == (
            as_utc(reply_due)
            if reply_due
            else w.clock.now()
            + __import__("datetime").timedelta(hours=w.settings.complaint_reply_hours)
        )
    assert all(len(n) <= 4000 for n in notes)
    assert out.added("complaint") == 1


@TRIALS
@given(who_name=good_texts(1, 64), content=good_texts(1, 300))
def test_intake_takes_any_plain_text(w, who_name, content):
    data = construct(ComplaintCreate, who_name=who_name, content=content, category="other")
    out = attempt(
        w.engine,
        lambda s: complaints.intake_complaint(
            session=s, actor=w.operator, clock=w.clock, settings=w.settings, complaint_in=data
        ),
    )
    assert out.refused is None, out.refused
    row = stored(w.engine, Complaint, out.saved.id)
    assert (row.who_name, row.content) == (who_name, content)


@TRIALS
@given(
    step=mostly(
        st.sampled_from(["listened", "clarified", "sympathy", "action", "followed_up", "note"]),
        texts(30),
    ),
    note=mostly(good_texts(1, 40), texts(4500)),
)
def test_handling_steps_save_exactly_or_are_refused(w, step, note):
    complaint = w.complaint()
    out = attempt(
        w.engine,
        lambda s: complaints.add_step(
            session=s,
            actor=w.operator,
            clock=w.clock,
            complaint_id=complaint.id,
            step=step,
            note=note,
        ),
        given=(step, note),
    )
    if out.saved is not None:
        row = stored(w.engine, ComplaintStep, out.saved.id)
        assert (row.step, row.note) == (step, strip(note))
        assert out.added("complaint_step") == 1


@TRIALS
@given(
    category=st.one_of(st.none(), choice_or_text(CATEGORIES)),
    severity=st.one_of(st.none(), choice_or_text(Severity)),
    valid=st.sampled_from([None, True, False, "unset"]),
    department=st.one_of(st.none(), texts()),
    content=st.one_of(st.none(), texts(4500)),
    contact=st.one_of(st.none(), texts(40)),
    version_offset=st.sampled_from([0, 0, 0, -1]),
)
def test_corrections_save_exactly_or_are_refused(
    w, category, severity, valid, department, content, contact, version_offset
):
    complaint = w.complaint()
    values = {
        k: v
        for k, v in dict(
            category=category,
            severity=severity,
            department=department,
            content=content,
            contact=contact,
        ).items()
        if v is not None
    }
    if valid != "unset":
        values["valid"] = valid
    try:  # the form's model, as the desk builds it: a refusal names its field, saves nothing
        changes = validated(ComplaintUpdate, values)
    except InvalidInput as refused:
        assert refused.field in values
        assert stored(w.engine, Complaint, complaint.id).version == complaint.version
        return
    out = attempt(
        w.engine,
        lambda s: complaints.update_complaint(
            session=s,
            actor=w.operator,
            clock=w.clock,
            complaint_id=complaint.id,
            version=complaint.version + version_offset,
            changes=changes,
        ),
        given=tuple(v for v in values.values() if isinstance(v, str)),
    )
    row = stored(w.engine, Complaint, complaint.id)
    if out.saved is None:
        assert row.version == complaint.version
        return
    for field in values:  # exactly what the validated form holds
        assert getattr(row, field) == getattr(changes, field), field


@TRIALS
@given(
    to=mostly(good_texts(1, 20), texts()),
    due=st.one_of(st.none(), instants(NOW)),
    note=texts(4500),
    answer=mostly(good_texts(1, 40), texts(4500)),
    how=mostly(st.sampled_from([h.value for h in AnswerHow]), texts(20)),
    close=st.booleans(),
    reason=texts(4500),
)
def test_refer_answer_and_reopen_save_exactly_or_are_refused(
    w, to, due, note, answer, how, close, reason
):
    complaint = w.complaint()
    out = attempt(
        w.engine,
        lambda s: complaints.refer_complaint(
            session=s,
            actor=w.operator,
            clock=w.clock,
            settings=w.settings,
            complaint_id=complaint.id,
            version=complaint.version,
            to=to,
            due_at=due,
            note=note,
        ),
        given=(to, note),
    )
    row = stored(w.engine, Complaint, complaint.id)
    if out.saved is not None:
        assert row.referred_to == strip(to) and row.status == "referred"
        assert _steps(w, row.id)[-1].note == (strip(note) or strip(to))
    out = attempt(
        w.engine,
        lambda s: complaints.close_complaint(
            session=s,
            actor=w.operator,
            clock=w.clock,
            settings=w.settings,
            complaint_id=complaint.id,
            version=row.version,
            answer=answer,
            how=how,
            close=close,
        ),
        given=(answer, how),
    )
    row = stored(w.engine, Complaint, complaint.id)
    if out.saved is None:
        return
    assert (row.answer, row.answer_how) == (strip(answer), how)
    assert row.status == ("closed" if close else "replied")
    if not close:
        return
    out = attempt(
        w.engine,
        lambda s: complaints.reopen_complaint(
            session=s,
            actor=w.operator,
            clock=w.clock,
            settings=w.settings,
            complaint_id=complaint.id,
            reason=reason,
        ),
        given=(reason,),
    )
    if out.saved is not None:
        assert stored(w.engine, Complaint, complaint.id).status == "open"
        assert _steps(w, complaint.id)[-1].note == strip(reason)


@TRIALS
@given(
    at=st.one_of(st.none(), instants(NOW)),
    party_kind=mostly(st.sampled_from([p.value for p in PartyKind]), texts(30)),
    party_name=mostly(good_texts(1, 20), texts()),
    how=mostly(st.sampled_from([h.value for h in CommunicationHow]), texts(30)),
    subject=mostly(good_texts(1, 30), texts(400)),
    agreed=texts(4500),
    follow_up=mostly(st.just(""), texts(1200)),
    follow_up_due=st.one_of(st.none(), instants(NOW)),
    complaint_number=st.one_of(st.just(""), texts(30), st.just("C20261128-0001")),
    done_note=texts(1200),
)
def test_communications_save_exactly_or_are_refused(
    w,
    at,
    party_kind,
    party_name,
    how,
    subject,
    agreed,
    follow_up,
    follow_up_due,
    complaint_number,
    done_note,
):
    data = construct(
        CommunicationCreate,
        at=at,
        party_kind=party_kind,
        party_name=party_name,
        how=how,
        subject=subject,
        agreed=agreed,
        follow_up=follow_up,
        follow_up_due=follow_up_due,
    )
    out = attempt(
        w.engine,
        lambda s: communications.record_communication(
            session=s,
            actor=w.operator,
            clock=w.clock,
            settings=w.settings,
            communication_in=data,
            complaint_number=complaint_number,
        ),
        given=(party_kind, party_name, how, subject, agreed, follow_up, complaint_number),
    )
    if out.saved is None:
        return
    row = stored(w.engine, Communication, out.saved.id)
    assert (row.party_kind, row.how) == (party_kind, how)
    assert (row.party_name, row.subject, row.agreed, row.follow_up) == (
        strip(party_name),
        strip(subject),
        strip(agreed),
        strip(follow_up),
    )
    assert row.at == (as_utc(at) if at else w.clock.now())
    assert row.follow_up_due == (as_utc(follow_up_due) if follow_up_due else None)
    if not row.follow_up:
        return
    out = attempt(
        w.engine,
        lambda s: communications.complete_follow_up(
            session=s,
            actor=w.operator,
            clock=w.clock,
            communication_id=row.id,
            version=row.version,
            note=done_note,
        ),
        given=(done_note,),
    )
    if out.saved is not None:
        done = stored(w.engine, Communication, row.id)
        assert done.follow_up_note == strip(done_note) and done.follow_up_done_at is not None


@TRIALS
@given(
    method=mostly(st.sampled_from([m.value for m in CallbackMethod]), texts(20)),
    result=mostly(st.sampled_from([r.value for r in CallbackResult]), texts(30)),
    person=mostly(st.just("赵女士"), texts()),
    comment=texts(2500),
    tries=st.integers(0, 2),
    version_offset=st.sampled_from([0, 0, 0, 1]),
    subject=st.sampled_from(["complaint", "repair"]),
    action=mostly(st.sampled_from(["reopen", "complaint"]), texts(20)),
)
def test_callbacks_save_exactly_or_are_refused(
    w, method, result, person, comment, tries, version_offset, subject, action
):
    if subject == "complaint":
        _row, callback = w.complaint_callback()
    else:
        order = w.repaired()
        callback = w.read(
            lambda s: callback_schedule.pending_for(s, kind="repair", subject_id=order.id)
        )
    for _ in range(tries):
        out = attempt(
            w.engine,
            lambda s, cb=callback: callbacks.record_attempt(
                session=s,
                actor=w.operator,
                clock=w.clock,
                callback_id=cb.id,
                version=cb.version,
                method=method,
                comment=comment,
            ),
            given=(method, comment),
        )
        callback = stored(w.engine, Callback, callback.id)
        if out.saved is None:
            return
        assert callback.method == method
    out = attempt(
        w.engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=w.operator,
            clock=w.clock,
            settings=w.settings,
            callback_id=callback.id,
            version=callback.version + version_offset,
            method=method,
            result=result,
            person=person,
            comment=comment,
            dissatisfied_action=action,
        ),
        given=(method, result, person, comment, action),
    )
    row = stored(w.engine, Callback, callback.id)
    if out.saved is None:
        assert row.done_at is None
        return
    assert (row.method, row.result, row.person) == (method, result, strip(person))
    assert row.comment == (strip(comment) or None) and row.done_at == w.clock.now()


@TRIALS
@given(
    code=mostly(st.from_regex(r"[a-z_]{1,20}", fullmatch=True), texts(40)),
    name_zh=texts(100),
    name_en=texts(200),
    sort=st.integers(-(10**6), 10**6),
)
def test_complaint_categories_save_exactly_or_are_refused(w, code, name_zh, name_en, sort):
    out = attempt(
        w.engine,
        lambda s: complaint_categories.save_category(
            session=s,
            actor=w.admin,
            clock=w.clock,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            sort=sort,
            new=True,
        ),
        given=(code, name_zh, name_en),
    )
    if out.saved is None:
        return
    row = w.read(
        lambda s: s.exec(
            select(ComplaintCategory).where(ComplaintCategory.code == code.strip().lower())
        ).one()
    )
    assert (row.name_zh, row.name_en, row.sort) == (strip(name_zh), strip(name_en), sort)
