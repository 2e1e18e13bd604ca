"""Issue 15, item 1: one text type at the model boundary, for every string field of every
model and every import column; item 2: personal numbers in free text are stored masked.

The enumeration fails on any string field (of a table or of a Create/Update model) that does
not say which kind of text it holds (models/text.py), and on any import column whose cell is
not stored through such a field. The behaviour tests push each kind through a real flush.
"""

from __future__ import annotations

import types
import typing

import pytest
from sqlalchemy import String
from sqlmodel import SQLModel, select

import deskterm.models as models
from deskterm.db import read_session, run_write
from deskterm.errors import InvalidInput
from deskterm.models.audit import AuditEvent
from deskterm.models.guard import masked_sentence, text_limits
from deskterm.models.text import KINDS, LABELS, TextKind, kind_of
from deskterm.rules.text import controls, mask_personal, pictures
from deskterm.services.sheets import HEADINGS, TARGETS

NON_TEXT_TARGETS = {"choice", "int", "instant", "date", "money", "key"}
ID = "310115198001011238"  # passes the GB 11643 check character
MOBILE = "13900001111"


def _models() -> list[type[SQLModel]]:
    """Every SQLModel class defined in deskterm.models (tables and Create/Update models)."""
    seen, todo = set(), list(SQLModel.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo.extend(cls.__subclasses__())
    return sorted(
        (c for c in seen if c.__module__.startswith("deskterm.models.")),
        key=lambda c: (c.__module__, c.__name__),
    )


def _is_str(annotation) -> bool:
    """str, or str | None (a dict[str, ...] is a JSON column, not text)."""
    if annotation is str:
        return True
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    # `Line | None` keeps its Annotated[str, ...] inside the union
    return union and any(
        typing.get_origin(a) is typing.Annotated and typing.get_args(a)[0] is str or a is str
        for a in typing.get_args(annotation)
    )


def string_fields() -> list[tuple[str, str, type]]:
    found = []
    for model in _models():
        for key, field in model.model_fields.items():
            if _is_str(field.annotation):
                found.append((model.__name__, key, model))
    return found


def test_every_string_field_of_every_model_is_one_text_kind():
    fields = string_fields()
    missing = [f"{name}.{key}" for name, key, model in fields if kind_of(model, key) is None]
    assert not missing, f"string fields without a text kind (models/text.py): {missing}"
    assert len(fields) >= 140  # the enumeration sees the models (148 when written)


def test_every_text_column_of_every_table_is_checked_at_flush():
    tables = [m for m in _models() if hasattr(m, "__table__")]
    for model in tables:
        checked = {key for key, _length, _kind in text_limits(model)}
        for column in model.__table__.columns:
            if isinstance(column.type, String):
                assert column.key in checked, f"{model.__name__}.{column.key}"


def test_free_text_fields_have_a_label_for_the_sentence():
    free = {key for _n, key, model in string_fields() if kind_of(model, key).name != "code"}
    assert not free - set(LABELS), sorted(free - set(LABELS))


def test_every_import_column_is_stored_through_a_text_field():
    for kind, columns in HEADINGS.items():
        assert set(columns) == set(TARGETS[kind]), kind
        for column, target in TARGETS[kind].items():
            if target in NON_TEXT_TARGETS:
                continue
            model_name, key = target.split(".")
            model = getattr(models, model_name)
            assert isinstance(kind_of(model, key), TextKind), f"{kind}.{column} -> {target}"


# -- the rules -----------------------------------------------------------------------------------
HOSTILE = [
    "\x1b[2J",
    "\x1b]0;title\x07",
    "\x1b]52;c;aGk=\x07",
    "\x1bP1$r\x1b\\",
    "\x9b31m",
    "\x85",
    "\u202e",
    "\u2066",
    "\x00",
    "\x7f",
    "\r",
    "\x08",
]


@pytest.mark.parametrize("bad", HOSTILE)
def test_controls_are_named_and_pictured(bad):
    assert controls(f"a{bad}b", lines=True)
    shown = pictures(f"a{bad}b")
    assert not controls(shown, lines=False), repr(shown)


def test_joiners_emoji_and_combining_marks_are_text():
    family = "👨\u200d👩\u200d👧\u200d👦 e\u0301 👍🏽 🇨🇳 \u200c"
    assert controls(family) == [] and pictures(family) == family


def test_personal_numbers_are_masked_and_named():
    text, kinds = mask_personal(f"身份证{ID} 电话{MOBILE} 座机0571-88812345")
    assert ID not in text and MOBILE not in text and "88812345" not in text
    assert text == "身份证**************1238 电话139****1111 座机0571-****2345"
    assert kinds == ["id_number", "mobile", "landline"]
    # an ID whose check character fails, a slip number, a date: kept
    for kept in ("310115198001011239", "V20261128-0007", "2026-11-28 19:00", "1-602"):
        assert mask_personal(kept) == (kept, [])


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("座机0571 8888 0001", "座机0571 **** 0001"),  # a landline with spaces
        ("证件1101 0519 4912 3100 2X", "证件**** **** **** **00 2X"),  # an ID in groups
        ("110105-19491231-002X", "******-********-002X"),
        ("老身份证110105491231002", "老身份证***********1002"),  # the 15-digit old ID
        (
            "身份证号 310115198001011239",
            "身份证号 **************1239",
        ),  # labelled: check not needed
        ("ID: 310115198001011239", "ID: **************1239"),
    ],
)
def test_more_ways_of_writing_personal_numbers_are_masked(typed, masked):
    """Issue 15 (text2, item 4): what the outside tester typed and found stored raw."""
    assert mask_personal(typed)[0] == masked


