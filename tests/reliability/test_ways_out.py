"""Issue 15, item 3: one hostile corpus through every way out, and the bytes scanned.

A small demo estate is built, then every free-text column of every table (every `Line`,
`Block` and `Phone` field, models/text.py) is overwritten behind the app with one hostile
corpus: markup, CSI/OSC/DCS sequences, C1 controls, bidi overrides and isolates, joiners,
combining marks, NUL, full-width punctuation and a 5,000-character line. That is what rows
written before the text boundary (or by hand) can hold; the boundary itself refuses them.

Then every export kind in every format (to a file, and to standard output through the
terminal encoder), every report kind in every format, every sheet (handover text and HTML,
repair work orders text and HTML, visitor slips, the roll call) and every printout (text
printer and ESC/POS receipt printer) is made, and its bytes are scanned: no control
character may be in them but tab, line feed and CR LF (and, on the receipt printer, the
commands deskterm writes itself); HTML has no markup from the data and isolates it in <bdi>.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from deskterm.models.guard import text_limits
from tests.cli import conftest as cli_fixtures

cli = cli_fixtures.cli

CORPUS = (
    "[b]M1[/b] [@click=app.quit]Q1[/] <script>alert(1)</script> <b>x</b> &amp; "
    "\x1b[2J\x1b[H \x1b]0;Title\x07 \x1b]52;c;aGk=\x07 \x1bP1$r\x1b\\ \x9b31m \x85 \x90q\x9c "
    "\u202eRLO\u202c \u202dLRO \u2066iso\u2069 \u2067rli\u2069 👨\u200d👩\u200d👧\u200d👦 "
    "e\u0301 \x00NUL ，。！：；（） \x07\x08\x7f\x0c\r lone-CR "
    "身份证310115198001011238 电话13900001111 "
)
SHORT = CORPUS
CORPUS = SHORT + "长" * 5000
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)

# C0 but tab and LF, DEL, C1, bidi embeddings/overrides/isolates, a CR not ending a line
RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


class Scan:
    def __init__(self) -> None:
        self.outputs: list[str] = []
        self.found: list[tuple[str, str]] = []
        self.carried: list[str] = []  # outputs where the corpus arrived (as pictures)

    def text(self, name: str, data: str) -> None:
        self.outputs.append(name)
        if "\u241b" in data or "_x241B_" in data or "\\u001b" in data:  # ESC shown or escaped
            self.carried.append(name)
        for match in RAW.finditer(data):
            self.found.append((name, repr(data[max(0, match.start() - 30) : match.end() + 10])))

    def html(self, name: str, data: str) -> None:
        self.text(name, data)
        for bad in ("<script>", "<b>x</b>"):
            if bad in data:
                self.found.append((name, f"markup from the data: {bad}"))
        if "alert(1)" in data and "<bdi>" not in data:
            self.found.append((name, "user text not isolated in <bdi>"))

    def escpos(self, name: str, data: bytes) -> None:
        from deskterm.services import receipt

        self.outputs.append(name)
        own = [
            receipt.INIT,
            receipt.CHINESE_MODE,
            receipt.CENTRE,
            receipt.LEFT,
            receipt.FEED_AND_CUT,
        ]
        rest = data
        rest = re.sub(rb"\x1dh.\x1dw.\x1dH.\x1dk.(.).*?\n", b"", rest, flags=re.S)  # barcodes
        for command in own:
            rest = rest.replace(command, b"")
        for i, byte in enumerate(rest):
            if (byte < 0x20 and byte != 0x0A) or byte == 0x7F:
                self.found.append((name, repr(rest[max(0, i - 20) : i + 5])))


@pytest.fixture
def hostile_db(tmp_path):
    from deskterm.config import Settings
    from deskterm.db import make_engine
    from deskterm.demo.build import build_demo
    from deskterm.schema import upgrade
    from tests.tamper import drop_guards

    path = tmp_path / "desk.db"
    engine = make_engine(str(path))
    upgrade(engine)
    build_demo(engine=engine, settings=Settings(), visitors=60, now=NOW)
    import deskterm.models as models

    tables = {getattr(models, n) for n in models.__all__}
    columns = 0
    with engine.begin() as conn:
        drop_guards(conn)
        for model in sorted(
            (m for m in tables if hasattr(m, "__table__")), key=lambda m: m.__tablename__
        ):
            keys = [k for k, _length, kind in text_limits(model) if kind.name != "code"]
            if not keys:
                continue
            # a unique column (an engineer's name) takes the text and its row's number
            unique = {c.name for c in model.__table__.columns if c.unique} | {
                c.name for index in model.__table__.indexes if index.unique for c in index.columns
            }
            sets = ", ".join(f'"{k}" = :c || rowid' if k in unique else f'"{k}" = :c' for k in keys)
            table = model.__tablename__
            # the 5,000-character line in the first rows of each table, the rest without it
            conn.execute(text(f'UPDATE "{table}" SET {sets}'), {"c": SHORT})
            conn.execute(
                text(
                    f'UPDATE "{table}" SET {sets} WHERE rowid IN '
                    f'(SELECT rowid FROM "{table}" ORDER BY rowid LIMIT 3)'
                ),
                {"c": CORPUS},
            )
            columns += len(keys)
        # the handover's snapshot of open items copies typed text
        conn.execute(
            text("UPDATE handover SET open_items = :j"),
            {"j": json.dumps([{"kind": "message", "ref": "M1", "text": CORPUS}])},
        )
    engine.dispose()
    return str(path), columns


def test_every_way_out_is_clean(hostile_db, cli, monkeypatch, tmp_path):
    from deskterm.config import Settings
    from deskterm.db import make_engine, read_session
    from deskterm.encoders import TerminalStream
    from deskterm.export import FORMATS, write_rows
    from deskterm.exports import build_query, open_rows
    from deskterm.exports.kinds import KINDS
    from deskterm.models.repair import RepairOrder
    from deskterm.models.shift import Handover
    from deskterm.models.visitor import VisitorSlip
    from deskterm.reports import builder
    from deskterm.reports.period import Period
    from deskterm.reports.render import FORMATS as REPORT_FORMATS
    from deskterm.reports.render import render
    from deskterm.services.printing import printable
    from deskterm.services.repairs.order_forms import order_html, order_text
    from deskterm.services.repairs.queries import get_order_detail
    from deskterm.services.shift.handover import load_sheet, render_html, render_text
    from deskterm.services.visitors.onsite import list_on_site
    from deskterm.services.visitors.slip_print import roll_call_text, slip_text

    path, columns = hostile_db
    engine = make_engine(path)
    settings = Settings()
    scan = Scan()

    # -- every export kind, every format, to a file and to standard output
    for kind in KINDS:
        for fmt in FORMATS:
            for pii in (False, True):
                query = build_query(kind, since=None, until=None)
                out = io.BytesIO()
                with open_rows(engine, query) as (_total, batches):
                    write_rows(
                        batches, query.columns, out, fmt=fmt, tz=settings.timezone, include_pii=pii
                    )
                data = out.getvalue()
                name = f"export {kind} {fmt}{' pii' if pii else ''}"
                if fmt == "xlsx":
                    with zipfile.ZipFile(io.BytesIO(data)) as book:
                        for part in book.namelist():
                            scan.text(f"{name} {part}", book.read(part).decode())
                    continue
                scan.text(name, data.decode())
                if not pii:  # `--out -`: the terminal encoder on top
                    piped = io.BytesIO()
                    stream = TerminalStream(piped)
                    for i in range(0, len(data), 4093):  # cut anywhere, even inside a character
                        stream.write(data[i : i + 4093])
                    stream.flush()
                    scan.text(f"{name} to stdout", piped.getvalue().decode())
    # the real command, to its standard output (the default `--out -`)
    result = cli(
        "export", "logbook", "--db", path, "--user", "admin1", env={"DESKTERM_PASSWORD": "demo1234"}
    )
    assert result.exit_code == 0, result.stderr
    assert "\u2400" in result.output or "\u241b" in result.output  # shown as pictures
    scan.text("deskterm export logbook (stdout)", result.output + result.stderr)

    # -- every report kind, every format
    period = Period(NOW - timedelta(days=40), NOW + timedelta(days=1))
    with read_session(engine) as s:
        for kind in ("shift", "daily", "sla", "visitors", "repairs", "complaints"):
            build = builder(kind)
            report = build(session=s, period=period, settings=settings, clock=_Clock())
            for fmt in REPORT_FORMATS:
                out = io.StringIO()
                render(report, fmt, out, width=100)
                (scan.html if fmt == "html" else scan.text)(f"report {kind} {fmt}", out.getvalue())

        # -- sheets and printouts
        handovers = s.exec(select(Handover)).all()
        assert handovers
        for h in handovers[:3]:
            sheet = load_sheet(s, h.id)
            scan.text(f"handover {h.id} text", render_text(sheet, settings))
            scan.html(f"handover {h.id} html", render_html(sheet, settings))
            scan.text(
                f"handover {h.id} printed",
                printable(render_text(sheet, settings), settings).decode(),
            )
        orders = s.exec(select(RepairOrder)).all()
        for o in orders[:3]:
            detail = get_order_detail(session=s, order_id=o.id)
            for phone in (False, True):
                scan.text(
                    f"order {o.number} text", order_text(detail, settings, include_phone=phone)
                )
                scan.html(
                    f"order {o.number} html", order_html(detail, settings, include_phone=phone)
                )
        slips = s.exec(select(VisitorSlip)).all()
        escpos = settings.replace(printer="escpos")
        for slip in slips[:3]:
            scan.text(f"slip {slip.number}", slip_text(slip, settings))
            scan.text(
                f"slip {slip.number} printed",
                printable(slip_text(slip, settings), settings).decode(),
            )
            scan.escpos(
                f"slip {slip.number} receipt printer",
                printable(slip_text(slip, settings), escpos, barcode=slip.number),
            )
        on_site = list_on_site(session=s, clock=_Clock(), settings=settings)
        roll = roll_call_text(on_site, NOW, settings)
        scan.text("roll call", roll)
        scan.escpos("roll call receipt printer", printable(roll, escpos))
        for h in handovers[:1]:
            scan.escpos(
                "handover receipt printer",
                printable(render_text(load_sheet(s, h.id), settings), escpos),
            )
    engine.dispose()

    print(
        f"\nissue 15 corpus: {columns} free-text columns seeded; {len(scan.outputs)} outputs "
        f"scanned; raw control characters found: {len(scan.found)}"
    )
    for name in sorted({name for name, _at in scan.found}):
        print("  dirty:", name, next(at for n, at in scan.found if n == name)[:80])
    assert not scan.found, (sorted({name for name, _at in scan.found}), scan.found[:5])
    assert len(scan.outputs) >= 100
    # the corpus did arrive: every export kind, every report kind that shows typed text (the
    # visitors report is counts only), every sheet kind
    for name in [
        f"export {k} {f}" for k in KINDS if k != "audit" for f in ("csv", "json", "jsonl")
    ] + [
        f"report {k} {f}"
        for k in ("shift", "daily", "sla", "repairs", "complaints")
        for f in REPORT_FORMATS
    ]:
        assert name in scan.carried, name
    assert any(n.startswith("handover") for n in scan.carried)
    assert any(n.startswith("order") for n in scan.carried)
    assert any(n.startswith("slip") for n in scan.carried)


class _Clock:
    def now(self) -> datetime:
        return NOW
