"""A bracketed paste holding an ESC stays one paste (tui/paste.py): the terminal's bytes go
through PasteGuard and Textual's own xterm parser, as the app's driver runs them."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App

from deskterm.tui.internals import xterm_parser
from deskterm.tui.paste import PASTE_END, PASTE_START, PasteGuard, PasteSafeLinuxDriver, paste_safe
from tests.tui.conftest import SIZE, settle

PASTES = [
    "KKK\x1bq\x13",  # the tester's logbook paste
    "3点停水 \x1b[31mALERT\x1b[0m 请通知住户",  # the handover notice
    "\x1b",  # only an ESC
    "a\x1b\x1b[201",  # an almost end marker
    "x\x1b[200~y",  # a start marker inside a paste
    "\x1b]52;c;ZWNobyBoaQ==\x07 \x1bP1$r\x1b\\ \x9b2J",  # OSC 52, DCS, C1 CSI
]


def _events(stream: str, chunks: list[int] | None = None, *, guard: bool = True) -> list:
    parser = xterm_parser()[0](False)  # the parser the driver feeds (paste.py)
    pg = PasteGuard()
    out: list = []
    cuts = [0, *(chunks or []), len(stream)]
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = pg.feed(stream[a:b]) if guard else stream[a:b]
        if piece:  # as the driver: "" would end the parser's input
            out += list(parser.feed(piece))
    out += list(parser.feed(""))
    return [e for e in out if isinstance(e, events.Key | events.Paste)]


@pytest.mark.parametrize("text", PASTES)
def test_a_paste_is_one_paste_event_with_its_escs_shown(text):
    stream = "ab" + PASTE_START + text + PASTE_END + "c"
    expected = text.replace("\x1b", "\u241b")
    # every way the terminal's input can be cut into reads gives the same events
    for cut in range(len(stream) + 1):
        got = _events(stream, [cut])
        assert [type(e) for e in got] == [events.Key, events.Key, events.Paste, events.Key], cut
        assert got[2].text == expected.replace("\x00", "")
        assert [e.character for e in got if isinstance(e, events.Key)] == ["a", "b", "c"]


def test_without_the_guard_textual_reads_a_pasted_esc_as_key_presses():
    """What the guard is for (if a Textual release fixes this, paste.py can go: upstream.md)."""
    got = _events(PASTE_START + "KKK\x1bq\x13" + PASTE_END, guard=False)
    keys = [e.key for e in got if isinstance(e, events.Key)]
    assert "ctrl+s" in keys
    assert got[-1].text == "KKK"  # and the text before the ESC comes last


def test_the_escape_key_outside_a_paste_is_not_held():
    pg = PasteGuard()
    assert pg.feed("\x1b") == "\x1b"
    assert pg.feed("[") == "["
    assert not pg.in_paste


def test_the_app_runs_the_paste_safe_driver_in_a_terminal():
    from textual.drivers.headless_driver import HeadlessDriver
    from textual.drivers.linux_driver import LinuxDriver

    assert paste_safe(LinuxDriver) is PasteSafeLinuxDriver
    assert issubclass(PasteSafeLinuxDriver, LinuxDriver)
    assert paste_safe(HeadlessDriver) is HeadlessDriver


async def test_a_pasted_esc_and_ctrl_s_do_not_save_the_logbook_entry(make_desk_app, engine):
    """The tester's paste into a new logbook entry: it was saved at once, without "KKK"."""
    from sqlmodel import Session, select

    from deskterm.models.shift import LogbookEntry

    with Session(engine) as s:
        before = len(s.exec(select(LogbookEntry)).all())
    app = make_desk_app(area="logbook")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        dialog = type(app.screen).__name__
        await pilot.press("tab", "tab")  # to "What happened"
        for event in _events(PASTE_START + "KKK\x1bq\x13" + PASTE_END):
            app.post_message(event)  # as the driver hands them to the app
        await settle(pilot)
        assert type(app.screen).__name__ == dialog  # still open: nothing was saved
        assert app.screen.field("what").value == "KKK\u241bq\u2413"
    with Session(engine) as s:
        assert len(s.exec(select(LogbookEntry)).all()) == before


# -- what a field keeps of a paste (widgets/text.entered) ---------------------------------------
# Every one-line field kind joins the lines with a space (Textual's Input kept only the first
# line: "Zhang San" of the tester's paste); every multi-line field kind takes CR LF and CR as a
# line break (the message box stored a pasted Enter as ␍).
ONE_LINE = {
    "Zhang\tSan\nLi\u00a0Si": "Zhang San Li\u00a0Si",  # the tester's paste
    "张三\r\n李四\r王五\n": "张三 李四 王五 ",
    "a\u2028b\u2029c\x85d\x0be\x0cf": "a b c d e f",
    "x\x1b[31my\x07": "x\u241b[31my\u2407",  # controls shown, as typed ones
    "x" * 5000: "x" * 5000,  # a long paste is kept whole: the counter says it is too long
}
MULTI_LINE = {
    "第一行\t制表\r第二行": "第一行\t制表\n第二行",  # the tester's paste
    "a\r\nb\rc\nd": "a\nb\nc\nd",
    "a\u2028b\u2029c\x85d": "a\nb\nc\nd",
    "\r\r": "\n\n",
    "x\x1b[31my\x07": "x\u241b[31my\u2407",
}


