"""The one row writer: csv | jsonl | json | xlsx, chosen by one --format, fed by a cursor.

Rows arrive as the database driver returns them (tuples of raw values: on SQLite instants are
text and booleans 0/1, on PostgreSQL they are datetime and bool) and are written one batch at
a time; nothing holds a whole table. The bytes are the contract (tests pin them):

- every format: instants in ISO 8601 with the desk's offset (`2026-11-28T10:00:00+08:00`),
  money in yuan with two decimals from whole fen (rules.money.format_yuan), phone columns
  masked (rules.phone.mask_phone) unless personal data was asked for;
- csv: UTF-8 with a byte-order mark (Excel reads Chinese text right; `bom=False` for tools),
  a header row, CRLF line ends, every other string exactly as stored;
- csv: a text cell that a spreadsheet would run as a formula (it starts with = + - @, tab or
  carriage return) gets a leading single quote (OWASP's advice);
- json: `[]` when there are no rows; jsonl: one object per line; a money column also carries
  the exact amount as an integer of fen (`fee_yuan` "12.50" beside `fee_fen` 1250);
- xlsx, for people (`_write_xlsx`): XlsxWriter in constant-memory mode; headings and codes
  named in the chosen language, instants as real date-times in the desk's zone, money as
  numbers shown 0.00; every text column is written as a text cell, so phone, unit and slip
  numbers never turn into numbers and no text runs as a formula (no quote is added).

Converting a row is the hot loop of a million-row export, so each export compiles one small
converter function for its columns (see `compile_lines`): no per-cell dispatch. A batch is encoded
and written in one call. csv makes most lines in one f-string and checks once per batch that
csv.writer would have written exactly that (`_write_csv`; tests/services/test_export_lines.py
compares both on awkward values). Measured on a million slips (issue 10), and kept in Python
for both databases: fetching the driver's cells is ~3 µs a row (more than `sqlite3 -csv`'s
whole run); formatting in SQL costs as much per cell as fetching it (strftime ~0.55 µs an
instant against ~0.2 µs here; json_object/printf/json_quote ~0.1-0.2 µs a cell).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from json.encoder import encode_basestring
from typing import Any
from zoneinfo import ZoneInfo

from deskterm.encoders import ByteSink, csv_text, json_text, xlsx_text
from deskterm.progress import Progress
from deskterm.rules.money import format_yuan
from deskterm.rules.phone import mask_phone
from deskterm.rules.spreadsheet import FORMULA_START, neutralise

FORMATS = ("csv", "jsonl", "json", "xlsx")
KINDS = ("text", "int", "instant", "date", "money", "bool", "json", "phone")
XLSX_MAX_ROWS = 1_048_575  # a sheet's rows, less the header
# a control character (the CR of a CR LF line end aside) in a batch's bytes: issue 15
_CONTROL = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
BATCH = 500  # rows per fetch and write: small enough to keep memory flat, big enough to be fast


class TooManyRows(Exception):
    """More rows than one xlsx sheet holds (`args[0]` is the limit)."""


@dataclass(frozen=True)
class Col:
    """One exported column: its name (the header) and how its raw value is written."""

    name: str
    kind: str = "text"
    nullable: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if not self.name.isidentifier():
            raise ValueError(f"column name {self.name!r} must be an identifier")


def mask(value: str) -> str:
    """mask_phone, with a fast path for the common all-ASCII-digit number."""
    if value.isascii() and value.isdigit():
        n = len(value)
        if n >= 8:
            return value[:3] + "*" * (n - 7) + value[-4:]
    return mask_phone(value)


def instant_formatter(tz: str) -> Callable[[Any], str]:
    """Raw instants (SQLite text in UTC, or datetimes) -> ISO 8601 in the desk's zone.

    SQLite text is converted by splicing: the local hour and the offset are worked out once
    per UTC hour and the minutes and seconds copied across; an hour whose offset changes
    inside it (or is not whole hours) takes the slow, exact path.
    """
    zone = ZoneInfo(tz)
    hours: dict[str, tuple[str, str] | None] = {}

    def exact(raw: Any) -> str:
        if isinstance(raw, str):
            raw = datetime.fromisoformat(raw)
        if raw.tzinfo is None:
            raw = raw.replace(tzinfo=UTC)
        return raw.astimezone(zone).isoformat(timespec="seconds")

    def learn(raw: Any) -> str:
        if not isinstance(raw, str) or len(raw) < 19:
            return exact(raw)
        if len(hours) > 4096:
            hours.clear()
        key = raw[:13]
        try:
            start = datetime.fromisoformat(key + ":00:00").replace(tzinfo=UTC)
        except ValueError:
            return exact(raw)
        local = start.astimezone(zone)
        later = (start + timedelta(minutes=59, seconds=59)).astimezone(zone)
        offset = local.utcoffset()
        entry = None
        if (
            offset == later.utcoffset()
            and offset is not None
            and offset.total_seconds() % 3600 == 0
        ):
            text = local.isoformat(timespec="seconds")
            entry = (text[:13], text[19:])
        hours[key] = entry
        return exact(raw)

    def convert(raw: Any) -> str:
        try:  # head + minutes and seconds + offset, made in one call
            return raw[13:19].join(hours[raw[:13]])
        except (KeyError, TypeError):  # an hour not seen yet, a datetime, an exact-only hour
            return learn(raw) if raw.__class__ is str and raw[:13] not in hours else exact(raw)

    return convert


def _date_text(raw: Any) -> str:
    return raw.isoformat() if isinstance(raw, date) else str(raw)


def _json_text(raw: Any) -> str:
    value = json.loads(raw) if isinstance(raw, str | bytes) else raw
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# How each kind becomes a cell (csv, xlsx) or a JSON value; `{a}` is the raw value.
_CELL = {
    "text": "(N + {a} if {a} and {a}[0] in F else {a})",
    "int": "{a}",
    "instant": "inst({a})",
    "date": "dtext({a})",
    "money": "yuan({a})",
    "bool": "('true' if {a} else 'false')",
    "json": "nt(jtext({a}))",
    "phone": "nt(mask({a}))",
}
_XLSX_OVERRIDES = {"money": "{a}", "bool": "bool({a})"}
# The csv fast path: a whole line in one f-string (see _write_csv). The formula characters are
# all below "." or between "<" and "A" (= and @), so a text cell that sorts at or after "A", or
# from "." up to before "=" (digits), cannot start with one and skips the call. A value that is
# not text raises there, and its batch is redone the reference way (_CELL and csv.writer).
_LINE = {
    "text": '({a} if {a} >= "A" or "." <= {a} < "=" else nt({a}))',
    "int": "{a}",
    "instant": "inst({a})",
    "date": "dtext({a})",
    "money": "yuan({a})",
    "bool": '("true" if {a} else "false")',
    "json": "nt(jtext({a}))",
    "phone": "nt(mask({a}))",
}
_JSON = {  # inside an f\'\'\'...\'\'\' string: literals in double quotes
    "text": "eb({a})",
    "int": "{a}",
    "instant": "eb(inst({a}))",
    "date": "eb(dtext({a}))",
    "money": "eb(yuan({a}))",
    "bool": '("true" if {a} else "false")',
    "json": "jtext({a})",
    "phone": "eb(mask({a}))",
}


def compile_lines(
    columns: Sequence[Col], target: str, instants: Callable, include_pii: bool
) -> Callable:
    """One function: raw row -> cells (target csv, xlsx), -> one csv line without its end
    (target line: see _write_csv) or -> one JSON object (json, jsonl).

    Its source is put together from the fixed templates above, column positions and column
    names (checked to be identifiers); no value from the database reaches it.
    """
    names = [f"a{i}" for i in range(len(columns))]
    as_json = target in ("json", "jsonl")
    parts = []
    for col, a in zip(columns, names, strict=True):
        kind = "text" if col.kind == "phone" and include_pii else col.kind
        if as_json:
            expr = _JSON[kind].format(a=a)
            if col.nullable:
                expr = f'("null" if {a} is None else {expr})'
            parts.append(f'"{col.name}": {{{expr}}}')
            if kind == "money":  # the exact amount beside the yuan text
                fen = f'("null" if {a} is None else int({a}))' if col.nullable else f"int({a})"
                parts.append(f'"{fen_name(col.name)}": {{{fen}}}')
            continue
        if target == "line":
            expr = _LINE[kind].format(a=a)
            if col.nullable or kind == "int":  # as _CELL: csv writes None as ""
                expr = f'("" if {a} is None else {expr})'
            # (None in a NOT NULL text column raises at `>=`: its batch is redone as in _CELL)
            parts.append(f"{{{expr}}}")
            continue
        template = _XLSX_OVERRIDES.get(kind, _CELL[kind]) if target == "xlsx" else _CELL[kind]
        expr = template.format(a=a)
        if col.nullable and kind not in ("text", "int"):
            expr = f"(None if {a} is None else {expr})"
        parts.append(expr)
    unpack = f"({', '.join(names)},) = row"
    if as_json:
        end = "\\n" if target == "jsonl" else ""
        body = "f'''{{" + ", ".join(parts) + "}}" + end + "'''"
    elif target == "line":
        body = "f'''" + ",".join(parts) + "'''"
    else:
        body = "(" + ", ".join(parts) + ",)"
    source = f"def convert(row):\n    {unpack}\n    return {body}\n"
    scope: dict[str, Any] = {  # exec's namespace (its type in typeshed)
        "N": "'",
        "F": FORMULA_START,
        "inst": instants,
        "dtext": _date_text,
        "yuan": format_yuan,
        "jtext": _json_text,
        "nt": neutralise,
        "mask": mask,
        "eb": encode_basestring,
    }
    exec(compile(source, "<deskterm.export row converter>", "exec"), scope)  # noqa: S102
    return scope["convert"]


def fen_name(name: str) -> str:
    """The JSON key of a money column's exact amount in fen: fee_yuan -> fee_fen."""
    return name.removesuffix("_yuan") + "_fen"


