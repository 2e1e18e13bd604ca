"""Reading an import file (CSV or XLSX) into checked rows: headings, encodings, cells.

Files come from people: headings in Chinese or English (姓名 / name, 房号 / unit, 电话 / phone,
楼栋 / building ...) below a title or notes, CSV saved by Excel in UTF-8 or in GBK, XLSX or old
XLS workbooks with an instructions sheet first, numbers where text was meant, full-width digits,
无 or - for nothing. Every row is checked first and each bad one is reported with its line in the file (the
heading is line 1); by default nothing is written when any row is bad (`skip_bad` writes the
good ones), and a dry run writes nothing at all but says what would change.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

from deskterm.errors import InvalidInput
from deskterm.i18n import _

KINDS = ("residents", "units", "directory", "fees", "categories")
COMPANY_KEY = "C"  # a company's key in the residents file: "C" and its id (a resident's is its id)
# a table's rows as the file holds them: (line in the file, raw cells), read when called
Rows = Callable[[], Iterable[tuple[int, list[Any]]]]

# canonical column -> the headings people write (compared after normalise_heading)
HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "residents": {
        "id": ("住户编号", "id", "residentid"),
        "name": ("姓名", "住户姓名", "业主姓名", "名字", "联系人", "name", "resident"),
        "building": ("楼栋", "楼栋号", "楼号", "栋", "幢", "楼宇", "building", "block"),
        "section": ("单元", "单元号", "section", "entrance"),
        "unit": ("房号", "房间号", "门牌号", "户号", "室号", "房屋", "unit", "room", "unitlabel"),
        "phone": (
            "电话",
            "手机",
            "手机号",
            "手机号码",
            "联系电话",
            "电话号码",
            "phone",
            "mobile",
            "tel",
        ),
        "relation": ("身份", "关系", "住户类型", "类型", "与业主关系", "relation", "role", "type"),
        "company": ("公司", "公司名称", "单位名称", "company"),
        "note": ("备注", "说明", "note", "notes", "remark", "remarks"),
    },
    "units": {
        "building": ("楼栋", "楼栋号", "楼号", "栋", "幢", "楼宇", "building", "block"),
        "building_name": ("楼栋名称", "楼名", "buildingname"),
        "section": ("单元", "单元号", "section", "entrance"),
        "unit": ("房号", "房间号", "门牌号", "户号", "室号", "unit", "room", "number"),
        "floor": ("楼层", "层", "floor"),
        "kind": ("类型", "楼栋类型", "用途", "kind", "type"),
    },
    "directory": {
        "kind": ("类别", "类型", "分类", "kind", "type", "category"),
        "name": ("名称", "名字", "标题", "name", "title"),
        "location": ("位置", "地点", "地址", "location", "place", "address"),
        "phone": ("电话", "联系电话", "phone", "tel"),
        "hours": ("时间", "营业时间", "开放时间", "办公时间", "hours", "openinghours"),
        "notes": ("备注", "说明", "内容", "notes", "note", "content"),
        "starts_at": ("开始时间", "开始", "startsat", "start", "starts"),
        "ends_at": ("结束时间", "结束", "endsat", "end", "ends"),
    },
    "fees": {
        "code": ("编号", "代码", "项目编号", "code"),
        "name": ("服务项目", "项目", "项目名称", "名称", "name", "item"),
        "unit": ("单位", "计价单位", "计价方式", "unit"),
        "labour": ("人工费", "收费标准", "价格", "单价", "labour", "labor", "labouryuan", "price"),
        "materials": ("材料费", "materials", "materialsyuan"),
        "valid_from": ("生效日期", "生效时间", "validfrom", "from"),
    },
    "categories": {  # D-30: the repair categories and the class each sets
        # the admin screen's own column titles, in Chinese and English, are headings too
        # (tui/dialogs/repair_categories.py): a list copied from it imports (issue 21)
        "code": ("编号", "代码", "类别编号", "code"),
        "name_zh": ("中文名", "名称", "中文名称", "中文", "报修项目", "namezh", "name", "chinese"),
        "name_en": ("英文名", "英文名称", "英文", "nameen", "english"),
        "repair_class": (
            "类别",
            "急/一般",
            "急修/一般",
            "急修一般",
            "分类",
            "级别",
            "repairclass",
            "class",
        ),
        "scope": ("范围", "适用范围", "适用", "scope", "appliesto"),
        "sort": ("排序", "顺序", "sort", "order", "sortorder"),
    },
}
# Where each column's text is stored (issue 15): "model.field" means the cell passes the text
# boundary of that field (models/text.py, checked at every write by models/guard.py); any
# other value names how a non-text cell is read. tests/unit/test_text_fields.py holds every
# column of HEADINGS to this.
TARGETS: dict[str, dict[str, str]] = {
    "residents": {
        "id": "key",
        "name": "Resident.name",
        "building": "Building.code",
        "section": "Unit.label",
        "unit": "Unit.label",
        "phone": "Resident.phone",
        "relation": "choice",
        "company": "Company.name",
        "note": "Resident.note",
    },
    "units": {
        "building": "Building.code",
        "building_name": "Building.name",
        "section": "Unit.label",
        "unit": "Unit.label",
        "floor": "int",
        "kind": "choice",
    },
    "directory": {
        "kind": "choice",
        "name": "DirectoryEntry.name",
        "location": "DirectoryEntry.location",
        "phone": "DirectoryEntry.phone",
        "hours": "DirectoryEntry.hours",
        "notes": "DirectoryEntry.notes",
        "starts_at": "instant",
        "ends_at": "instant",
    },
    "fees": {
        "code": "FeeScheduleItem.code",
        "name": "FeeScheduleItem.name",
        "unit": "FeeScheduleItem.unit",
        "labour": "money",
        "materials": "money",
        "valid_from": "date",
    },
    "categories": {
        "code": "RepairCategory.code",
        "name_zh": "RepairCategory.name_zh",
        "name_en": "RepairCategory.name_en",
        "repair_class": "choice",
        "scope": "choice",
        "sort": "int",
    },
}
REQUIRED = {
    "residents": ("name", "unit"),
    "units": ("building", "unit"),
    "directory": ("kind", "name"),
    "fees": ("code", "name", "labour"),
    "categories": ("code", "name_zh", "repair_class"),
}


@dataclass
class RowProblem:
    line: int
    message: str


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    extra: dict[str, int] = field(default_factory=dict)  # e.g. units or buildings created
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(
        default_factory=list
    )  # near-duplicates: the file is imported
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False


@dataclass
class Sheet:
    columns: dict[int, str]  # position -> canonical column
    rows: Iterable[
        tuple[int, dict[str, Any]]
    ]  # (line in the file, {column: cell}): a list unless lazy
    ignored: list[str]


def normalise_heading(text: Any) -> str:
    value = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    value = re.sub(r"[(\[].*?[)\]]", "", value)  # "电话(手机)", "name [required]"
    return re.sub(r"[\s*_\-:：.]", "", value)


def _cell(value: Any) -> Any:
    """A cell as text, except dates; numbers typed into a spreadsheet come back as digits;
    full-width characters as their plain forms; 无, - or 空 (EMPTY_WORDS) as empty."""
    if value.__class__ is str:  # every cell of a CSV file
        text = (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
        return "" if text in EMPTY_WORDS else text
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        return "" if text in EMPTY_WORDS else text
    return str(value)


def _csv_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else GB18030: what Excel on a Chinese Windows saves."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidInput(_("The file is neither UTF-8 nor GBK text.")) from None


HEADING_SCAN = 20  # rows searched for the heading row (titles, notes, merged cells above it)
# What people write in a cell that has nothing to say (compared after NFKC and strip).
EMPTY_WORDS = frozenset({"无", "-", "--", "—", "——", "空", "/", "暂无", "n/a", "N/A"})


def _workbook_tables(path: Path) -> list[tuple[str, Rows]]:
    """(sheet name, rows factory) for every sheet of an xlsx, xlsm or xls file."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        try:
            import xlrd
        except ImportError:  # pragma: no cover - xlrd is a dependency
            raise InvalidInput(
                _(
                    "{path} is an old .xls file: open it in Excel or WPS and save it "
                    "as .xlsx, or run: soffice --headless --convert-to xlsx {path}"
                ).format(path=path.name)
            ) from None
        try:
            book = xlrd.open_workbook(str(path))
        except Exception as exc:  # noqa: BLE001 - a broken or renamed file: one sentence
            raise InvalidInput(
                _(
                    "{path} is not a readable XLS file: save it as .xlsx, or run: "
                    "soffice --headless --convert-to xlsx {path}"
                ).format(path=path.name)
            ) from exc

        def xls_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:  # xlrd: no type information
            for r in range(sheet.nrows):  # the row's line is its place
                row: list[Any] = []
                for cell in sheet.row(r):
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        row.append(None)
                    else:
                        row.append(cell.value)
                yield r + 1, row

        return [(sh.name, partial(xls_rows, sh)) for sh in book.sheets()]
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a broken or renamed file: say so in one sentence
        raise InvalidInput(_("{path} is not a readable XLSX file.").format(path=path.name)) from exc

    def xlsx_rows(ws: Any) -> Iterable[tuple[int, list[Any]]]:  # openpyxl: no type information
        return enumerate((list(r) for r in ws.iter_rows(values_only=True)), start=1)

    return [(ws.title, partial(xlsx_rows, ws)) for ws in book.worksheets]


