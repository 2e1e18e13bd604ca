"""A failure is said in the chosen language only: a library's or the system's own English words
(SQLite's "file is not a database", tomllib's "Expected '=' after a key", the C library's
"Permission denied", a driver's "no such table") never land inside a Chinese sentence
(deskterm.reasons). Every way a reason is put into a sentence is enumerated here in zh_CN, on
real failures of the real libraries, and through the commands that say them."""

from __future__ import annotations

import errno
import re
import sqlite3
import tomllib

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from deskterm import db, reasons
from deskterm.i18n import set_language

# what may stay ASCII in a Chinese sentence: file paths, `commands`, product and format names,
# setting names, errno symbols and exception class names (both start with a capital)
_NEUTRAL = re.compile(r"`[^`]*`|\S*/\S*|[\w.-]+\.(?:toml|db|csv)\b|print_command|\bdeskterm\b")
_ENGLISH_WORD = re.compile(r"\b[a-z]{2,}\b")


def english_words(sentence: str) -> list[str]:
    return _ENGLISH_WORD.findall(_NEUTRAL.sub(" ", sentence))


@pytest.fixture
def zh():
    set_language("zh_CN")
    yield
    set_language("en")


def test_the_check_finds_english():
    assert english_words("无法读取（no such table: counter）") == ["no", "such", "table", "counter"]
    assert english_words("/tmp/x.db 不是 `deskterm db restore` 的 SQLite 备份（第 1 行）") == []


def _os_errors() -> list[OSError]:
    known = [OSError(code, "the C library's English") for code in reasons.OS_REASONS]
    unknown = [OSError(errno.EXDEV, "Invalid cross-device link"), OSError("no errno at all")]
    return known + unknown


def _toml_errors() -> list[tomllib.TOMLDecodeError]:
    found = []
    for text in ("abc def\n", "a = \n", "[x\n", 'a = "open\n', "a = 1\na = 2\n", "a = [1,"):
        with pytest.raises(tomllib.TOMLDecodeError) as caught:
            tomllib.loads(text)
        found.append(caught.value)
    return found


def _sqlite_errors(tmp_path) -> list[sqlite3.DatabaseError]:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database " * 500)
    found = []
    for statement in ("PRAGMA quick_check", "SELECT * FROM counter"):
        con = sqlite3.connect(junk)
        with pytest.raises(sqlite3.DatabaseError) as caught:
            con.execute(statement).fetchall()
        con.close()
        found.append(caught.value)
    con = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError) as missing:
        con.execute("SELECT * FROM counter")
    return [*found, missing.value]


def _database_failures() -> list[Exception]:
    return [
        OperationalError("INSERT", {}, Exception("database or disk is full")),
        OperationalError("UPDATE", {}, Exception("database is locked")),
        OperationalError("SELECT", {}, Exception("no such table: counter")),
        OperationalError("SELECT", {}, Exception('connection to server at "db" failed: refused')),
        IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: slip.number")),
        IntegrityError("INSERT", {}, Exception("CHECK constraint failed: ck_slip")),
    ]


def test_every_reason_is_said_in_chinese(zh, tmp_path):
    said = [reasons.os_reason(e) for e in _os_errors()]
    said += [reasons.toml_place(e) for e in _toml_errors()]
    said += [reasons.sqlite_reason(e) for e in _sqlite_errors(tmp_path)]
    said += [reasons.sqlite_reason("*** in database main ***\nPage 3: btreeInitPage() error")]
    said += [db.failure_sentence(e, reason=True) or "" for e in _database_failures()]
    said += [reasons.unexpected_sentence(KeyError("some_key"))]
    assert all(said)
    assert {s: english_words(s) for s in said if english_words(s)} == {}


def test_a_toml_error_keeps_its_line_and_column(zh):
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads("abc def\n")
    assert reasons.toml_place(caught.value) == "第 1 行第 5 列"


def test_an_english_desk_still_hears_the_drivers_words():
    failure = OperationalError("SELECT", {}, Exception("no such table: counter"))
    assert db.failure_sentence(failure, reason=True).endswith("(no such table: counter)")
    assert reasons.os_reason(OSError(errno.EXDEV, "Invalid cross-device link")) == (
        "Invalid cross-device link"
    )
