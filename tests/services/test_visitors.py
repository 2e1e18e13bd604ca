"""Visitor slips (D-4 to D-8): register, turn away, check out, lost slips, corrections."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, NotFound, StaleEdit
from deskterm.models.audit import AuditEvent
from deskterm.models.shift import LogbookEntry, LogCategory
from deskterm.models.visitor import SlipStatus, VisitorSlip, VisitorSlipUpdate
from deskterm.services import audit
from deskterm.services.visitors import checks
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.onsite import list_on_site
from tests.factories import make_estate, sealed_rows, valid_resident_id, walk_in


@pytest.fixture
def estate(engine):
    return make_estate(engine)


def register(engine, staff, clock, settings, slip_in, actor=None):
    return run_write(
        engine,
        lambda s: visitors.register_slip(
            session=s,
            actor=actor or staff.operator,
            clock=clock,
            settings=settings,
            slip_in=slip_in,
        ),
    )


def all_slips(engine):
    return run_read(engine, lambda s: list(s.exec(select(VisitorSlip).order_by(VisitorSlip.id))))


def test_register_numbers_masks_and_audits(engine, staff, clock, settings, estate):
    """D-5: the slip gets the day's number; only the masked document is stored."""
    first = register(engine, staff, clock, settings, walk_in(estate))
    second = register(
        engine,
        staff,
        clock,
        settings,
        walk_in(estate, visitor_name="赵六", doc_number=valid_resident_id(2)),
    )
    assert (first.number, second.number) == ("V20261128-0001", "V20261128-0002")
    assert first.doc_masked == "resident_id ****0014"
    assert first.host_text == "12-1203 张三" and first.host_unit_id == estate.unit_1203
    assert first.status == SlipStatus.on_site and first.checked_in_by == staff.operator.user_id
    events = run_read(
        engine,
        lambda s: list(s.exec(select(AuditEvent).where(AuditEvent.action == "visitor.register"))),
    )
    assert [e.detail["number"] for e in events] == ["V20261128-0001", "V20261128-0002"]
    # audit events never carry the visitor's name: a purge must leave no name behind
    assert not any("王五" in str(e.detail) for e in events)


def test_bad_id_number_is_refused_in_one_sentence_without_echoing_it(
    engine, staff, clock, settings, estate
):
    number = valid_resident_id(1)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as err:
        register(engine, staff, clock, settings, walk_in(estate, doc_number=wrong))
    assert err.value.field == "doc_number"
    assert "check character" in str(err.value) and wrong not in str(err.value)
    with pytest.raises(InvalidInput, match="18-character ID number"):
        register(engine, staff, clock, settings, walk_in(estate, doc_number="12345"))
    assert all_slips(engine) == []


def test_sighted_document_and_passport(engine, staff, clock, settings, estate):
    seen = register(
        engine, staff, clock, settings, walk_in(estate, doc_type="sighted", doc_number=None)
    )
    passport = register(
        engine,
        staff,
        clock,
        settings,
        walk_in(estate, doc_type="passport", doc_number="e 1234 5678"),
    )
    assert seen.doc_masked == "sighted"
    assert passport.doc_masked == "passport ****5678"


def test_walk_in_needs_the_host_call_and_a_host(engine, staff, clock, settings, estate):
    """D-7: a walk-in is let in after the host was called."""
    with pytest.raises(InvalidInput) as err:
        register(
            engine,
            staff,
            clock,
            settings,
            walk_in(estate, host_call_result=None, host_call_method=None),
        )
    assert err.value.field == "host_call_result"
    with pytest.raises(InvalidInput) as err:
        register(engine, staff, clock, settings, walk_in(estate, host_resident_id=None))
    assert err.value.field == "host"
    with pytest.raises(InvalidInput) as err:
        register(engine, staff, clock, settings, walk_in(estate, visitor_name="  "))
    assert err.value.field == "visitor_name"
    # no document and the host did not answer: not let in
    with pytest.raises(InvalidInput) as err:
        register(
            engine,
            staff,
            clock,
            settings,
            walk_in(estate, doc_type="none", doc_number=None, host_call_result="no_answer"),
        )
    assert err.value.field == "host_call_result"
    # no document but the host agreed: let in
    unknown = register(
        engine, staff, clock, settings, walk_in(estate, doc_type="none", doc_number=None)
    )
    assert unknown.doc_masked is None and unknown.doc_type == "none"
    assert len(all_slips(engine)) == 1


