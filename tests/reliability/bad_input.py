"""What the bad-input trials of issue 9 (promise 10) share: hostile values, and `attempt`, which
runs one service call and holds it to the promise.

A call either saves what it was given (the test reads the row back and compares it with the
input under the service's documented normalisation: surrounding spaces, inner runs of
spaces, NFKC width) and the row fits the schema (PostgreSQL enforces VARCHAR lengths and
refuses NUL, SQLite does not), or it is refused with a DeskError whose message is one
clear sentence, and then no table of the database has changed.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from deskterm.db import run_read, run_write
from deskterm.errors import DeskError
from tests.reliability.world import row_counts, too_long

# Examples per trial: 60 in CI (the suite stays quick); DESKTERM_FUZZ_EXAMPLES=1000 hunts harder.
EXAMPLES = int(os.environ.get("DESKTERM_FUZZ_EXAMPLES", "60"))
TRIALS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Values people have typed, pasted or imported that break software.
NASTY = (
    "",
    " ",
    "\t",
    "\n",
    "  \n ",
    "\x00",
    "a\x00b",
    "\x1b[2J\x1b[H",
    "\x07bell",
    "line\rover",
    "\u202eevil\u202c",
    "zero\u200bwidth",
    "\ufeffbom",
    "e\u0301",
    "𠀋𠀌",
    "🙂👨‍👩‍👧",
    "Ｆｕｌｌ１２",
    "[red]x[/red]",
    "[@click=app.quit]quit[/]",
    "[b]",
    "{name}",
    "{0}",
    "%s%d",
    "\\",
    "'\"",
    "'; DROP TABLE user;--",
    "=1+2",
    "@SUM(A1)",
    "\u2028sep",
    "ＡＢＣ－１２",
    "张三\n李四",
    "字" * 65,
    "x" * 129,
    "a" * 257,
    "字" * 501,
    "x" * 2001,
    "y" * 4001,
)

_ANY_CHAR = st.characters(exclude_categories=("Cs",))  # every code point but lone surrogates
_DESK_CHAR = st.sampled_from(
    "张三李四王五赵钱孙李欧阳娜明华 abcXYZ0123456789-_.·，。！？()（）\t\n🙂"
)


def texts(max_size: int = 300) -> st.SearchStrategy[str]:
    """Arbitrary text: anything at all, desk-like text, long runs, and the nasty values."""
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(_ANY_CHAR, max_size=max_size),
        st.text(_DESK_CHAR, max_size=max_size),
        st.builds(
            lambda ch, n: ch * n,
            st.sampled_from(["字", "a", "🙂", " ", "\x1b"]),
            st.integers(0, 5000),
        ),
    )


def good_texts(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """Text a desk may type that any field must take: printable, trimmed, within the limit
    (CJK, emoji, marks and symbols included)."""
    printable = st.characters(exclude_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp", "Zs"))
    return st.text(printable, min_size=min_size, max_size=max_size).filter(
        lambda t: (
            t == " ".join(t.split())
            and unicodedata.normalize("NFKC", t) == t
            and len(t) >= min_size
        )
    )


def mostly(valid: st.SearchStrategy, bad: st.SearchStrategy, odds: int = 3) -> st.SearchStrategy:
    """A valid value `odds` times in `odds + 1`, else a bad one: most examples then reach the
    checks deep inside a service, one bad field at a time."""
    return st.integers(0, odds).flatmap(lambda i: bad if i == 0 else valid)


def ints() -> st.SearchStrategy[int]:
    return st.one_of(
        st.integers(-5, 300),
        st.integers(-(2**63), 2**63),
        st.sampled_from([0, 1, 200, 201, 10_000, 10_001, 10_000_000, 10_000_001]),
    )


def ids() -> st.SearchStrategy[int]:
    """Record ids the app passes (from its own lists): real ones and ones that are gone
    (an id column holds at most 2**31 - 1 on PostgreSQL)."""
    return st.one_of(st.integers(-3, 60), st.integers(2**31 - 5, 2**31 - 1))


def versions() -> st.SearchStrategy[int]:
    """The version a desk loaded (the app passes it back): current, older, newer, nonsense."""
    return st.integers(-2, 40)


_ZONES = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=8)),
        timezone(timedelta(hours=-12)),
        timezone(timedelta(hours=14)),
        timezone(timedelta(minutes=345)),
    ]
)


def instants(now: datetime) -> st.SearchStrategy[datetime]:
    """Aware instants: near now (seconds to days either side) and anywhere in 0002..9998."""
    near = st.builds(lambda s: now + timedelta(seconds=s), st.integers(-10 * 86400, 100 * 86400))
    anywhere = st.datetimes(
        min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=_ZONES
    )
    return st.one_of(near, anywhere)


# -- the promise -----------------------------------------------------------------------------------
def strip(value) -> str:
    return (value or "").strip()


def squash(value) -> str:
    return " ".join((value or "").split())


def nfkc(value) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


@dataclass
class Outcome:
    saved: Any = None
    refused: DeskError | None = None
    before: dict | None = None
    after: dict | None = None

    def added(self, table: str) -> int:
        return self.after[table] - self.before[table]


class Tally:
    """Counts what the trials did, for the report (saved, refused, rows compared)."""

    def __init__(self) -> None:
        self.saved = self.refused = self.rows_checked = 0


TALLY = Tally()


def one_sentence(exc: DeskError, given: tuple = ()) -> None:
    """The refusal reads as one clear sentence (what the user typed may appear inside it)."""
    message = str(exc)
    assert isinstance(message, str) and message.strip(), f"empty message from {type(exc).__name__}"
    rest = message
    for value in sorted((str(v) for v in given if v), key=len, reverse=True):
        forms = {
            value,
            value.strip(),
            squash(value),
            nfkc(value),
            value.strip().upper(),
            value.strip().lower(),
        }
        for form in sorted(forms, key=len, reverse=True):
            if form:
                rest = rest.replace(form, "…")
    rest = rest.strip()
    assert "Traceback" not in rest and "object at 0x" not in rest, message
    assert "\n" not in rest, f"more than one line: {message!r}"
    assert rest[-1] in '.。!?！？)）"”…', f"not a sentence: {message!r}"


def attempt(engine, work, *, given: tuple = ()) -> Outcome:
    """Run `work(session)` in one write transaction and hold the outcome to the promise."""
    before = row_counts(engine)
    try:
        result = run_write(engine, work)
    except DeskError as exc:
        one_sentence(exc, given)
        after = row_counts(engine)
        assert after == before, f"refused ({exc}) but changed {_diff(before, after)}"
        TALLY.refused += 1
        return Outcome(refused=exc, before=before, after=after)
    TALLY.saved += 1
    return Outcome(saved=result, before=before, after=row_counts(engine))


def _diff(before: dict, after: dict) -> dict:
    return {k: (before[k], after[k]) for k in before if before[k] != after[k]}


def stored(engine, model, row_id):
    """The row as a fresh session reads it from the database, checked against the schema."""
    row = run_read(engine, lambda s: s.get(model, row_id))
    assert row is not None, f"{model.__name__} {row_id} was acknowledged but is not stored"
    assert too_long(row) == [], (
        f"{model.__name__} {row_id} does not fit the schema: {too_long(row)}"
    )
    TALLY.rows_checked += 1
    return row


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def trial_engine(request, tmp_path_factory, name: str):
    """One database for a module's trials (Hypothesis runs many examples per test):
    deskterm's own engine on a copy of the migrated template, on SQLite (without the fsync per
    commit: the trials are about what is saved, not power cuts, see test_crash) or, with
    DESKTERM_TEST_PG_URL, on a PostgreSQL database cloned from the template."""
    start = (TALLY.saved, TALLY.refused, TALLY.rows_checked)
    try:
        yield from _engine_for(request, tmp_path_factory, name)
    finally:  # the module's figures (shown with pytest -s)
        saved, refused, rows = (
            TALLY.saved - start[0],
            TALLY.refused - start[1],
            TALLY.rows_checked - start[2],
        )
        print(
            f"\n{name} ({request.param}): {saved} saved and read back, {refused} refused "
            f"with every table unchanged, {rows} rows compared"
        )


def _engine_for(request, tmp_path_factory, name: str):
    from sqlalchemy import create_engine, event, text

    from deskterm.db import make_engine
    from tests.conftest import PG_URL

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp(name) / f"{name}.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(str(path))

        @event.listens_for(engine, "connect")
        def _no_fsync(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA synchronous = OFF")

        yield engine
        engine.dispose()
        return
    if not PG_URL:
        pytest.skip("PostgreSQL trials need DESKTERM_TEST_PG_URL")
    template = request.getfixturevalue("pg_template")
    db_name = f"deskterm_fuzz_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db_name}" TEMPLATE "{template}"'))
    engine = make_engine(PG_URL.rsplit("/", 1)[0] + f"/{db_name}")
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
    admin.dispose()
