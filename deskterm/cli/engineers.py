"""`deskterm engineers add|list|duty`: the engineering list the desk dispatches to (D-36)."""

from typing import Annotated

import typer

from deskterm.cli.context import DbOption, UserOption
from deskterm.i18n import _


def register(app: typer.Typer) -> None:
    engineers_app = typer.Typer(
        help=_("The engineers the desk dispatches to: name, trade, on duty."), no_args_is_help=True
    )
    app.add_typer(engineers_app, name="engineers")

    @engineers_app.command("add", help=_("Add an engineer to the list (supervisor)."))
    def engineers_add(
        name: Annotated[str, typer.Argument(help=_("The engineer's name, as the desk says it."))],
        trade: Annotated[str, typer.Option(help=_("Trade, e.g. plumbing, carpentry, lifts."))] = "",
        off_duty: Annotated[bool, typer.Option("--off-duty", help=_("Not on duty now."))] = False,
        db: DbOption = None,
        user: UserOption = None,
    ) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_write
        from deskterm.services.repairs import engineers

        desk = open_desk(db)
        actor = act_as(desk, user, "engineers.manage")
        run_write(
            desk.engine,
            lambda s: engineers.add_engineer(
                session=s,
                actor=actor,
                clock=desk.clock,
                name=name,
                trade=trade,
                on_duty=not off_duty,
            ),
        )
        typer.echo(_("Added {name}.").format(name=name.strip()))

    @engineers_app.command("list", help=_("List the engineers, those on duty first."))
    def engineers_list(db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_read
        from deskterm.services.repairs import engineers

        desk = open_desk(db)
        act_as(desk, user, "engineers.duty")
        for e in run_read(desk.engine, lambda s: engineers.list_engineers(session=s)):
            state = _("on duty") if e.on_duty else _("off duty")
            typer.echo(f"{e.name}\t{e.trade}\t{state}")

    @engineers_app.command("duty", help=_("Put an engineer on or off duty."))
    def engineers_duty(
        name: Annotated[str, typer.Argument(help=_("The engineer's name."))],
        state: Annotated[str, typer.Argument(help=_("on or off."))],
        db: DbOption = None,
        user: UserOption = None,
    ) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_write, stored_id
        from deskterm.errors import InvalidInput
        from deskterm.services.repairs import engineers

        if state not in ("on", "off"):
            raise InvalidInput(_("Say on or off."), field="state")
        desk = open_desk(db)
        actor = act_as(desk, user, "engineers.duty")

        def change(s):
            engineer = engineers.resolve(s, name=name)
            return engineers.set_on_duty(
                session=s,
                actor=actor,
                clock=desk.clock,
                engineer_id=stored_id(engineer),
                on_duty=state == "on",
            )

        row = run_write(desk.engine, change)
        said = _("{name} is on duty.") if row.on_duty else _("{name} is off duty.")
        typer.echo(said.format(name=row.name))
