"""Who was still on site at the end of a period: the two halves the report asks (issue 10)."""

from datetime import timedelta

from deskterm.db import read_session, run_write
from deskterm.models.visitor import SlipStatus, VisitorSlip
from deskterm.reports.activity import Window, add_activity
from deskterm.reports.model import Report


def test_still_on_site_counts_the_open_slips_and_those_that_left_after_the_cut(
    engine, clock, settings, staff
):
    now = clock.now()
    cut = now - timedelta(hours=2)  # the end of an earlier shift
    stays = [  # (name, in, out): on site at the cut?
        ("still here", now - timedelta(hours=9), None),  # yes, and a long stay
        ("left later", now - timedelta(hours=3), now - timedelta(hours=1)),  # yes
        ("left before", now - timedelta(hours=5), now - timedelta(hours=4)),  # no
        ("came after", now - timedelta(hours=1), None),  # no
        ("at the cut", cut, None),  # no: in at the cut, not before it
    ]

    def add(session):
        for n, (name, came, left) in enumerate(stays, 1):
            session.add(
                VisitorSlip(
                    number=f"V20261128-{n:04d}",
                    visitor_name=name,
                    checked_in_at=came,
                    checked_in_by=staff.operator.user_id,
                    checked_out_at=left,
                    status=SlipStatus.left if left else SlipStatus.on_site,
                    slip_returned=True if left else None,
                )
            )

    run_write(engine, add)
    report = Report("shift", "t", cut - timedelta(hours=12), cut, now, settings.timezone)
    with read_session(engine) as session:
        add_activity(
            report,
            session=session,
            window=Window(cut - timedelta(hours=12), cut, now),
            settings=settings,
        )
    section = next(s for s in report.sections if s.key == "visitors")
    facts = {f.key: f.value for f in section.facts}
    assert facts["on_site"] == 2
    assert facts["long_stays"] == 1  # in 7 h before the cut; the long stay is 4 h
    listed = next(t for t in section.tables if t.key == "still_on_site")
    assert [row[1] for row in listed.rows] == ["still here", "left later"]  # by arrival
