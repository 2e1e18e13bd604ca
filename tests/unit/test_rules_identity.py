"""Identity document checks and masking in deskterm.rules.identity."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.rules.identity import (
    DocType,
    InvalidIdNumber,
    check_resident_id,
    mask_document,
    masked_document,
    validate_document,
)


def check_char(first17: str) -> str:
    """Independent ISO 7064 MOD 11-2: weights are 2**(17-i) mod 11, check = (12 - sum) mod 11."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(area: str, birth: str, seq: str) -> str:
    first17 = area + birth + seq
    return first17 + check_char(first17)


PUBLIC_EXAMPLE = "11010519491231002X"  # the published GB 11643 example
VALID = [
    PUBLIC_EXAMPLE,
    make_id("310104", "19900101", "123"),
    make_id("440305", "20000229", "456"),  # leap day
    make_id("110101", "19000101", "001"),
    make_id("810000", "19851120", "002"),  # Hong Kong residents' residence permit
    make_id("932000", "19800315", "007"),  # 2023 foreigner permanent residence card
]


def test_independent_check_matches_the_public_example():
    assert check_char(PUBLIC_EXAMPLE[:17]) == "X"
    assert make_id("310104", "19900101", "123") == "310104199001011233"


@pytest.mark.parametrize("number", VALID)
def test_valid_resident_ids(number):
    assert check_resident_id(number) == number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002x", PUBLIC_EXAMPLE),
        ("  110105 19491231 002X ", PUBLIC_EXAMPLE),
        ("110105-19491231-002X".replace("-", " "), PUBLIC_EXAMPLE),
    ],
)
def test_resident_id_is_normalised(raw, expected):
    assert check_resident_id(raw) == expected


def wrong_check(number: str) -> str:
    for c in "0123456789X":
        if c != number[17]:
            return number[:17] + c
    raise AssertionError


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (wrong_check(PUBLIC_EXAMPLE), "check character does not match"),
        (wrong_check(VALID[1]), "check character does not match"),
        ("110105194912310020", "check character does not match"),
        (make_id("110105", "19490231", "002"), "birth date"),  # 31 February
        (make_id("110105", "19491301", "002"), "birth date"),  # month 13
        (make_id("110105", "18991231", "002"), "birth date"),  # before 1900
        (make_id("440305", "19990229", "456"), "birth date"),  # not a leap year
        ("11010519491231002", "18 characters, but 17"),
        ("11010519491231002X1", "18 characters, but 19"),
        ("", "18 characters, but 0"),
        ("X1010519491231002X", "17 digits followed by a digit or the letter X"),
        ("1101051949123100XX", "17 digits followed by a digit or the letter X"),
        ("11010519491231002Y", "17 digits followed by a digit or the letter X"),
    ],
)
def test_invalid_resident_ids(number, message):
    with pytest.raises(InvalidIdNumber, match=message) as info:
        check_resident_id(number)
    text = str(info.value)
    assert text[0].isupper() and text.endswith(".")
    if len(number) >= 14:
        assert number[:14] not in text  # the error never repeats the number


def test_invalid_id_number_is_a_value_error():
    assert issubclass(InvalidIdNumber, ValueError)


def test_doc_type_values():
    assert [d.value for d in DocType] == [
        "resident_id",
        "passport",
        "driving_licence",
        "residence_permit",
        "other",
        "sighted",
    ]


@pytest.mark.parametrize(
    ("doc_type", "number", "expected"),
    [
        ("resident_id", "11010519491231002x", PUBLIC_EXAMPLE),
        ("residence_permit", VALID[4], VALID[4]),
        ("residence_permit", VALID[5], VALID[5]),
        ("driving_licence", PUBLIC_EXAMPLE, PUBLIC_EXAMPLE),
        ("passport", "e12345678", "E12345678"),
        ("passport", " G 1234 5678 ", "G12345678"),
        ("passport", "AB123", "AB123"),
        ("passport", "A" * 20, "A" * 20),
        ("other", "  Staff card 0042 ", "Staff card 0042"),
        ("other", "x" * 32, "x" * 32),
        ("sighted", None, None),
        ("sighted", "", None),
        ("sighted", "   ", None),
    ],
)
def test_validate_document_accepts(doc_type, number, expected):
    assert validate_document(doc_type, number) == expected


@pytest.mark.parametrize(
    ("doc_type", "number", "message"),
    [
        ("resident_id", wrong_check(PUBLIC_EXAMPLE), "check character"),
        ("driving_licence", "D123456", "18 characters"),
        ("residence_permit", wrong_check(VALID[4]), "check character"),
        ("passport", "AB12", "5 to 20"),
        ("passport", "A" * 21, "5 to 20"),
        ("passport", "E1234-5678", "5 to 20"),
        ("passport", "护照12345", "5 to 20"),
        ("other", "x" * 33, "at most 32"),
        ("other", "bad\x00char", "at most 32"),
        ("sighted", "12345", "must not have a number"),
        ("resident_id", None, "is required"),
        ("passport", "  ", "is required"),
        ("other", "", "is required"),
    ],
)
def test_validate_document_rejects(doc_type, number, message):
    with pytest.raises(InvalidIdNumber, match=message):
        validate_document(doc_type, number)


@pytest.mark.parametrize("func", [validate_document, mask_document, masked_document])
def test_unknown_document_type(func):
    with pytest.raises(ValueError, match="Unknown identity document type 'idcard'"):
        func("idcard", "12345")


