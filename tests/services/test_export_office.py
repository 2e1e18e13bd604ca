"""Every column of every export is named for people in both languages, and every column that
holds a model's enum codes names each code (issue 17 item 1): a new column or code cannot
reach an xlsx as a raw field name or code."""

from __future__ import annotations

import importlib
import typing
from enum import StrEnum

import pytest
from sqlmodel import SQLModel

from deskterm.exports.kinds import KINDS, TABLE_KINDS
from deskterm.exports.labels import (
    CODE_COLUMNS,
    HEADINGS,
    enum_labels,
    people_codes,
    people_headings,
)
from deskterm.i18n import _, set_language

PEOPLE_KINDS = [k for k in KINDS if k not in TABLE_KINDS]


def _model(table_name: str):
    import deskterm.models  # noqa: F401

    classes = list(SQLModel.__subclasses__())
    while classes:
        cls = classes.pop()
        if getattr(cls, "__tablename__", None) == table_name and hasattr(cls, "__table__"):
            return cls
        classes.extend(cls.__subclasses__())
    return None


def _enum_of(expr) -> type[StrEnum] | None:
    table = getattr(expr, "table", None)
    model = _model(getattr(table, "name", "")) if table is not None else None
    if model is None or expr.name not in model.model_fields:
        return None
    annotation = model.model_fields[expr.name].annotation
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, StrEnum):
            return candidate
    return None


@pytest.mark.parametrize("kind", PEOPLE_KINDS)
def test_every_column_has_a_heading_in_both_languages(kind):
    module = importlib.import_module(f"deskterm.exports.{kind}")
    set_language("zh")
    try:
        for col, _expr in module.FIELDS:
            assert col.name in HEADINGS, (kind, col.name)
            assert _(HEADINGS[col.name]) != HEADINGS[col.name], (kind, col.name, "untranslated")
        headings = people_headings(kind, [c for c, _e in module.FIELDS], "Asia/Shanghai")
        assert len(set(headings)) == len(headings), (kind, "two columns with one heading")
    finally:
        set_language("en")


@pytest.mark.parametrize("kind", PEOPLE_KINDS)
def test_every_enum_column_names_every_code(kind):
    module = importlib.import_module(f"deskterm.exports.{kind}")
    found = 0
    for col, expr in module.FIELDS:
        enum = _enum_of(expr)
        if enum is None:
            continue
        found += 1
        assert CODE_COLUMNS.get((kind, col.name)) is enum, (kind, col.name, enum)
        assert set(enum_labels(enum)) == {m.value for m in enum}, (kind, col.name)
    # (columns typed str in the model, such as host_call_method, are listed in CODE_COLUMNS
    # by hand: each of those must name every member too)
    for (k, column), enum in CODE_COLUMNS.items():
        if k == kind:
            assert column in [c.name for c, _e in module.FIELDS], (kind, column)
            assert set(enum_labels(enum)) == {m.value for m in enum}, (kind, column)
    assert found or kind in ("messages", "audit")  # these two hold no enum codes


def test_code_names_are_translated_and_distinct():
    set_language("zh")
    try:
        for (kind, column), enum in CODE_COLUMNS.items():
            names = people_codes(kind, [type("C", (), {"name": column})])[0]
            assert len(set(names.values())) == len(names), (kind, column, names)
            assert all(
                name != label
                for name, label in zip(names.values(), enum_labels(enum).values(), strict=True)
            ), (kind, column)
    finally:
        set_language("en")


def test_round_trip_on_every_engine(engine, clock, settings, staff, tmp_path):
    """export residents and units as Chinese xlsx -> edit a note and a floor -> import: exactly
    those two change, on SQLite and on PostgreSQL (the unit column is cut from the label in SQL)."""
    from openpyxl import load_workbook

    from deskterm.db import run_write
    from deskterm.export import write_rows
    from deskterm.exports import build_query, open_rows
    from deskterm.services.admin.importer import import_file

    def load(kind, path, **options):
        return run_write(
            engine,
            lambda s: import_file(
                session=s,
                actor=staff.admin,
                clock=clock,
                settings=settings,
                kind=kind,
                path=path,
                **options,
            ),
        )

    source = tmp_path / "in.csv"
    source.write_text(
        "楼栋,单元,房号,姓名,电话,身份\n3,2,0101,王五,139 0000 1111,家属\n12,,1203,张三,,业主\n",
        encoding="utf-8",
    )
    assert load("residents", source).created == 2
    set_language("zh")
    try:
        for kind in ("residents", "units"):
            query = build_query(kind, since=None, until=None)
            with (
                open_rows(engine, query) as (_n, batches),
                (tmp_path / f"{kind}.xlsx").open("wb") as out,
            ):
                write_rows(
                    batches,
                    query.columns,
                    out,
                    fmt="xlsx",
                    tz=settings.timezone,
                    headings=people_headings(kind, query.columns, settings.timezone),
                    codes=people_codes(kind, query.columns),
                )
    finally:
        set_language("en")
    book = load_workbook(tmp_path / "residents.xlsx")
    rows = [[c.value for c in r] for r in book.active.iter_rows()]
    assert rows == [
        ["住户编号", "姓名", "楼栋", "房号", "电话", "身份", "公司", "备注"],
        ["2", "张三", "12", "1203", None, "业主", None, None],
        ["1", "王五", "3", "2-101", "139****1111", "家属", None, None],
    ]
    book.active["H3"] = "行动不便"
    book.save(tmp_path / "residents.xlsx")
    units = load_workbook(tmp_path / "units.xlsx")
    assert [c.value for c in units.active[1]] == ["楼栋", "楼栋名称", "房号", "楼层", "类型"]
    units.active["D2"] = 13
    units.save(tmp_path / "units.xlsx")
    back = load("residents", tmp_path / "residents.xlsx")
    assert (back.created, back.updated, back.unchanged, back.problems) == (0, 1, 1, [])
    back = load("units", tmp_path / "units.xlsx")
    assert (back.created, back.updated, back.unchanged, back.problems) == (0, 1, 1, [])


