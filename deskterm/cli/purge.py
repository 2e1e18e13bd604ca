"""`deskterm purge visitors --older-than DAYS`: the retention of visitor slips (admin, audited).

It says what will go and asks first (or --yes), shows progress, reports the counts, and
leaves no purged personal data readable in the database file (services.visitor_purge).
"""

from typing import Annotated

import typer

from deskterm.cli.context import DbOption, UserOption
from deskterm.cli.numbers import DAYS, whole
from deskterm.cli.progress import terminal_progress
from deskterm.i18n import _


def register(app: typer.Typer) -> None:
    purge_app = typer.Typer(
        help=_("Remove records older than their retention period (admin)."), no_args_is_help=True
    )
    app.add_typer(purge_app, name="purge")

    @purge_app.command(
        "visitors",
        help=_(
            "Remove visitor slips checked in more than DAYS days ago (default: the retention "
            "setting, 180 days), then compact the database so that nothing of them stays readable."
        ),
    )
    def purge_visitors_cmd(
        older_than: Annotated[
            int | None,
            typer.Option(
                "--older-than",
                parser=whole(1, DAYS),
                metavar="DAYS",
                help=_("Remove slips older than this many days."),
                show_default=False,
            ),
        ] = None,
        yes: Annotated[bool, typer.Option("--yes", help=_("Do not ask for confirmation."))] = False,
        db: DbOption = None,
        user: UserOption = None,
    ) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_read
        from deskterm.services.visitors import purge as visitor_purge
        from deskterm.services.visitors.checks import local_time

        desk = open_desk(db)
        actor = act_as(desk, user, "purge.run")
        days = older_than or desk.settings.visitor_retention_days
        counts = run_read(
            desk.engine,
            lambda s: visitor_purge.count_purgeable(
                session=s, clock=desk.clock, settings=desk.settings, older_than_days=days
            ),
        )
        before = local_time(counts.cutoff, desk.settings, "%Y-%m-%d %H:%M")
        if not counts.slips and not counts.expected:
            typer.echo(
                _("No visitor slip was checked in before {before}; nothing to remove.").format(
                    before=before
                )
            )
            return
        typer.echo(
            _(
                "{slips} visitor slips checked in before {before} ({on_site} of them never "
                "checked out) and {expected} expected visitors will be removed for good."
            ).format(
                slips=counts.slips, before=before, on_site=counts.on_site, expected=counts.expected
            )
        )
        if not yes and not typer.confirm(_("Remove them?"), default=False):
            raise typer.Abort()
        with terminal_progress() as progress:
            report = visitor_purge.purge_visitors(
                engine=desk.engine,
                actor=actor,
                clock=desk.clock,
                settings=desk.settings,
                older_than_days=days,
                progress=progress,
            )
        typer.echo(
            _(
                "Removed {slips} visitor slips and {expected} expected visitors older than "
                "{days} days."
            ).format(slips=report.slips, expected=report.expected, days=days)
        )
        if not report.compacted:
            typer.echo(
                _(
                    "The database file could not be compacted ({reason}): deleted data may "
                    "still be readable in it. Run the purge again when no desk is using the "
                    "database."
                ).format(reason=report.compact_problem),
                err=True,
            )
            raise typer.Exit(1)