def _tables(path: Path) -> list[tuple[str, Rows]]:
    """(name, rows factory) for each table in the file: a CSV is one table, a workbook one per
    sheet; a factory gives the rows of the table as (line in the file, list of raw cells)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _workbook_tables(path)
    if suffix not in (".csv", ".txt"):
        raise InvalidInput(
            _("Import reads .csv, .xlsx or .xls files, not {suffix}.").format(
                suffix=suffix or path.name
            )
        )

    def csv_rows() -> Iterator[tuple[int, list[Any]]]:
        from deskterm.rules.spreadsheet import unguard

        reader = csv.reader(io.StringIO(_csv_text(path.read_bytes()), newline=""))
        line = 1
        for row in reader:  # a quoted cell over several lines: the next row's line is later
            yield line, [unguard(cell) for cell in row]  # the formula guard of a CSV export
            line = reader.line_num + 1

    return [(path.stem, csv_rows)]


def _heading_map(row: list[Any], aliases: dict[str, str]) -> tuple[dict[int, str], list[str]]:
    columns: dict[int, str] = {}
    ignored: list[str] = []
    for pos, heading in enumerate(row):
        key = aliases.get(normalise_heading(heading))
        if key and key not in columns.values():
            columns[pos] = key
        elif _cell(heading) != "":
            ignored.append(str(heading))
    return columns, ignored


def _find_heading(
    rows: Iterator[tuple[int, list[Any]]], kind: str, aliases: dict[str, str]
) -> tuple[list[tuple[int, list[Any]]] | None, dict[int, str], list[str], list[str] | None]:
    """(rows read so far after the heading, columns, ignored, None) for the first of the first
    HEADING_SCAN rows that names every required column; else (None, {}, [], the required
    columns the best row missed)."""
    seen: list[tuple[int, list[Any]]] = []
    best: tuple[int, list[str]] = (-1, list(REQUIRED[kind]))
    for line, row in rows:
        seen.append((line, row))
        columns, ignored = _heading_map(row, aliases)
        missing = [k for k in REQUIRED[kind] if k not in columns.values()]
        if not missing:
            return seen[len(seen) :], columns, ignored, None
        if columns and len(columns) > best[0]:
            best = (len(columns), missing)
        if len(seen) >= HEADING_SCAN:
            break
    return None, {}, [], best[1]


def read_sheet(path: Path, kind: str, *, lazy: bool = False, sheet: str | None = None) -> Sheet:
    """The rows of the table that fits `kind`: the named `sheet` (a name or a number from 1),
    else the first sheet whose heading row names the kind's required columns. The heading row
    is found among the first rows (a title, notes or merged cells may stand above it); rows
    keep their line in the file. `lazy`: rows are read as they are asked for (a large file is
    then never held whole as cells)."""
    path = Path(path)
    aliases = {normalise_heading(a): key for key, names in HEADINGS[kind].items() for a in names}
    tables = _tables(path)
    names = [name for name, _rows in tables]
    if sheet is not None:
        chosen = [
            t for i, t in enumerate(tables, start=1) if t[0] == sheet or str(i) == sheet.strip()
        ]
        if not chosen:
            raise InvalidInput(
                _("{path} has no sheet “{sheet}”; its sheets are: {names}.").format(
                    path=path.name, sheet=sheet, names=", ".join(names)
                )
            )
        tables = chosen
    missing: list[str] = list(REQUIRED[kind])
    for _name, factory in tables:
        rows_iter = iter(factory())
        after, columns, ignored, miss = _find_heading(rows_iter, kind, aliases)
        if after is None:
            missing = miss or missing
            continue
        rows = _cells(chain(after, rows_iter), columns)
        return Sheet(columns, rows if lazy else list(rows), ignored)
    wanted = " / ".join(f"{HEADINGS[kind][k][0]} ({k})" for k in missing)
    if len(names) > 1 and sheet is None:
        raise InvalidInput(
            _(
                "No sheet of {path} has a heading row with {columns}; its sheets are: "
                "{names} (choose one with --sheet)."
            ).format(path=path.name, columns=wanted, names=", ".join(names))
        )
    raise InvalidInput(
        _("The file has no column for: {columns} (looked in its first {n} rows).").format(
            columns=wanted, n=HEADING_SCAN
        )
    )


def _cells(
    rows_iter: Iterator[tuple[int, list[Any]]], columns: dict[int, str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    for line, row in rows_iter:
        cells = {key: _cell(row[pos]) if pos < len(row) else "" for pos, key in columns.items()}
        if any(v != "" for v in cells.values()):
            yield line, cells