def test_a_machine_token_is_not_a_phone_but_a_number_typed_against_a_word_is():
    """CI found a backup's sha256 in the audit with "0276343581" starred as a landline
    ("…c4f027***3581"): the audit then no longer named the file it made. Digits inside a
    token of letters and digits are not a phone; a phone typed against a word still is."""
    import hashlib

    hashes = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(20000)]
    assert [h for h in hashes if mask_personal(h)[1]] == []
    assert mask_personal("3f16c4f0276343581") == ("3f16c4f0276343581", [])
    for typed, masked in (
        ("Tel13812345678", "Tel138****5678"),
        ("微信wx13812345678", "微信wx138****5678"),
        ("13812345678号", "138****5678号"),
        ("座机0571-88880001转3", "座机0571-****0001转3"),
    ):
        assert mask_personal(typed)[0] == masked


@pytest.mark.parametrize("kept", ["对讲机3频道", "1-602", "13900001111", "0571-88880001"])
def test_every_phone_column_keeps_phones_but_masks_an_id_number(kept):
    """A phone column (models/text.Phone) keeps what is typed in it, phone or not (D-21), but
    an ID number typed into one is stored masked: every phone column of every model."""
    from deskterm.models.guard import check_values
    from deskterm.models.text import PHONE

    phone_columns = [
        (m, key)
        for m in _models()
        if hasattr(m, "__table__")
        for key, _n, kind in text_limits(m)
        if kind == PHONE
    ]
    assert any(m.__name__ == "Inquiry" and k == "inquirer_contact" for m, k in phone_columns)
    for model, key in phone_columns:
        notices: list = []
        stored = check_values(model, {key: f"身份证{ID}"}, notices)[key]
        assert ID not in stored and stored.endswith("1238"), (model, key)
        assert notices == [(key, ["id_number"])]
        assert check_values(model, {key: kept})[key] == kept


# -- the boundary, through real flushes ------------------------------------------------------------
def _entry(**fields):
    from datetime import UTC, datetime

    from deskterm.models.shift import LogbookEntry

    values = {
        "occurred_at": datetime(2026, 11, 28, 2, tzinfo=UTC),
        "recorded_at": datetime(2026, 11, 28, 2, tzinfo=UTC),
        "what": "x",
        **fields,
    }
    return LogbookEntry(**values)


def _write(engine, staff, obj, notices=None):
    obj.user_id = staff.operator.user_id

    def work(s):
        s.add(obj)
        s.flush()
        return obj

    return run_write(engine, work, notices=notices)


@pytest.mark.parametrize("field", ["what", "location", "notified", "action_taken"])
def test_a_control_character_is_refused_naming_the_field(engine, staff, field):
    with pytest.raises(InvalidInput) as err:
        _write(engine, staff, _entry(**{field: "电梯\x1b]0;pwned\x07困人"}))
    assert err.value.field == field
    from deskterm.models.text import label

    assert label(field) in str(err.value) and "ESC" in str(err.value) and "BEL" in str(err.value)


def test_line_breaks_are_text_in_a_block_but_not_in_a_line(engine, staff):
    entry = _write(engine, staff, _entry(what="一\n二\r\n\t三"))
    assert entry.what == "一\n二\r\n\t三"
    with pytest.raises(InvalidInput) as err:
        _write(engine, staff, _entry(location="3栋\n1号"))
    assert err.value.field == "location" and "LF" in str(err.value)


def test_joiners_and_emoji_are_stored_intact(engine, staff):
    family = "👨\u200d👩\u200d👧\u200d👦 e\u0301"
    entry = _write(engine, staff, _entry(what=family, notified=family))
    with read_session(engine) as s:
        from deskterm.models.shift import LogbookEntry

        stored = s.get(LogbookEntry, entry.id)
        assert stored.what == family and stored.notified == family


