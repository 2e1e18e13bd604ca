"""Use cases, one transaction each. Services never import textual or typer.

Every service function is keyword-only, session first: `create_x(*, session, actor, clock, ...)`.
The caller owns the transaction (deskterm.db.run_write / run_read).
"""
