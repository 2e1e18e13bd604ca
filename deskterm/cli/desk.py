"""Commands that set a desk up and open it: run, init, demo."""

import os
from typing import Annotated

import typer

from deskterm.cli import passwords
from deskterm.cli.context import DbOption
from deskterm.cli.numbers import ID, whole
from deskterm.i18n import _


def register(app: typer.Typer) -> None:
    @app.callback()
    def root(
        ctx: typer.Context,
        db: DbOption = None,
        version: Annotated[
            bool,
            typer.Option(
                "--version",
                "-V",
                is_eager=True,
                callback=_show_version,
                help=_("Show deskterm's version and exit."),
            ),
        ] = False,
    ) -> None:
        if ctx.invoked_subcommand is None:
            run_app(db)

    @app.command("run", help=_("Open the desk app (the same as `deskterm` alone)."))
    def run_cmd(db: DbOption = None) -> None:
        run_app(db)

    @app.command(
        "init",
        help=_(
            "Create or upgrade the database, load the reference data and create the first admin."
        ),
    )
    def init_cmd(
        db: DbOption = None,
        admin: Annotated[
            str | None,
            typer.Option(
                help=_(
                    "Staff code of the first admin (unattended: the password comes from DESKTERM_PASSWORD)."
                )
            ),
        ] = None,
        admin_name: Annotated[str | None, typer.Option(help=_("Name of the first admin."))] = None,
    ) -> None:
        from deskterm.services.admin import setup

        if admin and os.environ.get("DESKTERM_PASSWORD") is None:  # refuse before touching the db
            from deskterm.errors import InvalidInput

            raise InvalidInput(_("Set DESKTERM_PASSWORD to give the admin's password unattended."))
        desk = _open_unchecked(db)
        summary = setup.initialise(engine=desk.engine, clock=desk.clock, settings=desk.settings)
        typer.echo(
            _(
                "Schema at revision {rev}; reference data: {cats} repair categories, {fees} fee items, {dirs} directory entries."
            ).format(
                rev=summary.revision,
                cats=summary.categories,
                fees=summary.fee_items,
                dirs=summary.directory,
            )
        )
        if summary.users_exist:
            if admin:
                from deskterm.errors import InvalidInput

                raise InvalidInput(
                    _(
                        "Accounts exist already: no admin {code} was made. An admin adds one with `deskterm users add`; if no admin is left, see `deskterm users recover`."
                    ).format(code=admin)
                )
            return
        code = admin or typer.prompt(_("Staff code of the first admin"))
        name = admin_name or (code if admin else typer.prompt(_("Name of the first admin")))
        password = os.environ.get("DESKTERM_PASSWORD")
        if password is None:
            if admin:
                from deskterm.errors import InvalidInput

                raise InvalidInput(
                    _("Set DESKTERM_PASSWORD to give the admin's password unattended.")
                )
            password = passwords.ask_new(_("Password"))
        setup.create_first_admin(
            engine=desk.engine,
            clock=desk.clock,
            settings=desk.settings,
            code=code,
            name=name,
            password=password,
        )
        typer.echo(_("Admin {code} created.").format(code=code))

    @app.command(
        "demo",
        help=_(
            "Fill a database with realistic, reproducible sample data (demo accounts use the password demo1234)."
        ),
    )
    def demo_cmd(
        db: DbOption = None,
        scale: Annotated[
            int,
            typer.Option(
                parser=whole(1, 1000),
                help=_(
                    "How much data: 1 is a small estate; visitor slips grow by 20,000 per step."
                ),
            ),
        ] = 1,
        seed: Annotated[
            int,
            typer.Option(
                parser=whole(0, ID), help=_("Random seed: the same seed gives the same data.")
            ),
        ] = 7,
        visitors: Annotated[
            int | None,
            typer.Option(
                parser=whole(0, 100_000_000),
                help=_("Exact number of visitor slips (overrides the scale's)."),
            ),
        ] = None,
    ) -> None:
        from deskterm.cli.progress import terminal_progress
        from deskterm.demo.build import build_demo

        desk = _open_unchecked(db)
        with terminal_progress() as progress:
            report = build_demo(
                engine=desk.engine,
                settings=desk.settings,
                scale=scale,
                seed=seed,
                visitors=visitors,
                progress=progress,
            )
        for line in report.lines():
            typer.echo(line)


def _show_version(value: bool) -> None:
    if value:
        from deskterm import __version__

        typer.echo(f"deskterm {__version__}")
        raise typer.Exit()


def _open_unchecked(db):
    from deskterm.cli.context import open_desk
    from deskterm.services import audit

    desk = open_desk(db, check_schema=False, create=True)  # init and demo make the database
    audit.prepare_new_database(desk.engine)  # only they make a key (a new database)
    return desk


def run_app(db: str | None) -> None:
    from deskterm.cli.launch import open_app  # one way to open the app (cli/launch.py)

    open_app(db)
