"""Issue 9, promise 11: hostile text typed or imported by users is rendered literally.

Strings with Rich markup (`[b]M1[/b]`, `[@click=app.quit]Q1[/]`), terminal escapes
(`\\x1b[2J\\x1b[H`), a bell, a carriage return and a bidirectional override are seeded
through the services into every record family, then a headless desk app (80×24) visits
every area, each of its lists and the record opened from it. After every key:

- the text on screen shows the markup as characters (every `M1` follows `[b]`, every `Q1`
  follows the `]` of `[@click=…]`) and each control character as its visible picture (␛ ␇ ␍);
- the bytes a terminal would receive hold no escape sequence but Textual's own styling and
  cursor moves, no bell, no carriage return, no override (what the driver writes is rendered
  here from the screen's compositor, as `App.export_screenshot` does);
- no segment carries a `@click` action from the data, the app is still running (nothing quit).
"""

from __future__ import annotations

import asyncio
import io
import re
from datetime import timedelta

import pytest
from rich.console import Console

from deskterm.models.estate import ResidentCreate
from deskterm.services.estate import residents
from deskterm.services.inquiries import directory
from deskterm.tui.internals import screens_beneath, terminal_update
from tests.cli import conftest as cli_fixtures
from tests.reliability.world import World
from tests.tui import conftest as tui_fixtures
from tests.tui.conftest import SIZE, screen_text, settle

make_desk_app = tui_fixtures.make_desk_app
cli = cli_fixtures.cli

MARKUP = "[b]M1[/b]"
CLICK = "[@click=app.quit]Q1[/]"
CONTROLS = "E1\x1b[2J B1\x07 C1\r D1\u202e"
# Since issue 15 every write refuses control characters (models/guard.py): the services get
# a printable stand-in, replaced by the controls behind the app (`behind_the_app`), as rows
# written before that release or edited by hand could hold them.
TOKEN = "Z9CONTROLS"
HOSTILE = f"{MARKUP} {CLICK} {TOKEN}"
PRINTABLE = f"{MARKUP} {CLICK}"
PICTURES = {"E1": "\u241b", "B1": "\u2407", "C1": "\u240d", "D1": "\u27e8"}

# What may reach the terminal: Textual's colours (SGR) and cursor moves, and its modes.
_ALLOWED_CSI = re.compile(r"\x1b\[(?:[0-9;]*m|[0-9]+;[0-9]+H|\?[0-9;]*[hl])")


