"""The overdue repair count is always visible in the app's header (issue 6, D-31)."""

from tests.services.test_repairs_support import create, make_repair_estate, order_in
from tests.tui.conftest import SIZE, screen_text, settle


async def test_overdue_count_in_the_status_line(engine, clock, settings, staff, make_desk_app):
    estate = make_repair_estate(engine)
    create(
        engine, clock, settings, staff.operator, order_in(estate.unit_1203, category="burst_pipe")
    )
    app = make_desk_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Overdue repairs" not in screen_text(app)  # just reported: 2 h to go
        clock.advance(hours=3)  # past the urgent on-site deadline
        app.refresh_overdue()
        await settle(pilot)
        assert "Overdue repairs: 1" in screen_text(app)
        await pilot.press("f3")  # another area: still in view
        await settle(pilot)
        assert "Overdue repairs: 1" in screen_text(app)
