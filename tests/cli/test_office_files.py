"""Issue 17: the files offices really keep, built here as an office would make them (a merged
title row, an instructions sheet first, GBK CSV, full-width digits, extensions, 无 for nothing,
an old .xls), and the round trip export -> edit in a spreadsheet -> import."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess

import pytest
from openpyxl import Workbook, load_workbook

from deskterm.rules.phone import MainlandPhone, PhoneRuleError, parse_mainland_phone

ADMIN = {"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "boss-pass-1"}
HEAD = ["序号", "楼栋", "单元", "房号", "业主姓名", "联系电话", "身份", "备注"]


def rows(path, sql):
    return sqlite3.connect(path).execute(sql).fetchall()


def office_workbook(path, people, *, instructions=True):
    """A 登记表 as kept in an office: an instructions sheet first, then a merged title, a note
    line and the headings on row 3."""
    book = Workbook()
    first = book.active
    if instructions:
        first.title = "填表说明"
        first["A1"] = "请按下表填写，电话写手机或带区号的座机。"
        sheet = book.create_sheet("业主信息")
    else:
        sheet = first
        sheet.title = "业主信息"
    sheet["A1"] = "翠苑小区20栋业主信息登记表"
    sheet.merge_cells("A1:H1")
    sheet["A2"] = "填表日期：2026年11月"
    sheet.merge_cells("A2:D2")
    sheet.append(HEAD)
    for i, person in enumerate(people, start=1):
        sheet.append([i, *person])
    book.save(path)
    return str(path)


PEOPLE = [
    ("20栋", "", "０５０１", "李娜", "１３８ １２３４ ５６７８", "业主", ""),  # full-width digits
    (
        "20",
        "",
        "502",
        "王 强",
        "0571-8888 0001 转 802",
        "租户",
        "无",
    ),  # a landline and its extension
    ("20", "", "503", "赵敏", "无", "家属", "-"),  # 无 and - for nothing
]


@pytest.mark.parametrize(
    ("phone", "number", "extension"),
    [
        ("13812345678", "13812345678", ""),
        ("+86 138-1234-5678", "13812345678", ""),
        ("１３８１２３４５６７８", "13812345678", ""),
        ("0571-8888 0001 转 802", "057188880001", "802"),
        ("(010) 1234 5678 分机 23", "01012345678", "23"),
        ("400-820-8820", "4008208820", ""),
        ("0086 139 0000 1111", "13900001111", ""),
        ("+44 20 7946 0958", "+442079460958", ""),
    ],
)
def test_mainland_phone_rules_read(phone, number, extension):
    assert parse_mainland_phone(phone) == MainlandPhone(number, extension)


@pytest.mark.parametrize(
    "phone", ["1381234", "138-1234-567", "12345", "0571-888", "23456789012", "+1 23"]
)
def test_mainland_phone_rules_refuse(phone):
    with pytest.raises(PhoneRuleError):
        parse_mainland_phone(phone)


def test_workbook_with_title_rows_and_an_instructions_sheet(cli, desk_db, tmp_path):
    path = office_workbook(tmp_path / "登记表.xlsx", PEOPLE)
    dry = cli("import", "residents", path, "--dry-run", "--db", desk_db, env=ADMIN)
    assert dry.exit_code == 0, dry.output + dry.stderr
    assert "3 rows: 3 new" in dry.output
    assert "Columns not used: 序号" in dry.output
    result = cli("import", "residents", path, "--db", desk_db, env=ADMIN)
    assert result.exit_code == 0, result.output + result.stderr
    assert rows(
        desk_db,
        "select r.name, u.label, u.floor, r.phone, r.relation, r.note from resident r "
        "join unit u on u.id = r.unit_id order by r.id",
    ) == [
        ("李娜", "20-501", 5, "13812345678", "owner", None),
        ("王强", "20-502", 5, "057188880001", "tenant", "转 802"),
        ("赵敏", "20-503", 5, None, "family", None),
    ]
    # the same people typed another way are the same people and units: nothing changes
    again = office_workbook(
        tmp_path / "again.xlsx",
        [
            ("20", "", "501", "李 娜", "13812345678", "业主", ""),
            ("20", "", "0502", "王强", "0571-88880001 转 802", "租户", ""),
        ],
        instructions=False,
    )
    second = cli("import", "residents", again, "--dry-run", "--db", desk_db, env=ADMIN)
    assert second.exit_code == 0, second.output + second.stderr
    assert "line 4: note: “李 娜” is read as “李娜”, who lives in 20-501 already." in second.output
    assert "2 rows: 0 new, 0 changed, 2 unchanged" in second.output


def test_near_duplicates_in_one_file(cli, desk_db, tmp_path):
    path = office_workbook(
        tmp_path / "dup.xlsx",
        [
            ("20", "", "501", "李娜", "", "业主", ""),
            ("20", "", "0501", "李  娜", "", "家属", ""),
            ("20", "", "502", "张伟", "", "业主", ""),
            ("20", "", "502", "张威", "", "家属", ""),
        ],
    )
    result = cli("import", "residents", path, "--dry-run", "--db", desk_db, env=ADMIN)
    assert result.exit_code == 1  # a bad row: a dry run says so by its exit code
    assert (
        "line 5: “李 娜” in 20-501 is “李娜” on line 4 (spaces, full-width characters and "
        "leading zeros do not count)."
    ) in result.output
    assert (
        "line 7: note: “张威” in 20-502 reads like “张伟” on line 6: the same person?"
        in result.output
    )


def test_bad_phones_are_bad_rows_and_a_dry_run_exits_1(cli, desk_db, tmp_path):
    path = office_workbook(
        tmp_path / "bad.xlsx",
        [
            ("20", "", "501", "李娜", "1381234", "业主", ""),
            ("20", "", "502", "王强", "138-1234-567", "业主", ""),
            ("20", "", "503", "赵敏", "12345", "业主", ""),
        ],
    )
    result = cli("import", "residents", path, "--dry-run", "--db", desk_db, env=ADMIN)
    assert result.exit_code == 1
    for line, phone in ((4, "1381234"), (5, "138-1234-567"), (6, "12345")):
        assert f"line {line}: “{phone}” is not a mobile number" in result.output
    assert "3 bad rows" in result.stderr
    assert rows(desk_db, "select count(*) from resident") == [(0,)]


def test_gbk_csv_with_a_title_line(cli, desk_db, tmp_path):
    text = (
        "翠苑小区20栋业主信息登记表,,,,\r\n"
        "楼栋,房号,姓名,手机,身份\r\n"
        "20,601,周杰,１３９００００１１１１,业主\r\n"
    )
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gbk"))
    result = cli("import", "residents", str(path), "--db", desk_db, env=ADMIN)
    assert result.exit_code == 0, result.output + result.stderr
    assert rows(desk_db, "select name, phone from resident") == [("周杰", "13900001111")]


def test_no_sheet_fits_lists_the_sheets(cli, desk_db, tmp_path):
    book = Workbook()
    book.active.title = "说明"
    book.create_sheet("统计")["A1"] = "合计"
    book.save(tmp_path / "none.xlsx")
    result = cli("import", "residents", str(tmp_path / "none.xlsx"), "--db", desk_db, env=ADMIN)
    assert result.exit_code != 0
    assert "its sheets are: 说明, 统计 (choose one with --sheet)" in result.stderr
    chosen = cli(
        "import",
        "residents",
        office_workbook(tmp_path / "two.xlsx", PEOPLE),
        "--sheet",
        "填表说明",
        "--dry-run",
        "--db",
        desk_db,
        env=ADMIN,
    )
    assert chosen.exit_code != 0 and "The file has no column for" in chosen.stderr
    wrong = cli(
        "import",
        "residents",
        str(tmp_path / "two.xlsx"),
        "--sheet",
        "Sheet9",
        "--db",
        desk_db,
        env=ADMIN,
    )
    assert "has no sheet “Sheet9”; its sheets are: 填表说明, 业主信息." in wrong.stderr
    by_number = cli(
        "import",
        "residents",
        str(tmp_path / "two.xlsx"),
        "--sheet",
        "2",
        "--dry-run",
        "--db",
        desk_db,
        env=ADMIN,
    )
    assert by_number.exit_code == 0, by_number.output + by_number.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice makes the .xls")
def test_old_xls_is_read(cli, desk_db, tmp_path):
    source = office_workbook(tmp_path / "old.xlsx", PEOPLE)
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path / "xls"),
            source,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = cli(
        "import", "residents", str(tmp_path / "xls" / "old.xls"), "--db", desk_db, env=ADMIN
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert rows(desk_db, "select count(*) from resident") == [(3,)]


def test_round_trip_changes_exactly_what_was_edited(cli, desk_db, tmp_path):
    """export residents (Chinese xlsx, phones masked) -> edit one note and one relation in the
    spreadsheet -> import: two residents change, in those fields only, and no phone."""
    cli(
        "import",
        "residents",
        office_workbook(tmp_path / "in.xlsx", PEOPLE),
        "--db",
        desk_db,
        env=ADMIN,
    )
    out = tmp_path / "住户.xlsx"
    exported = cli(
        "--lang",
        "zh",
        "export",
        "residents",
        "-f",
        "xlsx",
        "-o",
        str(out),
        "--db",
        desk_db,
        env=ADMIN,
    )
    assert exported.exit_code == 0, exported.stderr
    book = load_workbook(out)
    sheet = book.active
    table = [[c.value for c in r] for r in sheet.iter_rows()]
    assert table[0] == ["住户编号", "姓名", "楼栋", "房号", "电话", "身份", "公司", "备注"]
    assert table[1] == ["1", "李娜", "20", "501", "138****5678", "业主", None, None]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:H4"
    sheet["H2"] = "腿脚不便"  # 李娜's note
    sheet["F4"] = "租户"  # 赵敏 becomes a tenant
    book.save(out)
    result = cli("import", "residents", str(out), "--db", desk_db, env=ADMIN)
    assert result.exit_code == 0, result.output + result.stderr
    assert "3 rows: 0 new, 2 changed, 1 unchanged" in result.output
    updates = [
        json.loads(d)
        for (d,) in rows(
            desk_db, "select detail from audit_event where action = 'resident.update' order by seq"
        )
    ]
    assert updates == [
        {"fields": ["note"], "source": "import"},
        {"fields": ["relation"], "source": "import"},
    ]
    assert rows(desk_db, "select phone from resident order by id") == [
        ("13812345678",),
        ("057188880001",),
        (None,),
    ]


def test_round_trip_of_units_directory_and_fees_is_unchanged(cli, desk_db, tmp_path):
    cli(
        "import",
        "residents",
        office_workbook(tmp_path / "in.xlsx", PEOPLE),
        "--db",
        desk_db,
        env=ADMIN,
    )
    for kind in ("units", "directory", "fees"):
        for lang in ("zh", "en"):
            out = tmp_path / f"{kind}-{lang}.xlsx"
            exported = cli(
                "--lang",
                lang,
                "export",
                kind,
                "-f",
                "xlsx",
                "-o",
                str(out),
                "--db",
                desk_db,
                env=ADMIN,
            )
            assert exported.exit_code == 0, exported.stderr
            back = cli("import", kind, str(out), "--dry-run", "--db", desk_db, env=ADMIN)
            assert back.exit_code == 0, (kind, lang, back.output, back.stderr)
            assert " 0 new, 0 changed," in back.output, (kind, lang, back.output)


def test_export_filters_and_columns(cli, desk_db, tmp_path):
    cli(
        "import",
        "residents",
        office_workbook(tmp_path / "in.xlsx", PEOPLE),
        "--db",
        desk_db,
        env=ADMIN,
    )
    only = cli(
        "export",
        "residents",
        "--columns",
        "unit,name",
        "--building",
        "20",
        "--db",
        desk_db,
        env=ADMIN,
    )
    assert only.exit_code == 0, only.stderr
    assert only.output.splitlines() == ["unit,name", "501,李娜", "502,王强", "503,赵敏"]
    none = cli("export", "residents", "--building", "21", "--db", desk_db, env=ADMIN)
    assert none.exit_code == 2 and "there are: 20." in none.stderr  # no building 21: refused
    audit = cli(
        "export",
        "audit",
        "-f",
        "jsonl",
        "--action",
        "resident",
        "--by",
        "boss",
        "--since",
        "-1d",
        "--columns",
        "action,user",
        "--db",
        desk_db,
        env=ADMIN,
    )
    assert audit.exit_code == 0, audit.stderr
    lines = [json.loads(x) for x in audit.output.splitlines()]
    assert (
        lines
        and {x["action"] for x in lines} == {"resident.create"}
        and {x["user"] for x in lines} == {"boss"}
    )
    bad = cli("export", "residents", "--columns", "name,shoe_size", "--db", desk_db, env=ADMIN)
    assert bad.exit_code == 2 and "residents has no column shoe_size" in bad.stderr
    period = cli("export", "units", "--since", "today", "--db", desk_db, env=ADMIN)
    assert period.exit_code == 2 and "units has no period" in period.stderr


def test_export_refuses_to_overwrite_without_force_and_bom_only_in_files(cli, desk_db, tmp_path):
    target = tmp_path / "v.csv"
    target.write_text("keep me")
    refused = cli("export", "visitors", "-o", str(target), "--db", desk_db, env=ADMIN)
    assert refused.exit_code == 2 and "exists already" in refused.stderr
    assert target.read_text() == "keep me"
    forced = cli("export", "visitors", "-o", str(target), "--force", "--db", desk_db, env=ADMIN)
    assert forced.exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfnumber,")
    piped = cli("export", "visitors", "--db", desk_db, env=ADMIN)
    assert piped.output.startswith("number,")
    asked = cli("export", "visitors", "--bom", "--db", desk_db, env=ADMIN)
    assert asked.output.startswith("\ufeffnumber,")
    localized = cli("--lang", "zh", "export", "visitors", "--db", desk_db, env=ADMIN)
    assert localized.output.startswith("单号,到访时间 (Asia/Shanghai),")


def test_round_trip_keys_rows_by_id(cli, desk_db, tmp_path):
    """Two family members of one name in one flat, a moved-out resident of the same name as
    the one living there now, and a company tenant: an unedited export imports as 0 changed,
    0 bad; then a rename, a move, a cleared note and a company's new contact change exactly
    those records (keyed by 住户编号), and nobody is added."""
    source = tmp_path / "in.csv"
    source.write_text(
        "楼栋,房号,姓名,电话,身份,公司,备注\n"
        "3,2101,沈建国,13900001111,业主,,\n"
        "11,2601,何晓燕,13900002222,业主,,旧住户\n"
        "21,101,赵六,13900003333,,杭州华信贸易有限公司,\n",
        encoding="utf-8",
    )
    assert cli("import", "residents", str(source), "--db", desk_db, env=ADMIN).exit_code == 0
    db = sqlite3.connect(desk_db)
    db.execute("update resident set active = 0 where name = '何晓燕'")  # moved out
    db.commit()
    again = tmp_path / "again.csv"
    again.write_text(
        "楼栋,房号,姓名,电话,身份,备注\n3,2101,沈建国,13900004444,家属,儿子\n"
        "11,2601,何晓燕,13900005555,租户,\n",
        encoding="utf-8",
    )
    # without keys: 沈建国 is matched (and updated), the moved-out 何晓燕 never is: a new one
    back = cli("import", "residents", str(again), "--db", desk_db, env=ADMIN)
    assert "2 rows: 1 new, 1 changed, 0 unchanged" in back.output, back.output
    cli("import", "residents", str(tmp_path / "in.csv"), "--db", desk_db, env=ADMIN)
    db.execute(
        "insert into resident (name, unit_id, relation, phone, note, name_pinyin, name_initials, "
        "name_after_1, name_after_2, active) select name, unit_id, 'family', '13900006666', "
        "null, name_pinyin, name_initials, name_after_1, name_after_2, 1 from resident "
        "where name = '沈建国'"
    )  # a son of the same name, same flat
    db.commit()
    before = rows(
        desk_db, "select id, name, unit_id, relation, phone, note, active from resident order by id"
    )
    for fmt in ("xlsx", "csv"):
        out = tmp_path / f"out.{fmt}"
        exported = cli(
            "--lang",
            "zh",
            "export",
            "residents",
            "-f",
            fmt,
            "-o",
            str(out),
            "--force",
            "--db",
            desk_db,
            env=ADMIN,
        )
        assert exported.exit_code == 0, exported.stderr
        dry = cli("import", "residents", str(out), "--dry-run", "--db", desk_db, env=ADMIN)
        assert dry.exit_code == 0, dry.output + dry.stderr
        assert "4 rows: 0 new, 0 changed, 4 unchanged" in dry.output, (
            dry.output
        )  # the moved-out: not exported
    assert (
        rows(
            desk_db,
            "select id, name, unit_id, relation, phone, note, active from resident order by id",
        )
        == before
    )
    book = load_workbook(tmp_path / "out.xlsx")
    sheet = book.active
    table = [[c.value for c in r] for r in sheet.iter_rows()]
    assert [r[1] for r in table[1:]] == ["何晓燕", "赵六", "沈建国", "沈建国"]
    assert table[2][0].startswith("C") and table[2][6] == "杭州华信贸易有限公司"
    sons = [r for r in table if r[1] == "沈建国"]
    by_line = {r[0]: i for i, r in enumerate(table, start=1)}
    sheet[f"B{by_line[sons[1][0]]}"] = "沈小军"  # the son's real name
    sheet[f"C{by_line[sons[0][0]]}"] = "11"  # the father moves to 11-2601
    sheet[f"D{by_line[sons[0][0]]}"] = "2601"
    newest = [r for r in table if r[1] == "何晓燕"][-1]
    sheet[f"H{by_line[newest[0]]}"] = None  # her note cleared
    sheet["B3"] = "钱七"  # the company's new contact
    book.save(tmp_path / "out.xlsx")
    [(last,)] = rows(desk_db, "select max(seq) from audit_event")
    result = cli("import", "residents", str(tmp_path / "out.xlsx"), "--db", desk_db, env=ADMIN)
    assert result.exit_code == 0, result.output + result.stderr
    assert "4 rows: 0 new, 4 changed, 0 unchanged" in result.output, result.output
    fields = sorted(
        json.loads(d)["fields"]
        for (d,) in rows(
            desk_db,
            "select detail from audit_event where action in ('resident.update', 'company.update') "
            f"and seq > {last}",
        )
    )
    assert fields == [["contact_name"], ["name"], ["note"], ["unit_id"]]
    assert rows(desk_db, "select count(*) from resident") == [(len(before),)]
    assert rows(
        desk_db, "select name, name_pinyin from resident where id = ?".replace("?", sons[1][0])
    ) == [("沈小军", "shenxiaojun")]


def test_a_key_of_a_moved_out_or_unknown_record_is_a_bad_row(cli, desk_db, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("楼栋,房号,姓名,身份\n3,2101,沈建国,业主\n", encoding="utf-8")
    cli("import", "residents", str(source), "--db", desk_db, env=ADMIN)
    db = sqlite3.connect(desk_db)
    db.execute("update resident set active = 0")
    db.commit()
    keyed = tmp_path / "keyed.csv"
    keyed.write_text(
        "住户编号,楼栋,房号,姓名,身份\n1,3,2101,沈建国,业主\n99,3,2101,沈国,业主\n"
        "C1,3,2101,沈建,业主\nx7,3,2101,沈,业主\n",
        encoding="utf-8",
    )
    result = cli("import", "residents", str(keyed), "--dry-run", "--db", desk_db, env=ADMIN)
    assert result.exit_code == 1
    assert "line 2: The key “1” is of a record that has moved out" in result.output
    assert "line 3: There is no record with the key “99”" in result.output
    assert "line 4: The key “C1” is a company's but 公司 is empty" in result.output
    assert "line 5: “x7” is not a key of an export" in result.output


def test_units_round_trip_applies_building_name_and_type(cli, desk_db, tmp_path):
    """Every column of `export units` the import reads changes what it names: 楼栋名称 and 类型
    (a building's, stated on each of its rows) as well as 楼层; two rows of one building that
    disagree are a bad row naming the column."""
    cli(
        "import",
        "residents",
        office_workbook(tmp_path / "in.xlsx", PEOPLE),
        "--db",
        desk_db,
        env=ADMIN,
    )
    out = tmp_path / "units.xlsx"
    assert (
        cli(
            "--lang",
            "zh",
            "export",
            "units",
            "-f",
            "xlsx",
            "-o",
            str(out),
            "--db",
            desk_db,
            env=ADMIN,
        ).exit_code
        == 0
    )
    book = load_workbook(out)
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["楼栋", "楼栋名称", "房号", "楼层", "类型"]
    assert [c.value for c in sheet[2]] == ["20", "20栋", "501", 5, "住宅"]
    for line in (2, 3, 4):
        sheet[f"B{line}"], sheet[f"E{line}"] = "翠苑20号楼", "写字楼"
    book.save(out)
    result = cli("import", "units", str(out), "--db", desk_db, env=ADMIN)
    assert result.exit_code == 0, result.output + result.stderr
    assert "3 rows: 0 new, 1 changed, 2 unchanged" in result.output, result.output
    assert rows(desk_db, "select code, name, kind from building") == [
        ("20", "翠苑20号楼", "office")
    ]
    assert json.loads(
        rows(desk_db, "select detail from audit_event where action = 'building.update'")[0][0]
    ) == {"fields": ["name", "kind"], "source": "import"}
    again = cli("import", "units", str(out), "--dry-run", "--db", desk_db, env=ADMIN)
    assert "3 rows: 0 new, 0 changed, 3 unchanged" in again.output, again.output
    sheet["B3"] = "别的名字"
    book.save(out)
    bad = cli("import", "units", str(out), "--dry-run", "--db", desk_db, env=ADMIN)
    assert bad.exit_code == 1
    assert (
        "line 3: 楼栋名称 of building 20 is “别的名字” here but “翠苑20号楼” on line 2"
        in bad.output
    ), bad.output


def test_csv_round_trip_takes_off_exactly_the_formula_guard(cli, desk_db, tmp_path):
    """A CSV export guards a cell starting = + - @ tab or CR with a quote; the import takes
    exactly that quote off, so export -> import is exact (and a quote before anything else stays)."""
    source = tmp_path / "in.csv"
    names = ["-2+3", "=SUM(A1)", "+86号", "@王", "'李", "''-x"]
    source.write_text(
        "楼栋,房号,姓名,身份,备注\n"
        + "".join(f"1,{101 + i},{name},业主,-{i}\n" for i, name in enumerate(names)),
        encoding="utf-8",
    )
    assert cli("import", "residents", str(source), "--db", desk_db, env=ADMIN).exit_code == 0
    stored = rows(desk_db, "select name, note from resident order by id")
    assert stored == [(n, f"-{i}") for i, n in enumerate(names)]
    out = tmp_path / "out.csv"
    assert cli("export", "residents", "-o", str(out), "--db", desk_db, env=ADMIN).exit_code == 0
    assert "'-2+3" in out.read_text(encoding="utf-8-sig")  # the guard is there in the file
    back = cli("import", "residents", str(out), "--dry-run", "--db", desk_db, env=ADMIN)
    assert "6 rows: 0 new, 0 changed, 6 unchanged" in back.output, back.output + back.stderr
    # into another site's database: without the keys (which are this database's)
    cli(
        "export",
        "residents",
        "--columns",
        "building,unit,name,relation,note",
        "-o",
        str(out),
        "--force",
        "--db",
        desk_db,
        env=ADMIN,
    )
    fresh = tmp_path / "fresh.db"
    cli(
        "init",
        "--db",
        str(fresh),
        "--admin",
        "boss",
        "--admin-name",
        "Boss",
        env={"DESKTERM_PASSWORD": "boss-pass-1"},
    )
    assert cli("import", "residents", str(out), "--db", str(fresh), env=ADMIN).exit_code == 0
    assert rows(str(fresh), "select name, note from resident order by id") == stored


def test_out_through_links_fifos_and_devices(cli, desk_db, tmp_path):
    """--force replaces a regular file only: a symbolic link (even with --force) is refused,
    its target kept; a FIFO or a character device, named or linked to, is written through
    (no BOM: a stream) and stays what it was. The same for `report -o`."""
    import os
    import threading

    real = tmp_path / "real.csv"
    real.write_text("keep")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    for command in (("export", "units"), ("report", "daily")):
        refused = cli(*command, "-o", str(link), "--force", "--db", desk_db, env=ADMIN)
        assert refused.exit_code == 2 and "is a symbolic link" in refused.stderr, refused.stderr
        assert link.is_symlink() and real.read_text() == "keep"
        kept = cli(*command, "-o", str(real), "--db", desk_db, env=ADMIN)
        assert (
            kept.exit_code == 2 and "exists already" in kept.stderr and real.read_text() == "keep"
        )
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    to_fifo = tmp_path / "to-pipe"
    to_fifo.symlink_to(fifo)
    for out, fmt in ((fifo, "csv"), (to_fifo, "csv"), (to_fifo, "xlsx")):
        got = []
        reader = threading.Thread(target=lambda got=got: got.append(fifo.read_bytes()))
        reader.start()
        result = cli(
            "export", "units", "-f", fmt, "-o", str(out), "--force", "--db", desk_db, env=ADMIN
        )
        reader.join(10)
        assert result.exit_code == 0, result.stderr
        assert got[0].startswith(b"building," if fmt == "csv" else b"PK"), got[0][:20]
        assert fifo.is_fifo() and to_fifo.is_symlink()
    null = cli("report", "daily", "-o", os.devnull, "--db", desk_db, env=ADMIN)
    assert null.exit_code == 0, null.stderr
    assert cli("export", "units", "-o", os.devnull, "--db", desk_db, env=ADMIN).exit_code == 0
    assert os.path.exists(os.devnull) and not os.path.isfile(os.devnull)


def test_export_filters_refuse_what_does_not_exist(cli, desk_db, tmp_path):
    """--status, --building, --by and --action take what exists (a status by its code or by
    the word the xlsx shows, English or Chinese); anything else is exit 2 and one sentence
    listing what there is, never an empty export with exit 0."""
    cli(
        "import",
        "residents",
        office_workbook(tmp_path / "in.xlsx", PEOPLE),
        "--db",
        desk_db,
        env=ADMIN,
    )
    for args, listed in (
        (("visitors", "--status", "bogus"), "on_site (On site), left (Left the site)"),
        (("visitors", "--building", "99"), "there are: 20."),
        (("units", "--building", "99"), "there are: 20."),
        (("audit", "--by", "nobody"), "there are: boss."),
        (("audit", "--action", "nonsense"), "resident"),
        (("handovers", "--status", "done"), "draft (Draft)"),
    ):
        result = cli("export", *args, "--db", desk_db, env=ADMIN)
        assert result.exit_code == 2, (args, result.output)
        assert (
            f"has no {args[1]} “{args[2]}”; there are: " in result.stderr
            and listed in result.stderr
        ), result.stderr
        assert result.output == ""
    for word in ("closed", "已办结", "Closed", "CLOSED"):
        ok = cli("export", "complaints", "--status", word, "--db", desk_db, env=ADMIN)
        assert ok.exit_code == 0, (word, ok.stderr)
    assert cli("export", "visitors", "--status", "在场", "--db", desk_db, env=ADMIN).exit_code == 0
    kind = cli(
        "export", "audit", "--action", "resident", "--columns", "action", "--db", desk_db, env=ADMIN
    )
    assert kind.exit_code == 0 and set(kind.output.splitlines()[1:]) == {"resident.create"}
