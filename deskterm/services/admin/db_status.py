"""What an admin sees of the database (`deskterm db status`): its kind and size, the last
backup, restore and audit check, who is on duty, and whether the file is in use or damaged;
and the audited record of an audit-trail check (`record_verify`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from deskterm.clock import Clock
from deskterm.config import Settings
from deskterm.db import (
    is_sqlite,
    run_read,
    run_write,
)
from deskterm.models.audit import AuditEvent, AuditHead
from deskterm.models.shift import Shift
from deskterm.models.user import User
from deskterm.services import audit, audit_problems, permissions
from deskterm.services.actor import Actor
from deskterm.services.admin.maintenance import (
    BACKUP_ACTION,
    RESTORE_ACTION,
    VERIFY_ACTION,
    sqlite_path,
)
from deskterm.services.admin.restore import (
    damaged,
    pg_other_connections,
    sqlite_damage,
    sqlite_in_use,
)


@dataclass
class OnDuty:
    post: str
    code: str
    name: str
    since: datetime


@dataclass
class Status:
    engine: str
    revision: str | None
    head_revision: str
    connections: int | None  # PostgreSQL: other sessions on the database
    in_use: bool | None  # SQLite: another program has the file open
    on_duty: list[OnDuty]
    last_backup_at: datetime | None
    last_backup_file: str | None
    restored_at: datetime | None  # set when the newest backup is the one restored (issue 18 H)
    backup_age: timedelta | None
    max_backup_age: timedelta
    audit_seq: int
    audit_hash: str
    last_verify_at: datetime | None
    last_verify_ok: bool | None
    last_verify_detail: str

    @property
    def backup_stale(self) -> bool:
        return self.backup_age is None or self.backup_age > self.max_backup_age


def _last_event(session: Session, action: str) -> AuditEvent | None:
    return session.exec(
        select(AuditEvent)
        .where(AuditEvent.action == action)
        .order_by(col(AuditEvent.seq).desc())
        .limit(1)
    ).first()


def status(*, engine: Engine, clock: Clock, settings: Settings) -> Status:
    from deskterm import schema

    now = clock.now()
    if is_sqlite(engine):
        engine.dispose()  # our own pooled connection is not "another program"
        damage = sqlite_damage(sqlite_path(engine))
        if damage is not None:  # the one command to run when something is wrong says what
            raise damaged(sqlite_path(engine), damage)
        in_use = sqlite_in_use(sqlite_path(engine))
        connections = None
    else:
        in_use = None
        connections = pg_other_connections(engine)

    def read(
        session: Session,
    ) -> tuple[
        list[OnDuty], AuditHead | None, AuditEvent | None, AuditEvent | None, AuditEvent | None
    ]:
        duty = [
            OnDuty(shift.post, user.code, user.name, shift.started_at)
            for shift, user in session.exec(
                select(Shift, User)
                .where(Shift.operator_id == User.id)
                .where(col(Shift.ended_at).is_(None))
                .order_by(col(Shift.post))
            )
        ]
        head = session.get(AuditHead, 1)
        return (
            duty,
            head,
            _last_event(session, BACKUP_ACTION),
            _last_event(session, RESTORE_ACTION),
            _last_event(session, VERIFY_ACTION),
        )

    duty, head, backed, restored, verified = run_read(engine, read)
    backup_at = backed.at if backed else None
    backup_file = (backed.detail or {}).get("file") if backed else None
    restored_at = None
    if restored is not None and (backed is None or restored.seq > backed.seq):
        # the database now holds what that backup held: the backup counts as the last one
        detail = restored.detail or {}
        taken = detail.get("backup_taken_at")
        backup_at = datetime.fromisoformat(taken) if taken else restored.at
        backup_file = detail.get("backup_path") or detail.get("backup")
        restored_at = restored.at
    return Status(
        engine=engine.dialect.name,
        revision=schema.current_revision(engine),
        head_revision=schema.head_revision(),
        connections=connections,
        in_use=in_use,
        on_duty=duty,
        last_backup_at=backup_at,
        last_backup_file=backup_file,
        restored_at=restored_at,
        backup_age=now - backup_at if backup_at else None,
        max_backup_age=timedelta(hours=settings.backup_max_age_hours),
        audit_seq=head.seq if head else 0,
        audit_hash=head.hash if head else "",
        last_verify_at=verified.at if verified else None,
        last_verify_ok=(verified.detail or {}).get("ok") if verified else None,
        last_verify_detail=audit_problems.said_again(verified.detail or {}) if verified else "",
    )


def record_verify(
    *, engine: Engine, clock: Clock, result: audit.VerifyResult, actor: Actor | None = None
) -> None:
    """Keep the outcome of `audit verify` in the trail itself, for `db status` (signed in:
    as the actor, who must hold audit.verify; else as the system)."""
    if actor is not None:
        permissions.require(actor, "audit.verify")
    run_write(
        engine,
        lambda s: audit.record(
            session=s,
            actor=actor,
            clock=clock,
            action=VERIFY_ACTION,
            entity="database",
            detail={
                "ok": bool(result.ok),
                "events": result.events_checked,
                "problem": result.problem or "",
                # what `db status` says it with in the reader's language (audit_problems.Problem)
                "problem_words": audit_problems.problem_words(result.problem),
                "seq": result.seq,
            },
        ),
    )
