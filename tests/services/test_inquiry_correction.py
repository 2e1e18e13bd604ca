"""A contact try recorded with the wrong outcome (an unintended "transferred", issue 16, 2) is
corrected, audited, once: the original stays, the correction carries its reason, and the
inquiry follows (opened again, or closed as transferred)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput
from deskterm.models.audit import AuditEvent
from deskterm.models.inquiry import ContactAttempt, Inquiry, InquiryOutcome
from deskterm.services.inquiries import log as inquiries
from tests.factories import seed_estate
from tests.services.test_inquiries import attempt, open_for


def correct(engine, clock, actor, attempt_id, outcome, reason="误按了已转接"):
    return run_write(
        engine,
        lambda s: inquiries.correct_attempt(
            session=s,
            actor=actor,
            clock=clock,
            attempt_id=attempt_id,
            outcome=outcome,
            reason=reason,
        ),
    )


def tries(engine, inquiry_id):
    return run_read(
        engine,
        lambda s: list(
            s.exec(
                select(ContactAttempt)
                .where(ContactAttempt.inquiry_id == inquiry_id)
                .order_by(ContactAttempt.id)
            )
        ),
    )


def test_an_unintended_transferred_is_corrected_once_and_the_original_stays(engine, clock, staff):
    seed_estate(engine, clock, staff.admin)
    inquiry = open_for(engine, clock, staff.operator, topic="找人", target_text="12-1203 张三")
    attempt(engine, clock, staff.operator, inquiry.id, "no_answer")
    attempt(engine, clock, staff.operator, inquiry.id, "transferred")
    assert run_read(engine, lambda s: s.get(Inquiry, inquiry.id)).outcome == "transferred"
    wrong = tries(engine, inquiry.id)[-1]
    with pytest.raises(InvalidInput) as err:  # a reason is needed
        correct(engine, clock, staff.operator, wrong.id, "no_answer", reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(InvalidInput):  # the same outcome is no correction
        correct(engine, clock, staff.operator, wrong.id, "transferred")
    status = correct(engine, clock, staff.operator, wrong.id, "no_answer")
    assert status.attempts == 2 and status.advice == inquiries.Advice.try_again
    rows = tries(engine, inquiry.id)
    assert [(r.outcome, r.corrects_id) for r in rows] == [
        ("no_answer", None),
        ("transferred", None),
        ("no_answer", wrong.id),
    ]
    assert rows[-1].reason == "误按了已转接"
    assert run_read(engine, lambda s: s.get(Inquiry, inquiry.id)).outcome is None  # open again
    with pytest.raises(InvalidInput) as err:  # corrected once: correct the correction
        correct(engine, clock, staff.operator, wrong.id, "absent")
    assert str(rows[-1].id) in str(err.value)
    event = run_read(
        engine,
        lambda s: s.exec(
            select(AuditEvent).where(AuditEvent.action == "inquiry.contact_correct")
        ).one(),
    )
    assert event.detail == {
        "attempt": wrong.id,
        "correction": rows[-1].id,
        "from": "transferred",
        "to": "no_answer",
        "reason": "误按了已转接",
    }
    (line,) = run_read(
        engine,
        lambda s: inquiries.list_inquiries(
            session=s, since=clock.now().replace(hour=0), until=clock.now().replace(hour=23)
        ),
    )
    assert line.attempts == 2 and line.outcome is None
    # the correction itself can be corrected: a try that did get through after all
    correct(engine, clock, staff.operator, rows[-1].id, "transferred", reason="其实接通了")
    assert (
        run_read(engine, lambda s: s.get(Inquiry, inquiry.id)).outcome == InquiryOutcome.transferred
    )