@pytest.mark.parametrize(
    ("doc_type", "number", "expected"),
    [
        ("resident_id", PUBLIC_EXAMPLE, "resident_id ****002X"),
        ("resident_id", "11010519491231002x", "resident_id ****002X"),
        ("driving_licence", PUBLIC_EXAMPLE, "driving_licence ****002X"),
        ("passport", "E12345678", "passport ****5678"),
        ("passport", "AB1234", "passport ****234"),  # short: at most half is shown
        ("passport", "AB123", "passport ****23"),
        ("other", "Staff card 0042", "other ****0042"),
        ("other", "7", "other ****"),
        ("sighted", None, "sighted"),
        ("passport", None, None),
        ("passport", "  ", None),
    ],
)
def test_mask_document_table(doc_type, number, expected):
    assert mask_document(doc_type, number) == expected


@pytest.mark.parametrize("number", VALID)
def test_mask_never_contains_the_first_14_characters(number):
    masked = masked_document("resident_id", number)
    assert masked == f"resident_id ****{number[-4:]}"
    assert number[:14] not in masked
    for start in range(10):  # nor any 5 consecutive characters of the first 14
        assert number[start : start + 5] not in masked.replace(" ", "")


def test_masked_document_validates_first():
    with pytest.raises(InvalidIdNumber):
        masked_document("resident_id", wrong_check(PUBLIC_EXAMPLE))
    assert masked_document("sighted", None) == "sighted"
    assert masked_document("passport", "e1234 5678") == "passport ****5678"


ids = st.builds(
    make_id,
    st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
    st.dates(date(1900, 1, 1), date(2025, 12, 31)).map(lambda d: d.strftime("%Y%m%d")),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)


@given(ids)
def test_generated_ids_validate_and_mask_safely(number):
    assert check_resident_id(number) == number
    masked = mask_document("resident_id", number)
    assert masked == "resident_id ****" + number[-4:]
    assert number not in masked and number[:14] not in masked


@given(
    st.sampled_from(["passport", "other", "resident_id", "driving_licence", "residence_permit"]),
    st.text(min_size=1, max_size=40),
)
def test_mask_document_never_contains_the_full_number(doc_type, number):
    masked = mask_document(doc_type, number)
    if masked is None:
        assert not number.strip()
        return
    prefix = doc_type + " ****"
    assert masked.startswith(prefix)
    shown = masked[len(prefix) :]
    assert len(shown) <= 4
    kept = "".join(number.split()).upper() if doc_type != "other" else number.strip()
    assert len(shown) <= len(kept) // 2  # at least half of the number stays hidden
    # Everything after the type label is derived from the number; it never holds all of it.
    assert kept not in masked[len(doc_type) :] or not kept.strip("*")  # "*" is in "****"


@given(st.from_regex(r"[A-Za-z0-9]{5,20}", fullmatch=True))
def test_masked_passport_never_contains_the_number(number):
    masked = masked_document("passport", number)
    assert number.upper() not in masked
    assert masked == "passport ****" + number.upper()[-min(4, len(number) // 2) :]


# -- D-5 against python-stdnum's cn.ric (issue 21) ------------------------------------------------
from datetime import timedelta  # noqa: E402

from stdnum.cn import ric  # noqa: E402

from deskterm.rules.identity import region_warning  # noqa: E402


def test_a_birth_in_the_future_is_refused():
    today = date(2026, 12, 7)
    tomorrow = make_id("110105", (today + timedelta(days=1)).strftime("%Y%m%d"), "002")
    born_today = make_id("110105", today.strftime("%Y%m%d"), "002")
    with pytest.raises(InvalidIdNumber, match="is in the future"):
        check_resident_id(tomorrow, today=today)
    with pytest.raises(InvalidIdNumber, match="is in the future"):
        validate_document("resident_id", make_id("110105", "20990101", "002"), today=today)
    assert check_resident_id(born_today, today=today) == born_today


def test_an_unknown_region_is_a_warning_not_a_refusal():
    number = make_id("999999", "19900101", "123")  # a region code that never existed
    assert check_resident_id(number) == number
    assert masked_document("resident_id", number) == f"resident_id ****{number[-4:]}"
    assert "region code" in region_warning("resident_id", number)
    assert region_warning("driving_licence", number) is not None
    assert region_warning("passport", "E12345678") is None
    assert region_warning("sighted", None) is None


@pytest.mark.parametrize("number", VALID)
def test_known_regions_and_permits_give_no_warning(number):
    assert region_warning("resident_id", number) is None


@given(
    st.integers(min_value=0, max_value=10**17 - 1), st.dates(date(1900, 1, 1), date(2100, 12, 31))
)
def test_agrees_with_stdnum_on_random_numbers(seed, born):
    """deskterm accepts a number exactly when stdnum's check digit and birth date agree, the
    birth is not in the future, and refuses it otherwise; the region is only a warning."""
    today = date(2026, 12, 7)
    digits = f"{seed:017d}"
    number = make_id(digits[:6], born.strftime("%Y%m%d"), digits[14:17])
    try:
        ours = check_resident_id(number, today=today)
    except InvalidIdNumber:
        ours = None
    expected = number if born <= today else None
    assert ours == expected
    try:
        ric.validate(number)
        stdnum_ok = True
    except Exception:
        stdnum_ok = False
    if ours is not None:
        assert (region_warning("resident_id", number) is None) == stdnum_ok or (
            number[:6] in ("810000", "820000", "830000") or number[0] == "9"
        )