def batched(rows: Iterable[Sequence[Any]], size: int = BATCH) -> Iterator[list]:
    """Rows in lists of `size` (for callers that hold rows rather than a cursor)."""
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


Tick = Callable[[int], None]  # rows written so far, inside the writers
Batches = Iterable[Sequence[Sequence[Any]]]
# how an xlsx names a column's values: code -> name, or a function of the raw value
Codes = dict[str, str] | Callable[[Any], str]


def write_rows(
    batches: Batches,
    columns: Sequence[Col],
    out: ByteSink,
    *,
    fmt: str,
    tz: str,
    include_pii: bool = False,
    bom: bool = True,
    progress: Progress | None = None,
    headings: Sequence[str] | None = None,
    codes: Sequence[Codes | None] | None = None,
    bool_words: tuple[str, str] = ("true", "false"),
    what: str = "",
    total: int | None = None,
) -> int:
    """Write `batches` of raw rows (in the order of `columns`) to the binary stream `out`.

    Returns the number of rows written; `progress(what, done, total)` is told after each batch
    (deskterm.progress). xlsx needs a real file: pass one opened for writing in binary mode.
    `headings` (csv, xlsx) replace the column names in the heading row; `codes` (xlsx: one
    code -> name table or None per column) and `bool_words` name values for people.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    instants = instant_formatter(tz)
    tick = None if progress is None else (lambda done: progress(what, done, total))
    if fmt == "xlsx":
        return _write_xlsx(
            batches, columns, out, tz, include_pii, tick, headings, codes, bool_words
        )
    if fmt == "csv":
        return _write_csv(batches, columns, out, instants, include_pii, bom, tick, headings)
    return _write_json(batches, columns, out, instants, include_pii, fmt == "jsonl", tick)


class _Lines(list):
    """What csv.writer writes to: it keeps each line."""

    write = list.append


def _write_csv(batches, columns, out, instants, include_pii, bom, tick, headings=None) -> int:
    """csv.writer's bytes, most lines made without it.

    The reference path is `compile_lines(..., "csv")` (the cells) through csv.writer. The fast path
    makes the whole line in one f-string (`compile_lines(..., "line")`, the same cells) and keeps it
    when csv.writer would have written exactly that: when no cell holds a comma, a quote or a
    line break (csv.writer quotes only those), checked once per batch on the encoded bytes.
    A batch that fails the check, or whose fast path raised, is redone row by row.
    """
    import csv

    cells = compile_lines(columns, "csv", instants, include_pii)
    line = compile_lines(columns, "line", instants, include_pii) if len(columns) > 1 else None
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\r\n")
    writer.writerow(list(headings) if headings else [c.name for c in columns])
    out.write((("\ufeff" if bom else "") + lines.pop()).encode())
    commas = len(columns) - 1
    done = 0
    for batch in batches:
        data = None
        if line is not None:
            try:
                data = ("\r\n".join(map(line, batch)) + "\r\n").encode()
            except Exception:  # noqa: BLE001  (redone below, where the same error is raised)
                data = None
            if data is not None:
                n = len(batch)
                if (
                    data.count(b",") != commas * n
                    or b'"' in data
                    or data.count(b"\n") != n
                    or data.count(b"\r") != n
                ):
                    data = None
        if data is None:
            for row in batch:
                text = _safe_line(line, row, commas)
                if text is None:
                    writer.writerow(cells(row))
                else:
                    lines.append(text)
            data = "".join(lines).encode()
            lines.clear()
        if _CONTROL.search(data):  # a row stored before the text guard: shown, not obeyed
            data = csv_text(data.decode()).encode()
        out.write(data)
        done += len(batch)
        if tick:
            tick(done)
    return done


def _safe_line(line, row, commas: int) -> str | None:
    """The fast line of one row with its end, if csv.writer would write exactly that."""
    if line is None:
        return None
    try:
        text = line(row)
    except Exception:  # noqa: BLE001
        return None
    if text.count(",") != commas or '"' in text or "\n" in text or "\r" in text:
        return None
    return text + "\r\n"


def _write_json(batches, columns, out, instants, include_pii, lines, tick) -> int:
    convert = compile_lines(columns, "jsonl" if lines else "json", instants, include_pii)
    done = 0
    write = out.write
    for batch in batches:
        if lines:
            write(json_text("".join(map(convert, batch))).encode())
        else:
            write(
                json_text(
                    ("[" if done == 0 else ",\n ") + ",\n ".join(map(convert, batch))
                ).encode()
            )
        done += len(batch)
        if tick:
            tick(done)
    if not lines:
        write(b"]\n" if done else b"[]\n")
    return done


def _xlsx_instant(tz: str) -> Callable[[Any], datetime]:
    """Raw instants -> naive desk-local datetimes (what an Excel date-time cell holds)."""
    zone = ZoneInfo(tz)

    def convert(raw: Any) -> datetime:
        if isinstance(raw, str):
            raw = datetime.fromisoformat(raw)
        if raw.tzinfo is None:
            raw = raw.replace(tzinfo=UTC)
        return raw.astimezone(zone).replace(tzinfo=None)

    return convert


def _xlsx_date(raw: Any) -> datetime:
    day = raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])
    return datetime(day.year, day.month, day.day)


def display_width(text: str) -> int:
    """Columns a text takes on screen or in a spreadsheet: wide (CJK) characters count two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


