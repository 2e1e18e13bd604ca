"""For tamper tests: drop the append-only triggers first, as an attacker with the file can."""

from sqlalchemy import text

GUARDS = [
    ("audit_event", "update"),
    ("audit_event", "delete"),
    ("logbook_entry", "update"),
    ("logbook_entry", "delete"),
    ("handover", "delete"),
]


def drop_guards(conn) -> None:
    """`conn`: a SQLAlchemy connection or a sqlite3 connection. What follows is written
    behind the app, as another tool would: the app's own statement checks are off for it."""
    if hasattr(conn, "execution_options"):
        conn.execution_options(behind_the_app=True)
    for table, op in GUARDS:
        name = f"{table}_no_{op}"
        if hasattr(conn, "dialect") and conn.dialect.name == "postgresql":
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
        elif hasattr(conn, "dialect"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        else:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
