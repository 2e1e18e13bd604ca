"""`db check` checks for real on both databases (issue 17 item 5): an orphan row left where the
foreign key was not enforced is found; PostgreSQL says what it checked and what it could not."""

from __future__ import annotations

from sqlalchemy import text

from deskterm.services.admin.maintenance import check

ORPHAN = (
    "INSERT INTO resident (name, unit_id, relation, name_pinyin, name_initials, name_after_1, "
    "name_after_2, active) VALUES ('x', 99999, 'owner', '', '', '', '', true)"
)


def test_db_check_finds_an_orphan(engine):
    report = check(engine)
    assert report.ok and report.foreign_key_problems == 0
    if engine.dialect.name == "postgresql":
        assert any("foreign keys of" in what for what in report.checked)
        assert report.checked or report.unchecked
        # amcheck either ran or is named as what is missing
        assert any("amcheck" in w for w in report.checked + report.unchecked)
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # FK triggers off
            conn.execute(text(ORPHAN))
    else:
        import sqlite3

        con = sqlite3.connect(engine.url.database)  # foreign keys are off in a plain connection
        con.execute(ORPHAN)
        con.commit()
        con.close()
    report = check(engine)
    assert report.foreign_key_problems == 1 and not report.ok
