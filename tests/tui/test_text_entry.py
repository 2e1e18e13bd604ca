"""Issue 15 in the forms: what is typed is kept (joiners, emoji, pictures for controls), a
limit is shown by a counter and never enforced by cutting, and a detail pane that cannot
show all of a text says so (F12 reads all of it)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult

from deskterm.tui.widgets.detail import DetailPane
from deskterm.tui.widgets.field import FormField, PlainTextArea

FAMILY = "👨\u200d👩\u200d👧\u200d👦"


class Form(App):
    def compose(self) -> ComposeResult:
        yield FormField("Name", name="name", max_length=10)
        yield FormField("Text", name="text", max_length=20, control=PlainTextArea(id="text-input"))
        yield DetailPane(id="pane")


async def _type(pilot, text: str) -> None:
    for ch in text:  # one key event a character, as a terminal without bracketed paste sends
        pilot.app.post_message(events.Key(ch if ch.isprintable() else f"u{ord(ch):x}", ch))
        await pilot.pause()


async def test_joiners_typed_key_by_key_are_kept_in_inputs_and_text_areas():
    app = Form()
    async with app.run_test(size=(80, 24)) as pilot:
        for selector in ("#name-input", "#text-input"):
            app.query_one(selector).focus()
            await pilot.pause()
            await _type(pilot, FAMILY)
        assert app.query_one("#field-name", FormField).value == FAMILY
        assert app.query_one("#field-text", FormField).value == FAMILY


async def test_controls_become_pictures_and_bidi_controls_are_named():
    app = Form()
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one("#text-input").focus()
        await pilot.pause()
        app.post_message(events.Paste("a\x1b[2Jb\u202ec\nd"))
        await pilot.pause()
        assert app.query_one("#field-text", FormField).value == "a\u241b[2Jb\u27e8RLO\u27e9c\nd"


async def test_nothing_is_cut_at_the_limit_and_the_counter_says_so():
    app = Form()
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one("#name-input").focus()
        await pilot.pause()
        app.post_message(events.Paste("一二三四五六七八九十十一十二"))
        await pilot.pause()
        field = app.query_one("#field-name", FormField)
        assert field.value == "一二三四五六七八九十十一十二"  # 14 characters: all kept
        counter = str(field.query_one(".field-count").render())
        assert "14 / 10" in counter and "4 too many" in counter
        assert field.has_class("-over") and field.query_one(".field-count").display


async def test_a_detail_pane_says_when_there_is_more():
    app = Form()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(DetailPane)
        pane.styles.height = 3
        await pilot.pause()
        pane.show(Text("第一行\n" + "长" * 2000))
        await pilot.pause()
        assert pane.cut
        shown = str(pane.render())
        assert "F12" in shown and "more lines" in shown
        pane.show(Text("短"))
        await pilot.pause()
        assert not pane.cut and "F12" not in str(pane.render())


async def test_f12_reads_all_of_a_long_message(make_desk_app, engine, clock, staff):
    """A 2,000-character message: the inquiries detail pane says there is more, and F12
    opens all of it in a reader that scrolls (issue 15)."""
    from deskterm.db import run_write
    from deskterm.models.inquiry import MessageCreate
    from deskterm.services.inquiries import messages
    from deskterm.tui.dialogs.text_view import TextViewDialog
    from tests.tui.conftest import SIZE, settle

    long_text = "开头" + "长" * 1996 + "结尾"
    run_write(
        engine,
        lambda s: messages.take_message(
            session=s,
            actor=staff.operator,
            clock=clock,
            message_in=MessageCreate(for_name="王芳", from_name="快递", text=long_text),
        ),
    )
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")  # the messages list
        await settle(pilot)
        pane = app.screen.query_one(DetailPane)
        assert pane.cut and "F12" in str(pane.render())
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, TextViewDialog)
        assert "结尾" in str(app.screen.query_one("#text-view Static").render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TextViewDialog)


async def test_f12_reads_all_of_a_long_message_inside_the_deliver_dialog(
    make_desk_app, engine, clock, staff
):
    """Issue 15 (text2, item 8): F12 did nothing inside the deliver dialog."""
    from deskterm.db import run_write
    from deskterm.models.inquiry import MessageCreate
    from deskterm.services.inquiries import messages
    from deskterm.tui.dialogs.message_deliver import DeliverMessageDialog
    from deskterm.tui.dialogs.text_view import TextViewDialog
    from tests.tui.conftest import SIZE, settle

    long_text = "开头" + "长" * 1996 + "结尾"
    run_write(
        engine,
        lambda s: messages.take_message(
            session=s,
            actor=staff.operator,
            clock=clock,
            message_in=MessageCreate(for_name="王芳", from_name="快递", text=long_text),
        ),
    )
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")  # the messages list
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeliverMessageDialog)
        pane = app.screen.query_one(DetailPane)
        assert pane.cut and "F12" in str(pane.render())
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, TextViewDialog)
        assert "结尾" in str(app.screen.query_one("#text-view Static").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeliverMessageDialog)
