"""When callbacks fall due (case 1, issue 21): a setting per kind, class and category; a repair
or complaint that came from a complaint is called back before the shift ends; the shift's end
comes from the shift record and the roster in the settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from deskterm.config import Settings, SettingsError
from deskterm.db import run_read, run_write
from deskterm.models.complaint import Callback, ComplaintCreate
from deskterm.models.shift import Shift
from deskterm.services import callback_schedule
from deskterm.services import callback_schedule as due
from deskterm.services.actor import Actor
from deskterm.services.callbacks import outcomes as callback_outcomes
from deskterm.services.complaints import handling as complaints
from deskterm.services.complaints import links
from deskterm.services.complaints import queries as complaint_queries
from tests.services.test_repairs_support import (
    create,
    make_repair_estate,
    order_in,
    repair_fully,
    sh,
)


@pytest.fixture
def estate(engine):
    return make_repair_estate(engine)


def on_shift(engine, actor, started):
    def work(s):
        shift = Shift(post="前台", operator_id=actor.user_id, started_at=started)
        s.add(shift)
        s.flush()
        return shift.id

    return Actor(actor.user_id, actor.code, actor.name, actor.role, run_write(engine, work))


@pytest.mark.parametrize(
    ("starts", "started", "now", "end"),
    [
        (
            ("08:00", "20:00"),
            sh(2026, 11, 28, 8, 0),
            sh(2026, 11, 28, 10, 0),
            sh(2026, 11, 28, 20, 0),
        ),
        (
            ("08:00", "20:00"),
            sh(2026, 11, 28, 7, 30),
            sh(2026, 11, 28, 10, 0),
            sh(2026, 11, 28, 20, 0),
        ),
        (
            ("07:00", "15:00", "23:00"),
            sh(2026, 11, 28, 7, 0),
            sh(2026, 11, 28, 10, 0),
            sh(2026, 11, 28, 15, 0),
        ),
        (
            ("07:00", "15:00", "23:00"),
            sh(2026, 11, 28, 23, 0),
            sh(2026, 11, 29, 2, 0),
            sh(2026, 11, 29, 7, 0),
        ),
        # a shift running over its block: the next roster start after now
        (
            ("08:00", "20:00"),
            sh(2026, 11, 28, 8, 0),
            sh(2026, 11, 28, 20, 30),
            sh(2026, 11, 29, 8, 0),
        ),
    ],
)
def test_shift_end_from_the_shift_record_and_the_roster(
    engine, settings, staff, starts, started, now, end
):
    actor = on_shift(engine, staff.operator, started)
    roster = settings.replace(shift_starts=starts)
    assert run_read(engine, lambda s: due.shift_end(s, actor, now, roster)) == end


def test_the_most_specific_setting_wins():
    table = Settings(
        callback_due={
            "repair": "24h",
            "repair.general": "36h",
            "repair.heating_not_warm": "2h",
            "from_complaint": "shift_end",
            "complaint.service": "1d",
        }
    )
    assert (
        due.rule_for(table, kind="repair", repair_class="general", category="heating_not_warm")
        == "2h"
    )
    assert due.rule_for(table, kind="repair", repair_class="general", category="door") == "36h"
    assert due.rule_for(table, kind="repair", repair_class="urgent", category="door") == "24h"
    assert (
        due.rule_for(
            table,
            kind="repair",
            repair_class="general",
            category="heating_not_warm",
            from_complaint=True,
        )
        == "shift_end"
    )
    assert due.rule_for(table, kind="complaint", category="service") == "1d"
    assert (
        due.rule_for(table, kind="complaint", category="noise") == "3d"
    )  # complaint_callback_days
    assert (
        due.rule_for(Settings(repair_callback_hours=30), kind="repair", repair_class="general")
        == "30h"
    )


@pytest.mark.parametrize(
    "values",
    [
        {"shift_starts": ("8am",)},
        {"shift_starts": ()},
        {"callback_due": {"repair": "soon"}},
        {"callback_due": {"complaint": "0d"}},
    ],
)
def test_bad_settings_are_refused_by_name(values):
    with pytest.raises(SettingsError, match="The setting (shift_starts|callback_due)"):
        Settings(**values)


def test_case_1_a_repair_from_a_complaint_is_called_back_before_the_shift_ends(
    engine, clock, settings, staff, estate
):
    started = clock.now() - timedelta(hours=2)  # 08:00 desk time
    op = on_shift(engine, staff.operator, started)
    order = create(engine, clock, settings, op, order_in(estate.unit_1203))  # general
    c = run_write(
        engine,
        lambda s: complaints.intake_complaint(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            complaint_in=ComplaintCreate(who_name="A座业主", content="暖气不热"),
        ),
    )
    run_write(
        engine,
        lambda s: links.link_repair(
            session=s, actor=op, clock=clock, complaint_id=c.id, repair=order.id
        ),
    )
    repair_fully(engine, clock, settings, op, order.id)
    callback = run_read(engine, lambda s: s.exec(select(Callback)).one())
    assert callback.due_at == started + timedelta(hours=12)  # 20:00, this shift
    # the same general repair without a complaint waits the usual 48 hours
    other = create(engine, clock, settings, op, order_in(estate.unit_1203))
    repair_fully(engine, clock, settings, op, other.id)
    cb = run_read(
        engine, lambda s: callback_schedule.pending_for(s, kind="repair", subject_id=other.id)
    )
    assert cb.due_at == clock.now() + timedelta(hours=settings.repair_callback_hours)


def test_a_reopened_complaint_is_called_back_before_the_shift_ends(engine, clock, settings, staff):
    op = on_shift(engine, staff.operator, clock.now() - timedelta(hours=2))
    c = run_write(
        engine,
        lambda s: complaints.intake_complaint(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            complaint_in=ComplaintCreate(who_name="李女士", content="电梯经常停运"),
            close_answer="已更换控制板",
        ),
    )
    first = run_read(
        engine, lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=c.id)
    )
    assert first.due_at == clock.now() + timedelta(days=3)
    run_write(
        engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            callback_id=first.id,
            version=first.version,
            method="phone",
            result="dissatisfied",
            comment="还是停",
        ),
    )
    row = run_read(engine, lambda s: complaint_queries.get_complaint(s, c.id))
    run_write(
        engine,
        lambda s: complaints.close_complaint(
            session=s,
            actor=op,
            clock=clock,
            settings=settings,
            complaint_id=c.id,
            version=row.version,
            answer="再次检修",
            how="phone",
        ),
    )
    again = run_read(
        engine, lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=c.id)
    )
    assert again.due_at == clock.now() + timedelta(hours=10)  # 20:00, this shift
