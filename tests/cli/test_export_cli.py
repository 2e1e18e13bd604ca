"""`deskterm export`: exact output, files, personal data and its audit, roles, exit codes,
and an xlsx that LibreOffice reads back with the same cell values."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
from datetime import timedelta

import pytest

from deskterm.db import make_engine
from tests.cli.conftest import first_sign_in
from tests.services.test_export_seed import T0, add, estate, slip

ADMIN = {"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "boss-pass-1"}
SUP = {"DESKTERM_USER": "sup1", "DESKTERM_PASSWORD": "sup1-pass-1"}
OP = {"DESKTERM_USER": "op1", "DESKTERM_PASSWORD": "op1-pass-1"}


@pytest.fixture
def desk(cli, desk_db):
    """The desk file with op1 and sup1 accounts and two visitor slips."""
    for code, role in (("op1", "operator"), ("sup1", "supervisor")):
        result = cli(
            "users",
            "add",
            code,
            "--name",
            code,
            "--role",
            role,
            "--db",
            desk_db,
            env={**ADMIN, "DESKTERM_NEW_PASSWORD": f"{code}-pass-1"},
        )
        assert result.exit_code == 0, result.stderr
        first_sign_in(cli, desk_db, code, f"{code}-pass-1")
    engine = make_engine(desk_db)
    units = estate(engine)
    con = sqlite3.connect(desk_db)
    op_id = con.execute("select id from user where code = 'op1'").fetchone()[0]
    add(
        engine,
        slip(
            "V20261128-0001",
            op_id,
            phone="13812345678",
            host_unit_id=units["12-1203"],
            purpose_text="=1+1",
            status="left",
            checked_out_at=T0 + timedelta(hours=1),
        ),
        slip("V20261129-0001", op_id, at=T0 + timedelta(days=1), visitor_name="李娜"),
    )
    engine.dispose()
    return desk_db


def audit_rows(path, action):
    con = sqlite3.connect(path)
    return [
        json.loads(d)
        for (d,) in con.execute(
            "select detail from audit_event where action = ? order by seq", (action,)
        )
    ]


def test_admin_exports_csv_to_stdout(cli, desk):
    result = cli("export", "visitors", "--db", desk, "--no-bom", env=ADMIN)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.output, newline="")))
    assert [r[0] for r in rows] == ["number", "V20261128-0001", "V20261129-0001"]
    assert rows[1][8] == "138****5678" and rows[1][12] == "'=1+1"
    assert result.stderr == "Exported 2 rows of visitor slips to standard output.\n"
    assert audit_rows(desk, "export.run") == [
        {
            "kind": "visitors",
            "format": "csv",
            "since": None,
            "until": None,
            "include_pii": False,
            "reason": None,
        }
    ]


def test_period_in_desk_days(cli, desk):
    result = cli(
        "export", "visitors", "-f", "jsonl", "--since", "2026-11-29", "--db", desk, env=ADMIN
    )
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["number"] for line in result.output.splitlines()] == ["V20261129-0001"]
    result = cli(
        "export", "visitors", "-f", "json", "--until", "2026-11-27", "--db", desk, env=ADMIN
    )
    assert result.output == "[]\n"
    assert result.stderr == "Exported 0 rows of visitor slips to standard output.\n"


def test_out_file_is_written_whole(cli, desk, tmp_path):
    target = tmp_path / "v.csv"
    result = cli("export", "visitors", "--out", str(target), "--db", desk, env=ADMIN)
    assert result.exit_code == 0, result.stderr
    assert result.output == ""
    assert target.read_bytes().startswith(b"\xef\xbb\xbfnumber,checked_in_at")
    assert result.stderr == f"Exported 2 rows of visitor slips to {target}.\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".deskterm-export")] == []


def test_include_pii_asks_for_a_reason_and_is_audited(cli, desk):
    result = cli(
        "export",
        "visitors",
        "--include-pii",
        "-f",
        "jsonl",
        "--db",
        desk,
        input="police request 2026-118\n",
        env=ADMIN,
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output.splitlines()[0])["phone"] == "13812345678"
    assert result.stderr.startswith("Why is personal data included? ")  # never into the data
    (event,) = audit_rows(desk, "export.run")
    assert event["include_pii"] is True and event["reason"] == "police request 2026-118"


def test_include_pii_without_a_reason_exports_nothing(cli, desk):
    result = cli("export", "visitors", "--include-pii", "--db", desk, input="  \n", env=ADMIN)
    assert result.exit_code == 1
    assert result.output == ""
    assert result.stderr.endswith("? Personal data is exported only with a reason.\n")
    assert audit_rows(desk, "export.run") == []


@pytest.mark.parametrize("bad", ["\x1b]0;owned\x07", "\x07", "police\u202erequest", "\x1b[2J"])
def test_a_reason_with_control_characters_is_refused_and_nothing_is_exported(cli, desk, bad):
    """Issue 15 (text2, item 6): the reason is typed text like any other field: ESC, BEL or
    a bidi override is refused in one sentence naming the field, not kept in the audit."""
    result = cli(
        "export", "visitors", "--include-pii", "--reason", f"audit {bad}", "--db", desk, env=ADMIN
    )
    assert result.exit_code != 0
    assert result.output == ""
    assert "Reason: Control characters" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr
    assert audit_rows(desk, "export.run") == []


@pytest.mark.parametrize("who", [OP, SUP])
def test_only_admins_export_and_a_denial_is_audited(cli, desk, who):
    result = cli("export", "visitors", "--db", desk, env=who)
    assert result.exit_code == 1
    assert result.output == ""
    role = "operator" if who is OP else "supervisor"
    assert result.stderr == f"Your role ({role}) may not export records.\n"
    assert audit_rows(desk, "permission.denied")[-1] == {"action": "export.run", "role": role}


def test_bad_usage_exits_2_with_one_sentence(cli, desk):
    result = cli("export", "parcels", "--db", desk, env=ADMIN)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith("Error: Invalid value for")
    result = cli("export", "visitors", "--since", "28/11/2026", "--db", desk, env=ADMIN)
    assert result.exit_code == 2
    assert "'28/11/2026' is not a date like 2026-11-28" in result.stderr
    result = cli(
        "export",
        "visitors",
        "--since",
        "2026-11-29",
        "--until",
        "2026-11-28",
        "--db",
        desk,
        env=ADMIN,
    )
    assert result.exit_code == 2
    assert "The start of the period must come before its end." in result.stderr
    result = cli("export", "visitors", "--out", "/no/such/folder/v.csv", "--db", desk, env=ADMIN)
    assert result.exit_code == 2


def test_help_in_both_languages(cli):
    assert "--include-pii" in cli("export", "--help").output
    zh = cli("--lang", "zh", "export", "--help")
    assert zh.exit_code == 0
    assert "导出" in zh.output


def test_xlsx_to_file(cli, desk, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "v.xlsx"
    result = cli("export", "visitors", "-f", "xlsx", "-o", str(target), "--db", desk, env=ADMIN)
    assert result.exit_code == 0, result.stderr
    rows = list(load_workbook(target, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][9] == "12-1203"


def libreoffice(tmp_path, source, to: str):
    out = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / (source.stem + "." + to.split(":")[0])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_xlsx_with_dates_as_dates_and_chinese_headings(cli, desk, tmp_path):
    """A real spreadsheet program opens the file: headings and codes in Chinese, the check-in
    time a date-time cell in the desk's zone, the slip number and unit text, no quote added."""
    xlsx = tmp_path / "v.xlsx"
    result = cli(
        "--lang", "zh", "export", "visitors", "-f", "xlsx", "-o", str(xlsx), "--db", desk, env=ADMIN
    )
    assert result.exit_code == 0, result.stderr
    fods = libreoffice(tmp_path, xlsx, "fods").read_text(encoding="utf-8")
    assert "到访时间 (Asia/Shanghai)" in fods and "访客" in fods and "已离开" in fods
    # 09:30 in Shanghai, stored as a date-time value (not text)
    assert 'office:value-type="date" office:date-value="2026-11-28T09:30:00"' in fods
    assert "<text:p>=1+1</text:p>" in fods and "&apos;=1+1" not in fods and "'=1+1" not in fods
    assert 'office:value-type="string"' in fods
    theirs = list(
        csv.reader(
            libreoffice(tmp_path, xlsx, "csv:Text - txt - csv (StarCalc):44,34,76,1").open(
                encoding="utf-8", newline=""
            )
        )
    )
    assert theirs[1][:2] == ["V20261128-0001", "2026-11-28 09:30:00"]
    assert theirs[1][9] == "12-1203"


