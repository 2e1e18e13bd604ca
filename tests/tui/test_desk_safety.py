"""Issue 16, desk safety: a scan never checks out the wrong person, Enter never acts, the deny
list cannot be walked around, typed work is not thrown away, focus always shows."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select
from textual import events

from deskterm.db import run_read, run_write
from deskterm.models.audit import AuditEvent
from deskterm.models.visitor import SlipStatus, VisitorSlip, VisitorSlipUpdate
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.deny import add_deny_entry
from tests.factories import make_estate, valid_resident_id, walk_in
from tests.tui.conftest import SIZE, screen_text, settle
from tests.tui.notices import shown_notices


@pytest.fixture
def estate(engine):
    return make_estate(engine)


def on_site_slips(engine, staff, clock, settings, estate, names):
    return [
        run_write(
            engine,
            lambda s, n=n, i=i: visitors.register_slip(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                slip_in=walk_in(estate, visitor_name=n, doc_number=valid_resident_id(i + 1)),
            ),
        )
        for i, n in enumerate(names)
    ]


def status(engine) -> dict[str, SlipStatus]:
    return run_read(engine, lambda s: {x.number: x.status for x in s.exec(select(VisitorSlip))})


def scan(app, number: str) -> None:
    """The scanner: the whole number and Enter in one burst, as a terminal delivers it."""
    for ch in number:
        app.post_message(events.Key(ch if ch.isalnum() else "minus", ch))
    app.post_message(events.Key("enter", "\r"))


# -- 1. a scan checks out the scanned slip, in every focus --------------------------------
async def test_scan_after_browsing_the_list_checks_out_the_scanned_slip(
    make_desk_app, engine, estate, staff, clock, settings
):
    """The issue's path: Enter on the empty field (to the list), ↓↓, Enter opens the third
    slip, Esc; then a scan of another slip. Only the scanned slip leaves."""
    a, b, c, d = on_site_slips(
        engine, staff, clock, settings, estate, ["王一", "王二", "王三", "王四"]
    )
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "down", "down", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "SlipDialog"
        await pilot.press("escape")
        await settle(pilot)
        scan(app, d.number)
        await settle(pilot)
        await settle(pilot)
        assert status(engine) == {
            a.number: "on_site",
            b.number: "on_site",
            c.number: "on_site",
            d.number: "left",
        }
        assert d.number in str(app.screen.query_one("#scan-result").render())
        scan(app, d.number)  # scanned twice: refused, nobody else checked out
        await settle(pilot)
        await settle(pilot)
        assert list(status(engine).values()).count("left") == 1
        assert "already checked out" in str(app.screen.query_one("#scan-result").render())


@pytest.mark.parametrize(
    "where",
    [
        "scan field",
        "on-site list",
        "slip dialog",
        "register form",
        "expected view",
        "dashboard",
        "repairs",
        "help",
    ],
)
async def test_a_scan_checks_out_whatever_has_the_focus(
    make_desk_app, engine, estate, staff, clock, settings, where
):
    first, second = on_site_slips(engine, staff, clock, settings, estate, ["王一", "王二"])
    area = {"dashboard": "dashboard", "repairs": "repairs"}.get(where, "visitors")
    app = make_desk_app(area=area)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        keys = {
            "on-site list": ["enter"],
            "slip dialog": ["enter", "enter"],
            "register form": ["ctrl+n"],
            "expected view": ["ctrl+t"],
            "help": ["f1"],
        }.get(where, [])
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        before = type(app.screen).__name__
        fields = {w.id: w.value for w in app.screen.query("Input")}
        scan(app, second.number)
        await settle(pilot)
        await settle(pilot)
        assert status(engine) == {first.number: "on_site", second.number: "left"}
        assert type(app.screen).__name__ == before  # a dialog stays as it was ...
        if before != "VisitorsScreen":  # ... and nothing of the number was typed into it
            assert {w.id: w.value for w in app.screen.query("Input")} == fields
        shown = shown_notices(app)
        if before == "VisitorsScreen":
            shown.append(str(app.screen.query_one("#scan-result").render()))
        assert any(second.number in m and "checked out" in m for m in shown)


async def test_the_digits_of_a_scan_are_not_shortcuts_during_the_host_call(
    make_desk_app, engine, estate, staff, clock, settings
):
    (slip,) = on_site_slips(engine, staff, clock, settings, estate, ["王一"])
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"Li Lei", "enter")
        await settle(pilot)
        await pilot.press("enter", "tab", *valid_resident_id(9), "enter", *"zs", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "HostCallDialog"
        method = app.screen.chosen_method()
        scan(app, slip.number)  # ...0001: the 2 and 1 would choose intercom, phone
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "HostCallDialog"
        assert app.screen.chosen_method() == method
        assert status(engine)[slip.number] == "left"


async def test_typing_at_a_person_s_pace_is_typing_not_a_scan(
    make_desk_app, engine, estate, staff, clock, settings
):
    """A name that starts with V, typed by a person (pauses between keys), goes into the field."""
    (slip,) = on_site_slips(engine, staff, clock, settings, estate, ["王一"])
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*[k for ch in "V2026" for k in (ch, "wait:80")])
        await settle(pilot)
        assert app.screen.query_one("#visitor-name-input").value == "V2026"
        await pilot.press(*"Vera")  # fast, but not a slip number: typing, in order
        await settle(pilot)
        assert app.screen.query_one("#visitor-name-input").value == "V2026Vera"
        assert status(engine)[slip.number] == "on_site"


# -- 2. Enter opens, a named key acts; a check-out can be undone ---------------------------
async def test_enter_twice_on_a_slip_does_not_check_it_out(
    make_desk_app, engine, estate, staff, clock, settings
):
    (slip,) = on_site_slips(engine, staff, clock, settings, estate, ["王一"])
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter", "enter", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "SlipDialog"
        assert status(engine)[slip.number] == "on_site"
        acts = str(app.screen.query_one("#slip-acts").render())
        assert slip.number in acts and "王一" in acts  # what o does, to which slip
        await pilot.press("o")
        await settle(pilot)
        assert status(engine)[slip.number] == "left"


async def test_dashboard_enter_enter_does_not_check_out(
    make_desk_app, engine, estate, staff, clock, settings
):
    (slip,) = on_site_slips(engine, staff, clock, settings, estate, ["王一"])
    app = make_desk_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # "Visitors on site", to its lines
        await settle(pilot)
        await pilot.press("enter")  # opens the slip in the visitors area
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "SlipDialog"
        await pilot.press("enter")  # the second Enter: nothing happens to the visitor
        await settle(pilot)
        assert status(engine)[slip.number] == "on_site"


async def test_a_check_out_is_undone_within_the_shift(
    make_desk_app, engine, estate, staff, clock, settings
):
    (slip,) = on_site_slips(engine, staff, clock, settings, estate, ["王一"])
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        scan(app, slip.number)
        await settle(pilot)
        await settle(pilot)
        assert status(engine)[slip.number] == "left"
        await pilot.press("ctrl+t", "ctrl+t")  # history: the slip that left
        await settle(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "SlipDialog"
        await pilot.press("u")
        await settle(pilot)
        assert status(engine)[slip.number] == "on_site"
        undone = run_read(
            engine,
            lambda s: s.exec(
                select(AuditEvent).where(AuditEvent.action == "visitor.checkout_undone")
            ).one(),
        )
        assert undone.user_id == staff.operator.user_id


def test_every_write_locks_through_lock_row():
    """A change goes through deskterm.db.lock_row / lock_rows / lock_first, the loads the
    write guard knows (undo of a check-out once used its own `with_for_update()` and always
    failed with UnlockedChange): no other module locks rows by hand."""
    from pathlib import Path

    import deskterm

    root = Path(deskterm.__file__).parent
    by_hand = [
        f"{p.relative_to(root)}:{n}"
        for p in root.rglob("*.py")
        if p.name != "db.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "with_for_update" in line
    ]
    assert by_hand == []


def test_a_check_out_of_an_earlier_shift_cannot_be_undone(engine, estate, staff, clock, settings):
    from deskterm.errors import InvalidInput
    from tests.tui.conftest import start_shift_for

    (slip,) = on_site_slips(engine, staff, clock, settings, estate, ["王一"])
    run_write(
        engine,
        lambda s: visitors.check_out(
            session=s, actor=staff.operator, clock=clock, settings=settings, slip_id=slip.id
        ),
    )
    clock.advance(minutes=5)
    later = start_shift_for(engine, clock, settings, staff.supervisor)
    with pytest.raises(InvalidInput, match="during your shift"):
        run_write(
            engine,
            lambda s: visitors.undo_check_out(session=s, actor=later, clock=clock, slip_id=slip.id),
        )


# -- 4. the deny list on every name change, names alike flagged ----------------------------
@pytest.mark.parametrize(
    ("denied", "typed", "flagged"),
    [
        ("钱志刚", "钱志刚", True),  # the same name
        ("钱志刚", "钱志钢", True),  # the same sound (qian zhi gang)
        ("Zhang Weiming", "Zhang Weiminh", True),  # one character off
        ("钱志刚", "钱志", False),  # two characters: only the same sound counts
        ("王五", "王六", False),
        # a denied name with something added (issue 16 re-test): contained, after the same
        # normalisation; a Latin name only as whole words
        ("黄文斌", "黄文斌先生", True),
        ("钱志刚", "钱志刚（快递）", True),
        ("钱志刚", "快递 钱志刚", True),
        ("钱志刚", "钱志钢先生", True),  # a name alike, with something added
        ("黄文斌", "黄·文斌", True),
        ("Zhang Wei", "Mr. Zhang Wei", True),
        ("Li", "Oliver", False),
        ("钱志刚", "张三先生", False),
    ],
)
def test_names_alike_on_the_deny_list(engine, staff, clock, denied, typed, flagged):
    run_write(
        engine,
        lambda s: add_deny_entry(
            session=s, actor=staff.supervisor, clock=clock, name=denied, reason="推销"
        ),
    )
    found = run_read(engine, lambda s: visitors.find_deny_match(session=s, name=typed))
    assert (found is not None) == flagged


def test_a_name_changed_to_a_denied_one_needs_the_supervisor(
    engine, estate, staff, clock, settings
):
    run_write(
        engine,
        lambda s: add_deny_entry(
            session=s, actor=staff.supervisor, clock=clock, name="钱志刚", reason="推销"
        ),
    )
    (slip,) = on_site_slips(engine, staff, clock, settings, estate, ["王一"])
    with pytest.raises(visitors.DenyListMatch, match="钱志钢"):
        run_write(
            engine,
            lambda s: visitors.update_slip(
                session=s,
                actor=staff.operator,
                clock=clock,
                slip_id=slip.id,
                version=1,
                changes=VisitorSlipUpdate(visitor_name="钱志钢"),
            ),
        )
    entry = run_read(engine, lambda s: visitors.find_deny_match(session=s, name="钱志刚"))
    saved = run_write(
        engine,
        lambda s: visitors.update_slip(
            session=s,
            actor=staff.operator,
            clock=clock,
            slip_id=slip.id,
            version=1,
            changes=VisitorSlipUpdate(visitor_name="钱志钢"),
            deny_override=visitors.DenyOverride(staff.supervisor, entry.id),
        ),
    )
    assert (saved.visitor_name, saved.deny_decided_by) == ("钱志钢", staff.supervisor.user_id)


def test_a_rename_gets_the_decision_for_the_entry_it_matches(
    engine, estate, staff, clock, settings
):
    """A slip let in over one entry (钱志刚) renamed to a name containing another (黄文斌先生):
    that entry's decision is asked; the old override is not carried over to it."""
    qian, huang = (
        run_write(
            engine,
            lambda s, n=n: add_deny_entry(
                session=s, actor=staff.supervisor, clock=clock, name=n, reason="推销"
            ),
        )
        for n in ("钱志刚", "黄文斌")
    )
    slip = run_write(
        engine,
        lambda s: visitors.register_slip(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            slip_in=walk_in(estate, visitor_name="钱志刚", doc_number=valid_resident_id(1)),
            deny_override=visitors.DenyOverride(staff.supervisor, qian.id),
        ),
    )
    assert slip.deny_entry_id == qian.id

    def rename(override=None):
        return run_write(
            engine,
            lambda s: visitors.update_slip(
                session=s,
                actor=staff.operator,
                clock=clock,
                slip_id=slip.id,
                version=1,
                changes=VisitorSlipUpdate(visitor_name="黄文斌先生"),
                deny_override=override,
            ),
        )

    for override in (None, visitors.DenyOverride(staff.supervisor, qian.id)):
        with pytest.raises(visitors.DenyListMatch) as err:
            rename(override)
        assert err.value.entry_id == huang.id
    stored = run_read(engine, lambda s: s.get(VisitorSlip, slip.id))
    assert (stored.visitor_name, stored.deny_entry_id) == ("钱志刚", qian.id)
    saved = rename(visitors.DenyOverride(staff.supervisor, huang.id))
    assert (saved.visitor_name, saved.deny_entry_id) == ("黄文斌先生", huang.id)