def test_too_long_is_refused_with_the_count_never_cut(engine, staff):
    with pytest.raises(InvalidInput) as err:
        _write(engine, staff, _entry(what="长" * 4994))
    assert "4000" in str(err.value) and "4994" in str(err.value)


def test_personal_numbers_in_free_text_are_stored_masked_and_told(engine, clock, staff):
    from deskterm.models.shift import LogbookEntryCreate
    from deskterm.services import audit
    from deskterm.services.actor import Actor
    from deskterm.services.shift import logbook

    actor = Actor(staff.operator.user_id, "op1", "李静", staff.operator.role, None)
    notices: list = []
    typed = f"身份证{ID} 电话{MOBILE}"
    entry = run_write(
        engine,
        lambda s: logbook.add_entry(
            session=s,
            actor=actor,
            clock=clock,
            entry_in=LogbookEntryCreate(
                occurred_at=clock.now(), what=typed, notified=f"回电 {MOBILE}"
            ),
        ),
        notices=notices,
    )
    assert ID not in entry.what and MOBILE not in entry.what and MOBILE not in entry.notified
    assert entry.what == "身份证**************1238 电话139****1111"
    sentence = masked_sentence(notices)
    assert sentence.count("\n") == 0
    assert "ID number" in sentence and "mobile" in sentence
    assert "What happened" in sentence and "Who was told" in sentence
    with read_session(engine) as s:
        assert audit.verify(s).ok  # masked before it was sealed
        events = s.exec(select(AuditEvent)).all()
        assert not any(MOBILE in str(e.detail) or ID in str(e.detail) for e in events)


def test_each_kind_is_enforced(engine, staff):
    """Code, Line, Block and Phone all refuse an escape; only Line and Block mask."""
    assert {k.name for k in KINDS} == {"code", "line", "block", "phone"}
    from deskterm.models.estate import Resident

    for key in ("name", "note", "phone", "relation"):
        with pytest.raises(InvalidInput):
            run_write(
                engine,
                lambda s, key=key: (
                    s.add(Resident(**{"name": "x", "relation": "owner", key: "a\x1bb"})),
                    s.flush(),
                ),
            )
    resident = run_write(
        engine,
        lambda s: _added(
            s, Resident(name="王", relation="owner", phone=MOBILE, note=f"手机{MOBILE}")
        ),
    )
    assert resident.phone == MOBILE  # a phone column keeps the number (masked when shown)
    assert MOBILE not in resident.note


def _added(s, obj):
    s.add(obj)
    s.flush()
    return obj


SEARCH_KEYS = ("name_pinyin", "name_initials", "name_after_1", "name_after_2")


def _no_personal_number(values) -> None:
    for value in values:
        assert "00001111" not in value and "13900001111" not in value, value


def test_search_keys_are_made_from_the_masked_name():
    """Issue 15 (text2, item 2): every search key comes from the name as stored, masked --
    pinyin_keys (residents, companies, the directory) and name_tails (residents)."""
    from deskterm.models.estate import name_tails
    from deskterm.rules.pinyin import pinyin_keys
    from deskterm.services.estate.residents import NewResident, resident_row

    typed = f"王{MOBILE}"
    _no_personal_number(pinyin_keys(typed))
    _no_personal_number(name_tails(typed))
    row = resident_row(NewResident(typed, None))
    assert row.name == "王139****1111"
    _no_personal_number(getattr(row, key) for key in SEARCH_KEYS)
    assert row.name_after_1 == "139****1111"


def test_the_migration_makes_search_keys_again_from_the_masked_name(engine, clock):
    from sqlalchemy import insert

    from deskterm.models.directory import DirectoryEntry
    from deskterm.models.estate import Resident
    from deskterm.services.admin.privacy import mask_stored

    raw = f"王{MOBILE}"
    with engine.begin() as c:  # stored behind the guard, as before issue 15
        c.execute(
            insert(Resident.__table__).values(
                name=raw,
                relation="owner",
                name_pinyin=f"wang{MOBILE}",
                name_initials=f"w{MOBILE}",
                name_after_1=MOBILE,
                name_after_2=MOBILE[1:],
                active=True,
            )
        )
        c.execute(
            insert(DirectoryEntry.__table__).values(
                kind="service", name=raw, name_pinyin=f"wang{MOBILE}", name_initials=f"w{MOBILE}"
            )
        )
    counts = run_write(engine, lambda s: mask_stored(session=s, clock=clock))
    assert counts.get("resident search keys") == 1
    with read_session(engine) as s:
        person = s.exec(select(Resident).where(Resident.name.startswith("王139"))).one()
        entry = s.exec(select(DirectoryEntry).where(DirectoryEntry.name.startswith("王139"))).one()
        assert person.name == entry.name == "王139****1111"
        _no_personal_number(getattr(person, key) for key in SEARCH_KEYS)
        _no_personal_number((entry.name_pinyin, entry.name_initials))
