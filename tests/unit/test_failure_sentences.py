"""A database failure is said in one sentence, decided in one place (db.failure_sentence):
the desk and a command say the same for each kind (issue 20: the sentences were copied in
tui/worker.py, cli/errors.py and db.py). Every kind of db.failure_kind is enumerated."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from deskterm import db
from deskterm.cli.errors import _describe_unexpected
from deskterm.tui.worker import describe_error

FAILURES = {
    db.FULL: OperationalError("INSERT", {}, Exception("database or disk is full")),
    db.BUSY: OperationalError("UPDATE", {}, Exception("database is locked")),
    db.UNREACHABLE: OperationalError(
        "SELECT", {}, Exception("server closed the connection unexpectedly")
    ),
    db.TAKEN: IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: slip.number")),
}


def test_every_kind_is_tried():
    kinds = {db.FULL, db.BUSY, db.UNREACHABLE, db.REFUSED, db.TAKEN}
    assert {db.failure_kind(e) for e in FAILURES.values()} | {db.REFUSED} == kinds


@pytest.mark.parametrize("kind", sorted(FAILURES))
def test_the_desk_and_a_command_say_the_same(kind, capsys):
    exc = FAILURES[kind]
    assert db.failure_kind(exc) == kind
    said = db.failure_sentence(exc)
    assert said and describe_error(exc) == said
    assert _describe_unexpected(exc) == 1
    assert capsys.readouterr().err.startswith(said.rstrip("."))


def test_no_other_module_writes_a_failure_sentence():
    root = Path(db.__file__).parent
    words = ("nothing was saved. Free some space", "The database stayed busy")
    found = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "db.py" and any(w in p.read_text(encoding="utf-8") for w in words)
    ]
    assert found == []
