"""deskterm.export's fast paths give the reference bytes.

csv: most lines are made in one f-string and kept when csv.writer would have written exactly
that; the reference is the cell converter (`compile_lines(..., "csv")`) through csv.writer, as every
export was written before. These tests feed both awkward values of every column kind and
compare bytes, and run awkward slips through SQLite and PostgreSQL (the `engine` fixture) to
the same literal bytes.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskterm.encoders import csv_text
from deskterm.export import Col, batched, compile_lines, instant_formatter, write_rows
from deskterm.exports import build_query, open_rows
from deskterm.rules.spreadsheet import FORMULA_START
from tests.services.test_export_seed import add, estate, slip

COLUMNS = [
    Col("number", nullable=False),
    Col("note"),
    Col("n", "int"),
    Col("at", "instant"),
    Col("day", "date"),
    Col("fee", "money"),
    Col("ok", "bool"),
    Col("items", "json"),
    Col("phone", "phone"),
    Col("by"),
    Col("shift", "int", nullable=False),
]
PIECES = [
    ",",
    '"',
    "\r",
    "\n",
    "\r\n",
    "\t",
    "=",
    "+",
    "-",
    "@",
    ".",
    "<",
    ";",
    "A",
    "a",
    "0",
    "9",
    " ",
    "'",
    "\x00",
    "\x1f",
    "é",
    "张伟",
    "🙂",
    "\u2028",
    "\u3000",
    "null",
    "None",
]


def reference_csv(rows, columns, *, tz, include_pii=False, bom=True) -> bytes:
    """How every export was written before the fast path: cells through csv.writer; then
    the CSV encoder (issue 15) shows control characters as pictures, CR LF line ends kept."""
    cells = compile_lines(columns, "csv", instant_formatter(tz), include_pii)
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow(cells(row))
    return csv_text(("\ufeff" if bom else "") + text.getvalue()).encode()


def fast_csv(rows, columns, *, tz, size, include_pii=False, bom=True) -> bytes:
    out = io.BytesIO()
    written = write_rows(
        batched(rows, size), columns, out, fmt="csv", tz=tz, include_pii=include_pii, bom=bom
    )
    assert written == len(rows)
    return out.getvalue()


def text(rnd: random.Random) -> str:
    if rnd.random() < 0.6:  # most values are plain, so most batches take the fast path
        return rnd.choice(["张伟", "V20261128-0001", "12-1203", "visit", "op1", "浙A12345", ""])
    return "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 4)))


def awkward_row(rnd: random.Random) -> tuple:
    moment = datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC) + timedelta(
        minutes=rnd.randint(-600, 600), microseconds=rnd.randint(0, 999999)
    )
    at = rnd.choice([None, moment, moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")])
    maybe = lambda value: None if rnd.random() < 0.2 else value  # noqa: E731
    return (
        text(rnd),
        maybe(text(rnd)),
        maybe(rnd.choice([0, 1, -5, 12345678901234])),
        at,
        maybe(rnd.choice([date(2026, 11, 28), "2026-11-28"])),
        maybe(rnd.choice([0, 5, -5, 1205, 10**12])),
        maybe(rnd.choice([0, 1, True, False])),
        maybe(rnd.choice(['{"钥匙": 3}', "[]", {"a": "=1"}, '"-x"'])),
        maybe(
            rnd.choice(
                ["13812345678", "+8613912345678", "12345", "1", "", "１３８１２３４５６７８"]
            )
        ),
        maybe(text(rnd)),
        rnd.choice([0, 7]),
    )


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("include_pii", [False, True])
def test_csv_bytes_are_csv_writers_for_awkward_values(seed, include_pii):
    rnd = random.Random(seed)
    rows = [awkward_row(rnd) for _ in range(700)]
    for tz in ("Asia/Shanghai", "Europe/Berlin"):
        expected = reference_csv(rows, COLUMNS, tz=tz, include_pii=include_pii)
        for size in (1, 7, 500):
            assert fast_csv(rows, COLUMNS, tz=tz, size=size, include_pii=include_pii) == expected


def test_plain_batches_take_the_fast_path_and_awkward_rows_the_reference(monkeypatch):
    """A clean batch never calls csv.writer for a row; a dirty one only for its dirty rows."""
    import deskterm.export as export

    calls = []
    real = export.compile_lines

    def counting(columns, target, instants, include_pii):
        convert = real(columns, target, instants, include_pii)
        if target != "csv":
            return convert
        return lambda row: calls.append(row) or convert(row)

    monkeypatch.setattr(export, "compile_lines", counting)
    clean = [("V1", "张伟", 1), ("V2", "12-1203 王芳", None)]
    dirty = [("V3", "a, b", 2), ("V4", "=1+1", 3), ("V5", "plain", 4)]
    columns = [Col("number", nullable=False), Col("text"), Col("n", "int")]
    data = fast_csv(clean + dirty, columns, tz="Asia/Shanghai", size=2, bom=False)
    assert data == reference_csv(clean + dirty, columns, tz="Asia/Shanghai", bom=False)
    assert data.decode().splitlines()[1:] == [
        "V1,张伟,1",
        "V2,12-1203 王芳,",
        'V3,"a, b",2',
        "V4,'=1+1,3",
        "V5,plain,4",
    ]
    assert calls == [("V3", "a, b", 2)]  # "=1+1" is neutralised on the fast path itself


@pytest.mark.parametrize("value, cell", [(0, "0"), (None, ""), ("", "")])
def test_values_the_fast_line_refuses_are_written_as_before(value, cell):
    """A number (or None) where text is expected raises on the fast path; its row is written
    the reference way (a NOT NULL text column that is NULL after all comes out empty)."""
    columns = [Col("number", nullable=False), Col("n", "int")]
    rows = [(value, 1), ("V2", 2)]
    data = fast_csv(rows, columns, tz="Asia/Shanghai", size=10, bom=False)
    assert data == reference_csv(rows, columns, tz="Asia/Shanghai", bom=False)
    assert data.decode().splitlines()[1] == f"{cell},1"


def test_an_error_of_the_reference_path_still_stops_the_export():
    columns = [Col("number", nullable=False), Col("n", "int")]
    with pytest.raises(TypeError):
        fast_csv([("V1", 1), (5, 2)], columns, tz="Asia/Shanghai", size=10)


def test_the_formula_shortcut_never_skips_a_formula_character():
    """The fast line skips neutralise() for text from "A" up, or from "." to before "=";
    no formula character is there, whatever follows it."""
    for code in [*range(0x3100), 0xFFFD, 0x1F642, 0x10FFFF]:
        for rest in ("", "x", "\x00", "\U0010ffff"):
            value = chr(code) + rest
            if value >= "A" or "." <= value < "=":
                assert value[0] not in FORMULA_START, repr(value)
    assert not ("" >= "A" or "." <= "" < "=")  # the empty string takes neutralise()


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "Europe/Berlin", "Asia/Kolkata", "UTC"])
def test_instants_at_midnight_dst_and_the_last_microsecond(tz):
    convert = instant_formatter(tz)
    zone = ZoneInfo(tz)
    for moment in [
        datetime(2026, 11, 27, 16, 0, tzinfo=UTC),
        datetime(2026, 11, 27, 15, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 59, 59, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 0, 0, 1, tzinfo=UTC),
        datetime(2025, 12, 31, 23, 30, 0, 500000, tzinfo=UTC),
    ]:
        expected = moment.astimezone(zone).isoformat(timespec="seconds")
        raw = moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        for _ in range(2):  # learning the hour, then the cached splice
            assert convert(raw) == expected, (tz, raw)
            assert convert(moment) == expected


# Through the database: the same bytes from SQLite (text instants, 0/1) and PostgreSQL
# (datetimes, booleans).

AWKWARD = dict(
    visitor_name="=SUM(A1)",
    host_text='12-1203 "王芳", 前台',
    purpose_text="换行\r\n第二行",
    plate="-A12345",
    doc_masked=None,
    phone="13812345678",
    slip_returned=False,
)


@pytest.fixture
def awkward_slips(engine, staff):
    units = estate(engine)
    op = staff.operator.user_id
    midnight = datetime(2026, 11, 27, 16, 0, 0, 999999, tzinfo=UTC)  # 00:00:00.999999 in Shanghai
    add(
        engine,
        slip("V20261128-0001", op, at=midnight, host_unit_id=units["12-0101"], **AWKWARD),
        slip(
            "V20261128-0002",
            op,
            at=midnight + timedelta(hours=7, minutes=59, seconds=59),
            visitor_name="Zoë",
            status="left",
            checked_out_by=op,
            checked_out_at=midnight + timedelta(hours=8),
            slip_returned=True,
        ),
    )


def exported(engine, fmt, tz):
    query = build_query("visitors", since=None, until=None)
    out = io.BytesIO()
    with open_rows(engine, query) as (_, batches):
        write_rows(batches, query.columns, out, fmt=fmt, tz=tz)
    return out.getvalue()


def test_awkward_slips_same_bytes_on_every_database(engine, awkward_slips):
    data = exported(engine, "csv", "Asia/Shanghai").decode("utf-8-sig").split("\r\n")
    assert data[1:] == [
        "V20261128-0001,2026-11-28T00:00:00+08:00,,on_site,'=SUM(A1),1,resident_id,,138****5678,"
        '12-0101,"12-1203 ""王芳"", 前台",visit,"换行',
        "第二行\",'-A12345,,,false,op1,,",
        "V20261128-0002,2026-11-28T07:59:59+08:00,2026-11-28T08:00:00+08:00,left,Zoë,1,resident_id,"
        "resident_id ****1234,,,王芳 12-1203,visit,,,,,true,op1,op1,",
        "",
    ]
    first = json.loads(exported(engine, "jsonl", "Asia/Shanghai").decode().splitlines()[0])
    assert first["visitor_name"] == "=SUM(A1)" and first["purpose_text"] == "换行\r\n第二行"
    assert first["checked_in_at"] == "2026-11-28T00:00:00+08:00" and first["slip_returned"] is False


def test_awkward_slips_in_a_zone_with_summer_time(engine, awkward_slips):
    lines = exported(engine, "csv", "Europe/Berlin").decode("utf-8-sig").split("\r\n")
    assert lines[1].startswith("V20261128-0001,2026-11-27T17:00:00+01:00,,on_site,")
    assert lines[3].startswith(
        "V20261128-0002,2026-11-28T00:59:59+01:00,2026-11-28T01:00:00+01:00,"
    )
