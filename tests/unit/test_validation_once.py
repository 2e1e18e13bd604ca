"""Issue 20, item 3: validation once. Every `…Create` / `…Update` model of deskterm.models is
validated for real (models/forms.validated, never `model_construct`); a refusal is
InvalidInput naming the field, in English and in Chinese; and every write service that takes
one of those models trusts it: a model with each text field at its limit saves as it is.

The enumerations fail on a new model that is not a FormModel, on a `model_construct` anywhere
in deskterm, and on a new write service taking a form model that no case below saves.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import typing
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from annotated_types import MaxLen, MinLen
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlmodel import SQLModel

import deskterm
import deskterm.models  # noqa: F401  (every model imported)
import deskterm.services
from deskterm.db import run_write
from deskterm.errors import InvalidInput
from deskterm.i18n import _, written_in
from deskterm.models.forms import FormModel, validated
from deskterm.models.text import BLOCK, CODE, LABELS, LINE, kind_of, label
from tests.factories import make_estate

ROOT = Path(deskterm.__file__).parent


def _subclasses(cls: type) -> set[type]:
    found, todo = set(), [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


FORM_MODELS = sorted(
    (
        c
        for c in _subclasses(SQLModel)
        if c.__module__.startswith("deskterm.models.") and c.__name__.endswith(("Create", "Update"))
    ),
    key=lambda c: c.__name__,
)


def _limits(info) -> tuple[int | None, int | None]:
    low = high = None
    for item in info.metadata:
        if isinstance(item, MinLen):
            low = item.min_length
        if isinstance(item, MaxLen):
            high = item.max_length
    return low, high


# -- (a) no model is built unvalidated -------------------------------------------------------
def test_no_model_construct_anywhere_in_deskterm():
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in ROOT.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "model_construct" in line
    ]
    assert found == [], "models are validated (models.forms.validated), never constructed"


def test_every_form_model_is_a_form_model():
    assert len(FORM_MODELS) >= 15
    assert [c.__name__ for c in FORM_MODELS if not issubclass(c, FormModel)] == []


def test_every_field_of_a_form_model_has_a_label():
    """A refusal names the field in words (models/text.LABELS), never an attribute name."""
    missing = [
        f"{c.__name__}.{name}" for c in FORM_MODELS for name in c.model_fields if name not in LABELS
    ]
    assert missing == []


# -- (b) each model refuses, naming the field, in both languages -------------------------------
def _sample(model: type[SQLModel]) -> dict[str, Any]:
    """The smallest values a model takes (required fields only)."""
    from datetime import UTC, date, datetime
    from enum import Enum

    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if not info.is_required():
            continue
        kinds = [info.annotation, *typing.get_args(info.annotation)]
        if any(isinstance(k, type) and issubclass(k, Enum) for k in kinds):
            enum = next(k for k in kinds if isinstance(k, type) and issubclass(k, Enum))
            values[name] = next(iter(enum)).value
        elif datetime in kinds:
            values[name] = datetime(2026, 11, 28, 2, tzinfo=UTC)
        elif date in kinds:
            values[name] = date(2026, 11, 28)
        elif int in kinds:
            values[name] = 1
        else:
            values[name] = "张三"
    if model.__name__ == "VisitorSlipCreate":
        values["doc_type"] = "sighted"
    return values


TEXT_FIELDS = [
    (model, name, *_limits(info))
    for model in FORM_MODELS
    for name, info in model.model_fields.items()
    if kind_of(model, name) is not None and _limits(info)[1] is not None
]
REQUIRED_TEXT = [(m, name) for m, name, low, _high in TEXT_FIELDS if low]


@pytest.mark.parametrize("model", FORM_MODELS, ids=lambda m: m.__name__)
def test_the_smallest_sample_is_taken(model):
    validated(model, _sample(model))


def _refused(model, values, field: str) -> None:
    for lang in ("en", "zh_CN"):
        with written_in(lang):
            with pytest.raises(InvalidInput) as err:
                validated(model, values)
            assert err.value.field == field
            name = label(field)
            assert str(err.value).startswith(name), (lang, str(err.value))
            if lang == "zh_CN":
                assert name != LABELS[field], f"{field}: no Chinese label"
                assert re.search(r"[\u4e00-\u9fff]", str(err.value)), str(err.value)


@pytest.mark.parametrize(
    "model, field, high",
    [(m, f, h) for m, f, _low, h in TEXT_FIELDS],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_an_over_long_value_is_refused_naming_the_field(model, field, high):
    _refused(model, {**_sample(model), field: "a" * (high + 1)}, field)


@pytest.mark.parametrize(
    "model, field", REQUIRED_TEXT, ids=lambda v: getattr(v, "__name__", str(v))
)
def test_an_empty_required_value_is_refused_naming_the_field(model, field):
    blank = "" if kind_of(model, field) == CODE else "  "  # a code (a password) is as typed
    _refused(model, {**_sample(model), field: blank}, field)
    if model.model_fields[field].is_required():  # left out of an update: left as it is
        _refused(model, {k: v for k, v in _sample(model).items() if k != field}, field)


@pytest.mark.parametrize("model", FORM_MODELS, ids=lambda m: m.__name__)
@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_text_is_taken_or_refused_in_words(model, data):
    """Hypothesis: whatever is typed into any text field, validation gives the model or one
    InvalidInput naming that field; never a ValidationError or a traceback."""
    fields = [name for m, name, _low, _high in TEXT_FIELDS if m is model]
    if not fields:
        return
    field = data.draw(st.sampled_from(fields))
    text = data.draw(st.text(max_size=300))
    try:
        validated(model, {**_sample(model), field: text})
    except InvalidInput as exc:
        assert exc.field in (field, "purpose_text"), (field, exc.field, str(exc))
        assert str(exc)


def test_text_is_trimmed_and_one_line_text_made_one_line():
    from deskterm.models.inquiry import MessageCreate

    message = validated(
        MessageCreate, {"for_name": " 张三  12-1203 ", "from_name": "王", "text": "\n 取快递 \n"}
    )
    assert (message.for_name, message.text) == ("张三 12-1203", "取快递")


@pytest.mark.parametrize(
    ("model", "typed", "stored"),
    [
        ("ComplaintCreate", "+86 138-1234-5678", "+8613812345678"),
        ("ComplaintCreate", "１３８１２３４５６７８", "13812345678"),
        ("ComplaintCreate", "  ", ""),
        ("ComplaintUpdate", "0755 8888 1234", "075588881234"),
    ],
)
def test_a_contact_number_is_the_model_s_rule(model, typed, stored):
    """The complaint's contact number is checked and kept as digits by its model, not by the
    service (found by the review: validated() took "12", the service refused it later)."""
    from deskterm.models import complaint

    cls = getattr(complaint, model)
    base = _sample(cls) if model == "ComplaintCreate" else {}
    assert validated(cls, {**base, "contact": typed}).contact == stored
    with pytest.raises(InvalidInput) as refused:
        validated(cls, {**base, "contact": "12"})
    assert refused.value.field == "contact"


# -- (c) the write services trust a validated model --------------------------------------------
def _limit(model: type[SQLModel], **fixed: Any) -> SQLModel:
    """A validated model with every free-text field (Line, Block) at its length limit."""
    values = dict(_sample(model))
    for name, info in model.model_fields.items():
        high = _limits(info)[1]
        if high is not None and kind_of(model, name) in (LINE, BLOCK) and name != "plate":
            values[name] = "字" * high
    values.update(fixed)
    return validated(model, values)


def _texts(model_in: SQLModel, row: Any, *skip: str) -> None:
    """Each free-text value of `model_in` is stored as it is (not cut, not refused)."""
    for name in type(model_in).model_fields:
        if name in skip or kind_of(type(model_in), name) not in (LINE, BLOCK):
            continue
        value = getattr(model_in, name)
        if isinstance(value, str) and value and hasattr(row, name):
            assert getattr(row, name) == value, name


def _call(engine, fn: Callable[..., Any], **kw: Any) -> Any:
    return run_write(engine, lambda s: fn(session=s, **kw))


def case_register_slip(engine, clock, settings, staff):
    from deskterm.models.visitor import VisitorSlipCreate
    from deskterm.services.visitors import slips

    estate = make_estate(engine)
    slip_in = _limit(
        VisitorSlipCreate,
        host_resident_id=estate.zhang_san,
        host_call_method="phone",
        host_call_result="agreed",
        phone="1" * 20,
    )
    row = _call(
        engine,
        slips.register_slip,
        actor=staff.operator,
        clock=clock,
        settings=settings,
        slip_in=slip_in,
    )
    _texts(slip_in, row)


def case_turn_away(engine, clock, settings, staff):
    from deskterm.models.visitor import VisitorSlipCreate
    from deskterm.services.visitors import slips

    estate = make_estate(engine)
    slip_in = _limit(VisitorSlipCreate, host_resident_id=estate.zhang_san)
    entry = _call(
        engine,
        slips.turn_away,
        actor=staff.operator,
        clock=clock,
        settings=settings,
        slip_in=slip_in,
        cause=slips.TurnAwayCause.host_refused,
    )
    assert slip_in.visitor_name in entry.what


def case_update_slip(engine, clock, settings, staff):
    from deskterm.models.visitor import VisitorSlipCreate, VisitorSlipUpdate
    from deskterm.services.visitors import slips

    estate = make_estate(engine)
    slip = _call(
        engine,
        slips.register_slip,
        actor=staff.operator,
        clock=clock,
        settings=settings,
        slip_in=validated(
            VisitorSlipCreate,
            {
                "visitor_name": "王五",
                "doc_type": "sighted",
                "host_resident_id": estate.zhang_san,
                "host_call_method": "phone",
                "host_call_result": "agreed",
            },
        ),
    )
    changes = _limit(VisitorSlipUpdate)
    row = _call(
        engine,
        slips.update_slip,
        actor=staff.operator,
        clock=clock,
        slip_id=slip.id,
        version=slip.version,
        changes=changes,
    )
    _texts(changes, row)


def case_add_expected(engine, clock, settings, staff):
    from deskterm.models.visitor import ExpectedVisitorCreate
    from deskterm.rules.numbering import local_day
    from deskterm.services.visitors.expected import add_expected

    estate = make_estate(engine)
    expected_in = _limit(
        ExpectedVisitorCreate,
        host_resident_id=estate.zhang_san,
        expected_on=local_day(clock.now(), settings.timezone),
    )
    row = _call(
        engine,
        add_expected,
        actor=staff.operator,
        clock=clock,
        settings=settings,
        expected_in=expected_in,
    )
    _texts(expected_in, row)


def case_open_inquiry(engine, clock, settings, staff):
    from deskterm.models.inquiry import InquiryCreate
    from deskterm.services.inquiries import log

    inquiry_in = _limit(InquiryCreate)
    row = _call(engine, log.open_inquiry, actor=staff.operator, clock=clock, inquiry_in=inquiry_in)
    _texts(inquiry_in, row)


def case_take_message(engine, clock, settings, staff):
    from deskterm.models.inquiry import MessageCreate
    from deskterm.services.inquiries import messages

    message_in = _limit(MessageCreate, for_kind="other", from_contact="13800001111")
    row = _call(
        engine, messages.take_message, actor=staff.operator, clock=clock, message_in=message_in
    )
    _texts(message_in, row)


def case_make_promise(engine, clock, settings, staff):
    from deskterm.models.inquiry import PromisedReplyCreate
    from deskterm.services.inquiries import promises

    promise_in = _limit(
        PromisedReplyCreate, contact="13800001111", due_at=clock.now() + timedelta(hours=2)
    )
    row = _call(
        engine, promises.make_promise, actor=staff.operator, clock=clock, promise_in=promise_in
    )
    _texts(promise_in, row)


def _repair_order(engine, clock, settings, staff):
    from deskterm.models.repair import RepairOrderCreate
    from deskterm.services.repairs import intake
    from tests.services.test_repairs_support import make_repair_estate

    estate = make_repair_estate(engine)
    order_in = _limit(
        RepairOrderCreate,
        scope="household",
        unit_id=estate.unit_1203,
        category_code="heating_not_warm",
        reporter_contact="13812345678",
    )
    row = _call(
        engine,
        intake.create_repair_order,
        actor=staff.operator,
        clock=clock,
        settings=settings,
        order_in=order_in,
    )
    return order_in, row


def case_create_repair_order(engine, clock, settings, staff):
    order_in, row = _repair_order(engine, clock, settings, staff)
    # the reasons are stored only when the class is changed or a repeat is not linked
    _texts(order_in, row, "override_reason", "warranty_opt_out_reason")


def case_update_order(engine, clock, settings, staff):
    from deskterm.models.repair import RepairOrderUpdate
    from deskterm.services.repairs import status

    _order_in, order = _repair_order(engine, clock, settings, staff)
    changes = _limit(RepairOrderUpdate)
    row = _call(
        engine,
        status.update_order,
        actor=staff.operator,
        clock=clock,
        order_id=order.id,
        version=order.version,
        changes=changes,
    )
    _texts(changes, row)


def _complaint(engine, clock, settings, staff):
    from deskterm.models.complaint import ComplaintCreate
    from deskterm.services.complaints import handling

    complaint_in = _limit(ComplaintCreate, category="other")
    row = _call(
        engine,
        handling.intake_complaint,
        actor=staff.operator,
        clock=clock,
        settings=settings,
        complaint_in=complaint_in,
    )
    return complaint_in, row


def case_intake_complaint(engine, clock, settings, staff):
    complaint_in, row = _complaint(engine, clock, settings, staff)
    _texts(complaint_in, row)


def case_update_complaint(engine, clock, settings, staff):
    from deskterm.models.complaint import ComplaintUpdate
    from deskterm.services.complaints import handling

    _complaint_in, complaint = _complaint(engine, clock, settings, staff)
    changes = _limit(ComplaintUpdate)
    row = _call(
        engine,
        handling.update_complaint,
        actor=staff.supervisor,
        clock=clock,
        complaint_id=complaint.id,
        version=complaint.version,
        changes=changes,
    )
    _texts(changes, row)


def case_record_communication(engine, clock, settings, staff):
    from deskterm.models.complaint import CommunicationCreate
    from deskterm.services.complaints import communications

    communication_in = _limit(
        CommunicationCreate, at=clock.now(), follow_up_due=clock.now() + timedelta(days=2)
    )
    row = _call(
        engine,
        communications.record_communication,
        actor=staff.operator,
        clock=clock,
        settings=settings,
        communication_in=communication_in,
    )
    _texts(communication_in, row)


def case_record_request(engine, clock, settings, staff):
    from deskterm.models.public_area import PublicAreaRequestCreate
    from deskterm.services.complaints import public_areas

    request_in = _limit(PublicAreaRequestCreate, applicant_kind="other")
    row = _call(
        engine,
        public_areas.record_request,
        actor=staff.operator,
        clock=clock,
        settings=settings,
        request_in=request_in,
    )
    _texts(request_in, row)


def case_create_resident(engine, clock, settings, staff):
    from deskterm.models.estate import ResidentCreate
    from deskterm.services.estate import residents

    estate = make_estate(engine)
    resident_in = _limit(ResidentCreate, unit_id=estate.unit_1204)
    row = _call(
        engine, residents.create_resident, actor=staff.admin, clock=clock, resident_in=resident_in
    )
    _texts(resident_in, row)


def case_add_entry(engine, clock, settings, staff):
    from deskterm.models.shift import LogbookEntryCreate
    from deskterm.services.shift import logbook

    entry_in = _limit(LogbookEntryCreate, occurred_at=clock.now())
    row = _call(engine, logbook.add_entry, actor=staff.operator, clock=clock, entry_in=entry_in)
    _texts(entry_in, row)


CASES = {
    name.removeprefix("case_"): fn
    for name, fn in dict(globals()).items()
    if name.startswith("case_")
}


def _write_services() -> set[str]:
    """Every public service function with an actor that takes a form model."""
    found = set()
    for info in pkgutil.walk_packages(deskterm.services.__path__, "deskterm.services."):
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            if fn.__module__ != module.__name__ or "actor" not in inspect.signature(fn).parameters:
                continue
            hints = typing.get_type_hints(fn)
            for hint in hints.values():
                for arg in (hint, *typing.get_args(hint)):
                    if isinstance(arg, type) and issubclass(arg, FormModel):
                        found.add(name)
    return found


def test_every_write_service_taking_a_form_model_has_a_case():
    assert _write_services() == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_model_at_its_limits_saves_as_it_is(case, engine, clock, settings, staff):
    """The service does not re-check (or cut, or refuse again) what the model guarantees."""
    CASES[case](engine, clock, settings, staff)


def test_the_refusal_sentence_is_translated():
    with written_in("zh_CN"):
        assert _("It cannot be left empty.") != "It cannot be left empty."


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("VisitorSlipCreate", "phone"),
        ("ComplaintCreate", "contact"),
        ("ComplaintUpdate", "contact"),
    ],
)
def test_a_phone_with_letters_is_refused_not_cut_to_its_digits(model, field):
    """Found by the outside test: "粤B54321" typed as a phone was saved as 54321."""
    from deskterm.models import complaint, visitor

    cls = getattr(complaint, model, None) or getattr(visitor, model)
    base = _sample(cls) if model != "ComplaintUpdate" else {}
    with pytest.raises(InvalidInput) as refused:
        validated(cls, {**base, field: "粤B54321"}, today=date(2026, 11, 28))
    assert refused.value.field == field and "digits" in str(refused.value)


def test_a_full_width_id_number_is_the_same_number():
    """Found by the outside test: an ID typed in full-width digits (an IME) was refused."""
    from deskterm.models.visitor import VisitorSlipCreate

    base = _sample(VisitorSlipCreate)
    half = validated(
        VisitorSlipCreate,
        {**base, "doc_type": "resident_id", "doc_number": "11010519491231002X"},
        today=date(2026, 11, 28),
    )
    full = validated(
        VisitorSlipCreate,
        {**base, "doc_type": "resident_id", "doc_number": "１１０１０５１９４９１２３１００２Ｘ"},
        today=date(2026, 11, 28),
    )
    assert full.doc_masked == half.doc_masked and full.doc_masked.endswith("002X")