def test_host_refusal_gives_no_slip_and_a_sealed_logbook_line(
    engine, staff, clock, settings, estate
):
    slip_in = walk_in(estate, host_call_result="refused", doc_type="none", doc_number=None)
    with pytest.raises(InvalidInput):
        register(engine, staff, clock, settings, slip_in)
    entry = run_write(
        engine,
        lambda s: visitors.turn_away(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            slip_in=slip_in,
            cause=visitors.TurnAwayCause.host_refused,
        ),
    )
    assert all_slips(engine) == []
    rows = run_read(engine, lambda s: list(s.exec(select(LogbookEntry))))
    assert len(rows) == 1 and rows[0].id == entry.id
    assert rows[0].category == LogCategory.security and rows[0].location == "12-1203"
    assert "王五" in rows[0].what and "refused" in rows[0].what
    event = run_read(
        engine,
        lambda s: s.exec(
            select(AuditEvent).where(AuditEvent.action == "visitor.turned_away")
        ).one(),
    )
    assert event.entity == "logbook_entry" and event.record_digest
    result = run_read(engine, audit.verify)
    assert result.ok and result.records_checked == sealed_rows(
        engine
    )  # every sealed row, the logbook line too


@pytest.mark.parametrize("typed", ["V20261128-0001", "  v20261128-0001\n", "v20261128-0001"])
def test_check_out_by_typed_or_scanned_number(engine, staff, clock, settings, estate, typed):
    """D-8: the scanner types the number and Enter; lower case and spaces are accepted."""
    register(engine, staff, clock, settings, walk_in(estate))
    clock.advance(minutes=35)
    slip = run_write(
        engine,
        lambda s: visitors.check_out(
            session=s, actor=staff.operator, clock=clock, settings=settings, number=typed
        ),
    )
    assert slip.status == SlipStatus.left and slip.slip_returned is True
    assert slip.checked_out_at == clock.now() and slip.version == 2
    with pytest.raises(InvalidInput, match="already checked out at 11-28 10:35"):
        run_write(
            engine,
            lambda s: visitors.check_out(
                session=s, actor=staff.operator, clock=clock, settings=settings, number=typed
            ),
        )


def test_lost_slip_is_recorded(engine, staff, clock, settings, estate):
    slip = register(engine, staff, clock, settings, walk_in(estate))
    run_write(
        engine,
        lambda s: visitors.check_out(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            slip_id=slip.id,
            slip_returned=False,
        ),
    )
    (stored,) = all_slips(engine)
    assert stored.status == SlipStatus.left and stored.slip_returned is False
    event = run_read(
        engine,
        lambda s: s.exec(select(AuditEvent).where(AuditEvent.action == "visitor.checkout")).one(),
    )
    assert event.detail == {"number": slip.number, "slip_returned": False}


@pytest.mark.parametrize(
    "typed, error, field",
    [
        ("V20261128-0099", NotFound, None),
        ("hello", InvalidInput, "number"),
        ("R20261128-0001", InvalidInput, "number"),
        ("V20261332-0001", InvalidInput, "number"),
    ],
)
def test_check_out_of_unknown_or_bad_numbers(
    engine, staff, clock, settings, estate, typed, error, field
):
    register(engine, staff, clock, settings, walk_in(estate))
    with pytest.raises(error) as err:
        run_write(
            engine,
            lambda s: visitors.check_out(
                session=s, actor=staff.operator, clock=clock, settings=settings, number=typed
            ),
        )
    assert getattr(err.value, "field", None) == field
    assert all_slips(engine)[0].status == SlipStatus.on_site


def test_on_site_list_flags_long_stays(engine, staff, clock, settings, estate):
    early = register(engine, staff, clock, settings, walk_in(estate, headcount=3))
    clock.advance(minutes=settings.long_stay_minutes - 10)
    late = register(engine, staff, clock, settings, walk_in(estate, visitor_name="赵六"))
    gone = register(engine, staff, clock, settings, walk_in(estate, visitor_name="钱七"))
    run_write(
        engine,
        lambda s: visitors.check_out(
            session=s, actor=staff.operator, clock=clock, settings=settings, slip_id=gone.id
        ),
    )
    clock.advance(minutes=10)
    on_site = run_read(engine, lambda s: list_on_site(session=s, clock=clock, settings=settings))
    assert [r.number for r in on_site.rows] == [early.number, late.number]
    assert [r.long_stay for r in on_site.rows] == [True, False]
    assert on_site.rows[0].minutes == settings.long_stay_minutes and on_site.people == 4


def test_stale_correction_is_refused_with_what_changed(engine, staff, clock, settings, estate):
    slip = register(engine, staff, clock, settings, walk_in(estate))
    seen = visitors.slip_snapshot(slip)
    # another desk corrects the name first
    run_write(
        engine,
        lambda s: visitors.update_slip(
            session=s,
            actor=staff.supervisor,
            clock=clock,
            slip_id=slip.id,
            version=1,
            changes=VisitorSlipUpdate(visitor_name="王武"),
            seen=seen,
        ),
    )
    with pytest.raises(StaleEdit) as err:
        run_write(
            engine,
            lambda s: visitors.update_slip(
                session=s,
                actor=staff.operator,
                clock=clock,
                slip_id=slip.id,
                version=1,
                changes=VisitorSlipUpdate(plate="粤B12345"),
                seen=seen,
            ),
        )
    assert err.value.changes == {"visitor_name": ("王五", "王武")}
    (stored,) = all_slips(engine)
    assert (stored.visitor_name, stored.plate, stored.version) == ("王武", None, 2)
    fixed = run_write(
        engine,
        lambda s: visitors.update_slip(
            session=s,
            actor=staff.operator,
            clock=clock,
            slip_id=slip.id,
            version=2,
            changes=VisitorSlipUpdate(plate="粤b 12345"),
        ),
    )
    assert (fixed.plate, fixed.version) == ("粤B12345", 3)