@pytest.mark.parametrize("typed", ["黄文斌先生", "钱志刚（快递）"])
async def test_a_denied_name_with_something_added_stops_for_the_supervisor(
    make_desk_app, engine, estate, staff, clock, settings, typed
):
    """Registration and a rename on the list: both stop at the supervisor."""
    for name in ("钱志刚", "黄文斌"):
        run_write(
            engine,
            lambda s, n=name: add_deny_entry(
                session=s, actor=staff.supervisor, clock=clock, name=n, reason="推销"
            ),
        )
    (slip,) = on_site_slips(engine, staff, clock, settings, estate, ["王一"])
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter", "e")
        await settle(pilot)
        assert type(app.screen).__name__ == "EditSlipDialog"
        app.screen.query_one("#visitor-name-input").value = ""
        await pilot.press(*typed, "ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "SupervisorDialog"
        assert typed[3:].strip("（）") in screen_text(app)  # the name as typed is shown
        stored = run_read(engine, lambda s: s.get(VisitorSlip, slip.id))
        assert stored.visitor_name == "王一"
    with pytest.raises(visitors.DenyListMatch):
        run_write(
            engine,
            lambda s: visitors.register_slip(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                slip_in=walk_in(estate, visitor_name=typed, doc_number=valid_resident_id(2)),
            ),
        )


async def test_renaming_on_the_list_asks_the_supervisor(
    make_desk_app, engine, estate, staff, clock, settings
):
    (slip,) = on_site_slips(engine, staff, clock, settings, estate, ["钱志钢"])
    run_write(
        engine,
        lambda s: add_deny_entry(
            session=s, actor=staff.supervisor, clock=clock, name="钱志刚", reason="推销"
        ),
    )
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter", "e")
        await settle(pilot)
        assert type(app.screen).__name__ == "EditSlipDialog"
        name = app.screen.query_one("#visitor-name-input")
        name.value = ""
        await pilot.press(*"钱志刚", "ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "SupervisorDialog"
        await pilot.press("escape")  # no decision: back to the form, nothing saved
        await settle(pilot)
        assert type(app.screen).__name__ == "EditSlipDialog"
        stored = run_read(engine, lambda s: s.get(VisitorSlip, slip.id))
        assert stored.visitor_name == "钱志钢"


async def test_a_repair_is_closed_only_by_a_named_key(
    make_desk_app, engine, clock, settings, staff
):
    """Enter on an order called back: the close names the order and waits for y; the Enter
    typed after it does nothing."""
    from deskterm.models.complaint import Callback
    from deskterm.models.repair import RepairStatus
    from deskterm.services.callbacks import outcomes
    from tests.services.test_repairs_support import (
        create,
        make_repair_estate,
        order_in,
        reload,
        repair_fully,
    )

    estate = make_repair_estate(engine)
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203))
    repair_fully(engine, clock, settings, staff.operator, order.id)
    callback = run_read(engine, lambda s: s.exec(select(Callback)).one())
    run_write(
        engine,
        lambda s: outcomes.record_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            callback_id=callback.id,
            version=callback.version,
            method="phone",
            result="satisfied",
        ),
    )
    assert reload(engine, order.id).status == RepairStatus.called_back
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t")  # all orders
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert order.number in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("enter")
        await settle(pilot)
        assert reload(engine, order.id).status == RepairStatus.called_back
        await pilot.press("y")
        await settle(pilot)
        assert reload(engine, order.id).status == RepairStatus.closed