def test_xlsx_for_people_opened_with_openpyxl(cli, desk, tmp_path):
    """Chinese headings naming the zone, codes in words, a real date-time in desk time, a
    frozen heading row with a filter, widths from the content, text cells without quotes."""
    from datetime import datetime

    from openpyxl import load_workbook

    target = tmp_path / "v.xlsx"
    result = cli(
        "--lang",
        "zh",
        "export",
        "visitors",
        "-f",
        "xlsx",
        "-o",
        str(target),
        "--db",
        desk,
        env=ADMIN,
    )
    assert result.exit_code == 0, result.stderr
    sheet = load_workbook(target).active
    head = [c.value for c in sheet[1]]
    assert head[:5] == [
        "单号",
        "到访时间 (Asia/Shanghai)",
        "离开时间 (Asia/Shanghai)",
        "状态",
        "访客",
    ]
    first = {h: c for h, c in zip(head, sheet[2], strict=True)}
    assert first["到访时间 (Asia/Shanghai)"].value == datetime(2026, 11, 28, 9, 30)
    assert first["到访时间 (Asia/Shanghai)"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert first["状态"].value == "已离开" and first["证件"].value == "居民身份证"
    assert first["事由说明"].value == "=1+1" and first["事由说明"].data_type == "s"
    assert not first["事由说明"].quotePrefix
    assert first["电话"].value == "138****5678" and first["被访房号"].value == "12-1203"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:T{sheet.max_row}"
    widths = {c: sheet.column_dimensions[c].width for c in "ABE"}
    assert (
        widths["B"] >= len("到访时间 (Asia/Shanghai)") + 4 + 2
    )  # 4 wide characters count double; the filter button
    assert widths["A"] >= len("V20261128-0001")


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "xlsx"])
def test_text_stored_behind_the_app_is_read_as_text(cli, desk, tmp_path, fmt):
    """Issue 15 (text2, item 7): invalid UTF-8 or a BLOB written into a text column with
    sqlite3 made exports die (OperationalError, a bytes value in json): they are read as
    text, the bytes that are not UTF-8 shown as U+FFFD, by every read (db.py)."""
    from deskterm.db import read_session
    from deskterm.models.visitor import VisitorSlip

    con = sqlite3.connect(desk)
    con.execute(
        "update visitor_slip set visitor_name = cast(x'e78e8bff' as text), "
        "purpose_text = x'e58c85ff00' where number = 'V20261128-0001'"
    )
    con.commit()
    con.close()
    out = tmp_path / f"v.{fmt}"
    result = cli("export", "visitors", "-f", fmt, "--out", str(out), "--db", desk, env=ADMIN)
    assert result.exit_code == 0, result.stderr
    if fmt != "xlsx":
        text = out.read_text(encoding="utf-8-sig")
        assert "王\ufffd" in text and "包\ufffd" in text
    engine = make_engine(desk)
    with read_session(engine) as s:  # the ORM, as the screens read
        from sqlmodel import select

        slip_row = s.exec(select(VisitorSlip).where(VisitorSlip.number == "V20261128-0001")).one()
        assert slip_row.visitor_name == "王\ufffd" and slip_row.purpose_text.startswith("包\ufffd")
    engine.dispose()


def test_every_kind_is_said_in_words_in_each_language():
    """The closing line names what was exported in the chosen language, never the KIND typed
    (`已导出 1501 行 residents` was the tester's find)."""
    from deskterm.cli.export import KIND_WORDS, ExportKind
    from deskterm.i18n import _, set_language
    from tests.unit.test_failure_words import english_words

    assert set(KIND_WORDS) == set(ExportKind)
    set_language("zh_CN")
    try:
        said = {
            k: _("Exported {n} rows of {what} to {where}.").format(
                n=3, what=_(w), where="/tmp/x.csv"
            )
            for k, w in KIND_WORDS.items()
        }
    finally:
        set_language("en")
    assert {k: s for k, s in said.items() if english_words(s)} == {}
