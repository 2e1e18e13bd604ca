"""Admin commands: users, db (upgrade, backup, restore, check) and audit verify."""

import os
from pathlib import Path
from typing import Annotated

import typer

from deskterm.cli.context import DbOption, UserOption
from deskterm.encoders import terminal
from deskterm.i18n import _


def register(app: typer.Typer) -> None:
    users_app = typer.Typer(help=_("Staff accounts (admin)."), no_args_is_help=True)
    db_app = typer.Typer(help=_("The database: upgrade, backup, restore, check (admin)."), no_args_is_help=True)
    audit_app = typer.Typer(help=_("The audit trail."), no_args_is_help=True)
    app.add_typer(users_app, name="users")
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")

    @users_app.command("add", help=_("Add a staff account."))
    def users_add(
        code: Annotated[str, typer.Argument(help=_("Staff code used to sign in."))],
        name: Annotated[str, typer.Option(help=_("Full name."))],
        role: Annotated[str, typer.Option(help=_("operator, supervisor or admin."))] = "operator",
        db: DbOption = None,
        user: UserOption = None,
    ) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_write
        from deskterm.services.admin import users

        desk = open_desk(db)
        actor = act_as(desk, user, "users.manage")
        password = os.environ.get("DESKTERM_NEW_PASSWORD") or typer.prompt(
            _("Password for {code}").format(code=code), hide_input=True, confirmation_prompt=True)
        run_write(desk.engine, lambda s: users.add_user(
            session=s, actor=actor, clock=desk.clock, settings=desk.settings,
            code=code, name=name, role=role, password=password))
        typer.echo(_("Added {code} ({role}).").format(code=code, role=role))

    @users_app.command("list", help=_("List staff accounts."))
    def users_list(db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_read
        from deskterm.services.admin import users

        desk = open_desk(db)
        act_as(desk, user, "users.manage")
        for u in run_read(desk.engine, users.list_users):
            state = _("active") if u.active else _("disabled")
            typer.echo(terminal(f"{u.code}\t{u.name}\t{u.role}\t{state}"))

    @users_app.command("passwd", help=_("Set a staff member's password."))
    def users_passwd(code: str, db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_write
        from deskterm.services.admin import users

        desk = open_desk(db)
        actor = act_as(desk, user, "users.manage")
        password = os.environ.get("DESKTERM_NEW_PASSWORD") or typer.prompt(
            _("New password for {code}").format(code=code), hide_input=True, confirmation_prompt=True)
        run_write(desk.engine, lambda s: users.set_password(
            session=s, actor=actor, clock=desk.clock, settings=desk.settings, code=code, password=password))
        typer.echo(_("Password of {code} changed.").format(code=code))

    @users_app.command("disable", help=_("Disable a staff account (it can no longer sign in)."))
    def users_disable(code: str, db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_write
        from deskterm.services.admin import users

        desk = open_desk(db)
        actor = act_as(desk, user, "users.manage")
        run_write(desk.engine, lambda s: users.set_active(
            session=s, actor=actor, clock=desk.clock, code=code, active=False))
        typer.echo(_("{code} disabled.").format(code=code))

    @db_app.command("upgrade", help=_("Back the database up, then migrate it to this release's schema."))
    def db_upgrade(db: DbOption = None) -> None:
        from deskterm import schema
        from deskterm.cli.context import open_desk
        from deskterm.db import is_sqlite
        from deskterm.services.admin import maintenance

        desk = open_desk(db, check_schema=False)
        current = schema.current_revision(desk.engine)
        if current == schema.head_revision():
            typer.echo(_("The schema is current ({rev}); nothing to do.").format(rev=current))
            return
        if current is not None and is_sqlite(desk.engine):
            src = maintenance.sqlite_path(desk.engine)
            stamp = desk.clock.now().strftime("%Y%m%d%H%M%S")
            target = src.with_name(f"{src.stem}.before-upgrade-{stamp}{src.suffix}")
            maintenance.backup(desk.engine, target)
            typer.echo(_("Verified backup written to {path}.").format(path=target))
        schema.upgrade(desk.engine)
        typer.echo(_("Upgraded from {old} to {new}.").format(old=current or "-", new=schema.head_revision()))

    @db_app.command("backup", help=_("Write a verified copy of the database to PATH (safe while desks work)."))
    def db_backup(path: Path, db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.services.admin import maintenance

        desk = open_desk(db)
        act_as(desk, user, "db.manage")
        report = maintenance.backup(desk.engine, path)
        typer.echo(_("Backup written to {path}: {rows} rows, integrity ok, audit chain verified ({events} events).").format(
            path=path, rows=sum(report.row_counts.values()), events=report.audit.events_checked))

    @db_app.command("restore", help=_("Replace the database with a verified backup (asks first)."))
    def db_restore(
        path: Path,
        db: DbOption = None,
        yes: Annotated[bool, typer.Option("--yes", help=_("Do not ask for confirmation."))] = False,
    ) -> None:
        from deskterm.cli.context import open_desk
        from deskterm.services.admin import maintenance

        desk = open_desk(db, check_schema=False)
        target = maintenance.sqlite_path(desk.engine)
        if target.exists():
            current = maintenance.row_counts(desk.engine)
            typer.echo(_("{path} now holds {rows} rows; it will be replaced by {backup}.").format(
                path=target, rows=sum(current.values()), backup=path))
            if not yes and not typer.confirm(_("Replace it?"), default=False):
                raise typer.Abort()
        report = maintenance.restore(path, desk.engine)
        typer.echo(_("Restored {rows} rows from {backup}.").format(rows=sum(report.row_counts.values()), backup=path))

    @db_app.command("check", help=_("Run the integrity and foreign-key checks and verify the audit chain."))
    def db_check(db: DbOption = None) -> None:
        from deskterm.cli.context import open_desk
        from deskterm.services.admin import maintenance

        desk = open_desk(db)
        report = maintenance.check(desk.engine)
        typer.echo(_("Integrity: {result}").format(result=report.integrity))
        typer.echo(_("Foreign-key problems: {n}").format(n=report.foreign_key_problems))
        _print_audit(report.audit)
        if not report.ok:
            raise typer.Exit(1)

    @audit_app.command("verify", help=_("Check the audit chain and the sealed records; exit 1 at the first broken link."))
    def audit_verify(db: DbOption = None) -> None:
        from deskterm.cli.context import open_desk
        from deskterm.db import run_read
        from deskterm.services import audit

        desk = open_desk(db)
        result = run_read(desk.engine, audit.verify)
        _print_audit(result)
        if not result.ok:
            raise typer.Exit(1)


def _print_audit(result) -> None:
    if result.ok:
        typer.echo(_("Audit chain verified: {events} events, {records} sealed records.").format(
            events=result.events_checked, records=result.records_checked))
    else:
        where = result.seq if result.seq is not None else "-"
        typer.echo(_("Audit chain BROKEN at event {seq}: {problem}.").format(seq=where, problem=result.problem), err=True)
