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
        result = cli("users", "add", code, "--name", code, "--role", role, "--db", desk_db,
                     env={**ADMIN, "DESKTERM_NEW_PASSWORD": f"{code}-pass-1"})
        assert result.exit_code == 0, result.stderr
        first_sign_in(cli, desk_db, code, f"{code}-pass-1")
    engine = make_engine(desk_db)
    units = estate(engine)
    con = sqlite3.connect(desk_db)
    op_id = con.execute("select id from user where code = 'op1'").fetchone()[0]
    add(engine,
        slip("V20261128-0001", op_id, phone="13812345678", host_unit_id=units["12-1203"],
             purpose_text="=1+1", status="left", checked_out_at=T0 + timedelta(hours=1)),
        slip("V20261129-0001", op_id, at=T0 + timedelta(days=1), visitor_name="李娜"))
    engine.dispose()
    return desk_db


def audit_rows(path, action):
    con = sqlite3.connect(path)
    return [json.loads(d) for (d,) in con.execute(
        "select detail from audit_event where action = ? order by seq", (action,))]


def test_admin_exports_csv_to_stdout(cli, desk):
    result = cli("export", "visitors", "--db", desk, "--no-bom", env=ADMIN)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.output, newline="")))
    assert [r[0] for r in rows] == ["number", "V20261128-0001", "V20261129-0001"]
    assert rows[1][8] == "138****5678" and rows[1][12] == "'=1+1"
    assert result.stderr == "Exported 2 visitors rows to standard output.\n"
    assert audit_rows(desk, "export.run") == [{
        "kind": "visitors", "format": "csv", "since": None, "until": None,
        "include_pii": False, "reason": None}]


def test_period_in_desk_days(cli, desk):
    result = cli("export", "visitors", "-f", "jsonl", "--since", "2026-11-29", "--db", desk, env=ADMIN)
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["number"] for line in result.output.splitlines()] == ["V20261129-0001"]
    result = cli("export", "visitors", "-f", "json", "--until", "2026-11-27", "--db", desk, env=ADMIN)
    assert result.output == "[]\n"
    assert result.stderr == "Exported 0 visitors rows to standard output.\n"


def test_out_file_is_written_whole(cli, desk, tmp_path):
    target = tmp_path / "v.csv"
    result = cli("export", "visitors", "--out", str(target), "--db", desk, env=ADMIN)
    assert result.exit_code == 0, result.stderr
    assert result.output == ""
    assert target.read_bytes().startswith(b"\xef\xbb\xbfnumber,checked_in_at")
    assert result.stderr == f"Exported 2 visitors rows to {target}.\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".deskterm-export")] == []


def test_include_pii_asks_for_a_reason_and_is_audited(cli, desk):
    result = cli("export", "visitors", "--include-pii", "-f", "jsonl", "--db", desk,
                 input="police request 2026-118\n", env=ADMIN)
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


@pytest.mark.parametrize("who", [OP, SUP])
def test_only_admins_export_and_a_denial_is_audited(cli, desk, who):
    result = cli("export", "visitors", "--db", desk, env=who)
    assert result.exit_code == 1
    assert result.output == ""
    role = "operator" if who is OP else "supervisor"
    assert result.stderr == f"Your role ({role}) may not do this: export.run.\n"
    assert audit_rows(desk, "permission.denied")[-1] == {"action": "export.run", "role": role}


def test_bad_usage_exits_2_with_one_sentence(cli, desk):
    result = cli("export", "parcels", "--db", desk, env=ADMIN)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith("Error: Invalid value for")
    result = cli("export", "visitors", "--since", "28/11/2026", "--db", desk, env=ADMIN)
    assert result.exit_code == 2
    assert "'28/11/2026' is not a date like 2026-11-28" in result.stderr
    result = cli("export", "visitors", "--since", "2026-11-29", "--until", "2026-11-28", "--db", desk, env=ADMIN)
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


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_xlsx_back_with_the_same_values(cli, desk, tmp_path):
    """A real spreadsheet program opens the file: its CSV of the sheet equals our CSV."""
    xlsx, ours = tmp_path / "v.xlsx", tmp_path / "ours.csv"
    for fmt, target in (("xlsx", xlsx), ("csv", ours)):
        result = cli("export", "visitors", "-f", fmt, "-o", str(target), "--no-bom", "--db", desk, env=ADMIN)
        assert result.exit_code == 0, result.stderr
    out = tmp_path / "lo"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out), str(xlsx)],
        check=True, capture_output=True, timeout=120)
    theirs = list(csv.reader((out / "v.csv").open(encoding="utf-8", newline="")))
    mine = list(csv.reader(ours.open(encoding="utf-8", newline="")))
    # LibreOffice writes booleans as TRUE/FALSE; everything else must be the same text.
    theirs = [[{"TRUE": "true", "FALSE": "false"}.get(v, v) for v in row] for row in theirs]
    assert theirs == mine