def seed(engine, clock, settings, staff) -> World:
    """Every family a user can type into, through the services, with the hostile strings."""
    w = World(engine, clock, settings, staff.operator, staff.supervisor, staff.admin)
    w.build_estate()
    unit = w.units["12-1203"]
    w.write(
        lambda s: residents.create_resident(
            session=s,
            actor=w.admin,
            clock=clock,
            resident_in=ResidentCreate(
                name=f"张{HOSTILE}", unit_id=unit, phone="13911112222", note=HOSTILE
            ),
        )
    )
    w.write(
        lambda s: directory.import_directory_rows(
            session=s,
            actor=w.admin,
            clock=clock,
            tz=settings.timezone,
            rows=[
                {
                    "kind": "shop",
                    "name": f"店{HOSTILE}",
                    "location": HOSTILE,
                    "notes": HOSTILE,
                    "hours": HOSTILE,
                    "phone": "0571-1234",
                },
                {
                    "kind": "event",
                    "name": f"会{HOSTILE}",
                    "location": HOSTILE,
                    "notes": HOSTILE,
                    "starts_at": "2026-11-30 19:00",
                },
            ],
        )
    )
    w.slip(visitor_name=PRINTABLE, host_text=PRINTABLE, purpose="other", purpose_text=PRINTABLE)
    w.expected(visitor_name=PRINTABLE, host_text=PRINTABLE, note=PRINTABLE)
    w.deny_entry(name=f"拒{PRINTABLE}", reason=PRINTABLE)
    w.log(what=HOSTILE, location=HOSTILE, action_taken=HOSTILE, notified=HOSTILE)
    inquiry = w.inquiry(topic=HOSTILE, inquirer=HOSTILE, target_text=HOSTILE)
    w.message(
        for_name=HOSTILE,
        from_name=HOSTILE,
        from_contact=HOSTILE,
        text=HOSTILE,
        inquiry_id=inquiry.id,
    )
    w.promise(question=HOSTILE, asked_by=HOSTILE, contact=HOSTILE)
    w.repair(reporter_name=HOSTILE, description=HOSTILE)
    repaired = w.repaired(reporter_name=HOSTILE, description=HOSTILE, category_code="door_window")
    from deskterm.services.repairs import fees

    w.write(
        lambda s: fees.add_offschedule_line(
            session=s,
            actor=w.admin,
            clock=clock,
            order_id=w.repair(description=HOSTILE).id,
            version=None,
            description=f"件{PRINTABLE}",
            labour_fen=100,
        )
    )
    assert repaired.status == "repaired"
    w.repair(
        scope="public",
        unit_id=None,
        location=HOSTILE,
        category_code="public_danger",
        reporter_name=HOSTILE,
        description=HOSTILE,
    )
    w.complaint(who_name=HOSTILE, content=HOSTILE, department=HOSTILE, steps=("listened",))
    w.complaint(who_name=HOSTILE, content=HOSTILE, close_answer=HOSTILE, severity="severe")
    w.complaint(who_name=HOSTILE, content=HOSTILE, refer_to=HOSTILE[:60])
    w.communication(
        party_name=HOSTILE,
        subject=HOSTILE,
        agreed=HOSTILE,
        follow_up=HOSTILE,
        follow_up_due=clock.now() - timedelta(hours=1),
    )
    behind_the_app(engine)
    return w


def behind_the_app(engine) -> None:
    """Put the control characters where the stand-in was, in every free-text column."""
    from sqlalchemy import text

    import deskterm.models as models
    from deskterm.models.guard import text_limits
    from tests.tamper import drop_guards

    tables = {getattr(models, n) for n in models.__all__}
    with engine.begin() as conn:
        drop_guards(conn)
        for model in (m for m in tables if hasattr(m, "__table__")):
            for key, _length, kind in text_limits(model):
                if kind.name != "code":
                    conn.execute(
                        text(
                            f'UPDATE "{model.__tablename__}" SET "{key}" = '
                            f'replace("{key}", :token, :controls) '
                            f'WHERE "{key}" LIKE :pattern'
                        ),
                        {"token": TOKEN, "controls": CONTROLS, "pattern": f"%{TOKEN}%"},
                    )


# -- what reaches the terminal ------------------------------------------------------------------
def _update(app):
    return terminal_update(app)


