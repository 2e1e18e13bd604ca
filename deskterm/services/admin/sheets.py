"""Reading an import file (CSV or XLSX) into checked rows: headings, encodings, cells.

Files come from people: headings in Chinese or English (姓名 / name, 房号 / unit, 电话 / phone,
楼栋 / building ...), CSV saved by Excel in UTF-8 or in GBK, XLSX with numbers where text was
meant. Every row is checked first and each bad one is reported with its line in the file (the
heading is line 1); by default nothing is written when any row is bad (`skip_bad` writes the
good ones), and a dry run writes nothing at all but says what would change.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from deskterm.errors import InvalidInput
from deskterm.i18n import _

KINDS = ("residents", "units", "directory", "fees", "categories")

# canonical column -> the headings people write (compared after normalise_heading)
HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "residents": {
        "name": ("姓名", "住户姓名", "业主姓名", "名字", "联系人", "name", "resident"),
        "building": ("楼栋", "楼栋号", "楼号", "栋", "幢", "楼宇", "building", "block"),
        "section": ("单元", "单元号", "section", "entrance"),
        "unit": ("房号", "房间号", "门牌号", "户号", "室号", "房屋", "unit", "room", "unitlabel"),
        "phone": ("电话", "手机", "手机号", "手机号码", "联系电话", "电话号码", "phone", "mobile", "tel"),
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
        "code": ("编号", "代码", "类别编号", "code"),
        "name_zh": ("名称", "中文名称", "报修项目", "namezh", "name"),
        "name_en": ("英文名称", "nameen", "english"),
        "repair_class": ("类别", "急修一般", "分类", "级别", "repairclass", "class"),
        "scope": ("范围", "适用", "scope"),
        "sort": ("排序", "顺序", "sort", "order"),
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
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False


@dataclass
class Sheet:
    columns: dict[int, str]  # position -> canonical column
    rows: Iterable[tuple[int, dict[str, Any]]]  # (line in the file, {column: cell}): a list unless lazy
    ignored: list[str]


def normalise_heading(text: Any) -> str:
    value = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    value = re.sub(r"[(\[].*?[)\]]", "", value)  # "电话(手机)", "name [required]"
    return re.sub(r"[\s*_\-:：.]", "", value)


def _cell(value: Any) -> Any:
    """A cell as text, except dates; numbers typed into a spreadsheet come back as digits."""
    if value.__class__ is str:  # every cell of a CSV file
        return (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip() if isinstance(value, str) else str(value)


def _csv_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else GB18030: what Excel on a Chinese Windows saves."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidInput(_("The file is neither UTF-8 nor GBK text.")) from None


def _raw_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a broken or renamed file: say so in one sentence
            raise InvalidInput(_("{path} is not a readable XLSX file.").format(path=path.name)) from exc
        try:
            for line, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
                yield line, list(row)
        finally:
            book.close()
        return
    if suffix not in (".csv", ".txt"):
        raise InvalidInput(_("Import reads .csv or .xlsx files, not {suffix}.").format(suffix=suffix or path.name))
    reader = csv.reader(io.StringIO(_csv_text(path.read_bytes()), newline=""))
    line = 1
    for row in reader:
        yield line, row
        line = reader.line_num + 1


def read_sheet(path: Path, kind: str, *, lazy: bool = False) -> Sheet:
    """The rows of the first sheet with their headings mapped to the kind's columns; `lazy`:
    read as they are asked for (a large file is then never held whole as cells)."""
    aliases = {normalise_heading(a): key for key, names in HEADINGS[kind].items() for a in names}
    rows_iter = _raw_rows(path)
    header = None
    for _line, row in rows_iter:
        if any(_cell(c) for c in row):
            header = row
            break
    if header is None:
        raise InvalidInput(_("{path} has no heading row.").format(path=path.name))
    columns, ignored = {}, []
    for pos, heading in enumerate(header):
        key = aliases.get(normalise_heading(heading))
        if key and key not in columns.values():
            columns[pos] = key
        elif _cell(heading):
            ignored.append(str(heading))
    missing = [k for k in REQUIRED[kind] if k not in columns.values()]
    if missing:
        wanted = " / ".join(f"{HEADINGS[kind][k][0]} ({HEADINGS[kind][k][-1] if k != 'unit' else 'unit'})" for k in missing)
        raise InvalidInput(_("The file has no column for: {columns}.").format(columns=wanted))
    rows = _cells(rows_iter, columns)
    return Sheet(columns, rows if lazy else list(rows), ignored)


def _cells(rows_iter: Iterator[tuple[int, list[Any]]], columns: dict[int, str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for line, row in rows_iter:
        cells = {key: _cell(row[pos]) if pos < len(row) else "" for pos, key in columns.items()}
        if any(v != "" for v in cells.values()):
            yield line, cells
