"""Issue 18: a supervisor reads the shift report in the app (and so in a browser); an operator
has no such key. F1 names the keys a browser keeps only when the app runs in one."""

from deskterm.tui.dialogs.report_view import ReportDialog
from tests.tui.conftest import SIZE, screen_text, settle, start_shift_for


async def test_a_supervisor_reads_the_shift_report_on_the_dashboard(
    make_desk_app, clock, engine, settings, staff
):
    start_shift_for(engine, clock, settings, staff.operator)
    clock.advance(minutes=5)
    app = make_desk_app(role="supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        clock.advance(minutes=30)  # half an hour into the shift
        assert "Shift report" in screen_text(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ReportDialog)
        text = screen_text(app)
        assert "End-of-shift report" in text and "Who was on" in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReportDialog)


async def test_an_operator_has_no_report_key(make_desk_app):
    app = make_desk_app(role="operator")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Shift report" not in screen_text(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert not isinstance(app.screen, ReportDialog)


async def test_f1_names_the_browsers_keys_only_in_a_browser(make_desk_app, monkeypatch):
    app = make_desk_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert "belong to the browser" not in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        monkeypatch.setenv("DESKTERM_IN_BROWSER", "1")
        await pilot.press("f1")
        await settle(pilot)
        assert "belong to the browser" in screen_text(app)


async def test_no_report_yet_says_so_in_the_dialog(make_desk_app):
    app = make_desk_app(role="supervisor")  # only the supervisor's own shift, just started
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        text = screen_text(app)
        assert "Reading the report" not in text
        assert "No operator has started a shift at 前台 yet" in text


async def test_the_report_is_the_operators_shift_not_the_supervisors_own(
    make_desk_app, clock, engine, settings, staff
):
    """Issue 18 D: a supervisor signing in through `deskterm serve` may open a shift of their
    own at the post, later than the operator's: Ctrl+O still shows the operator's shift."""
    from sqlmodel import Session

    from deskterm.tui.dialogs.report_view import shift_report_text

    operator_shift = start_shift_for(engine, clock, settings, staff.operator).shift_id
    clock.advance(minutes=40)
    app = make_desk_app(role="supervisor")  # the supervisor's own, newer, empty shift
    clock.advance(minutes=1)  # the supervisor reads a minute after signing in
    with Session(engine) as session:
        text = shift_report_text(session=session, settings=settings, clock=clock)
    assert f"Shift {operator_shift} · 前台 · " in text and staff.operator.code in text
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        shown = screen_text(app)
        assert f"Shift {operator_shift} · " in shown, shown
        assert staff.supervisor.code not in shown.split("Who was on")[1].split("Handover")[0]
