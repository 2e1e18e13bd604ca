"""The shift report on screen (supervisors): what `deskterm report shift` prints, in a
scrollable dialog, so that a supervisor in a browser (`deskterm serve`) reads it there."""

from __future__ import annotations

import io

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from deskterm.i18n import N_, _
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.footer import DeskFooter

register(DeskAction("report.close", "escape", "close", N_("Close"), N_("Close the report.")))


def shift_report_text(*, session, settings, clock, width: int = 74) -> str:
    """The report of the latest operator's shift at this desk's post, as text (the report
    command's own builder and renderer); never the reader's own shift (issue 18 D)."""
    from datetime import UTC, datetime

    from deskterm.errors import NotFound
    from deskterm.reports import builder
    from deskterm.reports.period import Period
    from deskterm.reports.render import render
    from deskterm.reports.shift import latest_operator_shift

    shift_id = latest_operator_shift(session, settings.post)
    if shift_id is None:
        raise NotFound(
            _("No operator has started a shift at {post} yet.").format(post=settings.post)
        )
    report = builder("shift")(
        session=session,
        period=Period(datetime(2000, 1, 1, tzinfo=UTC), clock.now(), shift_id=shift_id),
        settings=settings,
        clock=clock,
    )
    out = io.StringIO()
    render(report, "text", out, width=width)
    return out.getvalue()


class ReportDialog(DeskDialog[None]):
    BINDINGS = bindings("report.close")

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(_("Shift report")), id="report-title")
            yield Static(Text(_("Reading the report…")), id="report-body")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        app = self.app
        self.run_db(
            lambda s: shift_report_text(session=s, settings=app.settings, clock=app.clock),
            write=False,
            on_done=self._shown,
            on_error=self._failed,
            group="report",
        )

    def _shown(self, text: str) -> None:
        self.query_one("#report-body", Static).update(Text(text))
        self.query_one(VerticalScroll).focus()

    def _failed(self, exc: BaseException) -> None:
        from deskterm.tui.worker import describe_error

        self.query_one("#report-body", Static).update(Text(describe_error(exc)))

    def action_close(self) -> None:
        self.dismiss(None)
