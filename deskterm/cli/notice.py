"""`deskterm notice`: D-32's published notice of where and when repairs are reported, built
from the settings and the directory; shown on standard output or sent to the printer."""

from __future__ import annotations

from typing import Annotated

import typer

from deskterm.cli.context import DbOption
from deskterm.i18n import _


def register(app: typer.Typer) -> None:
    @app.command(
        "notice",
        help=_(
            "Where and when repairs are reported: the place, hours, phones and time "
            "limits, from the settings and the directory. --print sends it to the printer."
        ),
    )
    def notice_cmd(
        send: Annotated[bool, typer.Option("--print", help=_("Send it to the printer."))] = False,
        db: DbOption = None,
    ) -> None:
        from deskterm.cli.context import open_desk
        from deskterm.db import run_read
        from deskterm.services import printing
        from deskterm.services.inquiries import notice

        desk = open_desk(db)
        text = notice.notice_text(
            run_read(desk.engine, lambda s: notice.repair_notice(s, desk.settings))
        )
        if send:
            printing.send(text, desk.settings)
            typer.echo(_("The notice was sent to the printer."))
            return
        typer.echo(text, nl=False)