async def test_a_contact_try_is_recorded_by_its_own_key(make_desk_app, engine, clock, staff):
    """Digits and Enter choose an outcome (the line says what Ctrl+S will record); letters
    typed on the outcomes go into "Asking"."""
    from deskterm.models.inquiry import ContactAttempt
    from tests.factories import seed_estate

    seed_estate(engine, clock, staff.admin)
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"李四", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ContactDialog"
        await pilot.press("1", "enter", *"Wang")
        await settle(pilot)
        assert run_read(engine, lambda s: s.exec(select(ContactAttempt)).all()) == []
        assert app.screen.query_one("#inquirer-input").value == "Wang"
        await pilot.press("enter", "enter", "4")  # Asking, About: back to the outcomes
        await settle(pilot)
        assert "No answer" in str(app.screen.query_one("#contact-will").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        attempts = run_read(engine, lambda s: s.exec(select(ContactAttempt)).all())
        assert [a.outcome for a in attempts] == ["no_answer"]


# -- 3. lists keep the record under the cursor, not the row number -------------------------
async def test_a_list_keeps_the_record_through_refresh_and_re_sort(engine):
    from textual.app import App

    from deskterm.tui.widgets.record_list import Column, RecordList, Row

    def rows(*keys):
        return [Row(k, [f"order {k}"]) for k in keys]

    order = ["a", "b", "c", "d"]

    class ListApp(App):
        def compose(self):
            yield RecordList([Column("Order", 0)], id="list")

    app = ListApp()
    app.engine = engine
    async with app.run_test(size=SIZE) as pilot:
        listing = app.query_one(RecordList)
        listing.set_rows(rows(*order))
        listing.focus()
        await pilot.press("down")
        assert listing.current.key == "b"
        listing.set_rows(rows("a", "c", "d", "b"))  # b's deadline moved: it sorts last
        assert listing.current.key == "b"
        listing.set_rows(rows("a", "c", "d"))  # b is gone: the row number stays
        assert listing.current.key == "d"
        await pilot.press("up")
        assert listing.current.key == "c"

        # from the database (a read worker): the same, through set_source(keep_position=True)
        def source(keys):
            return lambda _s, offset, limit: (rows(*keys)[offset : offset + limit], len(keys))

        listing.set_source(source(["c", "x", "a", "d"]), keep_position=True)
        await settle(pilot)
        assert listing.current.key == "c"
        await pilot.press("down")
        listing.set_source(source(["a", "c", "d", "x"]), keep_position=True)
        await settle(pilot)
        assert listing.current.key == "x"
        listing.set_source(source(["z", "y"]))  # another list: from the top
        await settle(pilot)
        assert listing.current.key == "z"


# -- 5. typed work is not thrown away by one key -------------------------------------------
@pytest.mark.parametrize(
    ("area", "opens", "dialog"),
    [
        ("complaints", ["ctrl+n"], "ComplaintDialog"),
        ("visitors", ["ctrl+n"], "RegisterSlipDialog"),
        ("repairs", ["ctrl+n"], "RepairIntakeDialog"),
    ],
)
async def test_escape_asks_before_throwing_away_typed_text(make_desk_app, area, opens, dialog):
    app = make_desk_app(area=area)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*opens)
        await settle(pilot)
        await settle(pilot)
        form = app.screen
        if dialog is not None:
            assert type(form).__name__ == dialog
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert app.screen is not form
        await pilot.press(*opens)
        await settle(pilot)
        await settle(pilot)
        form = app.screen
        await pilot.press(*"Zhang")
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n")  # back to the form, as typed
        await settle(pilot)
        assert app.screen is form and "Zhang" in "".join(
            getattr(w, "value", "") or getattr(w, "text", "") for w in form.query("Input, TextArea")
        )
        await pilot.press("escape", "y")
        await settle(pilot)
        assert app.screen is not form and type(app.screen).__name__ != "ConfirmDialog"


async def test_quitting_on_duty_asks(make_desk_app):
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert "on duty" in str(app.screen.query_one("#confirm-detail").render())
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen).__name__ == "VisitorsScreen"
        await pilot.press("ctrl+q", "ctrl+q")  # twice: meant
        await settle(pilot)
        assert app.return_code is not None or not app.is_running


