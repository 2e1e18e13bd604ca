from tests.inquiry_fixtures import seed_estate
from tests.tui.conftest import SIZE, settle


async def test_probe(make_desk_app, engine, clock, staff):
    seed_estate(engine, clock, staff.admin)
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"康宁")
        await settle(pilot)
        print("hits", [r.data.name for r in app.screen.query_one("#list-find").rows_in_view])
        await pilot.press("enter")
        await settle(pilot)
        print("screen", type(app.screen).__name__, app.focused)
        await pilot.press("4")
        await settle(pilot)
        print("after 4", type(app.screen).__name__, app.focused)
        from deskterm.tui.dialogs.inquiry_contact import ContactDialog
        orig = ContactDialog.action_close
        def spy(self):
            print("CLOSE CALLED", self.inquiry_id)
            return orig(self)
        ContactDialog.action_close = spy
        orig_closed = ContactDialog._closed
        def spy2(self):
            print("CLOSED CB")
            return orig_closed(self)
        ContactDialog._closed = spy2
        from deskterm.services import inquiries as inq
        orig_ci = inq.close_inquiry
        def spy3(**kw):
            print("SERVICE", kw.get("outcome"))
            try:
                return orig_ci(**kw)
            except Exception as e:
                print("EXC", repr(e)); raise
        inq.close_inquiry = spy3
        print("bindings", [(k, [b.action for b in v]) for k, v in app.screen._bindings.key_to_bindings.items()])
        await pilot.press("escape")
        await settle(pilot)
        print("after esc", type(app.screen).__name__, app.focused, [n.message for n in app._notifications])
        assert 0