def _text_columns(kind):
    module = importlib.import_module(f"deskterm.exports.{kind}")
    return [c.name for c, _e in module.FIELDS if c.kind in ("text", "json")]


@pytest.mark.parametrize("kind", PEOPLE_KINDS)
def test_every_text_column_is_named_or_declared_verbatim(kind):
    """A text column of a people export either has its codes named (an enum, a word list, a
    shape such as a document type before a number or JSON, a lookup list) or holds what
    people typed or an identifier (VERBATIM): exactly one. This is what would have caught
    complaint categories, inquiry target kinds, message for-kinds, document types, handover
    JSON and audit actions reaching a Chinese xlsx as codes."""
    from deskterm.exports.labels import LOOKUP_COLUMNS, SHAPED_COLUMNS, VERBATIM, WORD_COLUMNS

    for column in _text_columns(kind):
        homes = [
            name
            for name, home in (
                ("enum", CODE_COLUMNS),
                ("words", WORD_COLUMNS),
                ("shaped", SHAPED_COLUMNS),
                ("lookup", LOOKUP_COLUMNS),
            )
            if (kind, column) in home
        ]
        if column in VERBATIM.get(kind, ()):
            homes.append("verbatim")
        assert len(homes) == 1, (kind, column, homes)
    assert set(VERBATIM.get(kind, ())) <= set(_text_columns(kind)), kind


def _audit_actions() -> set[str]:
    """Every audit action the code records: action="x.y", ("x.y", "entity", ...) events,
    repair steps (apply_change action="y" -> repair.y) and the phone reveals."""
    import re
    from pathlib import Path

    import deskterm

    found = set()
    for path in Path(deskterm.__file__).parent.rglob("*.py"):
        if "/tui/" in path.as_posix():
            continue  # the desk app's key actions are no audit actions
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"authorize\([^)]*\)", "", text)  # a permission asked, not an event
        found.update(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
        found.update(re.findall(r'\("([a-z_]+\.[a-z_]+)", "[a-z_]+",', text))
        if path.name != "base.py" or "repairs" not in path.as_posix():
            found.update(
                f"repair.{a}"
                for a in re.findall(
                    r'apply_change\((?:[^()]|\([^()]*\))*?action="([a-z_]+)"', text, re.S
                )
            )
    found.update({"resident.reveal_phone", "company.reveal_phone"})
    return found


def test_every_audit_action_and_record_is_named_in_chinese():
    from deskterm.exports.labels import DEEDS, RECORDS, action_label, code_labels

    actions = _audit_actions()
    assert {"user.create", "repair.dispatch", "visitor.register", "export.run"} <= actions
    set_language("zh")
    try:
        for action in sorted(actions):
            record, deed = action.split(".", 1)
            assert record in RECORDS and deed in DEEDS, action
            shown = action_label(action)
            assert not any(ch.isascii() and ch.isalpha() for ch in shown), (action, shown)
        entities = code_labels("audit", "entity")
        assert all(not any(c.isascii() and c.isalpha() for c in v) for v in entities.values()), (
            entities
        )
    finally:
        set_language("en")


def test_shaped_and_word_columns_read_in_chinese():
    from deskterm.exports.labels import SHAPED_COLUMNS, WORD_COLUMNS, code_labels

    set_language("zh")
    try:
        assert (
            code_labels("visitors", "doc_masked")("resident_id ****4892") == "居民身份证 ****4892"
        )
        items = '[{"kind": "repair", "id": 2, "text": "R1 2-1304 漏水"}, {"kind": "promise", "id": 1, "text": "待答复"}]'
        assert (
            code_labels("handovers", "open_items")(items)
            == "维修：R1 2-1304 漏水\n承诺答复：待答复"
        )
        counted = code_labels("handovers", "physical_items")('{"keys": 12, "parcels": 6}')
        assert "keys" not in counted and "12" in counted and "6" in counted
        assert code_labels("audit", "action")("user.create") == "账号：新建"
        assert code_labels("complaints", "category")["repair_speed"] != "repair_speed"
        for (kind, column), words in WORD_COLUMNS.items():
            names = code_labels(kind, column)
            assert all(name != code and name != words[code] for code, name in names.items()), (
                kind,
                column,
            )
        assert set(SHAPED_COLUMNS) == {
            ("visitors", "doc_masked"),
            ("handovers", "open_items"),
            ("handovers", "physical_items"),
            ("audit", "action"),
        }
    finally:
        set_language("en")
