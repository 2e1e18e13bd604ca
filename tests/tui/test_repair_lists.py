"""The repairs area's two lists of reference data, with keys only at 80x24 (issue 21):
the repair categories an admin keeps (D-30, Ctrl+B) and the engineers the desk dispatches to
(D-36, Ctrl+L): who may reach what follows the permissions table, and the services check it
again; every change is audited."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import PermissionDenied
from deskterm.models.audit import AuditEvent
from deskterm.models.repair import Engineer, RepairCategory
from deskterm.services.admin.repair_categories import save_category
from deskterm.services.repairs import engineers
from tests.conftest import ENGINEERS
from tests.tui.conftest import SIZE, screen_text, settle
from tests.tui.notices import shown_notices


async def keys(pilot, *items: str) -> None:
    for item in items:
        await pilot.press(*item) if len(item) > 1 and not item.isascii() else await pilot.press(
            item
        )
    await settle(pilot)


def actions(engine, action: str) -> list[AuditEvent]:
    return run_read(
        engine,
        lambda s: list(
            s.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq))
        ),
    )


def category(engine, code: str) -> RepairCategory | None:
    return run_read(engine, lambda s: s.get(RepairCategory, code))


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_an_admin_adds_reclassifies_and_retires_a_repair_category(
    make_desk_app, engine, lang
):
    app = make_desk_app(area="repairs", role="admin", lang=lang)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+b")
        assert type(app.screen).__name__ == "RepairCategoriesDialog"
        codes = list(app.screen.rows)
        assert "heating_not_warm" in codes and codes[0] in screen_text(app)
        # a new one: a code with a capital is refused in one sentence, nothing typed is lost
        await keys(
            pilot,
            "ctrl+n",
            *"Gas",
            "enter",
            "ctrl+u",
            *"5",
            "enter",
            "燃气异味",
            "enter",
            *"Smell of gas",
            "enter",
            "u",
            "tab",
            "h",
            "ctrl+s",
        )
        assert category(engine, "Gas") is None
        assert app.screen.query_one("#name-zh-input").value == "燃气异味"
        assert app.screen.query_one("#form-error").display
        app.screen.query_one("#code-input").value = ""
        app.screen.query_one("#code-input").focus()
        await keys(pilot, *"gas_smell", "ctrl+s")
        gas = category(engine, "gas_smell")
        assert (gas.name_zh, gas.name_en, str(gas.repair_class), gas.scope, gas.sort) == (
            "燃气异味",
            "Smell of gas",
            "urgent",
            "household",
            5,
        )
        # reclassify heating: Enter on its line, down to the class, urgent, Ctrl+S
        rows = list(app.screen.rows)
        await keys(pilot, "home", *["down"] * rows.index("heating_not_warm"), "enter")
        assert app.screen.query_one("#code-input").disabled  # a code never changes
        await keys(pilot, "enter", "enter", "u", "ctrl+s")
        assert str(category(engine, "heating_not_warm").repair_class) == "urgent"
        # retire the new one: its line, then to the tick box and Space
        rows = list(app.screen.rows)
        await keys(
            pilot,
            "home",
            *["down"] * rows.index("gas_smell"),
            "enter",
            "tab",
            "tab",
            "tab",
            "tab",
            "space",
            "ctrl+s",
        )
        assert category(engine, "gas_smell").active is False
        saved = actions(engine, "repair_category.save")
        assert [e.entity_id for e in saved] == ["gas_smell", "heating_not_warm", "gas_smell"]
        assert saved[1].detail["changed"] == {"repair_class": ["general", "urgent"]}
        assert saved[2].detail["changed"] == {"active": [True, False]}
        await keys(pilot, "escape")
        assert type(app.screen).__name__ == "RepairsScreen"


async def test_the_category_key_is_an_admins_and_the_service_refuses_others(
    make_desk_app, engine, clock, staff
):
    app = make_desk_app(area="repairs", role="supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Categories" not in screen_text(app)
        await keys(pilot, "ctrl+b")
        assert type(app.screen).__name__ == "RepairsScreen"
    with pytest.raises(PermissionDenied):  # not the screen alone: the service refuses too
        run_write(
            engine,
            lambda s: save_category(
                session=s,
                actor=staff.supervisor,
                clock=clock,
                new=True,
                code="x",
                name_zh="某",
                repair_class="general",
            ),
        )


async def test_a_stale_category_form_is_refused_and_kept(make_desk_app, engine, clock, staff):
    """Issue 21, finding 4: another admin renames the category while this form is open; the
    untick-and-save here is refused with what they changed, the form stays as typed and the
    rename stands."""
    app = make_desk_app(area="repairs", role="admin")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+b")
        rows = list(app.screen.rows)
        await keys(pilot, "home", *["down"] * rows.index("heating_not_warm"), "enter")
        cat = category(engine, "heating_not_warm")
        run_write(
            engine,
            lambda s: save_category(  # the other admin's desk
                session=s,
                actor=staff.admin,
                clock=clock,
                new=False,
                version=cat.version,
                code=cat.code,
                name_zh="暖气不热(含地暖)",
                name_en=cat.name_en,
                repair_class=str(cat.repair_class),
                scope=cat.scope,
                sort=cat.sort,
            ),
        )
        await keys(pilot, "tab", "tab", "tab", "tab", "space", "ctrl+s")
        kept = category(engine, "heating_not_warm")
        assert (kept.name_zh, kept.active) == ("暖气不热(含地暖)", True)
        assert type(app.screen).__name__ == "RepairCategoriesDialog"
        assert app.screen.query_one("#name-zh-input").value == "暖气不热"  # the form as it was
        assert app.screen.query_one("#repair-category-active").value is False
        said = " ".join(shown_notices(app)).replace("\n", "")
        assert "Another admin changed category heating_not_warm" in said
        assert "暖气不热(含地暖)" in said
        assert len(actions(engine, "repair_category.save")) == 1


def duty(engine) -> dict[str, bool]:
    return {e.name: e.on_duty for e in run_read(engine, lambda s: list(s.exec(select(Engineer))))}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_a_supervisor_adds_an_engineer_and_changes_who_is_on_duty(
    make_desk_app, engine, clock, staff, lang
):
    app = make_desk_app(area="repairs", role="supervisor", lang=lang)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+l")
        assert type(app.screen).__name__ == "EngineersDialog"
        text = screen_text(app)
        assert all(name in text for name, _trade, _on in ENGINEERS)  # the seeded list
        # a name already on the list is refused; the form keeps what was typed
        await keys(pilot, "ctrl+n", "王师傅", "enter", "木工", "enter")
        assert app.screen.query_one("#form-error").display
        assert app.screen.query_one("#trade-input").value == "木工"
        app.screen.query_one("#name-input").value = ""
        app.screen.query_one("#name-input").focus()
        await keys(pilot, "张师傅", "ctrl+s")
        assert duty(engine) == {**{n: on for n, _t, on in ENGINEERS}, "张师傅": True}
        # Enter on the highlighted line (the first: one on duty) puts it off duty
        first = app.screen.query_one("#engineers-list").current.cells[0]
        await keys(pilot, "home", "enter")
        assert duty(engine)[first] is False
        await keys(pilot, "ctrl+t")  # the same line, still highlighted: back on duty
        assert duty(engine)[first] is True
        await keys(pilot, "escape")
        assert type(app.screen).__name__ == "RepairsScreen"
    assert [e.detail["name"] for e in actions(engine, "engineer.add")][-1] == "张师傅"
    assert [e.detail["on_duty"] for e in actions(engine, "engineer.duty")] == [False, True]


async def test_an_operator_changes_duty_but_cannot_add(make_desk_app, engine, clock, staff):
    """The permissions table: engineers.duty is every role's, engineers.manage a supervisor's."""
    app = make_desk_app(area="repairs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+l")
        assert type(app.screen).__name__ == "EngineersDialog"
        await keys(pilot, "ctrl+n", "赵师傅", "ctrl+s")
        assert not app.screen.has_class("-adding")
        assert "赵师傅" not in duty(engine)
        await keys(pilot, "end", "enter")  # 老周, off duty, last: now on duty
        assert duty(engine)["老周"] is True
    with pytest.raises(PermissionDenied):
        run_write(
            engine,
            lambda s: engineers.add_engineer(
                session=s, actor=staff.operator, clock=clock, name="赵师傅"
            ),
        )
