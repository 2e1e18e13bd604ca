"""Tests for the small rules: repair categories, phone, numbering, money and pinyin."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.rules.money import format_yuan, line_amount, parse_yuan
from deskterm.rules.numbering import PREFIXES, format_number, local_day, parse_number
from deskterm.rules.phone import looks_like_phone, mask_phone, normalise_phone
from deskterm.rules.pinyin import pinyin_keys
from deskterm.rules.repair_class import Category, UnknownCategory, classify
from deskterm.services.admin.reference import load_categories

RULES = Path(__file__).resolve().parents[2] / "deskterm" / "rules"

# ---------------------------------------------------------------- repair categories (D-30)

# Every numbered item of D-30 and a category that stands for it.
D30_ITEMS = [
    ("urgent 1: dangerous common parts", "public_danger", "urgent"),
    ("urgent 2: wiring power cut / leakage", "power_cut_wiring", "urgent"),
    ("urgent 2: leakage", "electrical_leakage", "urgent"),
    ("urgent 3: pump fault water cut", "water_cut_pump", "urgent"),
    ("urgent 3: burst pipe at the meter", "burst_pipe", "urgent"),
    ("urgent 3: severe tap leak", "tap_leak_severe", "urgent"),
    ("urgent 4: blocked drain", "drain_blocked", "urgent"),
    ("urgent 4: water tray", "water_tray_leak", "urgent"),
    ("urgent 5: lift", "lift_failure", "urgent"),
    ("urgent 6: slabs and stair treads", "floor_stair_broken", "urgent"),
    ("urgent 6: handrails", "handrail_damaged", "urgent"),
    ("urgent 7: other danger", "other_danger", "urgent"),
    ("general 1: doors and windows", "door_window", "general"),
    ("general 2: sanitary fittings", "sanitary_fitting", "general"),
    ("general 3: roof leak", "roof_leak", "general"),
    ("general 4: minor repairs", "minor_other", "general"),
    ("case 1: heating not warm", "heating_not_warm", "general"),
]


@pytest.fixture(scope="module")
def categories() -> list[Category]:
    return load_categories()


@pytest.mark.parametrize(
    ("code", "expected"), [r[1:] for r in D30_ITEMS], ids=[r[0] for r in D30_ITEMS]
)
def test_d30_items_are_classified(categories, code, expected):
    assert classify(code, categories) == expected


def test_category_file_shape(categories):
    assert len(categories) == 19
    assert categories[0] == Category(
        "public_danger",
        "公共部位、共用设施设备损坏造成危险",
        "Damaged common parts or shared facilities creating danger",
        "urgent",
        "public",
        10,
    )
    assert [c.sort for c in categories] == sorted(c.sort for c in categories)
    assert {c.scope for c in categories} == {"household", "public", "any"}
    assert {c.code: c.scope for c in categories}["lift_failure"] == "public"


def test_load_categories_from_a_path(tmp_path):
    path = tmp_path / "cats.csv"
    path.write_text(
        "\ufeffcode,name_zh,name_en,repair_class,scope,sort\n"
        "b,乙,B,general,any,2\na,甲,A,urgent,public,1\n",
        encoding="utf-8",
    )
    assert load_categories(path) == [
        Category("a", "甲", "A", "urgent", "public", 1),
        Category("b", "乙", "B", "general", "any", 2),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("code,name,repair_class\n", "the columns must be"),
        (
            "code,name_zh,name_en,repair_class,scope,sort\na,甲,A,soon,any,1\n",
            "line 2: repair_class",
        ),
        ("code,name_zh,name_en,repair_class,scope,sort\na,甲,A,urgent,street,1\n", "line 2: scope"),
        ("code,name_zh,name_en,repair_class,scope,sort\na,甲,A,urgent,any,x\n", "line 2: sort"),
        (
            "code,name_zh,name_en,repair_class,scope,sort\na,,A,urgent,any,1\n",
            "line 2: every column",
        ),
        (
            "code,name_zh,name_en,repair_class,scope,sort\na,甲,A,urgent,any,1\na,乙,B,general,any,2\n",
            "duplicate category codes: a",
        ),
    ],
)
def test_load_categories_rejects_bad_files(tmp_path, body, message):
    path = tmp_path / "cats.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_categories(path)


@pytest.mark.parametrize(
    ("code", "override", "reason", "expected"),
    [
        ("heating_not_warm", None, None, "general"),
        ("heating_not_warm", "general", None, "general"),  # same class: no reason needed
        ("heating_not_warm", "urgent", "elderly resident, -10°C outside", "urgent"),
        ("lift_failure", "general", "lift already out of service for upgrade", "general"),
    ],
)
def test_classify_override(categories, code, override, reason, expected):
    assert classify(code, categories, override, reason) == expected


@pytest.mark.parametrize(
    ("code", "override", "reason", "error", "message"),
    [
        ("teleporter", None, None, UnknownCategory, "Unknown repair category 'teleporter'"),
        ("heating_not_warm", "urgent", None, ValueError, "needs a reason"),
        ("heating_not_warm", "urgent", "   ", ValueError, "needs a reason"),
        ("heating_not_warm", "asap", "because", ValueError, "Unknown repair class 'asap'"),
    ],
)
def test_classify_rejects(categories, code, override, reason, error, message):
    with pytest.raises(error, match=message):
        classify(code, categories, override, reason)
    assert issubclass(UnknownCategory, ValueError)


# ---------------------------------------------------------------- phone (D-21)


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("+86 138 1234 5678", "+86*******5678"),
        ("010-8888 6666", "010****6666"),
        ("88886666", "888*6666"),
        ("1234567", "*****67"),
        # issue 15: a phone column masks only what is a phone; other text is kept as typed
        ("123", "123"),
        ("12", "12"),
        ("对讲机3频道", "对讲机3频道"),
        ("1-602", "1-602"),
        ("张太 13900001111", "张太 139****1111"),
        ("分机 8888666", "分机 *****66"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone_table(phone, expected):
    assert mask_phone(phone) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+86 138-1234-5678", "+8613812345678"),
        (" (010) 8888-6666 ", "01088886666"),
        ("138+1234", "1381234"),
        ("+", ""),
        ("tel", ""),
        (None, ""),
    ],
)
def test_normalise_phone_table(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", True),
        ("138-1234-5678", True),
        ("+86 (10) 8888 6666", True),
        ("8888666", True),
        ("888666", False),
        ("张三", False),
        ("Room 1203", False),
        ("1203 张三 13812345678", True),
        ("A座12层1203室 王先生", False),
        ("", False),
    ],
)
def test_looks_like_phone_table(text, expected):
    assert looks_like_phone(text) is expected


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "-"]))
def test_mask_phone_shows_at_most_7_of_11_digits(number, sep):
    typed = sep.join([number[:3], number[3:7], number[7:]])
    masked = mask_phone(typed)
    assert masked == number[:3] + "****" + number[7:]
    assert sum(ch.isdigit() for ch in masked) <= 7
    assert number not in masked


# ---------------------------------------------------------------- record numbers


@pytest.mark.parametrize(
    ("prefix", "day", "seq", "text"),
    [
        ("V", date(2026, 11, 28), 7, "V20261128-0007"),
        ("R", date(2026, 12, 31), 1, "R20261231-0001"),
        ("C", date(2028, 2, 29), 9999, "C20280229-9999"),
        ("V", date(2026, 11, 28), 10000, "V20261128-10000"),
        ("V", date(2026, 11, 28), 123456, "V20261128-123456"),
    ],
)
def test_format_and_parse_number(prefix, day, seq, text):
    assert format_number(prefix, day, seq) == text
    assert parse_number(text) == (prefix, day, seq)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v20261128-0007", ("V", date(2026, 11, 28), 7)),
        ("  V20261128-0007\r\n", ("V", date(2026, 11, 28), 7)),
        ("r20280229-10000", ("R", date(2028, 2, 29), 10000)),
    ],
)
def test_parse_number_accepts_scanner_input(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "V",
        "V20261128",
        "V20261128-007",
        "V20261128-00007",
        "V20261128-0000",
        "V2026112-0007",
        "V20261131-0007",
        "V20270229-0007",
        "20261128-0007",
        "V 20261128-0007",
        "V20261128_0007",
        "V20261128-0007x",
        "V20261128--0007",
        "Ⅴ20261128-0007",
    ],
)
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(("prefix", "seq"), [("v", 1), ("", 1), ("V1", 1), ("V", 0), ("V", -3)])
def test_format_number_rejects(prefix, seq):
    with pytest.raises(ValueError):
        format_number(prefix, date(2026, 11, 28), seq)


def test_prefixes():
    assert PREFIXES == {"visitor": "V", "repair": "R", "complaint": "C", "public_area": "PA"}


@pytest.mark.parametrize(
    ("instant", "tz", "expected"),
    [
        (datetime(2026, 11, 30, 15, 59, tzinfo=UTC), "Asia/Shanghai", date(2026, 11, 30)),
        (datetime(2026, 11, 30, 16, 0, tzinfo=UTC), "Asia/Shanghai", date(2026, 12, 1)),
        (datetime(2026, 12, 31, 16, 30, tzinfo=UTC), "Asia/Shanghai", date(2027, 1, 1)),
        (datetime(2028, 2, 28, 16, 0, tzinfo=UTC), "Asia/Shanghai", date(2028, 2, 29)),
        (datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")), "UTC", date(2026, 11, 30)),
    ],
)
def test_local_day_table(instant, tz, expected):
    assert local_day(instant, tz) == expected


def test_local_day_rejects_naive():
    with pytest.raises(ValueError, match="timezone-aware"):
        local_day(datetime(2026, 11, 30, 16, 0), "Asia/Shanghai")


# ---------------------------------------------------------------- money (fen)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("¥12.50", 1250),
        ("12.50元", 1250),
        ("￥１２.５０", 1250),
        (" ¥ 0.05 ", 5),
        ("0", 0),
        ("0.00", 0),
        ("007.1", 710),
        ("10000000000.99", 1_000_000_000_099),
    ],
)
def test_parse_yuan_table(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12.505", "at most two decimal places"),
        ("0.001", "at most two decimal places"),
        ("-5", "cannot be negative"),
        ("¥-0.50", "cannot be negative"),
        ("abc", "is not an amount of money"),
        ("", "is not an amount of money"),
        ("12.", "is not an amount of money"),
        ("1,200", "is not an amount of money"),
        ("1e3", "is not an amount of money"),
        ("12.5.0", "is not an amount of money"),
        ("nan", "is not an amount of money"),
    ],
)
def test_parse_yuan_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_yuan(text)


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (1250, "12.50"),
        (5, "0.05"),
        (-5, "-0.05"),
        (0, "0.00"),
        (-1250, "-12.50"),
        (100000, "1000.00"),
    ],
)
def test_format_yuan_table(fen, text):
    assert format_yuan(fen) == text


@given(st.integers(min_value=0, max_value=10**12))
def test_yuan_round_trip(fen):
    assert parse_yuan(format_yuan(fen)) == fen


@pytest.mark.parametrize(("price", "qty", "total"), [(1250, 3, 3750), (0, 9, 0), (99, 0, 0)])
def test_line_amount_table(price, qty, total):
    assert line_amount(price, qty) == total


@pytest.mark.parametrize(
    ("price", "qty", "error"),
    [
        (12.5, 2, TypeError),
        (1250, 1.5, TypeError),
        (True, 2, TypeError),
        (-1, 2, ValueError),
        (1, -2, ValueError),
    ],
)
def test_line_amount_rejects(price, qty, error):
    with pytest.raises(error):
        line_amount(price, qty)


def test_format_yuan_rejects_float():
    with pytest.raises(TypeError):
        format_yuan(12.5)


# ---------------------------------------------------------------- pinyin


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", ("zhangsan", "zs")),
        ("A座", ("azuo", "az")),
        ("Ｂ座12层", ("bzuo12ceng", "bz12c")),
        ("吕小明", ("lvxiaoming", "lxm")),
        ("欧阳 娜娜", ("ouyangnana", "oynn")),
        ("Zoë Li", ("zoeli", "zoeli")),
        ("", ("", "")),
    ],
)
def test_pinyin_keys_table(name, expected):
    assert pinyin_keys(name) == expected


def _lazy_pinyin_keys(name: str) -> tuple[str, str]:
    """The keys as pinyin_keys first made them: one lazy_pinyin call per name."""
    import unicodedata

    from pypinyin import Style, lazy_pinyin

    def ascii_only(text):
        return "".join(
            c for c in unicodedata.normalize("NFKD", text.lower()) if c.isascii() and c.isalnum()
        )

    syllables = lazy_pinyin(unicodedata.normalize("NFKC", name), style=Style.NORMAL, errors=list)
    kept = [s for s in map(ascii_only, syllables) if s]
    return "".join(kept), "".join(s[0] for s in kept)


def _name_pieces():
    from pypinyin.constants import PHRASES_DICT

    phrases = sorted(p for p in PHRASES_DICT if len(p) <= 4)[::50]  # words that change a reading
    return st.sampled_from(phrases) | st.sampled_from(
        list("张三李四王五欧阳娜单于解曾长行乐朴仇区查〇")
    )


@given(st.lists(_name_pieces() | st.text(max_size=3), max_size=6).map("".join))
def test_pinyin_keys_are_lazy_pinyin_of_the_whole_name(name):
    """pinyin_keys remembers each word's syllables (rules/pinyin.py): the keys stay the ones
    of converting the whole name at once, phrases (丁宁, 银行行长), runs of other text and all."""
    assert pinyin_keys(name) == _lazy_pinyin_keys(name)


@pytest.mark.parametrize(
    "name",
    [
        "丁宁",
        "重庆市长江大桥",
        "银行行长",
        "单雄信",
        "曾国藩",
        "乐乐 Li",
        "张三\n",
        "Ｂ座12层",
        "ǅ",
        "x\u0301y",
        "𠀀𪚥",
        " ",
    ],
)
def test_pinyin_keys_of_tricky_names(name):
    assert pinyin_keys(name) == _lazy_pinyin_keys(name)


def test_pinyin_is_imported_lazily():
    code = "import sys, deskterm.rules.pinyin; print('pypinyin' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- purity


@pytest.mark.parametrize("path", sorted(RULES.glob("*.py")), ids=lambda p: p.name)
def test_rules_modules_are_pure(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{path.name} needs a module docstring"
    text = path.read_text(encoding="utf-8")
    for forbidden in ("datetime.now", "date.today", "time.time", "sqlalchemy", "sqlmodel"):
        assert forbidden not in text, f"{path.name} uses {forbidden}"
    for io_call in ("open(", "read_text(", "read_bytes(", "write_text("):
        assert io_call not in text, f"{path.name} does I/O ({io_call})"
    names = {
        a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in n.names
    }
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {"os", "subprocess", "requests"} & (names | modules)
    if path.name == "__init__.py":
        assert not tree.body[1:], "__init__ holds only its docstring"