WIDTH_SAMPLE = 2000  # rows looked at to size the columns
MAX_WIDTH = 60
PRINT_FIT = 200  # columns of characters a landscape page still shows legibly


def _write_xlsx(
    batches: Batches,
    columns: Sequence[Col],
    out: ByteSink,
    tz: str,
    include_pii: bool,
    tick: Tick | None,
    headings: Sequence[str] | None,
    codes: Sequence[Codes | None] | None,
    bool_words: tuple[str, str],
) -> int:
    """A sheet for people: a bold, frozen heading row with a filter; instants as Excel
    date-times in the desk's zone; money as numbers shown 0.00; codes named (`codes`); every
    other text as a plain text cell (a text cell never runs as a formula, so no quote is added);
    columns as wide as their content (CJK counts double), from the first rows."""
    from xlsxwriter import Workbook

    book = Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet("export")
    bold = book.add_format({"bold": True, "text_wrap": False})
    money = book.add_format({"num_format": "0.00"})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    instant = _xlsx_instant(tz)
    names = list(headings) if headings else [c.name for c in columns]
    widths = [display_width(n) + 2 for n in names]  # room for the filter's button
    for c, name in enumerate(names):
        sheet.write_string(0, c, name, bold)
    yes, no = bool_words
    # per column: (its index, the sheet's write method, the cell format, raw value -> cell value)
    writers: list[tuple[int, Callable[..., object], object, Callable[[Any], object] | None]] = []
    for c, col in enumerate(columns):
        kind = "text" if col.kind == "phone" and include_pii else col.kind
        table = codes[c] if codes else None
        if callable(table):  # a cell that reads by a function (exports/labels.SHAPED_COLUMNS)
            writers.append((c, sheet.write_string, None, _xlsx_read_by(table)))
        elif kind == "int":
            writers.append((c, sheet.write_number, None, None))
        elif kind == "money":
            writers.append((c, sheet.write_number, money, lambda fen: fen / 100))
        elif kind == "bool":
            writers.append((c, sheet.write_string, None, lambda v: yes if v else no))
        elif kind == "instant":
            writers.append((c, sheet.write_datetime, when, instant))
        elif kind == "date":
            writers.append((c, sheet.write_datetime, day, _xlsx_date))
        elif kind == "json":
            writers.append((c, sheet.write_string, None, lambda v: _xlsx_cell_text(_json_text(v))))
        elif kind == "phone":
            writers.append((c, sheet.write_string, None, lambda v: _xlsx_cell_text(mask(v))))
        elif table:
            writers.append((c, sheet.write_string, None, _xlsx_named_by(table)))
        else:
            writers.append((c, sheet.write_string, None, _xlsx_cell_text))
    shown = {"instant": 19, "date": 10}
    r = 0
    for batch in batches:
        if r + len(batch) > XLSX_MAX_ROWS:
            raise TooManyRows(XLSX_MAX_ROWS)
        for row in batch:
            r += 1
            sample = r <= WIDTH_SAMPLE
            for (c, write, fmt, convert), raw in zip(writers, row, strict=False):
                if raw is None:
                    continue
                value = convert(raw) if convert is not None else raw
                if fmt is None:
                    write(r, c, value)
                else:
                    write(r, c, value, fmt)
                if sample:
                    kind = columns[c].kind
                    w = shown.get(kind) or (
                        display_width(value)
                        if isinstance(value, str)
                        else len(f"{value:.2f}" if kind == "money" else str(value))
                    )
                    if w > widths[c]:
                        widths[c] = w
        if tick:
            tick(r)
    for c, w in enumerate(widths):
        sheet.set_column(c, c, min(w, MAX_WIDTH) + 1)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(r, 1), len(columns) - 1)
    sheet.set_landscape()  # printed: across the page, the heading row on every page
    sheet.repeat_rows(0)
    if sum(min(w, MAX_WIDTH) + 1 for w in widths) <= PRINT_FIT:  # and one page wide if legible
        sheet.fit_to_pages(1, 0)
    book.close()
    return r


def _xlsx_read_by(read: Callable[[Any], str]) -> Callable[[Any], str]:
    """A shaped column's cell: the text `read` makes of the raw value."""
    return lambda v: _xlsx_cell_text(read(v))


def _xlsx_named_by(names: dict[str, str]) -> Callable[[Any], str]:
    """A coded column's cell: the code's name in `names`, or the code itself."""
    return lambda v: _xlsx_cell_text(names.get(v, v))


def _xlsx_cell_text(value) -> str:
    """Typed text for a text cell: as is, unless it holds control characters (then pictured)."""
    text = str(value)
    return xlsx_text(text) if _XLSX_CONTROL.search(text) else text


_XLSX_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)"
)
