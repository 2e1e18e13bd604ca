"""D-32: the notice of where and when repairs are reported, shown to the caller's question and
printed for the notice board (Ctrl+S); built from the settings and the directory."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from deskterm.i18n import N_, _
from deskterm.services import printing
from deskterm.services.inquiries import notice
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import clean

register(
    DeskAction(
        "notice.print",
        "ctrl+s",
        "print",
        N_("Print"),
        N_("Send the notice to the printer."),
        priority=True,
    )
)


class RepairNoticeDialog(DeskDialog[None]):
    BINDINGS = bindings("notice.print", "dialog.cancel")
    HELP_TEXT = N_(
        "Where and when repairs are reported, from the settings and the "
        "directory. Ctrl+S prints it; Esc closes."
    )

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("Repair notice")
            yield Static(Text(_("Loading…")), id="notice-text")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        settings = self.app.settings
        self.run_db(
            lambda s: notice.repair_notice(s, settings),
            write=False,
            on_done=self._show,
            group="notice",
        )

    def _show(self, lines: list[str]) -> None:
        self.lines = lines
        text = Text(end="")
        text.append(clean(lines[0], one_line=True), style="bold")
        for line in lines[1:]:
            text.append("\n" + clean(line, one_line=True))
        self.query_one("#notice-text", Static).update(text)

    def action_print(self) -> None:
        lines = getattr(self, "lines", None)
        if not lines:
            return
        settings = self.app.settings
        self.run_db(
            lambda _s: printing.send(notice.notice_text(lines), settings),
            write=False,
            on_done=lambda _r: self.app.notify(
                _("The notice was sent to the printer."), markup=False
            ),
            group="notice-print",
            exclusive=True,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