def _desk_kinds(base: type) -> list[type]:
    import importlib
    import pkgutil

    import deskterm.tui

    for info in pkgutil.walk_packages(deskterm.tui.__path__, "deskterm.tui."):
        importlib.import_module(info.name)
    found, todo = [], [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("deskterm."):
                found.append(sub)
    return found


def _one_line_kinds() -> list[type]:
    from textual.widgets import Input

    return _desk_kinds(Input)


def _multi_line_kinds() -> list[type]:
    from textual.widgets import TextArea

    return _desk_kinds(TextArea)


class _Probe(App):
    def __init__(self, cls: type) -> None:
        super().__init__()
        self.cls = cls

    def compose(self):
        yield self.cls(id="probe")


def test_every_field_kind_is_looked_at():
    ones = {c.__name__ for c in _one_line_kinds()}
    multis = {c.__name__ for c in _multi_line_kinds()}
    assert {"PlainInput", "NextInput"} <= ones and "PlainTextArea" in multis, (ones, multis)


@pytest.mark.parametrize("cls", _one_line_kinds(), ids=lambda c: c.__name__)
async def test_a_one_line_field_joins_the_pasted_lines(cls):
    app = _Probe(cls)
    async with app.run_test(size=SIZE) as pilot:
        probe = app.query_one("#probe")
        probe.focus()
        for pasted, kept in ONE_LINE.items():
            await pilot.press(*"ab", "left")  # pasted at the cursor, nothing around it lost
            app.post_message(events.Paste(pasted))  # as the driver hands a paste over
            await pilot.pause()
            assert probe.value == "a" + kept + "b", (cls.__name__, pasted[:30])
            probe.value = ""


@pytest.mark.parametrize("cls", _multi_line_kinds(), ids=lambda c: c.__name__)
async def test_a_multi_line_field_takes_a_pasted_newline_as_a_line_break(cls):
    app = _Probe(cls)
    async with app.run_test(size=SIZE) as pilot:
        probe = app.query_one("#probe")
        probe.focus()
        for pasted, kept in MULTI_LINE.items():
            probe.text = ""
            app.post_message(events.Paste(pasted))
            await pilot.pause()
            assert probe.text == kept, (cls.__name__, pasted)
            assert probe.document.line_count == kept.count("\n") + 1


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_the_testers_paste_into_the_visitor_field_keeps_both_names(make_desk_app, lang):
    app = make_desk_app(area="visitors", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "visitor-name-input"
        for event in _events(PASTE_START + "Zhang\tSan\nLi\u00a0Si" + PASTE_END):
            app.post_message(event)
        await settle(pilot)
        assert app.screen.query_one("#visitor-name-input").value == "Zhang San Li\u00a0Si"


async def test_a_pasted_newline_in_a_message_is_stored_as_a_line_break(make_desk_app, engine):
    from sqlmodel import Session, select

    from deskterm.models.inquiry import Message

    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"王五", "enter", *"李先生", "enter", "enter")
        assert app.focused is not None and app.focused.id == "text-input"
        # a terminal sends the pasted Enter as CR
        for event in _events(PASTE_START + "第一行\t制表\r第二行" + PASTE_END):
            app.post_message(event)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    with Session(engine) as s:
        [message] = s.exec(select(Message)).all()
    assert message.text == "第一行\t制表\n第二行"


async def test_a_paste_no_field_takes_is_said_on_every_area_screen(make_desk_app):
    """With the focus off the fields (on a list), a paste lands in the screen's search box
    (the inquiries' results: a new search) or is said with a sentence, never dropped."""
    from textual.widgets import Input, TextArea

    from deskterm.tui.areas import AREAS
    from tests.tui.notices import shown_notices

    app = make_desk_app(role="supervisor")
    looked = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for area in AREAS:
            await pilot.press(area.key.split(",")[0])
            await settle(pilot)
            screen = app.screen
            if getattr(screen, "AREA", None) != area.id:
                continue
            app.clear_notifications()
            await pilot.pause()
            if isinstance(app.focused, Input | TextArea):
                await pilot.press("shift+tab")  # off the field (the handover's notices)
            if area.id == "inquiries":
                await pilot.press("down")  # from the search box to the results
            assert not isinstance(app.focused, Input | TextArea), area.id
            looked.append(area.id)
            for event in _events(PASTE_START + "王五\n12-1203" + PASTE_END):
                app.post_message(event)
            await settle(pilot)
            held = [i.value for i in screen.query(Input)] + [t.text for t in screen.query(TextArea)]
            said = " ".join(shown_notices(app))
            assert any("王五" in h for h in held) or "Nothing was pasted" in said, (area.id, held)
            if area.id == "inquiries":  # the results' place for it: the search
                assert screen.query_one("#inquiry-search", Input).value == "王五 12-1203"
            for field in screen.query(Input):
                field.value = ""
            for box in screen.query(TextArea):
                box.text = ""
    assert {"dashboard", "visitors", "inquiries", "repairs", "handover"} <= set(looked), looked
