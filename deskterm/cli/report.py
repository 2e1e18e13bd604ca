"""`deskterm report KIND`: the supervisor's reports as text, markdown, JSON or one HTML file."""

import sys
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer

from deskterm.cli.context import DbOption, UserOption
from deskterm.cli.numbers import ID, whole
from deskterm.i18n import _

DEFAULT_DAYS = 30  # sla, visitors, repairs, complaints without a period: the last 30 desk days


class ReportKind(StrEnum):
    shift = "shift"
    daily = "daily"
    sla = "sla"
    visitors = "visitors"
    repairs = "repairs"
    complaints = "complaints"


class ReportFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


def register(app: typer.Typer) -> None:
    @app.command(
        "report",
        help=_(
            "Reports for supervisors: shift (the end-of-shift report), daily, sla (deadline "
            "compliance), visitors, repairs (the repair records) or complaints. Without a period: "
            "shift is the latest shift, daily is today, the others cover the last 30 days. "
            "No report shows a phone number."
        ),
    )
    def report_cmd(
        kind: Annotated[ReportKind, typer.Argument(help=_("Which report."), show_default=False)],
        date: Annotated[
            str | None,
            typer.Option(
                "--date",
                help=_("One desk day, e.g. 2026-11-28 (shift: the last shift started that day)."),
                show_default=False,
            ),
        ] = None,
        shift: Annotated[
            int | None,
            typer.Option(
                "--shift",
                parser=whole(1, ID),
                help=_("The shift's number (shift report only)."),
                show_default=False,
            ),
        ] = None,
        since: Annotated[
            str | None,
            typer.Option(help=_("From this day or time, desk time."), show_default=False),
        ] = None,
        until: Annotated[
            str | None,
            typer.Option(help=_("Up to this day (included) or time."), show_default=False),
        ] = None,
        fmt: Annotated[
            ReportFormat, typer.Option("--format", "-f", help=_("Output format."))
        ] = ReportFormat.text,
        out: Annotated[
            str, typer.Option("--out", "-o", help=_("File to write, or - for standard output."))
        ] = "-",
        force: Annotated[
            bool, typer.Option("--force", help=_("Replace the --out file if it exists."))
        ] = False,
        db: DbOption = None,
        user: UserOption = None,
    ) -> None:
        run_report(
            kind=kind.value,
            date=date,
            shift=shift,
            since=since,
            until=until,
            fmt=fmt.value,
            out=out,
            db=db,
            user=user,
            force=force,
        )


def _usage(message: str, hint: str | None = None) -> typer.BadParameter:
    return typer.BadParameter(message, param_hint=hint)


def resolve_period(kind: str, *, date, shift, since, until, tz: str, now: datetime):
    """The Period a report covers, from the options; a bad combination is a usage error."""
    from deskterm.reports.period import Period, between, day_period, parse_day

    if shift is not None and kind != "shift":
        raise _usage(_("--shift is for the shift report only."), "--shift")
    if sum(x is not None for x in (date, shift)) + (since is not None or until is not None) > 1:
        raise _usage(_("Give one of --date, --shift, or --since/--until."))
    if kind == "shift" and (since or until):
        raise _usage(_("The shift report takes --shift or --date."))
    if shift is not None:
        return Period(datetime(2000, 1, 1, tzinfo=UTC), now, shift_id=shift)
    if date is not None:
        return day_period(parse_day(date, tz=tz, now=now), tz)
    if kind == "shift":
        return Period(datetime(2000, 1, 1, tzinfo=UTC), now)
    if kind == "daily" and since is None and until is None:
        from zoneinfo import ZoneInfo  # here: `deskterm --help` need not load it

        return day_period(now.astimezone(ZoneInfo(tz)).date(), tz)
    start, end = between(since, until, tz, now=now, default_days=DEFAULT_DAYS)
    return Period(start, end)


def run_report(*, kind, date, shift, since, until, fmt, out, db, user, force: bool = False) -> None:
    from deskterm.cli.context import act_as, open_desk
    from deskterm.cli.outfile import Output, check_target
    from deskterm.db import run_read
    from deskterm.errors import DeskError
    from deskterm.reports import builder
    from deskterm.reports.period import PeriodError
    from deskterm.reports.render import render

    target = None if out == "-" else check_target(out, force)  # never replaced without --force
    desk = open_desk(db)
    try:
        period = resolve_period(
            kind,
            date=date,
            shift=shift,
            since=since,
            until=until,
            tz=desk.settings.timezone,
            now=desk.clock.now(),
        )
    except PeriodError as exc:
        raise _usage(str(exc)) from None
    build = builder(kind)
    if build is None:
        raise DeskError(
            _("The {kind} report is not available in this release yet.").format(kind=kind)
        )
    act_as(desk, user, "report.run")
    report = run_read(
        desk.engine,
        lambda s: build(session=s, period=period, settings=desk.settings, clock=desk.clock),
    )
    if out == "-":
        render(report, fmt, sys.stdout)
        sys.stdout.flush()
        return
    with Output(out, target, encoding="utf-8", prefix=".deskterm-report-") as fh:
        render(report, fmt, fh, width=120)
    sys.stderr.write(_("Report written to {path}.").format(path=out) + "\n")
