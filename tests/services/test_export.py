"""deskterm.export and deskterm.exports: exact bytes of each format, masking, formula cells,
time zones, periods, and that every export's columns exist in the models."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import SQLModel

from deskterm.encoders import csv_text
from deskterm.export import Col, batched, instant_formatter, write_rows
from deskterm.exports import build_query, open_rows
from deskterm.exports.kinds import KINDS, TABLE_KINDS
from deskterm.exports.tables import ALL
from deskterm.rules.spreadsheet import neutralise
from tests.services.test_export_seed import T0, add, estate, slip

TZ = "Asia/Shanghai"


def export(engine, kind, fmt, *, since=None, until=None, include_pii=False, bom=True):
    query = build_query(kind, since=since, until=until)
    out = io.BytesIO()
    with open_rows(engine, query, count=True) as (total, batches):
        written = write_rows(
            batches, query.columns, out, fmt=fmt, tz=TZ, include_pii=include_pii, bom=bom
        )
    assert written == total
    return out.getvalue()


@pytest.fixture
def visitors(engine, staff):
    units = estate(engine)
    op = staff.operator.user_id
    add(
        engine,
        slip(
            "V20261128-0001",
            op,
            visitor_name="张伟",
            phone="13812345678",
            host_unit_id=units["12-1203"],
            purpose_text='=HYPERLINK("http://x","y")',
            plate="浙A12345",
            host_call_method="phone",
            host_call_result="agreed",
            status="left",
            checked_out_at=T0 + timedelta(hours=2, minutes=5, seconds=9),
            checked_out_by=staff.supervisor.user_id,
            slip_returned=True,
        ),
        slip(
            "V20261128-0002",
            op,
            at=T0 + timedelta(hours=1),
            visitor_name='-Bob, "the" builder',
            phone="+8613912345678",
            host_text="@前台",
            purpose="delivery",
            purpose_text="two lines\nsecond, with comma",
            doc_type="sighted",
            doc_masked=None,
        ),
    )
    return units


HEADER = (
    "number,checked_in_at,checked_out_at,status,visitor_name,headcount,doc_type,doc_masked,"
    "phone,host_unit,host_text,purpose,purpose_text,plate,host_call_method,host_call_result,"
    "slip_returned,checked_in_by,checked_out_by,shift_id\r\n"
)


def test_csv_exact_bytes_bom_chinese_masked_and_neutralised(engine, visitors):
    data = export(engine, "visitors", "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == (
        HEADER + "V20261128-0001,2026-11-28T09:30:00+08:00,2026-11-28T11:35:09+08:00,left,张伟,1,"
        "resident_id,resident_id ****1234,138****5678,12-1203,王芳 12-1203,visit,"
        '"\'=HYPERLINK(""http://x"",""y"")",浙A12345,phone,agreed,true,op1,sup1,\r\n'
        + 'V20261128-0002,2026-11-28T10:30:00+08:00,,on_site,"\'-Bob, ""the"" builder",1,'
        "sighted,,'+86*******5678,,'@前台,delivery,\"two lines\nsecond, with comma\",,,,,op1,,\r\n"
    )


def test_csv_without_bom_for_tools(engine, visitors):
    data = export(engine, "visitors", "csv", bom=False)
    assert data.startswith(b"number,")


def test_pii_unmasks_phones_but_still_neutralises(engine, visitors):
    rows = list(
        csv.reader(
            io.StringIO(export(engine, "visitors", "csv", include_pii=True).decode("utf-8-sig"))
        )
    )
    assert [r[8] for r in rows[1:]] == ["13812345678", "'+8613912345678"]


def test_jsonl_exact(engine, visitors):
    lines = export(engine, "visitors", "jsonl").decode().splitlines()
    assert len(lines) == 2
    assert lines[0] == (
        '{"number": "V20261128-0001", "checked_in_at": "2026-11-28T09:30:00+08:00", '
        '"checked_out_at": "2026-11-28T11:35:09+08:00", "status": "left", "visitor_name": "张伟", '
        '"headcount": 1, "doc_type": "resident_id", "doc_masked": "resident_id ****1234", '
        '"phone": "138****5678", "host_unit": "12-1203", "host_text": "王芳 12-1203", '
        '"purpose": "visit", "purpose_text": "=HYPERLINK(\\"http://x\\",\\"y\\")", '
        '"plate": "浙A12345", "host_call_method": "phone", "host_call_result": "agreed", '
        '"slip_returned": true, "checked_in_by": "op1", "checked_out_by": "sup1", "shift_id": null}'
    )
    second = json.loads(lines[1])
    # JSON is data, not a spreadsheet: strings come back exactly, nothing prefixed
    assert second["visitor_name"] == '-Bob, "the" builder'
    assert second["purpose_text"] == "two lines\nsecond, with comma"
    assert second["phone"] == "+86*******5678"
    assert second["doc_masked"] is None and second["slip_returned"] is None


def test_json_is_one_array_in_sqlite_utils_layout(engine, visitors):
    data = export(engine, "visitors", "json").decode()
    assert data.startswith('[{"number": "V20261128-0001"')
    assert '},\n {"number": "V20261128-0002"' in data
    assert data.endswith("}]\n")
    assert [r["number"] for r in json.loads(data)] == ["V20261128-0001", "V20261128-0002"]


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in TABLE_KINDS])
def test_every_kind_runs_empty(engine, kind):
    if kind == "audit":
        since = datetime(2030, 1, 1, tzinfo=UTC)  # the template's own events are older
    else:
        since = None
    assert export(engine, kind, "json", since=since) == b"[]\n"
    assert export(engine, kind, "jsonl", since=since) == b""
    header = export(engine, kind, "csv", since=since).decode("utf-8-sig")
    assert header.endswith("\r\n") and header.count("\r\n") == 1


def test_since_until_are_inclusive_exclusive(engine, visitors):
    one = json.loads(export(engine, "visitors", "json", since=T0, until=T0 + timedelta(hours=1)))
    assert [r["number"] for r in one] == ["V20261128-0001"]
    two = json.loads(export(engine, "visitors", "json", since=T0 + timedelta(minutes=1)))
    assert [r["number"] for r in two] == ["V20261128-0002"]


def test_xlsx_text_cells_numbers_and_neutralised(engine, visitors, tmp_path):
    path = tmp_path / "v.xlsx"
    path.write_bytes(export(engine, "visitors", "xlsx", include_pii=True))
    sheet = load_workbook(path, read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["number", "checked_in_at", "checked_out_at"]
    first = rows[1]
    assert first[8] == "13812345678"  # a text cell: digits never become a number
    assert first[9] == "12-1203"  # not a date
    assert first[5] == 1 and first[16] == "true"
    assert isinstance(first[1], datetime)  # a real date-time, in the desk's zone
    # text cells hold the text as typed: an xlsx string cell never runs as a formula
    assert first[12] == '=HYPERLINK("http://x","y")'
    assert rows[2][4] == '-Bob, "the" builder'
    cells = {c.coordinate: c for c in load_workbook(path).active["A2:T2"][0]}
    assert cells["M2"].data_type == "s"
    assert rows[2][12] == "two lines\nsecond, with comma"
    assert rows[2][7] is None  # empty stays empty


def test_repairs_money_in_yuan_with_two_decimals(engine, staff, tmp_path):
    from deskterm.models.repair import RepairFeeLine, RepairOrder

    (order_id,) = add(
        engine,
        RepairOrder(
            number="R20261128-0001",
            reporter_name="李雷",
            reporter_contact="13700001111",
            category_code="tap_leak_severe",
            description="厨房水龙头漏水",
            repair_class="urgent",
            reported_at=T0,
            reported_by=staff.operator.user_id,
            fix_due_at=T0 + timedelta(hours=24),
        ),
    )
    line = dict(order_id=order_id, description="换水龙头", quantity=1, added_at=T0)
    add(
        engine,
        RepairFeeLine(**line, unit_price_fen=5500, amount_fen=5500),
        RepairFeeLine(**line, unit_price_fen=1205, amount_fen=1205),
        RepairFeeLine(**line, unit_price_fen=999, amount_fen=999, review="rejected"),
    )
    record = json.loads(export(engine, "repairs", "json"))[0]
    assert record["fee_yuan"] == "67.05"
    assert record["fee_fen"] == 6705  # the exact amount beside the yuan text (issue 17)
    assert list(record).index("fee_fen") == list(record).index("fee_yuan") + 1
    assert json.loads(export(engine, "repairs", "jsonl"))["fee_fen"] == 6705
    assert record["reporter_contact"] == "137****1111"
    assert record["fix_due_at"] == "2026-11-29T09:30:00+08:00"
    assert record["category_name"] == "水龙头严重漏水"
    path = tmp_path / "r.xlsx"
    path.write_bytes(export(engine, "repairs", "xlsx"))
    sheet = load_workbook(path).active
    fee = sheet.cell(
        row=2,
        column=1
        + [c.name for c in build_query("repairs", since=None, until=None).columns].index(
            "fee_yuan"
        ),
    )
    assert fee.value == pytest.approx(67.05) and fee.number_format == "0.00"


def test_handovers_json_columns_nest_in_json_and_read_in_csv(engine, staff):
    from deskterm.models.shift import Handover, Shift

    (shift_id,) = add(engine, Shift(post="前台", operator_id=staff.operator.user_id, started_at=T0))
    add(
        engine,
        Handover(
            post="前台",
            shift_id=shift_id,
            outgoing_user_id=staff.operator.user_id,
            created_at=T0,
            notices="钥匙在抽屉",
            physical_items={"钥匙": 3},
            open_items=[{"kind": "visitor", "text": "张伟未离开"}],
        ),
    )
    record = json.loads(export(engine, "handovers", "json"))[0]
    assert record["physical_items"] == {"钥匙": 3}
    assert record["open_items"] == [{"kind": "visitor", "text": "张伟未离开"}]
    rows = list(csv.DictReader(io.StringIO(export(engine, "handovers", "csv").decode("utf-8-sig"))))
    assert rows[0]["physical_items"] == '{"钥匙": 3}'


def test_columns_exist_in_the_models():
    """The light Core tables name real columns; a NOT NULL export column reads a NOT NULL one."""
    import deskterm.models  # noqa: F401  (fills the metadata)

    for light in ALL:
        real = SQLModel.metadata.tables[light.name]
        for col in light.columns:
            assert col.name in real.columns, f"{light.name}.{col.name}"
    import importlib

    for kind in KINDS:
        module = importlib.import_module(f"deskterm.exports.{kind}")
        for col, expr in module.FIELDS:
            if not col.nullable:
                table = expr.table
                assert table.name in SQLModel.metadata.tables, (kind, col.name)
                real = SQLModel.metadata.tables[table.name].columns[expr.name]
                assert not real.nullable, (kind, col.name)
                base = module.TIME.table if module.TIME is not None else module.BASE
                assert base is table, (kind, col.name)


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "",
        " leading space",
        "tab\tinside",
        'quote " and , comma',
        "line\r\nbreak",
        "emoji 🙂 и ü",
        "=1+1",
        "+86",
        "-5",
        "@x",
        "\tstart",
        "\rstart",
        "'already quoted",
    ],
)
def test_csv_round_trips_every_string(text):
    out = io.BytesIO()
    write_rows(batched([(text,)]), [Col("value")], out, fmt="csv", tz=TZ, bom=False)
    (header, (value,)) = list(csv.reader(io.StringIO(out.getvalue().decode(), newline="")))
    assert header == ["value"]
    # a lone CR is a control character: the CSV encoder shows it as a picture (issue 15)
    assert value == csv_text(neutralise(text))
    assert value.replace("\u240d", "\r") == (
        "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
    )


@pytest.mark.parametrize(
    "tz", ["Asia/Shanghai", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
)
def test_instants_match_the_exact_conversion(tz):
    """The spliced fast path agrees with zoneinfo, across DST changes and odd offsets."""
    from zoneinfo import ZoneInfo

    convert = instant_formatter(tz)
    start = datetime(2026, 3, 7, 0, 0, 7, tzinfo=UTC)
    for step in range(0, 60 * 24 * 70, 37):  # ten weeks, every 37 minutes (both DST changes)
        moment = start + timedelta(minutes=step * 5)
        raw = moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        expected = moment.astimezone(ZoneInfo(tz)).isoformat(timespec="seconds")
        assert convert(raw) == expected, raw
        assert convert(moment) == expected  # PostgreSQL hands back datetimes


def test_progress_is_called_per_batch():
    seen = []
    rows = [(str(i),) for i in range(4500)]
    write_rows(
        batched(rows, 2000),
        [Col("n")],
        io.BytesIO(),
        fmt="jsonl",
        tz=TZ,
        progress=lambda *told: seen.append(told),
        what="rows",
        total=4500,
    )
    assert seen == [("rows", 2000, 4500), ("rows", 4000, 4500), ("rows", 4500, 4500)]


def test_json_across_batches_is_one_valid_array():
    rows = [(i, f"名字{i}") for i in range(4500)]
    out = io.BytesIO()
    written = write_rows(
        batched(rows, 2000), [Col("n", "int"), Col("name")], out, fmt="json", tz=TZ
    )
    text = out.getvalue().decode()
    assert written == 4500
    assert json.loads(text) == [{"n": i, "name": f"名字{i}"} for i in range(4500)]
    assert text.count("\n") == 4500 and text.startswith('[{"n": 0, "name": "名字0"},\n {"n": 1,')


def test_export_report_import_are_headless():
    """export, exports, reports and the importer never load Textual (STYLE "a headless core")."""
    import subprocess
    import sys

    modules = [
        "deskterm.export",
        "deskterm.exports.visitors",
        "deskterm.exports.audit",
        "deskterm.reports.shift",
        "deskterm.reports.sla",
        "deskterm.reports.visitors",
        "deskterm.reports.complaint_report",
        "deskterm.reports.render_text",
        "deskterm.reports.render_html",
        "deskterm.services.admin.importer",
        "deskterm.services.estate.importing",
        "deskterm.services.admin.import_reference",
        "deskterm.cli.export",
        "deskterm.cli.report",
        "deskterm.cli.importer",
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
