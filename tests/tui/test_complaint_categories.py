"""The complaint categories an admin keeps (forms.md §5), with keys only: rename a built-in
one, add one, withdraw one; bad input is refused in one sentence and nothing typed is lost."""

from __future__ import annotations

from sqlmodel import select

from deskterm.db import run_read
from deskterm.i18n import set_language
from deskterm.models.audit import AuditEvent
from deskterm.services.complaints import categories as complaint_categories
from tests.tui.conftest import SIZE, settle


async def keys(pilot, *items: str) -> None:
    for item in items:
        await pilot.press(*item) if len(item) > 1 and not item.isascii() else await pilot.press(
            item
        )
    await settle(pilot)


def labels(engine, lang: str) -> dict[str, str]:
    set_language(lang)
    try:
        return {c.code: c.label for c in run_read(engine, complaint_categories.list_categories)}
    finally:
        set_language("en")


async def test_an_admin_renames_adds_and_withdraws_categories(make_desk_app, engine):
    app = make_desk_app(area="complaints", role="admin")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+o")
        assert type(app.screen).__name__ == "ComplaintCategoriesDialog"
        # rename the second built-in one (cleaning) in Chinese: Down, Enter, the name, Ctrl+S
        await keys(pilot, "down", "enter", "ctrl+u", "环境卫生与保洁", "ctrl+s")
        assert labels(engine, "zh_CN")["cleaning"] == "环境卫生与保洁"
        assert labels(engine, "en")["cleaning"] == "Cleaning"
        # a new one; a code with a space is refused, the form keeps every field
        await keys(
            pilot,
            "ctrl+n",
            *"pet noise",
            "enter",
            "ctrl+u",
            *"15",
            "enter",
            "宠物扰民",
            "tab",
            *"Pets",
            "ctrl+s",
        )
        assert "pet noise" not in labels(engine, "en")
        error = str(app.screen.query_one("#form-error").render())
        assert "1 to 32 letters" in error
        assert app.screen.query_one("#name-zh-input").value == "宠物扰民"
        assert app.screen.query_one("#name-en-input").value == "Pets"
        app.screen.query_one("#code-input").value = ""
        app.screen.query_one("#code-input").focus()
        await keys(pilot, *"pets", "ctrl+s")
        assert labels(engine, "zh_CN")["pets"] == "宠物扰民"
        assert list(labels(engine, "en")).index("pets") == 2  # order 15: after cleaning (10)
        # withdraw "parking": it leaves the list new complaints choose from
        rows = app.screen.rows
        await keys(pilot, "home", *["down"] * list(rows).index("parking"), "enter")
        await keys(pilot, "tab", "tab", "space", "ctrl+s")  # English, then the tick box
        assert "parking" not in labels(engine, "en")
        events = run_read(
            engine,
            lambda s: s.exec(
                select(AuditEvent.entity_id).where(AuditEvent.action == "complaint_category.save")
            ).all(),
        )
        assert sorted(events) == ["cleaning", "parking", "pets"]
        await keys(pilot, "escape")
        assert type(app.screen).__name__ == "ComplaintsScreen"


async def test_only_an_admin_has_the_key(make_desk_app):
    app = make_desk_app(area="complaints", role="supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+o")
        assert type(app.screen).__name__ == "ComplaintsScreen"
