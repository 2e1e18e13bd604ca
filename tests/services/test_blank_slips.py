"""The blank-slip stock moves with the slips issued (issue 16, 9; D-5: a slip is filled in for
each visitor let in, so each slip issued uses one blank): at handover the expected count is
the count the shift took over less the slips it issued, and the sheet names a difference."""

from __future__ import annotations

from deskterm.db import run_read, run_write
from deskterm.services.shift import handover
from deskterm.services.visitors import slips as visitors
from tests.factories import make_estate, walk_in
from tests.services.test_handover import on_shift, sign

COUNTS = {"keys": 12, "blank_slips": 47, "temporary_passes": 10, "parcels": 3, "borrowed_tools": 0}


def test_the_expected_blank_slips_are_the_start_count_less_the_slips_issued(
    engine, clock, settings, staff
):
    estate = make_estate(engine)
    first = on_shift(engine, clock, settings, staff.supervisor)
    sign(engine, clock, settings, first, counts=COUNTS)  # 47 blank slips handed over
    clock.advance(minutes=5)
    desk = on_shift(engine, clock, settings, staff.operator)
    draft = run_read(
        engine, lambda s: handover.collect(session=s, actor=desk, clock=clock, settings=settings)
    )
    assert draft.expected["blank_slips"].count == 47 and draft.physical["blank_slips"] == 47
    for name in ("张三", "李四"):
        run_write(
            engine,
            lambda s, n=name: visitors.register_slip(
                session=s,
                actor=desk,
                clock=clock,
                settings=settings,
                slip_in=walk_in(estate, visitor_name=n),
            ),
        )
    # one is checked out without its slip (lost, D-8): it used its blank when it was issued
    slip = run_read(engine, lambda s: visitors.find_slip(session=s, number="V20261128-0001"))
    run_write(
        engine,
        lambda s: visitors.check_out(
            session=s,
            actor=desk,
            clock=clock,
            settings=settings,
            slip_id=slip.id,
            slip_returned=False,
        ),
    )
    draft = run_read(
        engine, lambda s: handover.collect(session=s, actor=desk, clock=clock, settings=settings)
    )
    expected = draft.expected["blank_slips"]
    assert (expected.start, expected.used, expected.count) == (47, 2, 45)
    assert draft.physical["blank_slips"] == 45  # the form starts from what should be there
    assert "45" in handover.difference_sentence("blank_slips", expected, 44)
    assert "1 fewer than expected" in handover.difference_sentence("blank_slips", expected, 44)
    assert "as expected" in handover.difference_sentence("blank_slips", expected, 45)
    signed = sign(engine, clock, settings, desk, counts=COUNTS | {"blank_slips": 44})
    assert signed.expected_items == {"blank_slips": 45}
    sheet = run_read(engine, lambda s: handover.load_sheet(s, signed.id))
    text = handover.render_text(sheet, settings)
    assert "Blank slips: 44 (45 expected: 1 fewer)" in text
    assert "Keys: 12" in text and "Keys: 12 (" not in text  # no expectation, no remark


def test_no_expectation_without_a_count_taken_over(engine, clock, settings, staff):
    desk = on_shift(engine, clock, settings, staff.operator)
    draft = run_read(
        engine, lambda s: handover.collect(session=s, actor=desk, clock=clock, settings=settings)
    )
    assert draft.expected == {}
