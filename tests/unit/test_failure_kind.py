"""One classifier decides what a database failure means (issue 20): the write retry, the
TUI's sentence and the CLI's sentence all read `db.failure_kind`."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from deskterm import db
from deskterm.cli.errors import guarded
from deskterm.tui.worker import describe_error


def operational(message: str) -> OperationalError:
    return OperationalError("INSERT …", {}, sqlite3.OperationalError(message))


CASES = [
    (operational("database is locked"), db.BUSY, "busy"),
    (operational("could not serialize access due to concurrent update"), db.BUSY, "busy"),
    (operational("database or disk is full"), db.FULL, "disk is full"),
    (operational("No space left on device"), db.FULL, "disk is full"),
    (operational("connection refused"), db.UNREACHABLE, "could not be"),
    (
        IntegrityError("INSERT …", {}, sqlite3.IntegrityError("UNIQUE constraint failed: x.y")),
        db.TAKEN,
        "same record",
    ),
    (
        IntegrityError("INSERT …", {}, sqlite3.IntegrityError("FOREIGN KEY constraint failed")),
        db.REFUSED,
        "refused",
    ),
    (sqlite3.OperationalError("database is locked"), db.BUSY, None),
    (ValueError("x"), None, None),
]


@pytest.mark.parametrize(("exc", "kind", "_words"), CASES)
def test_each_failure_has_one_kind(exc, kind, _words):
    assert db.failure_kind(exc) == kind


@pytest.mark.parametrize(("exc", "kind", "words"), [c for c in CASES if c[2]])
def test_the_tui_and_the_cli_say_the_same_kind(exc, kind, words, capsys):
    assert words in describe_error(exc)

    def fail():
        raise exc

    assert guarded(fail) == 1
    assert words in capsys.readouterr().err


def test_a_busy_write_is_retried_and_a_full_disk_is_not(tmp_path, monkeypatch):
    engine = db.make_engine(str(tmp_path / "x.db"))
    calls = []
    monkeypatch.setattr(db.time, "sleep", lambda _s: None)

    def busy_then_ok(_session):
        calls.append(1)
        if len(calls) < 3:
            raise operational("database is locked")
        return "saved"

    assert db.run_write(engine, busy_then_ok) == "saved" and len(calls) == 3
    calls.clear()

    def full(_session):
        calls.append(1)
        raise operational("database or disk is full")

    from deskterm.errors import StorageFull

    with pytest.raises(StorageFull):
        db.run_write(engine, full)
    assert len(calls) == 1


def test_a_key_taken_a_moment_ago_runs_the_unit_again_once(tmp_path):
    """PostgreSQL lets two desks pass a service's "is it taken?" check at once: the loser's
    unit runs again, and the service's own check then refuses it in its own words."""
    engine = db.make_engine(str(tmp_path / "x.db"))
    calls = []
    taken = IntegrityError("INSERT …", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))

    def second_desk(_session):
        calls.append(1)
        if len(calls) == 1:
            raise taken
        from deskterm.errors import InvalidInput

        raise InvalidInput("刘师傅 is already on the list.")

    from deskterm.errors import InvalidInput

    with pytest.raises(InvalidInput, match="already on the list"):
        db.run_write(engine, second_desk)
    assert len(calls) == 2
    calls.clear()

    def always(_session):
        calls.append(1)
        raise taken

    with pytest.raises(IntegrityError):
        db.run_write(engine, always)
    assert len(calls) == 2