async def test_quitting_at_sign_in_does_not_ask(make_desk_app):
    app = make_desk_app(on_duty=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running or app.return_code is not None


# -- 6. focus visible in monochrome ---------------------------------------------------------
def _focus_shows(widget) -> bool:
    """Reverse video on the widget, on its cursor line, or on its form field's label."""
    from textual.widgets import OptionList, RadioSet, TextArea

    from deskterm.tui.widgets.record_list import RecordList

    if isinstance(widget, RecordList):
        return bool(widget.get_component_rich_style("record-list--cursor").reverse)
    if isinstance(widget, OptionList):
        return bool(widget.get_component_rich_style("option-list--option-highlighted").reverse)
    if isinstance(widget, TextArea):
        return bool(widget.get_component_rich_style("text-area--cursor-line").reverse)
    if isinstance(widget, RadioSet):
        return any(bool(b.rich_style.reverse) for b in widget.query("RadioButton.-selected"))
    return bool(widget.rich_style.reverse)


@pytest.mark.parametrize(
    ("area", "opens"),
    [
        ("dashboard", []),
        ("visitors", []),
        ("visitors", ["ctrl+n"]),
        ("inquiries", []),
        ("visitors", ["ctrl+t", "ctrl+t"]),
        ("repairs", []),
        ("repairs", ["ctrl+n"]),
        ("complaints", []),
        ("complaints", ["ctrl+n"]),
        ("logbook", []),
        ("logbook", ["ctrl+n"]),
        ("handover", []),
    ],
)
async def test_every_focusable_widget_shows_focus_without_colour(
    make_desk_app, monkeypatch, area, opens
):
    from deskterm.tui.widgets.field import FormField

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_desk_app(area=area)
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if opens:
            await pilot.press(*opens)
            await settle(pilot)
            await settle(pilot)
        widgets = [w for w in app.screen.query("*") if w.focusable]
        assert widgets
        unseen = []
        for widget in widgets:
            widget.focus()
            await pilot.pause()
            if not _focus_shows(widget):
                unseen.append(f"{type(widget).__name__}#{widget.id}")
            marked = {
                f.id
                for f in app.screen.query(FormField)
                if f.query_one(".field-label").rich_style.reverse
            }
            holding = {f.id for f in widget.ancestors_with_self if isinstance(f, FormField)}
            if marked != holding:  # only the focused field's label is marked
                unseen.append(f"{type(widget).__name__}#{widget.id}: labels {sorted(marked)}")
        assert unseen == []


# -- 7. keys that do what they say -----------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_f1_and_f9_work_inside_dialogs_and_help_has_no_rule_codes(make_desk_app, lang):
    app = make_desk_app(area="visitors", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "RegisterSlipDialog"
        await pilot.press("f1")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpDialog"
        shown = str(app.screen.query_one("#help-text").render()) + str(
            app.screen.query_one("#help-keys").render()
        )
        assert "D-" not in shown
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen is form
        await pilot.press("f9")
        await settle(pilot)
        assert type(app.screen).__name__ == "LockScreen" and app.locked


def test_no_help_shows_a_rule_code():
    """Every screen's and dialog's help and every key's tooltip, as the desk shows them."""
    import importlib
    import pkgutil

    import deskterm.tui.dialogs
    import deskterm.tui.screens
    from deskterm.i18n import _, set_language
    from deskterm.tui.actions import ACTIONS, without_rule_codes
    from deskterm.tui.base import DeskNode

    for package in (deskterm.tui.screens, deskterm.tui.dialogs):
        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{info.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for lang in ("en", "zh_CN"):
        set_language(lang)
        texts = [without_rule_codes(_(c.HELP_TEXT)) for c in subclasses(DeskNode) if c.HELP_TEXT]
        texts += [without_rule_codes(_(a.tooltip)) for a in ACTIONS.values() if a.tooltip]
        assert len(texts) > 50
        assert [t for t in texts if "D-" in t] == []
    set_language("en")


async def test_typing_on_the_results_keeps_every_key_and_ctrl_f_selects_the_old_query(
    make_desk_app, engine, clock, staff
):
    from tests.factories import seed_estate

    seed_estate(engine, clock, staff.admin)
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        search = app.screen.query_one("#inquiry-search")
        await pilot.press(*"12")
        await settle(pilot)
        await pilot.press("down")  # to the results
        await settle(pilot)
        assert app.focused.id == "list-find"
        await pilot.press(*"wang")  # typed on the list: the next name, every key of it
        await settle(pilot)
        assert search.value == "wang" and app.focused is search
        await pilot.press("down")
        await settle(pilot)
        await pilot.press("ctrl+f", *"li")  # the next caller: replaces the old query
        await settle(pilot)
        assert search.value == "li"
        await pilot.press("down")  # to the results again; then a burst, faster than a focus move
        await settle(pilot)
        assert app.focused.id == "list-find"
        for ch in "zhang":
            app.post_message(events.Key(ch, ch))
        await settle(pilot)
        assert search.value == "zhang" and app.focused is search


# -- keystroke budgets (re-measured by Pilot) -------------------------------------------------
class Keys:
    """Counts the keys pressed; text typed into a field (a name, a number) is not counted,
    a letter that chooses (a drop-down's type-ahead) is."""

    def __init__(self, pilot):
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)
        await settle(self.pilot)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)
        await settle(self.pilot)


@pytest.mark.parametrize("position", [0, 2, 4])
async def test_an_expected_visitor_checks_in_with_three_keys_wherever_listed(
    make_desk_app, engine, estate, staff, clock, settings, position
):
    from datetime import date

    from deskterm.models.visitor import ExpectedVisitorCreate
    from deskterm.services.visitors.expected import add_expected

    names = ["赵一", "钱二", "孙三", "李四", "周五"]
    for name in names:
        run_write(
            engine,
            lambda s, n=name: add_expected(
                session=s,
                actor=staff.operator,
                clock=clock,
                settings=settings,
                expected_in=ExpectedVisitorCreate(
                    visitor_name=n,
                    headcount=1,
                    expected_on=date(2026, 11, 28),
                    host_company_id=estate.company,
                ),
            ),
        )
    wanted = names[position]
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("ctrl+t")  # Expected today
        from deskterm.rules.pinyin import pinyin_keys

        await keys.type(pinyin_keys(wanted)[1])  # found by name: its initials
        await keys.press("enter")  # has arrived
        await keys.press("enter")  # document sighted: the slip
        assert keys.count <= 3
    arrived = run_read(engine, lambda s: s.exec(select(VisitorSlip)).one())
    assert arrived.visitor_name == wanted


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_a_walk_in_with_another_purpose_in_twelve_keys(make_desk_app, engine, estate, lang):
    app = make_desk_app(area="visitors", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("ctrl+n")
        await keys.type("王五")
        await keys.press("enter")  # -> people (1)
        await keys.press("enter")  # -> document type (resident ID card)
        await keys.press("tab")  # -> number
        await keys.type(valid_resident_id(7))
        await keys.press("enter")  # -> visiting
        await keys.type("zs")
        await keys.press("enter")  # take 12-1203 张三 -> purpose
        assert app.focused.id == "purpose-input"
        await keys.press("d" if lang == "en" else "s")  # Delivery / 送(song)货
        await keys.press("ctrl+s")  # check the form -> host call
        await keys.press("a")  # the host agreed
        assert keys.count <= 12, keys.count
    slip = run_read(engine, lambda s: s.exec(select(VisitorSlip)).one())
    assert slip.purpose == "delivery"


def test_every_drop_down_has_type_ahead():
    """No plain Select in the desk's screens and dialogs: each is a DeskSelect."""
    import pathlib
    import re

    root = pathlib.Path(__file__).parents[2] / "deskterm" / "tui"
    plain = [
        str(p)
        for p in root.rglob("*.py")
        if re.search(r"(?<![\w.])Select\(", p.read_text(encoding="utf-8")) and p.name != "select.py"
    ]
    assert plain == []


# -- 8. 80 columns, both languages: no key cut short ---------------------------------------
AREA_OPENERS = [
    ("dashboard", []),
    ("visitors", []),
    ("visitors", ["ctrl+t"]),
    ("visitors", ["ctrl+t", "ctrl+t"]),
    ("visitors", ["ctrl+t", "ctrl+t", "ctrl+t"]),
    ("visitors", ["ctrl+n"]),
    ("visitors", ["ctrl+t", "ctrl+n"]),
    ("inquiries", []),
    ("inquiries", ["ctrl+t"]),
    ("inquiries", ["ctrl+t", "ctrl+t"]),
    ("repairs", []),
    ("repairs", ["ctrl+n"]),
    ("complaints", []),
    ("complaints", ["ctrl+n"]),
    ("logbook", []),
    ("logbook", ["ctrl+n"]),
    ("handover", []),
    ("visitors", ["f1"]),
    ("repairs", ["ctrl+t"]),
    ("repairs", ["ctrl+t", "ctrl+t"]),
    ("repairs", ["ctrl+t", "ctrl+t", "ctrl+t"]),
    ("complaints", ["ctrl+t"]),
    ("complaints", ["ctrl+t", "ctrl+t"]),
]


def _catalog_msgids() -> set[str]:
    from babel.messages.pofile import read_po

    from deskterm.i18n import LOCALE_DIR

    ids: set[str] = set()
    for po in (LOCALE_DIR / "zh_CN" / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as fh:
            ids |= {
                m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id and m.string
            }
    return ids


def _record_lookups(request):
    """Wrap the running translation: every msgid looked up that the zh catalog lacks is kept;
    the returned function hands over (and forgets) those found since it was last called."""
    from deskterm import i18n

    known = _catalog_msgids()
    missing: list[str] = []
    inner = i18n.current_translation()

    class Recording:
        def gettext(self, message: str) -> str:
            if message and message not in known and re.search("[A-Za-z]{2,}", message):
                missing.append(message)
            return inner.gettext(message)

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            if singular not in known:
                missing.append(singular)
            return inner.ngettext(singular, plural, n)

    i18n.use_translation(Recording())
    request.addfinalizer(lambda: i18n.use_translation(inner))

    def take() -> list[str]:
        found = sorted(set(missing))
        missing.clear()
        return found

    return take


# What an English word on a Chinese screen may be: key names (the footer's ^s, f1, esc),
# the program's name, a pinyin example in a hint, and the records' numbers.
ENGLISH_ALLOWED = {
    "deskterm",
    "zhangsan",
    "esc",
    "enter",
    "tab",
    "del",
    "ins",
    "home",
    "end",
    "pgup",
    "pgdn",
    "space",
    "shift",
    "ctrl",
    "alt",
    "op1",
    "sup1",
    "admin1",
    "up",
    "down",
    "left",
    "right",
}


def english_words(app) -> list[str]:
    from tests.tui.conftest import screen_text

    words = re.findall(r"[A-Za-z][A-Za-z'’]{2,}", screen_text(app))
    return sorted(
        {w for w in words if w.lower() not in ENGLISH_ALLOWED and not re.fullmatch(r"[VRC]\d+", w)}
    )


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_every_footer_fits_80_columns_whole(make_desk_app, request, lang):
    """...and, in Chinese, no text on any screen or dialog that is not in the catalog: every
    msgid looked up at run time must be translated, and no English word may be drawn."""
    from rich.cells import cell_len

    from deskterm.tui.widgets.footer import FooterKeys

    fkeys = {
        "dashboard": "f2",
        "visitors": "f3",
        "inquiries": "f4",
        "repairs": "f5",
        "complaints": "f6",
        "logbook": "f7",
        "handover": "f8",
    }
    problems = []
    app = make_desk_app(lang=lang)
    looked_up = _record_lookups(request) if lang == "zh_CN" else None
    async with app.run_test(size=SIZE) as pilot:
        for area, opens in AREA_OPENERS:
            await settle(pilot)
            for _ in range(3):  # back to the area screen
                if app.screen is app.screen_stack[0]:
                    break
                await pilot.press("escape")
                await settle(pilot)
            await pilot.press(fkeys[area], *opens)
            await settle(pilot)
            await settle(pilot)
            where = f"{area} {' '.join(opens)}"
            for keys in app.screen.query(FooterKeys):
                drawn = keys.render().plain
                if cell_len(drawn) > keys.size.width:
                    problems.append(f"{where}: keys run past the edge: {drawn[-12:]!r}")
                if " f1 " not in drawn and not app.screen.is_modal:  # (a dialog lists its own)
                    problems.append(f"{where}: no f1 Help")
                left_out = [
                    f"{k.display} {k.description}"
                    for k in keys.keys
                    if k.enabled and k not in keys.fitted()
                ]
                if left_out:  # a key that applies now is never left off (^r Refresh, ^f Search)
                    problems.append(f"{where}: left off {left_out}")
            if looked_up is not None:  # text not in the catalog, or English left on screen
                problems += [f"{where}: not in the zh catalog: {m!r}" for m in looked_up()]
                problems += [f"{where}: English on screen: {w!r}" for w in english_words(app)]
            bar = app.screen.query("#area-bar")
            if bar and lang == "en":
                text = str(bar.first().render())
                if "F2Home" in text:
                    problems.append(f"{where}: area bar runs together")
        if looked_up is not None:  # the palette, with a query nothing matches
            for _ in range(3):
                if app.screen is app.screen_stack[0]:
                    break
                await pilot.press("escape")
                await settle(pilot)
            await pilot.press("ctrl+p", *"qqxx")
            await pilot.pause(1.0)  # Textual writes its "No matches found" after 0.5 s
            await settle(pilot)
            problems += [f"palette: not in the zh catalog: {m!r}" for m in looked_up()]
            problems += [
                f"palette: English on screen: {w!r}" for w in english_words(app) if w != "qqxx"
            ]
            if "没有匹配的命令" not in screen_text(app):
                problems.append("palette: no word for nothing found")
    assert problems == [], problems


async def test_textual_s_own_words_are_chinese_in_the_zh_app(make_desk_app):
    app = make_desk_app(area="visitors", lang="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert app.screen.query_one("CommandInput").placeholder == "搜索命令…"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.screen.query_one("#purpose-input").focus()
        await pilot.press("enter")  # open the drop-down
        await settle(pilot)
        footer = app.screen.query_one("FooterKeys").render().plain  # what the desk reads
        assert "Dismiss menu" not in footer and "收起菜单" in footer


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_refusal_names_no_internal_id(staff, lang):
    from deskterm.errors import PermissionDenied
    from deskterm.i18n import set_language
    from deskterm.services import permissions
    from deskterm.tui.refusals import ACTION_LABELS
    from deskterm.tui.worker import describe_error

    assert set(ACTION_LABELS) == set(permissions.POLICY)  # every action has its words
    set_language(lang)
    try:
        for action in permissions.POLICY:
            if permissions.allowed(staff.operator, action):
                continue
            with pytest.raises(PermissionDenied) as refused:
                permissions.require(staff.operator, action)
            text = describe_error(refused.value)
            assert action not in text and "." not in text.rstrip(".。")
    finally:
        set_language("en")


# -- 9. handover and logbook details --------------------------------------------------------
async def test_a_blank_physical_count_is_not_signed_as_zero(make_desk_app, engine):
    from deskterm.models.shift import Handover

    app = make_desk_app(area="handover")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        _type_counts(app, {"keys": ""})  # every other count typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "HandoverScreen"
        assert "count them" in app.screen.query_one("#field-count-keys").error
        assert app.focused.id == "count-keys"
        await pilot.press(*"12", "ctrl+s", "y")
        await settle(pilot)
    row = run_read(engine, lambda s: s.exec(select(Handover)).one())
    assert row.physical_items["keys"] == 12


def test_a_logbook_entry_has_one_live_correction(engine, staff, clock, settings):
    from deskterm.errors import InvalidInput
    from deskterm.models.shift import LogbookEntryCreate
    from deskterm.services.shift import logbook
    from tests.tui.conftest import start_shift_for

    actor = start_shift_for(engine, clock, settings, staff.operator)

    def add(what, corrects=None):
        return run_write(
            engine,
            lambda s: logbook.add_entry(
                session=s,
                actor=actor,
                clock=clock,
                entry_in=LogbookEntryCreate(category="security", what=what, corrects_id=corrects),
            ),
        )

    first = add("大堂门禁故障")
    fixed = add("更正:东门门禁故障", first.id)
    with pytest.raises(InvalidInput, match="corrected already"):
        add("再次更正", first.id)
    assert add("更正的更正", fixed.id).corrects_id == fixed.id


async def test_a_slip_prints_at_issue_when_a_printer_is_set(
    make_desk_app, engine, estate, settings, tmp_path
):
    printed = tmp_path / "printer.txt"
    app = make_desk_app(
        area="visitors", app_settings=settings.replace(print_command=f"tee {printed}")
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"Li Lei", "enter")
        await settle(pilot)
        await pilot.press("enter", "tab", *valid_resident_id(9), "enter", *"zs", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await settle(pilot)
    slip = run_read(engine, lambda s: s.exec(select(VisitorSlip)).one())
    assert slip.number in printed.read_text(encoding="utf-8", errors="replace")


def test_two_databases_save_their_sheets_apart(tmp_path):
    from deskterm.services.shift.handover import sheet_folder

    one = sheet_folder(tmp_path, f"sqlite:///{tmp_path / 'a' / 'desk.db'}")
    two = sheet_folder(tmp_path, f"sqlite:///{tmp_path / 'b' / 'desk.db'}")
    pg = sheet_folder(tmp_path, "postgresql+psycopg://postgres@127.0.0.1:54329/desk")
    assert len({one, two, pg}) == 3
    assert one == sheet_folder(tmp_path, f"sqlite:///{tmp_path / 'a' / 'desk.db'}")
    assert one.parent == tmp_path and one.name.startswith("desk-")


def test_the_handover_lists_lost_slips_and_logbook_lines_as_corrected(
    engine, estate, staff, clock, settings
):
    from deskterm.models.shift import LogbookEntryCreate
    from deskterm.services.shift import handover, logbook
    from tests.tui.conftest import start_shift_for

    actor = start_shift_for(engine, clock, settings, staff.operator)
    (slip,) = on_site_slips(engine, staff, clock, settings, estate, ["王一"])
    run_write(
        engine,
        lambda s: visitors.check_out(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            slip_id=slip.id,
            slip_returned=False,
        ),
    )
    first = run_write(
        engine,
        lambda s: logbook.add_entry(
            session=s,
            actor=actor,
            clock=clock,
            entry_in=LogbookEntryCreate(category="security", what="东门门禁故障"),
        ),
    )
    run_write(
        engine,
        lambda s: logbook.add_entry(
            session=s,
            actor=actor,
            clock=clock,
            entry_in=LogbookEntryCreate(
                category="security", what="更正:西门门禁故障", corrects_id=first.id
            ),
        ),
    )
    draft = run_read(
        engine, lambda s: handover.collect(session=s, actor=actor, clock=clock, settings=settings)
    )
    texts = [(i.kind, i.ref, i.text) for i in draft.open_items]
    assert ("visitor", slip.number, "王一: slip not returned (lost)") in texts
    logbook_lines = [t for k, _r, t in texts if k == "logbook"]
    assert logbook_lines == ["更正:西门门禁故障"]


async def test_the_host_picker_shows_a_company_s_whole_name(make_desk_app, engine, estate):
    from deskterm.models.estate import Company
    from deskterm.rules.pinyin import pinyin_keys

    name = "杭州万象网络科技有限公司"
    full, initials = pinyin_keys(name)
    run_write(
        engine,
        lambda s: s.add(
            Company(
                name=name,
                unit_id=estate.unit_a1203,
                name_pinyin=full,
                name_initials=initials,
                phone="057188889999",
            )
        ),
    )
    app = make_desk_app(area="visitors", lang="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"Li", "enter")
        await settle(pilot)
        await pilot.press("enter", "tab", *valid_resident_id(9), "enter", *"hzwx")
        await settle(pilot)
        await settle(pilot)
        options = app.screen.query_one("#host-matches")
        prompts = [options.get_option_at_index(i).prompt.plain for i in range(options.option_count)]
        assert any(name in p for p in prompts), prompts


def test_door_finds_a_door_before_an_indoor_power_cut(engine):
    from deskterm.services.repairs.intake import list_categories, match_categories

    categories = run_read(engine, lambda s: list_categories(session=s))
    assert {"door_window", "lock_handle", "power_cut_wiring"} <= {c.code for c in categories}
    found = [c.code for c in match_categories(categories, "door")]
    assert found[0] in ("door_window", "lock_handle")
    assert found.index("power_cut_wiring") > found.index("lock_handle")


def test_the_signed_sheet_keeps_due_times(engine, clock, settings, staff):
    from deskterm.services.shift import handover
    from tests.services.test_repairs_support import create, make_repair_estate, order_in
    from tests.tui.conftest import start_shift_for

    actor = start_shift_for(engine, clock, settings, staff.operator)
    estate = make_repair_estate(engine)
    order = create(engine, clock, settings, actor, order_in(estate.unit_1203))
    signed = run_write(
        engine,
        lambda s: handover.sign(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            notices="",
            physical_items={item: 1 for item in settings.physical_items},
        ),
    )
    sheet = run_read(engine, lambda s: handover.load_sheet(s, signed.id))
    text = handover.render_text(sheet, settings)
    line = next(x for x in text.splitlines() if order.number in x)
    assert " · due 12-01 10:00" in line  # the fix deadline, on paper too


async def test_a_callback_result_is_chosen_and_the_save_key_names_it(
    make_desk_app, engine, clock, settings, staff
):
    """F6-like path (Ctrl+T to the callbacks, Enter, Ctrl+S) records nothing: no outcome is
    pre-filled; once one is chosen, the line above the footer names it and the callback."""
    from textual.widgets import Select

    from deskterm.models.complaint import Callback, ComplaintCreate
    from deskterm.services.complaints import handling as complaints
    from deskterm.tui.dialogs.callback_form import CallbackDialog
    from tests.tui.conftest import screen_text

    complaint = run_write(
        engine,
        lambda s: complaints.intake_complaint(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            complaint_in=ComplaintCreate(
                who_name="A座业主", content="暖气不热", contact="139 0000 2222"
            ),
            close_answer="维修员已修好",
        ),
    )
    app = make_desk_app(area="complaints")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbackDialog)
        assert app.screen.query_one("#result-input", Select).is_blank()
        await pilot.press("ctrl+s")  # the two keys of the finding: nothing is recorded
        await settle(pilot)
        assert isinstance(app.screen, CallbackDialog)
        assert "Choose the result of the callback." in screen_text(app)
        assert run_read(engine, lambda s: s.exec(select(Callback)).one()).result is None
        await pilot.press("s", "a")  # type-ahead: Satisfied
        await settle(pilot)
        shown = screen_text(app)
        acts = str(app.screen.query_one("#callback-act").render())
        assert "Satisfied" in acts and complaint.number in acts
        assert "Record result" in shown and "Confirm" not in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert not isinstance(app.screen, CallbackDialog)
    assert run_read(engine, lambda s: s.exec(select(Callback)).one()).result == "satisfied"


# -- rule codes are for the developers: none reaches an operator ----------------------------
RULE_CODE = r"D-\d+"


def test_no_catalog_string_carries_a_rule_code():
    """Every msgid used in the source and every msgid/msgstr of the zh_CN catalogs: "(D-20)"
    and the like stay in DOMAIN.md, the docstrings and the tests."""
    import re
    import sys
    from pathlib import Path

    scripts = str(Path(__file__).resolve().parents[2] / "scripts")
    sys.path.insert(0, scripts)
    try:
        import i18n as tool
    finally:
        sys.path.remove(scripts)
    found = [k for k in tool.extracted() if re.search(RULE_CODE, k)]
    for area, cat in tool.catalogs().items():
        for m in cat:
            for text in (m.id, m.string):
                for one in text if isinstance(text, tuple) else (text,):
                    if one and re.search(RULE_CODE, one):
                        found.append(f"{area}: {one}")
    assert found == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_cli_help_carries_a_rule_code(lang):
    """Every command's --help, in both languages, walked from the root."""
    import re

    import click

    from deskterm.cli.main import build_command
    from deskterm.i18n import set_language

    set_language(lang)
    try:
        root = build_command()
        texts = []

        def walk(cmd, ctx):
            texts.append(cmd.get_help(ctx))
            if hasattr(cmd, "list_commands"):  # a group (typer's own class)
                for name in cmd.list_commands(ctx):
                    sub = cmd.get_command(ctx, name)
                    walk(sub, click.Context(sub, info_name=name, parent=ctx))

        walk(root, click.Context(root, info_name="deskterm"))
    finally:
        set_language("en")
    assert len(texts) > 20
    assert [t for t in texts if re.search(RULE_CODE, t)] == []


async def test_a_blank_count_is_named_when_signing(make_desk_app, settings):
    """The count cells are one line high, so their own error line never shows: Ctrl+S on a
    blank count says which count is blank, under the counts, and signs nothing."""
    from textual.widgets import Input

    from deskterm.services.shift.duty import physical_item_label
    from tests.tui.conftest import screen_text

    item = settings.physical_items[0]
    app = make_desk_app(area="handover")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        app.screen.query_one(f"#count-{item}", Input).focus()
        await pilot.press("end", *["backspace"] * 6)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "HandoverScreen"  # no signing question
        shown = screen_text(app)
        assert f"The count of {physical_item_label(item)} is blank" in shown
        await pilot.press("3")
        await settle(pilot)
        assert "is blank" not in screen_text(app)


async def test_the_chosen_host_call_radio_shows_without_colour(make_desk_app, estate, monkeypatch):
    """The host-call choices all draw ▐●▌: the chosen one is bold and underlined."""
    from textual.widgets import RadioButton, RadioSet

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_desk_app(area="visitors")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(
            "ctrl+n",
            *"王五",
            "enter",
            "enter",
            "tab",
            *valid_resident_id(7),
            "enter",
            *"zs",
            "enter",
            "ctrl+s",
        )
        await settle(pilot)
        await settle(pilot)
        sets = list(app.screen.query(RadioSet))
        assert sets, type(app.screen).__name__
        for radio in sets:
            app.screen.set_focus(None)
            await pilot.pause()
            assert any(b.value for b in radio.query(RadioButton))  # one is chosen
            for button in radio.query(RadioButton):
                label = button.get_component_rich_style("toggle--label")
                assert bool(label.underline) == button.value, button.label


# -- 6. a refused save: the field is marked, in view, named, and holds the typing ----------
async def _open_from_dashboard(app, pilot, area: str, opens: list[str]) -> None:
    fkeys = {
        "dashboard": "f2",
        "visitors": "f3",
        "inquiries": "f4",
        "repairs": "f5",
        "complaints": "f6",
        "logbook": "f7",
        "handover": "f8",
    }
    for _ in range(3):  # back to the area screen
        if app.screen is app.screen_stack[0]:
            break
        if hasattr(app.screen, "discard_agreed"):
            app.screen.discard_agreed = True  # our own dialog's flag: close without asking
        app.screen.dismiss(None)
        await settle(pilot)
    await pilot.press(fkeys[area], *opens)
    await settle(pilot)
    await settle(pilot)


async def test_a_refused_field_is_marked_named_in_view_and_takes_the_typing(
    make_desk_app, monkeypatch
):
    """Every dialog with fields that the areas open (the openers of the 80x24 walk below): for
    each of its fields, a save refused for that field (InvalidInput(field=...), what every
    save_with dialog gets) marks it without colour (✗ and an underlined label), names it in the
    sentence, scrolls it into view and gives it the focus, so the next key typed lands there."""
    from textual.widgets import Input

    from deskterm.errors import InvalidInput
    from deskterm.tui.base import DeskDialog
    from deskterm.tui.widgets.field import FormField

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_desk_app()
    seen, problems = set(), []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for area, opens in AREA_OPENERS:
            await _open_from_dashboard(app, pilot, area, opens)
            dialog = app.screen
            if not isinstance(dialog, DeskDialog) or type(dialog).__name__ in seen:
                continue
            fields = [f for f in dialog.query(FormField) if f.display and f.control.focusable]
            if not fields:
                continue
            seen.add(type(dialog).__name__)
            for field in fields:
                where = f"{type(dialog).__name__} {field.name}"
                others = [f for f in fields if f is not field]
                if others:
                    others[0].focus_input()
                    await pilot.pause()
                dialog.show_error(InvalidInput("Not like this.", field=field.name))
                await settle(pilot)
                if app.focused is None or field not in app.focused.ancestors_with_self:
                    problems.append(f"{where}: focus is on {app.focused!r}")
                label = field.query_one(".field-label")
                if not label.rich_style.underline:
                    problems.append(f"{where}: label not marked without colour")
                line = field.query_one(".field-error").render()
                if not str(line).startswith(f"✗ {field.label}: Not like this."):
                    problems.append(f"{where}: the sentence does not name the field: {line!r}")
                box = field.control.region
                if box.height == 0 or box.y < 0 or box.bottom > SIZE[1]:
                    problems.append(f"{where}: not in view ({box})")
                if isinstance(field.control, Input):
                    before = field.control.value
                    await pilot.press("q")
                    await settle(pilot)
                    if field.control.value != before + "q" and not field.control.value.endswith(
                        "q"
                    ):
                        problems.append(f"{where}: the typed key went elsewhere")
                field.error = ""
    assert seen >= {
        "RegisterSlipDialog",
        "RepairIntakeDialog",
        "ComplaintDialog",
        "LogbookEntryDialog",
    }, seen
    assert problems == [], problems


# -- 2. a wrong contact outcome is corrected from the inquiry log -------------------------
async def test_an_unintended_transferred_is_corrected_from_the_inquiry_log(
    make_desk_app, engine, clock, staff
):
    from deskterm.models.inquiry import ContactAttempt, Inquiry, InquiryCreate
    from deskterm.services.inquiries import log as inquiries
    from tests.factories import seed_estate

    seed_estate(engine, clock, staff.admin)
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        actor = app.actor
        inquiry = run_write(
            engine,
            lambda s: inquiries.open_inquiry(
                session=s,
                actor=actor,
                clock=clock,
                inquiry_in=InquiryCreate(topic="找人", target_text="12-1203 张三"),
            ),
        )
        run_write(
            engine,
            lambda s: inquiries.record_attempt(
                session=s, actor=actor, clock=clock, inquiry_id=inquiry.id, outcome="transferred"
            ),
        )
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t")  # the inquiry log
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "CorrectContactDialog"
        assert "transferred" in str(dialog.query_one("#correct-what").render())
        await pilot.press("n", "tab", *"wrong key", "ctrl+s")  # "no answer", the reason, save
        await settle(pilot)
        assert app.screen is not dialog
        rows = run_read(
            engine, lambda s: list(s.exec(select(ContactAttempt).order_by(ContactAttempt.id)))
        )
        assert [(r.outcome, r.corrects_id, r.reason) for r in rows] == [
            ("transferred", None, ""),
            ("no_answer", rows[0].id, "wrong key"),
        ]
        assert run_read(engine, lambda s: s.get(Inquiry, inquiry.id)).outcome is None
        await pilot.press("ctrl+e")  # the correction can be corrected, never the original twice
        await settle(pilot)
        assert "no answer" in str(app.screen.query_one("#correct-what").render())


# -- 9. the blank-slip count moves with the slips issued ----------------------------------
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_the_handover_shows_the_expected_blank_slips_and_names_a_difference(
    make_desk_app, engine, clock, settings, staff, estate, lang
):
    from textual.widgets import Input

    from deskterm.services.shift import handover
    from tests.tui.conftest import screen_text, start_shift_for

    before = start_shift_for(engine, clock, settings, staff.supervisor)
    run_write(
        engine,
        lambda s: handover.sign(
            session=s,
            actor=before,
            clock=clock,
            settings=settings,
            notices="",
            physical_items={
                item: 47 if item == "blank_slips" else 1 for item in settings.physical_items
            },
        ),
    )
    app = make_desk_app(area="handover", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        actor = app.actor
        for name in ("张三", "李四"):
            run_write(
                engine,
                lambda s, n=name: visitors.register_slip(
                    session=s,
                    actor=actor,
                    clock=clock,
                    settings=settings,
                    slip_in=walk_in(estate, visitor_name=n),
                ),
            )
        await settle(pilot)
        await pilot.press("ctrl+r")  # gather again: two slips issued since the screen opened
        await settle(pilot)
        box = app.screen.query_one("#count-blank_slips", Input)
        assert box.value == ""  # never pre-filled: a shift that does not count signs nothing
        box.focus()
        await pilot.press("4", "7")
        await settle(pilot)

        def shown() -> str:  # the sentence wraps at 80 columns: compare without the breaks
            return "".join(screen_text(app).split())

        if lang == "en":
            assert "45expected(47atthestartoftheshift−2issued);47counted:2more" in shown()
        else:
            assert "应有45（接班时47−本班发出2）；实点47：比应有数多2" in shown()
        box.focus()
        await pilot.press("end", "backspace", "backspace", "4", "4")
        await settle(pilot)
        assert (
            "44counted:1fewerthanexpected" in shown()
            if lang == "en"
            else "实点44：比应有数少1" in shown()
        )
        assert box.value == "44"


# -- 3. the board keeps its overdue rows in view after an intake ---------------------------
async def test_after_an_intake_the_overdue_orders_stay_in_view(
    make_desk_app, engine, clock, settings, staff
):
    from deskterm.models.repair import RepairScope
    from tests.services.test_repairs_support import create, make_repair_estate, order_in

    estate = make_repair_estate(engine)
    op = staff.operator
    overdue = [
        create(
            engine,
            clock,
            settings,
            op,
            order_in(None, "lift_failure", scope=RepairScope.public, location=f"{n}栋电梯"),
        )
        for n in (1, 2, 3)
    ]
    clock.advance(hours=3)  # urgent: on site within 2 h, so these three are late
    for i in range(12):
        create(engine, clock, settings, op, order_in(estate.unit_1203, description=f"暖气 {i}"))
        clock.advance(minutes=1)
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(
            "ctrl+n", *"3-1203", "tab", "tab", "tab", *"nqbr", "tab", *"卧室暖气片不热", "ctrl+s"
        )
        await settle(pilot)
        await pilot.press("escape")  # the print offer: back to the board
        await settle(pilot)
        board = app.screen.query_one("#list-board")
        assert "3 overdue" in str(app.screen.query_one("#repairs-views").render())
        newest = max(r.key for r in [board.row_at(i) for i in range(board.total)])
        assert board.current.key == newest  # the cursor is on the order just taken
        in_view = [r.key for r in board.rows_in_view]
        assert [o.id for o in overdue] == in_view[:3], in_view
        assert newest in in_view
        assert board.total > board.visible_rows  # the board does not fit: it had to choose
        await pilot.press("up")  # moving on keeps the overdue rows, and moves by record
        await settle(pilot)
        assert [r.key for r in board.rows_in_view][:3] == [o.id for o in overdue]
        assert board.current.key != newest


def test_every_refused_field_goes_through_show_refusal():
    """A form that finds a field wrong itself (before any save) marks it and moves the focus
    there through FormField.show_refusal, as show_error does after a refused save: no code sets
    a field's error and moves the focus by hand (the mark, the name and the scroll would be
    missed)."""
    from pathlib import Path

    import deskterm.tui

    root = Path(deskterm.tui.__file__).parent
    by_hand = []
    for path in root.rglob("*.py"):
        if path.name == "field.py":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if ".focus_input()" in line and any(
                re.search(r"\.error = (?!\"\")", before) for before in lines[max(0, i - 3) : i]
            ):
                by_hand.append(f"{path.relative_to(root)}:{i + 1}")
    assert by_hand == []


# -- issue 16 re-test: the handover counts --------------------------------------------------
def _handover_before(engine, clock, settings, staff, blank_slips=47):
    from deskterm.services.shift import handover
    from tests.tui.conftest import start_shift_for

    before = start_shift_for(engine, clock, settings, staff.supervisor)
    run_write(
        engine,
        lambda s: handover.sign(
            session=s,
            actor=before,
            clock=clock,
            settings=settings,
            notices="",
            physical_items={
                item: blank_slips if item == "blank_slips" else 1
                for item in settings.physical_items
            },
        ),
    )


def _type_counts(app, values: dict[str, str]) -> None:
    from textual.widgets import Input

    for item in app.settings.physical_items:
        app.screen.query_one(f"#count-{item}", Input).value = values.get(item, "1")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("-1", {"en": "whole number from 0 to", "zh_CN": "100000"}),
        ("100001", {"en": "whole number from 0 to", "zh_CN": "100000"}),
    ],
)
async def test_a_count_out_of_range_is_refused_before_the_question_at_its_field(
    make_desk_app, engine, clock, settings, staff, lang, typed, says
):
    """F8, -1 in Blank slips, Ctrl+S: no question, the sentence shown under the counts, the
    count marked and focused (before: the question, then nothing signed and nothing said)."""
    from deskterm.models.shift import Handover
    from deskterm.tui.widgets.field import FormField

    app = make_desk_app(area="handover", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _type_counts(app, {"blank_slips": typed})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "HandoverScreen"  # no signing question
        field = app.screen.query_one("#field-count-blank-slips", FormField)
        assert field.error and says[lang] in field.error
        assert "".join(field.error.split()) in "".join(screen_text(app).split())
        assert app.focused is app.screen.query_one("#count-blank_slips")
    assert run_read(engine, lambda s: s.exec(select(Handover)).all()) == []


async def test_a_refused_sign_shows_the_service_s_sentence(make_desk_app, engine, monkeypatch):
    """Whatever the screen missed, the service's refusal at the sign comes back at its field."""
    from deskterm.errors import InvalidInput
    from deskterm.services.shift import handover
    from deskterm.tui.widgets.field import FormField

    def refuse(**_kw):
        raise InvalidInput("A count is between 0 and 100000.", field="count_blank_slips")

    monkeypatch.setattr(handover, "sign", refuse)
    app = make_desk_app(area="handover")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _type_counts(app, {})
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert type(app.screen).__name__ == "HandoverScreen"
        assert "between 0 and 100000" in screen_text(app)
        assert app.screen.query_one("#field-count-blank-slips", FormField).error


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_a_shortfall_is_signed_only_with_a_word_in_the_notices(
    make_desk_app, engine, clock, settings, staff, lang
):
    from textual.widgets import TextArea

    from deskterm.models.shift import Handover

    _handover_before(engine, clock, settings, staff)
    app = make_desk_app(area="handover", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _type_counts(app, {"blank_slips": "45"})  # 47 expected
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "HandoverScreen"
        shown = "".join(screen_text(app).split())
        assert "2fewerthanthe47expected" in shown if lang == "en" else "少2" in shown
        assert app.focused is app.screen.query_one("#notices", TextArea)
        await pilot.press(*"两张作废")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    signed = run_read(engine, lambda s: s.exec(select(Handover).order_by(Handover.id)).all())
    assert [(h.physical_items["blank_slips"], h.notices) for h in signed][-1] == (45, "两张作废")


def test_the_service_refuses_a_shortfall_unsaid_and_a_blank_count(engine, clock, settings, staff):
    from deskterm.errors import InvalidInput
    from deskterm.services.shift import handover
    from tests.tui.conftest import start_shift_for

    _handover_before(engine, clock, settings, staff)
    me = start_shift_for(engine, clock, settings, staff.operator)
    counts = {item: 1 for item in settings.physical_items}

    def sign(notices, **change):
        return run_write(
            engine,
            lambda s: handover.sign(
                session=s,
                actor=me,
                clock=clock,
                settings=settings,
                notices=notices,
                physical_items={**counts, **change},
            ),
        )

    with pytest.raises(InvalidInput) as err:
        sign("", blank_slips=46)
    assert err.value.field == "notices"
    with pytest.raises(InvalidInput) as err:
        sign("", blank_slips="")
    assert err.value.field == "count_blank_slips"
    assert sign("一张找不到", blank_slips=46).physical_items["blank_slips"] == 46


def test_the_summary_counts_returned_and_lost_slips_apart(engine, estate, clock, settings, staff):
    from deskterm.services.shift import handover
    from tests.tui.conftest import start_shift_for

    me = start_shift_for(engine, clock, settings, staff.operator)
    a, b = (
        run_write(
            engine,
            lambda s, n=n, i=i: visitors.register_slip(
                session=s,
                actor=me,
                clock=clock,
                settings=settings,
                slip_in=walk_in(estate, visitor_name=n, doc_number=valid_resident_id(i + 1)),
            ),
        )
        for i, n in enumerate(["王一", "王二"])
    )
    for slip, back in ((a, True), (b, False)):
        run_write(
            engine,
            lambda s, x=slip, r=back: visitors.check_out(
                session=s, actor=me, clock=clock, settings=settings, slip_id=x.id, slip_returned=r
            ),
        )
    signed = run_write(
        engine,
        lambda s: handover.sign(
            session=s,
            actor=me,
            clock=clock,
            settings=settings,
            notices="",
            physical_items={item: 1 for item in settings.physical_items},
        ),
    )
    assert (signed.done_summary["visitors_out"], signed.done_summary["visitors_lost"]) == (1, 1)


# -- issue 16 re-test: rows hidden between the pinned overdue rows and the rest are said ----
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_rows_hidden_under_the_overdue_ones_are_said(
    make_desk_app, engine, clock, settings, staff, lang
):
    """3 overdue + 2 nearly due + 10 more, then an intake at 80x24: the board keeps the overdue
    rows on top and scrolls to the new order; the two due next are in view or a line under
    the overdue rows says how many are hidden there: the list never looks complete."""
    from deskterm.models.repair import RepairScope
    from tests.services.test_repairs_support import create, make_repair_estate, order_in

    estate = make_repair_estate(engine)
    op = staff.operator

    def lift(n):
        return create(
            engine,
            clock,
            settings,
            op,
            order_in(None, "lift_failure", scope=RepairScope.public, location=f"{n}栋电梯"),
        )

    overdue = [lift(n) for n in (1, 2, 3)]
    clock.advance(hours=1)
    near = [lift(n) for n in (4, 5)]
    clock.advance(minutes=90)  # the first three are 30 min late, the next two due in 30 min
    for i in range(10):
        create(engine, clock, settings, op, order_in(estate.unit_1203, description=f"暖气 {i}"))
        clock.advance(minutes=1)
    app = make_desk_app(area="repairs", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(
            "ctrl+n", *"3-1203", "tab", "tab", "tab", *"nqbr", "tab", *"卧室暖气片不热", "ctrl+s"
        )
        await settle(pilot)
        await pilot.press("escape")  # the print offer: back to the board
        await settle(pilot)
        board = app.screen.query_one("#list-board")
        order = [board.row_at(i).key for i in range(board.total)]
        assert order[:5] == [o.id for o in overdue + near]
        in_view = [r.key for r in board.rows_in_view]
        assert in_view[:3] == [o.id for o in overdue]
        assert board.current.key in in_view
        hidden = [k for k in order[3 : order.index(in_view[3])]]
        shown = screen_text(app)
        marker = "↑ {n} more above" if lang == "en" else "↑ 上方还有 {n} 条"
        if hidden:  # scrolled away: said, on the line under the overdue rows
            assert hidden[:2] == [o.id for o in near]
            assert marker.format(n=len(hidden)) in shown
            lines = shown.splitlines()
            row3 = next(i for i, line in enumerate(lines) if "3栋电梯" in line)
            assert marker.format(n=len(hidden)) in lines[row3 + 1]
        else:
            assert all(o.id in in_view for o in near)
        board.focus()
        await pilot.press("home")  # back to the top: nothing hidden, no marker
        await settle(pilot)
        assert "↑" not in screen_text(app)
        assert [r.key for r in board.rows_in_view][:5] == order[:5]
