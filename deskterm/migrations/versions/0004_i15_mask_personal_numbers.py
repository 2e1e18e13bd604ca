"""mask personal numbers already stored in free text (issue 15)

An 18-character ID number passing its check character, a mainland mobile and a landline with
its area code typed into a free-text field are now stored masked (models/guard.py); this
masks what was stored before (services/admin/privacy.py). A logbook entry or a handover that
changes is sealed again in the audit trail by a `privacy.masked` event. The logbook's
append-only trigger is lifted for this one transaction and put back as it was.

Revision ID: 0004
Revises: 0003
"""
from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_UPDATE = ("logbook_entry", "logbook_entry_no_update")


def upgrade() -> None:
    from sqlmodel import Session

    from deskterm.clock import SystemClock
    from deskterm.services.admin.privacy import mask_stored

    bind = op.get_bind()
    table, trigger = APPEND_ONLY_UPDATE
    saved = None
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    else:
        saved = bind.execute(text("SELECT sql FROM sqlite_master WHERE type='trigger' AND name=:n"),
                             {"n": trigger}).scalar()
        if saved:
            op.execute(f"DROP TRIGGER {trigger}")
    session = Session(bind=bind)
    try:
        mask_stored(session=session, clock=SystemClock())
        session.commit()  # joined to Alembic's transaction: it commits with the revision
    finally:
        session.close()
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    elif saved:
        op.execute(saved)


def downgrade() -> None:
    """Masked numbers cannot be unmasked: nothing to undo."""
