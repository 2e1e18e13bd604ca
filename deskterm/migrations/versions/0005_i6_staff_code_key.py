"""staff codes compared as people read them: `user.code_key` (NFKC, case folded), unique

`users add` took ＡＢＣ, ABC and OP1 beside op1: codes that look the same to the staff and
the sign-in screen. A database made before gets the column here, filled from each stored
code (models/user.code_key) and unique like the models' (two desks adding a look-alike at
once: the second insert fails). Where look-alikes are stored already, the oldest account keeps
the code; each later one gets a key of its own (`<key>#<id>`, no code has '#') and still signs
in with its code typed exactly as stored (services/admin/users.find_by_code), so nobody is
locked out by the upgrade. The stored codes themselves are not changed (they are sealed).

Revision ID: 0005
Revises: 0004
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def keys_for(rows: list[tuple[int, str]]) -> dict[int, str]:
    """id -> code_key for (id, code) rows: the oldest of look-alikes keeps the key."""
    from deskterm.models.user import code_key

    keys: dict[int, str] = {}
    taken: set[str] = set()
    for user_id, code in sorted(rows):
        key = code_key(code)
        if key in taken:
            key = f"{key}#{user_id}"
        taken.add(key)
        keys[user_id] = key
    return keys


def upgrade() -> None:
    conn = op.get_bind()
    if "code_key" in {c["name"] for c in sa.inspect(conn).get_columns("user")}:
        return  # made by this release's initial schema
    op.add_column("user", sa.Column("code_key", sa.String(length=128), nullable=True))
    users = sa.table("user", sa.column("id", sa.Integer), sa.column("code", sa.String),
                     sa.column("code_key", sa.String))
    rows = [(r.id, r.code) for r in conn.execute(sa.select(users.c.id, users.c.code))]
    for user_id, key in keys_for(rows).items():
        conn.execute(users.update().where(users.c.id == user_id).values(code_key=key))
    # an index, not a table rebuild: SQLite would drop the table every record refers to
    op.create_index("ix_user_code_key", "user", ["code_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_user_code_key", table_name="user")
    op.drop_column("user", "code_key")
