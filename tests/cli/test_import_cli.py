"""`deskterm import`: Chinese and English headings, CSV in UTF-8 and GBK, XLSX, bad rows by
line, nothing written when a row is bad, dry runs, re-imports, roles and exit codes."""

from __future__ import annotations

import json
import sqlite3

import pytest
from openpyxl import Workbook, load_workbook

from tests.cli.conftest import first_sign_in

ADMIN = {"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "boss-pass-1"}

RESIDENTS = (
    "楼栋,单元,房号,姓名,电话,身份,备注\n"
    "12栋,,1203室,张三,138-1234-5678,业主,\n"
    "12,,1204,李四,,租户,腿脚不便\n"
    "3号楼,2单元,0101,王五,+86 139 0000 1111,家属,\n"
)


def rows(path, sql):
    return sqlite3.connect(path).execute(sql).fetchall()


def write(tmp_path, name, text, encoding="utf-8-sig"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_residents_from_chinese_csv_create_units_and_pinyin(cli, desk_db, tmp_path):
    result = cli(
        "import", "residents", write(tmp_path, "r.csv", RESIDENTS), "--db", desk_db, env=ADMIN
    )
    assert result.exit_code == 0, result.stderr
    assert result.output == (
        "Imported. 3 rows: 3 new, 0 changed, 0 unchanged; buildings added: 2; units added: 3.\n"
    )
    assert rows(
        desk_db,
        "select r.name, u.label, u.floor, r.phone, r.relation, r.note, r.name_pinyin, "
        "r.name_initials from resident r join unit u on u.id = r.unit_id order by r.id",
    ) == [
        ("张三", "12-1203", 12, "13812345678", "owner", None, "zhangsan", "zs"),
        ("李四", "12-1204", 12, None, "tenant", "腿脚不便", "lisi", "ls"),
        (
            "王五",
            "3-2-101",
            1,
            "13900001111",
            "family",
            None,
            "wangwu",
            "ww",
        ),  # 0101 is 101; +86 goes
    ]
    actions = [a for (a,) in rows(desk_db, "select action from audit_event order by seq")]
    assert actions.count("resident.create") == 3 and actions[-1] == "import.run"
    details = " ".join(d for (d,) in rows(desk_db, "select detail from audit_event"))
    assert "1234" not in details and "13900001111" not in details  # phones never in the audit


def test_a_second_import_updates_instead_of_duplicating(cli, desk_db, tmp_path):
    cli("import", "residents", write(tmp_path, "r.csv", RESIDENTS), "--db", desk_db, env=ADMIN)
    changed = RESIDENTS.replace("腿脚不便", "行动不便")
    result = cli(
        "import", "residents", write(tmp_path, "r2.csv", changed), "--db", desk_db, env=ADMIN
    )
    assert result.output == "Imported. 3 rows: 0 new, 1 changed, 2 unchanged.\n"
    assert rows(desk_db, "select count(*) from resident") == [(3,)]
    assert rows(desk_db, "select note from resident where name = '李四'") == [("行动不便",)]


def test_bad_rows_by_line_and_nothing_written(cli, desk_db, tmp_path):
    text = (
        "姓名,楼栋,房号,电话,身份\n"
        "张三,12,1203,13812345678,业主\n"
        "\n"  # a blank line keeps the line numbers of the file
        '"李\n四",12,1204,,租户\n'  # a name over two lines, quoted
        ",12,1205,,业主\n"
        "王五,12,1206,12,业主\n"
        "赵六,12,1207,,朋友\n"
        "张三,12,1203,,业主\n"
    )
    result = cli(
        "import", "residents", write(tmp_path, "bad.csv", text), "--db", desk_db, env=ADMIN
    )
    assert result.exit_code == 1
    assert result.output == (
        "line 6: The name (姓名) is empty.\n"
        "line 7: “12” is not a mobile number: a mobile has 11 digits and starts with 13 to 19.\n"
        "line 8: “朋友” is not 业主, 租户 or 家属 (owner, tenant, family).\n"
        "line 9: The same entry is already on line 2.\n"
        "Nothing was imported. 6 rows: 2 new, 0 changed, 0 unchanged; buildings added: 1; units added: 2.\n"
    )
    assert result.stderr == "4 bad rows: fix them and import again (or use --skip-bad).\n"
    assert rows(desk_db, "select count(*) from resident") == [(0,)]
    assert rows(desk_db, "select count(*) from unit") == [(0,)]
    skipped = cli(
        "import", "residents", str(tmp_path / "bad.csv"), "--skip-bad", "--db", desk_db, env=ADMIN
    )
    assert skipped.exit_code == 1
    assert skipped.stderr == "4 bad rows were skipped.\n"
    assert rows(desk_db, "select name from resident order by id") == [
        ("张三",),
        ("李四",),
    ]  # one line, no space inside a Chinese name


def test_what_no_column_can_hold_is_a_bad_row_by_line(cli, desk_db, tmp_path):
    """A NUL character (PostgreSQL cannot store one) or text too long for its column is a bad
    row like any other, named by its line, and nothing is written: residents are inserted in
    bulk, past the ORM's flush-time guard (models/guard.py), so the importer checks the same."""
    text = (
        "姓名,楼栋,房号,电话,身份,备注\n"
        "张三,12,1203,,业主,\n"
        "李\x00四,12,1204,,租户,\n"
        "王五,12,12\x0005,,业主,\n" + "庄" * 65 + ",12,1206,,业主,\n"  # the name column holds 64
        "赵六,12,1207,,业主,\x00\n"
    )
    path = write(tmp_path, "nul.csv", text)
    result = cli("import", "residents", path, "--db", desk_db, env=ADMIN)
    assert result.exit_code == 1
    assert result.output == (
        "line 3: 姓名: Control characters (NUL) cannot be stored; remove them.\n"
        "line 4: 楼栋 / 房号: Control characters (NUL) cannot be stored; remove them.\n"
        "line 5: The name is too long.\n"
        "line 6: 备注: Control characters (NUL) cannot be stored; remove them.\n"
        "Nothing was imported. 5 rows: 1 new, 0 changed, 0 unchanged; buildings added: 1; units added: 1.\n"
    )
    assert rows(desk_db, "select count(*) from resident") == [(0,)]
    skipped = cli("import", "residents", path, "--skip-bad", "--db", desk_db, env=ADMIN)
    assert skipped.exit_code == 1 and skipped.stderr == "4 bad rows were skipped.\n"
    assert rows(desk_db, "select name, name_pinyin from resident") == [("张三", "zhangsan")]


def test_thousands_of_residents_in_batches_with_their_audit(cli, desk_db, tmp_path):
    units = "楼栋,房号\n" + "".join(
        f"{b},{f}0{r}\n" for b in (1, 2) for f in range(1, 31) for r in (1, 2)
    )
    assert (
        cli(
            "import", "units", write(tmp_path, "u.csv", units), "--db", desk_db, env=ADMIN
        ).exit_code
        == 0
    )
    people = "姓名,楼栋,房号,电话,身份\n" + "".join(
        f"{'张王李赵'[n % 4]}{'一二三四五六七八九十'[n // 4 % 10]}{n},{1 + n % 2},{1 + n // 2 % 30}0{1 + n // 60 % 2},"
        f"13{n:09d},{('业主', '家属', '租户')[n % 3]}\n"
        for n in range(2500)
    )
    path = write(tmp_path, "r.csv", people)
    result = cli("import", "residents", path, "--db", desk_db, env=ADMIN)
    assert result.exit_code == 0, result.stderr
    assert result.output == "Imported. 2500 rows: 2500 new, 0 changed, 0 unchanged.\n"
    assert rows(desk_db, "select count(*), count(distinct unit_id) from resident") == [(2500, 120)]
    assert rows(
        desk_db,
        "select r.name_pinyin, r.name_initials, r.phone, r.relation, u.label from resident r "
        "join unit u on u.id = r.unit_id where r.name = '赵一3'",
    ) == [("zhaoyi3", "zy3", "13000000003", "owner", "2-201")]
    assert rows(desk_db, "select count(*) from audit_event where action = 'resident.create'") == [
        (2500,)
    ]
    assert cli("audit", "verify", "--db", desk_db, env=ADMIN).exit_code == 0
    again = cli("import", "residents", path, "--db", desk_db, env=ADMIN)
    assert again.output == "Imported. 2500 rows: 0 new, 0 changed, 2500 unchanged.\n"


def test_progress_on_a_terminal_is_a_bar_cleared_at_the_end(monkeypatch, capsys):
    """The one CLI reporter (cli/progress.py): bars on stderr at a terminal, gone at the end."""
    import sys

    from deskterm.cli.progress import terminal_progress

    with terminal_progress() as progress:  # captured stderr is no terminal: nothing is shown
        assert progress is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with terminal_progress() as progress:
        progress("Checking", 1000, None)
        progress("Writing", 2000, 50000)
    err = capsys.readouterr().err
    assert "Writing" in err and "2000/50000" in err
    assert capsys.readouterr().out == ""


def test_dry_run_writes_nothing(cli, desk_db, tmp_path):
    result = cli(
        "import",
        "residents",
        write(tmp_path, "r.csv", RESIDENTS),
        "--dry-run",
        "--db",
        desk_db,
        env=ADMIN,
    )
    assert result.exit_code == 0
    assert result.output.startswith("Dry run, nothing written. 3 rows: 3 new")
    assert rows(desk_db, "select count(*) from resident") == [(0,)]
    assert rows(desk_db, "select count(*) from audit_event where action = 'import.run'") == [(0,)]


def test_gbk_csv_from_chinese_excel(cli, desk_db, tmp_path):
    path = write(tmp_path, "gbk.csv", RESIDENTS, encoding="gb18030")
    result = cli("import", "residents", path, "--db", desk_db, env=ADMIN)
    assert result.exit_code == 0, result.stderr
    assert rows(desk_db, "select name from resident order by id") == [
        ("张三",),
        ("李四",),
        ("王五",),
    ]


def test_xlsx_with_english_headings_and_numbers_for_text(cli, desk_db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Building", "Unit", "Phone (mobile)", "Relation", "Company", "Unused"])
    sheet.append(["Li Lei", "A", 1203, 13812345678, "tenant", None, "x"])
    sheet.append(["王经理", "A", "1501", 13900001111, None, "星辰科技有限公司", None])
    path = tmp_path / "r.xlsx"
    book.save(path)
    result = cli("import", "residents", str(path), "--db", desk_db, env=ADMIN)
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines()[0] == "Columns not used: Unused"
    assert rows(desk_db, "select name, phone from resident") == [("Li Lei", "13812345678")]
    assert rows(
        desk_db,
        "select c.name, c.contact_name, c.phone, u.label from company c join unit u on u.id = c.unit_id",
    ) == [("星辰科技有限公司", "王经理", "13900001111", "A-1501")]


def test_units(cli, desk_db, tmp_path):
    text = (
        "building,unit,floor,type\nA,1203,12,写字楼\nA,1204,,office\n5,101,1,住宅\n5,102,,castle\n"
    )
    result = cli(
        "import", "units", write(tmp_path, "u.csv", text), "--skip-bad", "--db", desk_db, env=ADMIN
    )
    assert result.output == (
        "line 5: The type “castle” is neither 住宅 (residential) nor 写字楼 (office).\n"
        "Imported. 4 rows: 3 new, 0 changed, 0 unchanged; buildings added: 2.\n"
    )
    assert rows(
        desk_db,
        "select b.code, b.name, b.kind, u.label, u.floor from unit u join building b on b.id = u.building_id order by u.id",
    ) == [
        ("A", "A座", "office", "A-1203", 12),
        ("A", "A座", "office", "A-1204", 12),
        ("5", "5栋", "residential", "5-101", 1),
    ]


def test_directory_through_the_directory_service(cli, desk_db, tmp_path):
    text = (
        "类别,名称,位置,电话,营业时间,备注\n"
        "银行,工商银行(南门),南门外50米,95588,09:00-17:00,\n"
        "交通,地铁2号线,北门外300米,,,\n"
        "外星,飞碟站,,,,\n"
    )
    result = cli("import", "directory", write(tmp_path, "d.csv", text), "--db", desk_db, env=ADMIN)
    assert result.exit_code == 1
    assert result.output.startswith("line 4: Unknown kind “外星”")
    assert rows(desk_db, "select count(*) from directory_entry where name = '地铁2号线'") == [(0,)]
    fixed = text.replace("外星,飞碟站,,,,\n", "")
    result = cli(
        "import", "directory", write(tmp_path, "d2.csv", fixed), "--db", desk_db, env=ADMIN
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output == "Imported. 2 rows: 2 new, 0 changed, 0 unchanged.\n"
    assert rows(
        desk_db, "select kind, location, phone from directory_entry where name = '工商银行(南门)'"
    ) == [("bank", "南门外50米", "95588")]


def test_fees_make_a_new_schedule_version(cli, desk_db, tmp_path):
    text = (
        "编号,服务项目,单位,人工费,材料费,生效日期\n"
        "F001,更换水龙头,个,25,35.5,2027-01-01\n"
        "F900,疏通下水管道,次,60.00,0,2027-01-01\n"
        "F901,换灯泡,个,abc,,2027-01-01\n"
    )
    path = write(tmp_path, "f.csv", text)
    result = cli("import", "fees", path, "--db", desk_db, env=ADMIN)
    assert result.output.startswith("line 4: labour “abc” is not an amount like 12.50.\n")
    assert result.exit_code == 1
    result = cli("import", "fees", path, "--skip-bad", "--db", desk_db, env=ADMIN)
    assert "Imported. 3 rows: 1 new, 1 changed, 0 unchanged." in result.output
    assert rows(
        desk_db,
        "select code, labour_fen, materials_fen, valid_from, valid_to from fee_schedule_item "
        "where code in ('F001', 'F900') order by code, valid_from",
    ) == [
        ("F001", 2000, 3500, "2026-01-01", "2027-01-01"),
        ("F001", 2500, 3550, "2027-01-01", None),
        ("F900", 6000, 0, "2027-01-01", None),
    ]
    again = cli("import", "fees", path, "--skip-bad", "--db", desk_db, env=ADMIN)
    assert "0 new, 0 changed, 2 unchanged" in again.output


def test_missing_required_column_is_one_sentence(cli, desk_db, tmp_path):
    result = cli(
        "import", "residents", write(tmp_path, "x.csv", "电话\n138\n"), "--db", desk_db, env=ADMIN
    )
    assert result.exit_code == 1
    assert (
        result.stderr
        == "The file has no column for: 姓名 (name) / 房号 (unit) (looked in its first 20 rows).\n"
    )


@pytest.mark.parametrize(
    "args,code", [(["import", "parcels", "x.csv"], 2), (["import", "residents", "/no/file.csv"], 2)]
)
def test_bad_usage(cli, desk_db, args, code):
    result = cli(*args, "--db", desk_db, env=ADMIN)
    assert result.exit_code == code
    assert result.stderr.startswith("Error: ")


def test_only_admins_import(cli, desk_db, tmp_path):
    cli(
        "users",
        "add",
        "sup1",
        "--name",
        "王强",
        "--role",
        "supervisor",
        "--db",
        desk_db,
        env={**ADMIN, "DESKTERM_NEW_PASSWORD": "sup1-pass-1"},
    )
    first_sign_in(cli, desk_db, "sup1", "sup1-pass-1")
    result = cli(
        "import",
        "residents",
        write(tmp_path, "r.csv", RESIDENTS),
        "--db",
        desk_db,
        env={"DESKTERM_USER": "sup1", "DESKTERM_PASSWORD": "sup1-pass-1"},
    )
    assert result.exit_code == 1
    assert result.stderr == "Your role (supervisor) may not import records.\n"
    (detail,) = rows(desk_db, "select detail from audit_event where action = 'permission.denied'")[
        0
    ]
    assert json.loads(detail) == {"action": "import.run", "role": "supervisor"}
    assert rows(desk_db, "select count(*) from resident") == [(0,)]


def test_import_help_in_chinese(cli):
    result = cli("--lang", "zh", "import", "--help")
    assert result.exit_code == 0 and "导入" in result.output


CATEGORIES = (
    "编号,名称,英文名称,类别,范围,排序\n"
    "heating_not_warm,暖气片不热(本小区),Radiator not warm,急修,户内,5\n"
    "lobby_door,大堂自动门故障,,一般,公共,90\n"
)


def test_repair_categories_import_adds_and_edits_them(cli, desk_db, tmp_path):
    """D-30 (issue 21): `deskterm import categories` is the admin's explicit edit; a later
    `init` keeps it."""
    result = cli(
        "import", "categories", write(tmp_path, "c.csv", CATEGORIES), "--db", desk_db, env=ADMIN
    )
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith("Imported. 2 rows: 1 new, 1 changed, 0 unchanged")
    assert rows(
        desk_db,
        "select name_zh, name_en, repair_class, scope, sort from repair_category "
        "where code in ('heating_not_warm', 'lobby_door') order by code",
    ) == [
        ("暖气片不热(本小区)", "Radiator not warm", "urgent", "household", 5),
        ("大堂自动门故障", "大堂自动门故障", "general", "public", 90),
    ]
    assert cli("init", "--db", desk_db).exit_code == 0
    assert rows(
        desk_db, "select repair_class from repair_category where code = 'heating_not_warm'"
    ) == [("urgent",)]
    actions = [a for (a,) in rows(desk_db, "select action from audit_event order by seq")]
    assert actions[-1] == "import.run"


def test_look_alike_category_names_are_bad_rows_and_the_screens_headings_import(
    cli, desk_db, tmp_path
):
    """Issue 21, finding 7: the admin screen's own headings (中文名, 英文名, 急/一般, 适用范围,
    排序) are read; a name equal to another row's or a stored category's (exactly, or after
    NFKC, case, spaces and invisible characters) is a numbered bad row; --skip-bad imports
    the good rows."""
    text = (
        "代码,中文名,英文名,急/一般,适用范围,排序\n"
        "gas_smell,燃气异味,Smell of gas,急修,户内,5\n"
        "gas_again,燃气异味,Gas again,一般,,6\n"  # the same name as line 2
        "gas_spaced,燃气异味(新),Smell  of  gas,一般,,7\n"  # spaces are not another name
        "gas_case,气味,SMELL OF GAS,一般,,8\n"  # English, another case
        "gas_zw,燃气\u200b异味,Gas zw,一般,,9\n"  # an invisible character
        "heat_two,暖气不热,Heating two,一般,,10\n"  # a stored category's name
        "lift_stop,电梯停运,Lift stopped,急修,公共,11\n"
    )
    path = write(tmp_path, "c.csv", text)
    dry = cli("import", "categories", path, "--dry-run", "--db", desk_db, env=ADMIN)
    assert dry.exit_code == 1, dry.output + dry.stderr
    bad = [line.split(":")[0] for line in dry.output.splitlines() if line.startswith("line ")]
    assert bad == ["line 3", "line 4", "line 5", "line 6", "line 7"], dry.output
    assert "Columns not used" not in dry.output + dry.stderr
    done = cli("import", "categories", path, "--skip-bad", "--db", desk_db, env=ADMIN)
    assert "Imported." in done.output, done.output + done.stderr
    assert rows(
        desk_db,
        "select code, name_zh, name_en, repair_class, scope from repair_category "
        "where code in ('gas_smell', 'lift_stop') order by code",
    ) == [
        ("gas_smell", "燃气异味", "Smell of gas", "urgent", "household"),
        ("lift_stop", "电梯停运", "Lift stopped", "urgent", "public"),
    ]
    assert rows(desk_db, "select count(*) from repair_category where code like 'gas_%'") == [(1,)]
    english = cli(
        "import",
        "categories",
        write(
            tmp_path,
            "e.csv",
            "Code,Chinese,English,Class,Applies to,Sort order\n"
            "door_bell,门铃坏,Door bell,general,household,12\n",
        ),
        "--db",
        desk_db,
        env=ADMIN,
    )
    assert english.exit_code == 0 and "Columns not used" not in english.output, english.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_categories_export_edit_import_round_trip(cli, desk_db, tmp_path, lang):
    """Issue 21, finding 7: `export categories` writes the import's own headings; imported
    back unchanged it changes nothing, and an edit made in the spreadsheet is what changes."""
    out = tmp_path / f"c-{lang}.xlsx"
    exported = cli(
        "--lang",
        lang,
        "export",
        "categories",
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
    head = [c.value for c in book.active[1]]
    assert head == (
        ["编号", "中文名", "英文名", "类别", "范围", "排序"]
        if lang == "zh"
        else ["code", "name_zh", "name_en", "repair_class", "scope", "sort"]
    )
    total = rows(desk_db, "select count(*) from repair_category")[0][0]
    back = cli("import", "categories", str(out), "--dry-run", "--db", desk_db, env=ADMIN)
    assert back.exit_code == 0 and f" 0 new, 0 changed, {total} unchanged" in back.output, (
        back.output
    )
    codes = [c.value for c in book.active["A"]]
    line = codes.index("heating_not_warm") + 1
    book.active[f"B{line}"] = "暖气不热(含地暖)"
    book.active[f"D{line}"] = "急修" if lang == "zh" else "urgent"
    book.save(out)
    edited = cli("import", "categories", str(out), "--db", desk_db, env=ADMIN)
    assert edited.exit_code == 0 and " 0 new, 1 changed," in edited.output, edited.output
    assert rows(
        desk_db, "select name_zh, repair_class from repair_category where code = 'heating_not_warm'"
    ) == [("暖气不热(含地暖)", "urgent")]


def test_bad_category_rows_are_named_by_line(cli, desk_db, tmp_path):
    bad = "编号,名称,类别\nHeating Bad,暖气,急修\nok_code,,一般\nok_two,门锁,很急\n"
    result = cli("import", "categories", write(tmp_path, "c.csv", bad), "--db", desk_db, env=ADMIN)
    assert result.exit_code != 0
    text = result.output + result.stderr
    assert "line 2" in text and "line 3" in text and "line 4" in text
    assert rows(desk_db, "select count(*) from repair_category where code like 'ok_%'") == [(0,)]


@pytest.mark.parametrize(
    ("kind", "text", "table"),
    [
        ("residents", "楼栋,房号,姓名,电话,身份,备注\n12,1203,王13900001111,,业主,\n", "resident"),
        (
            "residents",
            "楼栋,房号,姓名,电话,身份,备注\n12,1203,王五,,业主,回电13900001111\n",
            "resident",
        ),
        (
            "directory",
            "类别,名称,位置,电话,营业时间,备注\n银行,工行13900001111,南门,,,\n",
            "directory_entry",
        ),
    ],
)
def test_every_import_says_what_it_stored_masked(cli, desk_db, tmp_path, kind, text, table):
    """Issue 15 (text2, item 3): the residents import told nothing when it masked a number
    (the directory import did): every import says it in one line, as the desk does."""
    result = cli("import", kind, write(tmp_path, "m.csv", text), "--db", desk_db, env=ADMIN)
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output.startswith("Stored masked for privacy: a mobile number"), result.output
    stored = " ".join(str(v) for row in rows(desk_db, f"select * from {table}") for v in row)
    assert "13900001111" not in stored and "00001111" not in stored


LONG = "长" * 300
HOSTILE_FILES = {
    "residents": "楼栋,房号,姓名,电话,身份,备注\n12,1203,张\x1b]0;x\x07三,,业主,\n12,1204,李四,,业主,\n",
    "directory": (
        f"类别,名称,位置,电话,营业时间,备注\n银行,工行\x1b]0;x\x07,南门,,,\n"
        f"银行,农行,{LONG},,,\n交通,地铁,北门,,,\n"
    ),
    "fees": (
        f"编号,服务项目,单位,人工费,材料费,生效日期\nZ01,换灯泡\x1b[2J,个,10,5,2027-01-01\n"
        f"Z02,{LONG},个,10,5,2027-01-01\nZ03,正常,个,10,5,2027-01-01\n"
    ),
    "units": (
        f"楼栋,楼栋名称,房号,楼层\n30,三十栋\x1b]0;x\x07,101,1\n31,{LONG},101,1\n"
        "32,三十二栋,101,1\n"
    ),
    # issue 21, finding 7: an ESC in a name, a name too long, a good row
    "categories": (
        f"编号,名称,类别\nbad_esc,坏\x1b[31m名,急修\nbad_long,门{'长' * 70},一般\n"
        "good_one,好名字,一般\n"
    ),
}


def test_every_import_kind_has_a_hostile_file():
    from deskterm.services.sheets import KINDS

    assert set(HOSTILE_FILES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(HOSTILE_FILES))
def test_the_dry_run_finds_every_row_the_import_would_refuse(cli, desk_db, tmp_path, kind):
    """Issue 15 (text2, item 5): a dry run said all rows were fine, then the import refused
    in one sentence with no line. The dry run runs the write's own checks: the same bad
    lines in both, nothing written without --skip-bad, the good rows with it."""
    path = write(tmp_path, f"{kind}.csv", HOSTILE_FILES[kind])

    def bad_lines(output):
        return [line.split(":")[0] for line in output.splitlines() if line.startswith("line ")]

    dry = cli("import", kind, path, "--dry-run", "--db", desk_db, env=ADMIN)
    assert dry.exit_code == 1 and "Traceback" not in dry.stderr
    lines = bad_lines(dry.output)
    assert lines and "\x1b" not in dry.output
    real = cli("import", kind, path, "--db", desk_db, env=ADMIN)
    assert real.exit_code == 1 and bad_lines(real.output) == lines, real.output + real.stderr
    assert real.output.count("Nothing was imported") == 1
    skipped = cli("import", kind, path, "--skip-bad", "--db", desk_db, env=ADMIN)
    assert bad_lines(skipped.output) == lines and "Imported." in skipped.output, skipped.stderr
    assert "Unexpected error" not in skipped.stderr
