"""The one search box (D-20, D-23): names, pinyin, units as people say them, companies, the
directory; phones masked; no search by phone number (D-21)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.db import lock_row, run_read, run_write
from deskterm.models.estate import Resident, ResidentCreate
from deskterm.rules.phone import mask_phone
from deskterm.services.estate.residents import create_resident
from deskterm.services.inquiries import search as search_service
from deskterm.services.inquiries.search import HitKind, Mode, plan_query
from tests.factories import PHONES, seed_estate


@pytest.fixture
def estate(engine, clock, staff):
    return seed_estate(engine, clock, staff.admin)


@pytest.fixture
def find(engine, clock, staff, estate):
    def run(text):
        return run_read(
            engine,
            lambda s: search_service.search(
                session=s, actor=staff.operator, clock=clock, text=text
            ),
        )

    return run


def names(result, kind=None):
    return [h.name for h in result.hits if kind is None or h.kind is kind]


# -- reading the text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, building, number",
    [
        ("12-1203", "12", "1203"),
        ("12栋1203", "12", "1203"),
        ("12幢1203室", "12", "1203"),
        ("12号楼1203", "12", "1203"),
        ("12#1203", "12", "1203"),
        ("１２－１２０３", "12", "1203"),  # full-width, from a Chinese input method
        ("12 — 1203", "12", "1203"),
        ("A座1203", "A", "1203"),
        ("a座1203", "A", "1203"),
        ("A-1203", "A", "1203"),
        ("A1203", "A", "1203"),
        ("12-", "12", ""),
        ("12栋", "12", ""),
        ("012栋1203", "12", "1203"),
    ],
)
def test_units_are_read_in_the_forms_people_say_them(text, building, number):
    plan = plan_query(text)
    assert (plan.mode, plan.building, plan.number) == (Mode.unit, building, number)


@pytest.mark.parametrize(
    "text, mode, term",
    [
        ("1203", Mode.unit, ""),
        ("1203室", Mode.unit, ""),
        ("zs", Mode.pinyin, "zs"),
        ("Zhang San", Mode.pinyin, "zhangsan"),
        ("xi'an", Mode.pinyin, "xian"),
        ("张三", Mode.name, "张三"),
        (" 张 三 ", Mode.name, "张三"),
        ("13912340001", Mode.phone, "13912340001"),
        ("139 1234 0001", Mode.phone, "13912340001"),
        ("+86 139-1234-0001", Mode.phone, "+8613912340001"),
        ("   ", Mode.empty, ""),
    ],
)
def test_modes(text, mode, term):
    plan = plan_query(text)
    assert plan.mode is mode
    if term:
        assert plan.term == term


# -- finding people ---------------------------------------------------------------------------


def test_pinyin_initials_find_every_match_and_only_them(find):
    assert sorted(names(find("zs"), HitKind.resident)) == sorted(["张三", "赵山", "张帅"])
    assert names(find("ZS"), HitKind.resident) == names(find("zs"), HitKind.resident)


def test_full_pinyin_prefix(find):
    assert names(find("zhangsan"), HitKind.resident) == ["张三"]
    assert set(names(find("zhang"), HitKind.resident)) == {"张三", "张建国", "张帅"}
    assert names(find("zhangjianguo"), HitKind.resident) == ["张建国"]


def test_chinese_name_by_start_and_by_given_name(find):
    assert names(find("张"), HitKind.resident)[:2] == ["张三", "张帅"]  # code-point order
    assert set(names(find("张"), HitKind.resident)) == {"张三", "张帅", "张建国"}
    assert names(find("张建国"), HitKind.resident) == ["张建国"]
    # 2- and 3-character names found by their given name, compound surnames too
    assert set(names(find("建国"), HitKind.resident)) == {"张建国", "王建国"}
    assert names(find("娜娜"), HitKind.resident) == ["欧阳娜娜"]
    assert set(names(find("国"), HitKind.resident)) == {"张建国", "王建国"}


def test_a_person_is_listed_once_even_when_several_ways_match(find):
    result = find("张")  # 张 starts the name; no tail holds it
    ids = [h.id for h in result.hits if h.kind is HitKind.resident]
    assert len(ids) == len(set(ids))


def test_unit_in_every_form_finds_its_residents(find):
    for text in ("12-1203", "12栋1203", "12#1203", "12号楼1203室"):
        assert set(names(find(text), HitKind.resident)) == {"张三", "张建国"}, text
    assert {(h.name, h.place) for h in find("1203").hits if h.kind is HitKind.resident} == {
        ("张三", "12-1203"),
        ("张建国", "12-1203"),
        ("王建国", "3-1203"),
    }


def test_a_unit_prefix_lists_the_units_in_number_order(find):
    places = [h.place for h in find("12-").hits]
    assert places == ["12-801", "12-1203", "12-1203", "12-1204", "12-1205"]  # 801 before 1203


def test_an_empty_unit_says_so(find):
    hits = find("12-1205").hits
    assert [(h.kind, h.name) for h in hits] == [(HitKind.unit, "12-1205")]


def test_office_units_find_their_company(find):
    for text in ("A座1203", "A-1203", "a1203"):
        hits = find(text).hits
        assert [(h.kind, h.name) for h in hits] == [(HitKind.company, "杭州康宁制药有限公司")]


def test_companies_by_name_part_and_pinyin(find):
    assert names(find("康宁"), HitKind.company) == ["杭州康宁制药有限公司"]
    assert names(find("kn"), HitKind.company) == ["杭州康宁制药有限公司"]
    assert names(find("yunfan"), HitKind.company) == ["云帆网络科技有限公司"]


def test_short_pinyin_does_not_match_inside_a_company_name(engine, find):
    from deskterm.models.estate import Company
    from deskterm.rules.pinyin import pinyin_keys

    def add(session):
        full, initials = pinyin_keys("杭州启明建筑设计有限公司")  # ...jian zhu she ji...: "zs"
        session.add(
            Company(name="杭州启明建筑设计有限公司", name_pinyin=full, name_initials=initials)
        )

    run_write(engine, add)
    assert names(find("zs"), HitKind.company) == []
    assert names(find("qm"), HitKind.company) == ["杭州启明建筑设计有限公司"]  # after the city
    assert names(find("jianzhu"), HitKind.company) == ["杭州启明建筑设计有限公司"]  # 4+ letters


def test_staff_by_name_and_pinyin(find):
    assert names(find("王强"), HitKind.staff) == ["王强"]
    assert names(find("wq"), HitKind.staff) == ["王强"]
    assert names(find("wangq"), HitKind.staff) == ["王强"]
    assert names(find("zs"), HitKind.staff) == []


def test_directory_and_events_from_the_same_box(find):
    assert names(find("银行"), HitKind.directory) == ["中国工商银行(文二西路支行)"]
    assert names(find("会所"), HitKind.directory) == ["会所与健身房"]
    assert names(find("hs"), HitKind.directory) == ["会所与健身房"]
    assert names(find("中秋"), HitKind.event) == ["社区中秋晚会"]
    assert names(find("消防演练"), HitKind.event) == []  # a month ago: not offered


def test_directory_numbers_are_public_but_never_a_residents(find):
    hit = find("工程部").hits[0]
    assert (hit.kind, hit.phone) == (HitKind.directory, "0571-8888 0102")


def test_moved_out_residents_are_not_offered(engine, find, estate):
    def move_out(session):
        row = lock_row(session, Resident, estate.residents["李四"])
        row.active = False
        session.add(row)

    run_write(engine, move_out)
    assert names(find("李四")) == []


def test_many_matches_are_capped_and_say_there_is_more(engine, clock, staff, estate, find):
    def many(session):
        for i in range(search_service.RESIDENT_LIMIT + 5):
            create_resident(
                session=session,
                actor=staff.admin,
                clock=clock,
                resident_in=ResidentCreate(name=f"孙{'一二三四五六七八九十'[i % 10]}{i}"),
            )

    run_write(engine, many)
    result = find("孙")
    assert (
        len([h for h in result.hits if h.kind is HitKind.resident]) == search_service.RESIDENT_LIMIT
    )
    assert result.more


# -- privacy (D-21) ---------------------------------------------------------------------------


def test_results_show_phones_masked_only(find):
    for text in ("zs", "张", "12-1203", "1203", "建国", "A座1203", "康宁", "kn"):
        for hit in find(text).hits:
            if hit.kind in (HitKind.resident, HitKind.company) and hit.phone:
                assert "****" in hit.phone
            for phone in PHONES:
                assert phone not in repr(hit), (text, hit)
    hit = next(h for h in find("张三").hits if h.name == "张三")
    assert hit.phone == "139****0001"


@pytest.mark.parametrize(
    "text", ["13912340001", "139 1234 0001", "+86 13912340001", "1391234", "0001 4321 931"]
)
def test_a_phone_number_finds_nobody(find, text):
    result = find(text)
    assert result.phone_refused
    assert [h for h in result.hits if h.kind is not HitKind.directory] == []


def test_a_residents_number_and_a_stranger_number_answer_alike(find):
    """Whether the number is on record or not, the answer is the same: nothing confirmed."""
    theirs, nobodys = find("13912340001"), find("13700000000")
    assert (theirs.hits, theirs.phone_refused, theirs.more) == (
        nobodys.hits,
        nobodys.phone_refused,
        nobodys.more,
    )


def test_search_never_queries_the_phone_column_of_people():
    for shape in ("name", "pinyin", "unit_label", "unit_number"):
        sql = str(search_service.shape_statement("sqlite", shape))
        assert "resident.phone >" not in sql and "resident.phone LIKE" not in sql
        assert "company.phone LIKE" not in sql and "company.phone >" not in sql


@given(st.text(alphabet="0123456789", min_size=0, max_size=20))
def test_the_fast_mask_is_the_rule(digits):
    if digits:
        assert search_service.fast_mask(digits) == mask_phone(digits)


def test_events_by_pinyin_and_past_events_by_browsing(engine, clock, find):
    """Issue 21: events are searchable by pinyin, and past ones stay findable by kind."""
    from deskterm.services.inquiries import directory

    assert names(find("zqwh"), HitKind.event) == ["社区中秋晚会"]
    assert names(find("zhongqiu"), HitKind.event) == ["社区中秋晚会"]
    past = run_read(
        engine, lambda s: directory.browse(session=s, kind=directory.PAST_EVENT, now=clock.now())
    )
    assert [e.name for e in past] == ["消防演练"]
    coming = run_read(
        engine, lambda s: directory.browse(session=s, kind=directory.EVENT, now=clock.now())
    )
    assert [e.name for e in coming] == ["社区中秋晚会"]
    counts = run_read(engine, lambda s: directory.browse_counts(session=s, now=clock.now()))
    assert set(counts) == set(directory.BROWSE_KINDS)
    assert counts[directory.PAST_EVENT] == 1 and counts["bank"] >= 1
    banks = run_read(engine, lambda s: directory.browse(session=s, kind="bank", now=clock.now()))
    assert [e.kind for e in banks] == ["bank"] * len(banks) and banks
