"""append-only guards: the database itself refuses to change or delete audit events and
logbook entries, or to delete a handover (DESIGN.md "Every create, change and sign-off writes
an append-only audit event"; D-10: the logbook is append-only).

These are triggers, which the models do not describe, so `alembic check` stays clean.

Revision ID: 0002
Revises: 0001
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, operations refused)
GUARDS = [
    ("audit_event", ("UPDATE", "DELETE")),
    ("logbook_entry", ("UPDATE", "DELETE")),
    ("handover", ("DELETE",)),
]


def _name(table: str, operation: str) -> str:
    return f"{table}_no_{operation.lower()}"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION deskterm_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql
            """
        )
    for table, operations in GUARDS:
        for operation in operations:
            name = _name(table, operation)
            if dialect == "postgresql":
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION deskterm_append_only()"
                )
            else:
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, operations in GUARDS:
        for operation in operations:
            name = _name(table, operation)
            if dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS deskterm_append_only()")
