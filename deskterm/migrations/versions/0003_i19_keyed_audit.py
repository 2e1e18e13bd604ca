"""keyed audit chain (issue 19): a database made before the audit key upgrades cleanly.

- adds `audit_event.seals` and `handover.audit_head_seq` where an older initial schema lacks them;
- a chain hashed with plain SHA-256 (releases before the key) is checked link by link as it
  was, then every event is re-hashed with the installation's key (deskterm.audit_key); a
  chain that does not verify as it was is not re-keyed (the upgrade stops: restore a backup);
- every row of a sealed table not yet sealed is sealed in `audit.seal` events appended to the
  chain, and one `audit.rekey` event records the upgrade.

Revision ID: 0003
Revises: 0002
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _columns(conn, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns(table)}


def upgrade() -> None:
    conn = op.get_bind()
    if "seals" not in _columns(conn, "audit_event"):
        op.add_column("audit_event", sa.Column("seals", sa.JSON(), nullable=True))
    if "audit_head_seq" not in _columns(conn, "handover"):
        op.add_column("handover", sa.Column("audit_head_seq", sa.Integer(), nullable=True))
    if "must_change_password" not in _columns(conn, "user"):
        with op.batch_alter_table("user") as batch:
            batch.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
        with op.batch_alter_table("user") as batch:
            batch.alter_column("must_change_password", server_default=None)
    if "sign_in_throttle" not in sa.inspect(conn).get_table_names():
        from deskterm.db import UTCDateTime

        op.create_table("sign_in_throttle",
                        sa.Column("key", sa.String(length=64), nullable=False),
                        sa.Column("failures", sa.Integer(), nullable=False),
                        sa.Column("until", UTCDateTime(timezone=True), nullable=True),
                        sa.PrimaryKeyConstraint("key"))
    rekey(conn)


def rekey(conn) -> None:
    from deskterm.services import audit

    events = sa.Table("audit_event", sa.MetaData(), autoload_with=conn)
    rows = [audit.ChainRow(dict(r)) for r in
            conn.execute(sa.select(events).order_by(events.c.seq)).mappings()]
    from deskterm.audit_key import create_key, has_key

    if not has_key() and (not rows or _verifies(rows, audit.legacy_event_hash)):
        create_key()  # a new database, or a chain made before the key: its first key
    keyed = _verifies(rows, audit.event_hash)
    if not keyed:
        if not _verifies(rows, audit.legacy_event_hash):
            from deskterm.errors import DeskError
            from deskterm.i18n import _

            raise DeskError(_("The audit chain does not verify as it was written: it was not re-keyed "
                              "and the schema was not upgraded. Restore a verified backup."))
        _drop_guard(conn)
        from deskterm import audit_witness

        audit_witness.forget(conn.engine.url)  # every hash changes, on purpose and audited
        prev = audit.GENESIS
        for row in rows:
            row.prev_hash = prev
            row.hash = audit.event_hash(row)
            conn.execute(events.update().where(events.c.seq == row.seq)
                         .values(prev_hash=row.prev_hash, hash=row.hash))
            prev = row.hash
        _restore_guard(conn)
    seq = rows[-1].seq if rows else 0
    prev = rows[-1].hash if rows else audit.GENESIS
    sealed: dict = {}
    for row in rows:
        for table, digests in (row.seals or {}).items():
            for ident, digest in digests.items():
                sealed[(table, ident)] = digest
    now = datetime.now(UTC)
    new = audit.seal_events(conn, seq=seq, prev=prev, at=now, only_unsealed=sealed, reason="upgrade")
    if not keyed or new:
        seq, prev = (new[-1]["seq"], new[-1]["hash"]) if new else (seq, prev)
        mark = {"seq": seq + 1, "at": now, "user_id": None, "action": "audit.rekey", "entity": "audit",
                "entity_id": None, "detail": {"rekeyed": not keyed, "events": len(rows),
                                              "sealed_rows": sum(e["detail"]["rows"] for e in new)},
                "record_digest": None, "seals": None, "prev_hash": prev}
        mark["hash"] = audit.event_hash(audit.ChainRow(mark))
        new.append(mark)
        events_model = audit.AuditEvent.__table__
        conn.execute(sa.insert(events_model), new)
        head = audit.AuditHead.__table__
        values = {"seq": mark["seq"], "hash": mark["hash"]}
        if conn.execute(sa.select(head.c.id).where(head.c.id == 1)).first():
            conn.execute(head.update().where(head.c.id == 1).values(**values))
        else:
            conn.execute(head.insert().values(id=1, **values))


def _verifies(rows, hash_of) -> bool:
    from deskterm.services import audit

    prev = audit.GENESIS
    for expected, row in enumerate(rows, start=1):
        if row.seq != expected or row.prev_hash != prev or hash_of(row) != row.hash:
            return False
        prev = row.hash
    return True


def _drop_guard(conn) -> None:
    if conn.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")


def _restore_guard(conn) -> None:
    if conn.dialect.name == "postgresql":
        op.execute("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                   "FOR EACH ROW EXECUTE FUNCTION deskterm_append_only()")
    else:
        op.execute("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                   "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")


def downgrade() -> None:
    op.drop_table("sign_in_throttle")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("must_change_password")
    op.drop_column("handover", "audit_head_seq")
    op.drop_column("audit_event", "seals")
