"""Admin commands: users, db (upgrade, backup, restore, check) and audit verify."""

import os
from pathlib import Path
from typing import Annotated

import typer

from deskterm.cli import passwords
from deskterm.cli.context import DbOption, UserOption
from deskterm.encoders import terminal
from deskterm.i18n import _


def register(app: typer.Typer) -> None:
    users_app = typer.Typer(help=_("Staff accounts (admin)."), no_args_is_help=True)
    db_app = typer.Typer(
        help=_("The database: upgrade, backup, restore, check, status (admin)."),
        no_args_is_help=True,
    )
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
        from deskterm.models.user import role_label
        from deskterm.services.admin import users

        desk = open_desk(db)
        actor = act_as(desk, user, "users.manage")
        code = users.check_new_account(code, name, role)[0]  # said before the password is asked
        password = os.environ.get("DESKTERM_NEW_PASSWORD") or passwords.ask_new(
            _("Password for {code}").format(code=code)
        )
        added = run_write(
            desk.engine,
            lambda s: users.add_user(
                session=s,
                actor=actor,
                clock=desk.clock,
                settings=desk.settings,
                code=code,
                name=name,
                role=role,
                password=password,
            ),
        )
        typer.echo(  # the code as stored (ＡＢＣ is stored ABC), the role in words
            _("Added {code} ({role}).").format(code=added.code, role=role_label(added.role))
        )

    @users_app.command("list", help=_("List staff accounts."))
    def users_list(db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_read
        from deskterm.models.user import role_label
        from deskterm.services.admin import users

        desk = open_desk(db)
        act_as(desk, user, "users.manage")
        for u in run_read(desk.engine, users.list_users):
            state = _("active") if u.active else _("disabled")
            typer.echo(terminal(f"{u.code}\t{u.name}\t{role_label(u.role)}\t{state}"))

    @users_app.command("passwd", help=_("Set a staff member's password."))
    def users_passwd(code: str, db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_write
        from deskterm.services.admin import users

        desk = open_desk(db)
        actor = act_as(desk, user, "users.manage")
        password = os.environ.get("DESKTERM_NEW_PASSWORD") or passwords.ask_new(
            _("New password for {code}").format(code=code)
        )
        run_write(
            desk.engine,
            lambda s: users.set_password(
                session=s,
                actor=actor,
                clock=desk.clock,
                settings=desk.settings,
                code=code,
                password=password,
            ),
        )
        typer.echo(_("Password of {code} changed.").format(code=code))

    @users_app.command("disable", help=_("Disable a staff account (it can no longer sign in)."))
    def users_disable(code: str, db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_write
        from deskterm.services.admin import users

        desk = open_desk(db)
        actor = act_as(desk, user, "users.manage")
        run_write(
            desk.engine,
            lambda s: users.set_active(
                session=s, actor=actor, clock=desk.clock, code=code, active=False
            ),
        )
        typer.echo(_("{code} disabled.").format(code=code))

    @app.command("passwd", help=_("Change your own password (signed in as --user)."))
    def passwd_own(db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_write
        from deskterm.services.admin import users

        desk = open_desk(db)
        actor = act_as(desk, user, "account.password")
        current = os.environ.get("DESKTERM_PASSWORD") or ""
        new = os.environ.get("DESKTERM_NEW_PASSWORD") or passwords.ask_new(_("New password"))
        run_write(
            desk.engine,
            lambda s: users.change_own_password(
                session=s,
                actor=actor,
                clock=desk.clock,
                settings=desk.settings,
                current=current,
                new=new,
            ),
        )
        typer.echo(_("Your password is changed."))

    @users_app.command("enable", help=_("Enable a disabled staff account again."))
    def users_enable(code: str, db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_write
        from deskterm.services.admin import users

        desk = open_desk(db)
        actor = act_as(desk, user, "users.manage")
        run_write(
            desk.engine,
            lambda s: users.set_active(
                session=s, actor=actor, clock=desk.clock, code=code, active=True
            ),
        )
        typer.echo(_("{code} enabled.").format(code=code))

    @users_app.command(
        "role", help=_("Change a staff member's role (the last active admin keeps theirs).")
    )
    def users_role(
        code: str,
        role: Annotated[str, typer.Argument(help=_("operator, supervisor or admin."))],
        db: DbOption = None,
        user: UserOption = None,
    ) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_write
        from deskterm.models.user import role_label
        from deskterm.services.admin import users

        desk = open_desk(db)
        actor = act_as(desk, user, "users.manage")
        run_write(
            desk.engine,
            lambda s: users.set_role(
                session=s, actor=actor, clock=desk.clock, code=code, role=role
            ),
        )
        typer.echo(_("{code} is now {role}.").format(code=code, role=role_label(role)))

    @users_app.command("unlock", help=_("Lift the sign-in delay of a staff code (supervisor)."))
    def users_unlock(code: str, db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.db import run_write
        from deskterm.services.admin import users

        desk = open_desk(db)
        actor = act_as(desk, user, "users.unlock")
        run_write(
            desk.engine, lambda s: users.unlock(session=s, actor=actor, clock=desk.clock, code=code)
        )
        typer.echo(_("Sign-in delays of {code} lifted.").format(code=code))

    @users_app.command(
        "recover",
        help=_(
            "Break-glass: make a new admin when no active admin is left (needs the database file and the audit key; audited)."
        ),
    )
    def users_recover(
        code: str,
        name: Annotated[str, typer.Option(help=_("Full name."))],
        db: DbOption = None,
        yes: Annotated[bool, typer.Option("--yes", help=_("Do not ask for confirmation."))] = False,
    ) -> None:
        from deskterm.cli.context import open_desk
        from deskterm.db import run_write
        from deskterm.services.admin import users

        desk = open_desk(db)
        typer.echo(
            _(
                "Break-glass recovery: a new admin {code} is made and the recovery is written to the audit trail."
            ).format(code=code),
            err=True,
        )
        if not yes and not typer.confirm(_("Make the new admin?"), default=False, err=True):
            raise typer.Abort()
        password = os.environ.get("DESKTERM_NEW_PASSWORD") or passwords.ask_new(
            _("Password for {code}").format(code=code)
        )
        run_write(
            desk.engine,
            lambda s: users.recover_admin(
                session=s,
                clock=desk.clock,
                settings=desk.settings,
                code=code,
                name=name,
                password=password,
            ),
        )
        typer.echo(
            _("Admin {code} made; the password must be changed at the first sign-in.").format(
                code=code
            )
        )

    @db_app.command(
        "upgrade", help=_("Back the database up, then migrate it to this release's schema (admin).")
    )
    def db_upgrade(db: DbOption = None, user: UserOption = None) -> None:
        from deskterm import schema
        from deskterm.cli.context import act_as, act_as_admin_for_upgrade, open_desk
        from deskterm.db import is_sqlite, run_write
        from deskterm.services import audit
        from deskterm.services.admin import maintenance

        desk = open_desk(db, check_schema=False)
        current = schema.current_revision(desk.engine)
        if current == schema.head_revision():
            act_as(desk, user, "db.manage")
            typer.echo(_("The schema is current ({rev}); nothing to do.").format(rev=current))
            return
        actor = act_as_admin_for_upgrade(desk, user) if current is not None else None
        target = None
        if current is not None and is_sqlite(desk.engine):
            src = maintenance.sqlite_path(desk.engine)
            stamp = desk.clock.now().strftime("%Y%m%d%H%M%S")
            target = src.with_name(f"{src.stem}.before-upgrade-{stamp}{src.suffix}")
            maintenance.backup(desk.engine, target)
            typer.echo(_("Verified backup written to {path}.").format(path=target))
        schema.upgrade(desk.engine)
        run_write(
            desk.engine,
            lambda s: audit.record(
                session=s,
                actor=actor,
                clock=desk.clock,
                action="db.upgrade",
                entity="db",
                detail={
                    "from": current,
                    "to": schema.head_revision(),
                    "backup": target.name if target else None,
                },
            ),
        )
        typer.echo(
            _("Upgraded from {old} to {new}.").format(
                old=current or "-", new=schema.head_revision()
            )
        )

    @db_app.command(
        "backup",
        help=_(
            "Write a verified, audited backup (safe while desks work): SQLite an online copy, PostgreSQL pg_dump. PATH a folder (default: the backup_dir setting): a dated file there, old ones rotated."
        ),
    )
    def db_backup(
        path: Annotated[
            Path | None,
            typer.Argument(
                help=_("A new file, or a folder for dated backups."), show_default=False
            ),
        ] = None,
        db: DbOption = None,
        user: UserOption = None,
    ) -> None:
        from deskterm.cli.context import act_as, open_desk
        from deskterm.paths import data_dir, private_dir
        from deskterm.services.admin import maintenance

        desk = open_desk(db)
        actor = act_as(desk, user, "db.manage")
        if path is None:
            path = (
                Path(desk.settings.backup_dir)
                if desk.settings.backup_dir
                else data_dir() / "backups"
            )
            private_dir(
                path, own=not desk.settings.backup_dir
            )  # every folder made 0700, parents too
        result = maintenance.make_backup(
            engine=desk.engine, target=path, actor=actor, clock=desk.clock, settings=desk.settings
        )
        if result.engine == "sqlite":
            typer.echo(
                _(
                    "Backup written to {path}: {rows} rows, integrity ok, audit chain verified ({events} events)."
                ).format(path=result.path, rows=result.rows, events=result.events)
            )
        else:
            typer.echo(
                _(
                    "Backup written to {path} by pg_dump: {entries} archive entries, {size} bytes."
                ).format(path=result.path, entries=result.entries, size=result.size)
            )
        for old in result.removed:
            typer.echo(_("Removed the old backup {path}.").format(path=old))

    @db_app.command(
        "restore",
        help=_(
            "Replace the database with a verified backup (admin; asks first; refused while desks have it open)."
        ),
    )
    def db_restore(
        path: Path,
        db: DbOption = None,
        user: UserOption = None,
        yes: Annotated[bool, typer.Option("--yes", help=_("Do not ask for confirmation."))] = False,
    ) -> None:
        from deskterm.cli.context import Desk, act_as, open_desk
        from deskterm.db import is_sqlite
        from deskterm.errors import AuthFailed
        from deskterm.services.admin import maintenance
        from deskterm.services.admin import restore as db_restore

        if not user:  # asked before anything else: the restore is signed in (issue 19.3)
            raise AuthFailed(_("Name the staff member with --user (or DESKTERM_USER)."))
        db_restore.check_backup_file(path)  # before asking to replace anything
        desk = open_desk(db, check_schema=False, create=True)  # a restore may make a new file
        if is_sqlite(desk.engine):
            db_restore.check_backup_file(path, sqlite=True)
            target = maintenance.sqlite_path(desk.engine)
            damage = db_restore.sqlite_damage(target)
            if damage is not None:
                typer.echo(
                    _(
                        "{path} is not a readable database ({reason}); it will be kept as "
                        "{name}.damaged-<date-time> and replaced by {backup}."
                    ).format(path=target, reason=damage, backup=path, name=target.name)
                )
                if not yes and not typer.confirm(_("Replace it?"), default=False):
                    raise typer.Abort()
            elif target.exists():
                current = maintenance.row_counts(desk.engine)
                typer.echo(
                    _("{path} now holds {rows} rows; it will be replaced by {backup}.").format(
                        path=target, rows=sum(current.values()), backup=path
                    )
                )
                if not yes and not typer.confirm(_("Replace it?"), default=False):
                    raise typer.Abort()

        def sign_in(engine):
            return act_as(
                Desk(engine=engine, settings=desk.settings, clock=desk.clock), user, "db.manage"
            )

        result = db_restore.restore(path, desk.engine, sign_in=sign_in, clock=desk.clock)
        typer.echo(
            _("Restored {rows} rows from {backup}; the restore is in the audit trail.").format(
                rows=result.rows, backup=path
            )
        )
        if result.set_aside is not None:
            typer.echo(
                _("The damaged database was kept as {aside}.").format(aside=result.set_aside)
            )
        if result.numbers_carried:
            typer.echo(
                _(
                    "Numbering continues after the highest number issued before ({n} counters raised)."
                ).format(n=result.numbers_carried)
            )

    @db_app.command(
        "status",
        help=_(
            "The database at a glance: engine, schema, desks on duty, last backup, audit head, last verify; exit 1 when the last backup is too old or the last verify found the chain broken."
        ),
    )
    def db_status(db: DbOption = None) -> None:
        from deskterm.cli.context import open_desk
        from deskterm.services.admin import db_status

        desk = open_desk(db, check_schema=False)
        st = db_status.status(engine=desk.engine, clock=desk.clock, settings=desk.settings)
        _print_status(st, desk.settings.timezone)
        if st.backup_stale or st.last_verify_ok is False:  # docs/SITE.md: exit 1 on either
            raise typer.Exit(1)

    @db_app.command(
        "check", help=_("Run the integrity and foreign-key checks and verify the audit chain.")
    )
    def db_check(db: DbOption = None) -> None:
        from deskterm.cli.context import open_desk
        from deskterm.services.admin import maintenance

        desk = open_desk(db)
        from deskterm.db import is_sqlite
        from deskterm.reasons import english, sqlite_reason

        report = maintenance.check(desk.engine)
        integrity = report.integrity
        if integrity == "ok":
            integrity = _("ok")
        elif is_sqlite(desk.engine) and not english():  # SQLite's findings are English
            integrity = sqlite_reason(integrity)
        typer.echo(_("Integrity: {result}").format(result=integrity))
        typer.echo(_("Foreign-key problems: {n}").format(n=report.foreign_key_problems))
        for what in report.checked:
            typer.echo(_("Checked: {what}").format(what=what))
        for what in report.unchecked:
            typer.echo(_("Not checked: {what}").format(what=what))
        _print_audit(report.audit)
        if not report.ok:
            raise typer.Exit(1)

    @audit_app.command(
        "verify",
        help=_(
            "Check the keyed audit chain, the handovers' anchors and every sealed record; exit 1 naming each problem (supervisor)."
        ),
    )
    def audit_verify(db: DbOption = None, user: UserOption = None) -> None:
        from deskterm.cli.context import act_as, act_as_without_writing, open_desk
        from deskterm.db import run_read
        from deskterm.services import audit

        desk = open_desk(db)
        from deskterm.services.admin import db_status

        try:
            actor = act_as(desk, user, "audit.verify")
        except audit.ChainRefused:
            # the chain takes no event (no head, or another key): the sign-in is checked without
            # writing, so that verify can still say what is wrong
            actor = act_as_without_writing(desk, user, "audit.verify")
        result = run_read(desk.engine, audit.verify)
        try:
            db_status.record_verify(
                engine=desk.engine, clock=desk.clock, result=result, actor=actor
            )
            unrecorded = None
        except audit.ChainRefused as refused:
            unrecorded = refused
        _print_audit(result)
        if unrecorded is not None:
            typer.echo(_("This check was not recorded: {why}").format(why=unrecorded), err=True)
        if not result.ok:
            raise typer.Exit(1)


def _print_audit(result) -> None:
    if result.ok:
        typer.echo(
            _("Audit chain verified: {events} events, {records} sealed records.").format(
                events=result.events_checked, records=result.records_checked
            )
        )
    else:
        from deskterm.services.audit_problems import said  # each problem in the reader's language

        if result.seq is not None:
            typer.echo(
                _("Audit chain BROKEN at event {seq}: {problem}.").format(
                    seq=result.seq, problem=said(result.problem)
                ),
                err=True,
            )
        else:
            typer.echo(
                _("Audit check FAILED: {problem}.").format(problem=said(result.problem)), err=True
            )
        problems = getattr(result, "problems", None) or []
        for line in problems[1:]:
            typer.echo(f"  {said(line)}", err=True)


def _age(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    return _("{d}d {h}h {m}m").format(d=days, h=rest // 60, m=rest % 60)


def _print_status(st, tz: str) -> None:
    from zoneinfo import ZoneInfo

    def when(at) -> str:
        return at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")

    typer.echo(_("Engine: {engine}").format(engine=st.engine))
    state = (
        _("current")
        if st.revision == st.head_revision
        else _("NOT current (this release: {head})").format(head=st.head_revision)
    )
    typer.echo(_("Schema: {rev}, {state}").format(rev=st.revision or "-", state=state))
    if st.connections is not None:
        typer.echo(_("Connections: {n} other sessions on the database").format(n=st.connections))
    else:
        typer.echo(
            _("Connections: the file is open elsewhere")
            if st.in_use
            else _("Connections: no other program has the file open")
        )
    if st.on_duty:
        for duty in st.on_duty:
            typer.echo(
                _("  On duty at {post}: {code} ({name}) since {since}").format(
                    post=duty.post, code=duty.code, name=duty.name, since=when(duty.since)
                )
            )
    else:
        typer.echo(_("  Nobody on duty."))
    if st.last_backup_at is None:
        typer.echo(
            _("Last backup: none recorded (too old: the limit is {hours} h)").format(
                hours=int(st.max_backup_age.total_seconds() // 3600)
            )
        )
    elif st.restored_at is not None:
        verdict = _("TOO OLD") if st.backup_stale else _("ok")
        typer.echo(
            _(
                "Last backup: restored from {file} at {restored}; that backup was taken {at}, {age} ago, {verdict} (limit {hours} h)"
            ).format(
                file=st.last_backup_file or "-",
                restored=when(st.restored_at),
                at=when(st.last_backup_at),
                age=_age(st.backup_age),
                verdict=verdict,
                hours=int(st.max_backup_age.total_seconds() // 3600),
            )
        )
    else:
        verdict = _("TOO OLD") if st.backup_stale else _("ok")
        typer.echo(
            _("Last backup: {at}, {age} ago, {verdict} (limit {hours} h): {file}").format(
                at=when(st.last_backup_at),
                age=_age(st.backup_age),
                verdict=verdict,
                hours=int(st.max_backup_age.total_seconds() // 3600),
                file=st.last_backup_file or "-",
            )
        )
    typer.echo(
        _("Audit head: event {seq}, {hash}").format(
            seq=st.audit_seq, hash=st.audit_hash[:16] or "-"
        )
    )
    if st.last_verify_at is None:
        typer.echo(_("Last audit verify: never run"))
    elif st.last_verify_ok:
        typer.echo(_("Last audit verify: {at}, chain verified").format(at=when(st.last_verify_at)))
    else:
        typer.echo(
            _("Last audit verify: {at}, BROKEN: {problem}").format(
                at=when(st.last_verify_at), problem=st.last_verify_detail or "-"
            )
        )