def terminal_bytes(app) -> str:
    """What the driver would write to the terminal for the screen in view (App._display)."""
    console = Console(
        width=SIZE[0],
        height=SIZE[1],
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    return _update(app).render_segments(console)


def clickable_payloads(app) -> list[str]:
    """`@click` actions on screen that would quit: only the data could have put one there."""
    found = []
    for line in _update(app).strips:
        for strip in line:
            for segment in strip:
                meta = segment.style.meta if segment.style else {}
                if "@click" in meta and "quit" in str(meta["@click"]):
                    found.append(str(meta["@click"]))
    return found


def widget_texts(app):
    """The text of every visible widget of every screen shown, rendered unoccluded."""
    from textual.geometry import Region

    for screen in [*screens_beneath(app), app.screen]:
        for widget in screen.walk_children(with_self=False):
            if not widget.display or not widget.is_on_screen or widget.size.area == 0:
                continue
            if widget.children:  # containers: their children are visited
                continue
            strips = widget.render_lines(
                Region(0, 0, widget.outer_size.width, widget.outer_size.height)
            )
            yield "\n".join(strip.text for strip in strips)


def _before(text: str, index: int, n: int) -> str:
    """The n characters before `index`, ignoring the line breaks of a wrapped cell."""
    return text[:index].replace("\n", "").rstrip()[-n:] if n else ""


class Looked:
    """Everything the tour saw, per area (to prove the hostile text was on screen)."""

    def __init__(self) -> None:
        self.text: dict[str, list[str]] = {}
        self.screens = 0


def check(app, where: str, looked: Looked) -> None:
    stream = terminal_bytes(app)
    without_csi = _ALLOWED_CSI.sub("", stream)
    bad = [
        f"{ch!r}"
        for ch in set(without_csi)
        if (ord(ch) < 0x20 and ch != "\n") or ch in "\x7f\u202e\u202d\u2066\u2067\u2068"
    ]
    if bad:
        at = min(i for i, ch in enumerate(without_csi) if repr(ch) in bad)
        context = without_csi[max(0, at - 60) : at + 20]
        pytest.fail(
            f"{where} ({type(app.screen).__name__}): raw control characters reach the "
            f"terminal: {bad} in {context!r}"
        )
    assert "\x1b[2J" not in stream and "\x07" not in stream and "\r" not in stream, where
    assert clickable_payloads(app) == [], f"{where}: a @click from the data is live"
    plain = screen_text(app)
    for text in widget_texts(app):  # each widget apart: a dialog may cover part of a list
        for match in re.finditer("M1", text):
            assert _before(text, match.start(), 3) == "[b]", (where, text)
        for match in re.finditer("Q1", text):
            assert _before(text, match.start(), 17) == "[@click=app.quit]", (where, text)
        for token, picture in PICTURES.items():
            for match in re.finditer(token, text):
                after = text[match.end() : match.end() + 1]
                assert after in (picture, "…", "", " ", "\n"), (where, token, after, text)
    looked.text.setdefault(where.split(":")[0], []).append(plain)
    looked.screens += 1
    assert app.is_running and app.return_code is None, f"{where}: the app stopped"


async def tour(app, pilot, area: str, key: str, views: int, looked: Looked) -> None:
    """Open the area, each of its lists, and the record opened from each (then back out)."""
    await pilot.press(key)
    await settle(pilot)
    base = app.screen
    check(app, f"{area}:list", looked)
    for view in range(views):
        for move in ("down", "enter"):
            await pilot.press(move)
            await settle(pilot)
            check(app, f"{area}:view{view}:{move}", looked)
            if app.current_mode != area:  # the dashboard opened a record in its own area
                await pilot.press(key)
                await settle(pilot)
            for depth in range(3):  # the opened record, and what it opens
                if app.screen is base:
                    break
                check(app, f"{area}:view{view}:opened{depth}", looked)
                await pilot.press("escape")
                await settle(pilot)
        if app.screen is not base:
            pytest.fail(f"{area}: could not get back to the list")
        await pilot.press("ctrl+t")
        await settle(pilot)
        check(app, f"{area}:view{view + 1}", looked)


def run(coro):
    asyncio.run(coro)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_hostile_text_is_shown_literally_everywhere(
    make_desk_app, engine, clock, settings, staff, lang
):
    seed(engine, clock, settings, staff)
    looked = Looked()

    async def visit(role: str) -> None:
        app = make_desk_app(role=role, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            check(app, "dashboard:first", looked)
            await tour(app, pilot, "dashboard", "f2", 1, looked)
            await tour(app, pilot, "visitors", "f3", 4, looked)
            await tour(app, pilot, "repairs", "f5", 4, looked)
            await tour(app, pilot, "complaints", "f6", 3, looked)
            await tour(app, pilot, "logbook", "f7", 1, looked)
            await tour(app, pilot, "handover", "f8", 1, looked)
            await pilot.press("f4")  # inquiries: find a resident and a shop, then the lists
            await settle(pilot)
            for text in ("张", "店", "会"):
                await pilot.press(*text)
                await settle(pilot)
                check(app, f"inquiries:find {text}", looked)
                await pilot.press("down", "enter")
                await settle(pilot)
                check(app, f"inquiries:opened {text}", looked)
                while app.screen is not app.screen_stack[0]:
                    await pilot.press("escape")
                    await settle(pilot)
                await pilot.press("end", "backspace", "backspace")  # clear the search box
                await settle(pilot)
            await tour(app, pilot, "inquiries", "f4", 4, looked)
            await pilot.press("f8", "ctrl+l")  # past handovers
            await settle(pilot)
            check(app, "handover:history", looked)
            assert app.is_running

    run(visit("supervisor"))
    seen = {area: "\n".join(texts) for area, texts in looked.text.items()}
    for area in (
        "dashboard",
        "visitors",
        "repairs",
        "complaints",
        "logbook",
        "inquiries",
        "handover",
    ):
        assert "[b]M1" in seen.get(area, ""), f"{area}: the hostile text never showed"
    assert any("E1\u241b" in text for text in seen.values()), "no ESC picture was ever shown"
    assert looked.screens >= 40
    print(f"hostile text: {looked.screens} screens checked ({lang})")


def test_widgets_make_every_control_character_visible():
    """The one helper every screen uses for typed text (deskterm.tui.widgets.text)."""
    from deskterm.tui.widgets.text import clean, plain

    for code in [*range(0, 9), *range(11, 32), 0x7F, *range(0x80, 0xA0), 0x202E, 0x2066]:
        shown = clean(f"a{chr(code)}b")
        assert chr(code) not in shown and shown[0] == "a" and shown[-1] == "b"
        assert len(shown) == 3 or shown[1] == "\u27e8"  # ␛, or ⟨RLO⟩ / ⟨U+0085⟩
    assert plain(MARKUP).plain == MARKUP and plain(MARKUP).spans == []


@pytest.mark.slow
def test_reports_printed_to_a_terminal_send_no_control_sequence(cli, tmp_path, sqlite_template):
    """`deskterm report` writes typed text to the supervisor's terminal: literally too."""
    import shutil

    from deskterm.clock import FixedClock
    from deskterm.config import Settings
    from deskterm.db import make_engine
    from tests.conftest import FIXED_NOW
    from tests.factories import PASSWORD

    path = tmp_path / "desk.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(str(path))
    w = World.build(engine, FixedClock(FIXED_NOW), Settings())
    w.log(what=HOSTILE, location=HOSTILE)
    w.complaint(who_name=HOSTILE, content=HOSTILE)
    w.repair(reporter_name=HOSTILE, description=HOSTILE)
    w.repaired(reporter_name=HOSTILE, description=HOSTILE, category_code="door_window")
    w.message(for_name=HOSTILE, text=HOSTILE)
    w.slip(visitor_name=PRINTABLE, host_text=PRINTABLE)
    behind_the_app(engine)
    engine.dispose()
    printed = 0
    for kind in ("shift", "daily", "sla", "visitors", "repairs", "complaints"):
        for fmt in ("text", "markdown", "html", "json"):
            args = ["report", kind, "--format", fmt, "--db", str(path), "--user", "sup1"]
            if kind not in ("shift", "daily"):
                args += ["--since", "2026-11-01"]
            result = cli(*args, env={"DESKTERM_PASSWORD": PASSWORD})
            assert result.exit_code == 0, (kind, fmt, result.stderr)
            out = result.output
            # JSON is data: it escapes C0 controls and keeps other characters as they are
            for ch in ("\x1b", "\x07", "\r") + (() if fmt == "json" else ("\u202e",)):
                assert ch not in out, (kind, fmt, repr(ch))
            printed += out.count("M1")
    assert printed > 0, "the hostile text was in the reports"