def test_bad_optional_fields_name_the_field(engine, staff, clock, settings, estate):
    for overrides, field in (
        ({"phone": "12"}, "phone"),
        ({"plate": "!"}, "plate"),
        ({"headcount": 0}, "headcount"),
        ({"purpose": "other", "purpose_text": ""}, "purpose_text"),
    ):
        with pytest.raises(InvalidInput) as err:
            register(engine, staff, clock, settings, walk_in(estate, **overrides))
        assert err.value.field == field
    assert checks.parse_headcount("２") == 2
    with pytest.raises(InvalidInput):
        checks.parse_headcount("two")


def test_slip_numbers_are_read_as_a_scanner_types_them():
    assert checks.canonical_slip_number(" v20261128-0007\r\n") == "V20261128-0007"
    assert checks.canonical_slip_number("Ｖ20261128-0007") == "V20261128-0007"
    with pytest.raises(InvalidInput, match="not a visitor slip number"):
        checks.canonical_slip_number("C20261128-0001")


def test_visitor_services_do_not_load_textual():
    import subprocess
    import sys

    code = (
        "import sys\nimport deskterm.services.visitors.slips, deskterm.services.visitors.purge, "
        "deskterm.services.visitors.history, deskterm.services.visitors.slip_print, "
        "deskterm.services.visitors.expected, deskterm.services.visitors.deny, "
        "deskterm.cli.purge\nprint('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "utc_now, tomorrow, later",
    [
        # 20:00 in Shanghai on 12-07 (12:00 UTC): 12-08 is tomorrow there (the tester's case).
        ("2026-12-07T12:00:00+00:00", "20261208", "20261209"),
        # 00:30 in Shanghai on 12-08 (16:30 UTC on 12-07): 12-08 is today there, 12-09 tomorrow.
        ("2026-12-07T16:30:00+00:00", "20261209", "20261210"),
        # 23:59 in Shanghai on 12-07 (15:59 UTC): one minute before the day turns.
        ("2026-12-07T15:59:00+00:00", "20261208", "20261209"),
    ],
)
def test_a_birth_date_in_the_future_is_refused_with_a_sentence(utc_now, tomorrow, later):
    """D-5 (issue 21): a number born after the desk's own today (settings.timezone, not UTC
    and not the latest day on Earth) is a typo; the desk's today itself is accepted."""
    from datetime import date, datetime, timedelta

    from deskterm.clock import FixedClock
    from deskterm.config import Settings
    from deskterm.errors import InvalidInput
    from deskterm.services.visitors.checks import check_document, desk_today

    today = desk_today(
        FixedClock(datetime.fromisoformat(utc_now)), Settings(timezone="Asia/Shanghai")
    )
    assert today == date.fromisoformat(
        tomorrow[:4] + "-" + tomorrow[4:6] + "-" + tomorrow[6:]
    ) - timedelta(days=1)
    for born in (tomorrow, later):
        with pytest.raises(InvalidInput, match="in the future") as err:
            check_document("resident_id", valid_resident_id(3, born=born), today=today)
        assert err.value.field == "doc_number"
    born_today = today.strftime("%Y%m%d")
    assert check_document(
        "resident_id", valid_resident_id(3, born=born_today), today=today
    ).endswith(valid_resident_id(3, born=born_today)[-4:])


def test_a_slip_with_a_birth_tomorrow_at_the_desk_is_refused(engine, staff, settings, estate):
    """D-5 with the desk's day (issue 21 #8): at 20:00 in Shanghai (12:00 UTC) a number born on
    the desk's tomorrow is refused; at 00:30 the next day that same date is today. The slip is
    validated with the desk's day (models.forms.validated, issue 20); the service trusts it."""
    from datetime import UTC, datetime

    from deskterm.clock import FixedClock
    from deskterm.services.visitors.checks import desk_today

    evening = FixedClock(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))  # 11-28 20:00 Shanghai
    born = valid_resident_id(5, born="20261129")
    with pytest.raises(InvalidInput, match="in the future"):
        register(
            engine,
            staff,
            evening,
            settings,
            walk_in(estate, doc_number=born, today=desk_today(evening, settings)),
        )
    assert all_slips(engine) == []
    after_midnight = FixedClock(datetime(2026, 11, 28, 16, 30, tzinfo=UTC))  # 11-29 00:30
    slip = register(
        engine,
        staff,
        after_midnight,
        settings,
        walk_in(estate, doc_number=born, today=desk_today(after_midnight, settings)),
    )
    assert slip.doc_masked.endswith(valid_resident_id(5, born="20261129")[-4:])
