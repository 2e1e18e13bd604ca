"""A handover sheet to read, save (text and HTML) or print; and the list of past handovers."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from deskterm.i18n import N_, _
from deskterm.paths import data_dir
from deskterm.services import printing
from deskterm.services.shift import handover as handover_service
from deskterm.tui import fmt
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskScreen
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.record_list import Column, RecordList, Row
from deskterm.tui.widgets.text import plain

register(
    DeskAction(
        "sheet.save",
        "ctrl+s",
        "save",
        N_("Save text+HTML"),
        N_("Save the sheet as a text file and an HTML page in the data folder."),
        priority=True,
    ),
    DeskAction(
        "sheet.print",
        "ctrl+t",
        "print",
        N_("Print"),
        N_("Send the sheet to the printer (print_command in the settings)."),
        priority=True,
    ),
    DeskAction("sheet.close", "escape", "close", N_("Close"), N_("Close the sheet.")),
    DeskAction(
        "sheet.done",
        "escape,enter",
        "close",
        N_("Done (sign out)"),
        N_("Your shift is over: sign out so the next operator can sign in."),
    ),
    DeskAction("history.open", "enter", "open", N_("Open"), N_("Open the highlighted sheet.")),
    DeskAction("history.close", "escape", "close", N_("Close"), N_("Back to the handover.")),
)


def sheet_text(sheet: handover_service.HandoverSheet, settings) -> Text:
    text = Text(end="")
    for i, (heading, lines) in enumerate(handover_service.sheet_sections(sheet, settings)):
        if i:
            text.append("\n")
        text.append(heading + "\n", style="bold")
        for line in lines:
            text.append("  ")
            text.append_text(plain(line))
            text.append("\n")
    return text


class HandoverSheetScreen(DeskScreen):
    BINDINGS = bindings("sheet.save", "sheet.print", "sheet.close")
    HELP_TEXT = N_(
        "The signed handover as it was recorded, with the audit chain's head hash "
        "at signing. Ctrl+S saves it as text and HTML; Ctrl+T prints it."
    )
    finished_shift = False

    def __init__(self, sheet: handover_service.HandoverSheet) -> None:
        super().__init__()
        self.sheet = sheet

    def compose(self) -> ComposeResult:
        with Vertical(id="sheet-body"):
            title = (
                _("Handover signed: your shift has ended.")
                if self.finished_shift
                else _("Handover sheet")
            )
            yield Static(plain(title), classes="section-title")
            yield VerticalScroll(
                Static(sheet_text(self.sheet, self.app.settings), id="sheet-content"), id="sheet"
            )
        yield DeskFooter()

    def title_text(self) -> str:
        return _("Handover sheet")

    def on_mount(self) -> None:
        self.query_one("#sheet", VerticalScroll).focus()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "print":
            return bool(self.app.settings.print_command)
        return True

    def action_save(self) -> None:
        sheet = self.sheet
        settings = self.app.settings

        def done(paths) -> None:
            text_path, html_path = paths
            self.notify(
                _("Saved: {text} and {html}").format(text=text_path, html=html_path),
                markup=False,
                timeout=8,
            )

        folder = handover_service.sheet_folder(data_dir() / "handovers", self.app.engine.url)
        self.run_db(
            lambda _engine: handover_service.save_sheet(sheet, settings, folder),
            write=None,
            on_done=done,
            group="sheet-save",
        )

    def action_print(self) -> None:
        text = handover_service.render_text(self.sheet, self.app.settings)
        settings = self.app.settings
        self.run_db(
            lambda _engine: printing.send(text, settings),
            write=None,
            on_done=lambda _r: self.notify(_("Sent to the printer.")),
            group="sheet-print",
        )

    async def action_close(self) -> None:
        self.dismiss()


class SignedSheetScreen(HandoverSheetScreen):
    """The sheet just signed: the shift is over, closing it signs out."""

    BINDINGS = bindings("sheet.done")
    finished_shift = True

    async def action_close(self) -> None:
        await self.app.action_sign_out()


class HandoverHistoryScreen(DeskScreen):
    BINDINGS = bindings("history.open", "history.close")
    HELP_TEXT = N_("The handovers of this post, newest first. Enter opens one.")

    def title_text(self) -> str:
        return _("Past handovers")

    def compose(self) -> ComposeResult:
        with Vertical(id="sheet-body"):
            yield Static(
                Text(_("Past handovers of {post}").format(post=self.app.settings.post)),
                classes="section-title",
            )
            yield RecordList(
                [
                    Column(_("Signed"), 11),
                    Column(_("Handed over by"), 0),
                    Column(_("Status"), 0),
                    Column(_("Open"), 5, "right"),
                ],
                empty_text=_("No handovers yet."),
                id="history",
            )
        yield DeskFooter()

    def on_mount(self) -> None:
        post = self.app.settings.post
        tz = self.app.settings.timezone

        def source(session, offset, limit):
            sheets = handover_service.list_handovers(session, post=post, offset=offset, limit=limit)
            rows = [
                Row(
                    s.handover.id,
                    [
                        fmt.day_hm(s.handover.signed_at, tz),
                        s.outgoing,
                        handover_service.status_label(s.handover.status),
                        str(len(s.handover.open_items)),
                    ],
                    style="overdue" if s.handover.status == "refused" else "",
                    data=s,
                )
                for s in sheets
            ]
            return rows, handover_service.count_handovers(session, post=post)

        history = self.query_one("#history", RecordList)
        history.set_source(source)
        history.focus()

    @on(RecordList.Selected, "#history")
    def opened(self, event: RecordList.Selected) -> None:
        self.app.push_screen(HandoverSheetScreen(event.row.data))

    def action_open(self) -> None:
        self.query_one("#history", RecordList).action_select()

    def action_close(self) -> None:
        self.dismiss()
