"""A refusal lands on the field the operator typed it in, never in a pop-up that hides which
field is wrong (the form keeps its fields either way).

A form model names its fields as the records do (`applicant_name`, `host_text`); a form may
call its field otherwise (`applicant`, `host`). Such a field says which refusals are about it
(`FormField(refusals=...)`). Enumerated: every text field of every form model is shown by some
form field, by name or by `refusals`, or is listed below as never typed. Then the two
forms the outside tester found refusing in a pop-up, driven with keys.
"""

from __future__ import annotations

import ast
import importlib
import pathlib
import pkgutil
import typing

import deskterm.models as models_package
from deskterm.models.forms import FormModel
from deskterm.tui.widgets.field import FormField
from tests.tui.conftest import SIZE, settle, type_text

TUI = pathlib.Path(__file__).resolve().parents[2] / "deskterm" / "tui"

# Text fields of form models the operator never types: the desk fills them in from a choice.
NEVER_TYPED = {
    "InquiryCreate.target_kind": "set from the directory line or person chosen",
    "InquiryCreate.target_text": "the chosen entry's name",
    "MessageCreate.for_kind": "set from who the message is for (a chosen person or post)",
    "ResidentCreate.relation": "imported from the office's sheet (no desk form adds residents)",
    "VisitorSlipCreate.host_call_method": "chosen in the host-call dialog's list",
    "VisitorSlipCreate.doc_masked": "made from the ID number by the model itself",
}


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _names_shown() -> set[str]:
    """Every field name a form field of the TUI takes refusals for: FormField(name=...,
    refusals=(...)), the visitor forms' `field(label, "name", refusals=...)` and the repair
    steps' `StepField("name", ...)`."""
    shown: set[str] = set()
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called not in ("FormField", "field", "StepField"):
                continue
            position = {"FormField": None, "field": 1, "StepField": 0}[called]
            if position is not None and len(node.args) > position:
                shown.add(_literal(node.args[position]) or "")
            for keyword in node.keywords:
                if keyword.arg == "name":
                    shown.add(_literal(keyword.value) or "")
                if keyword.arg == "refusals" and isinstance(keyword.value, ast.Tuple):
                    shown |= {_literal(e) or "" for e in keyword.value.elts}
    return shown - {""}


def _form_models() -> list[type[FormModel]]:
    for info in pkgutil.iter_modules(models_package.__path__):
        importlib.import_module(f"deskterm.models.{info.name}")
    found, todo = [], [FormModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            found.append(sub)
    return sorted(set(found), key=lambda c: c.__name__)


def _is_text(annotation: object) -> bool:
    if annotation is str:
        return True
    return any(_is_text(arg) for arg in typing.get_args(annotation))


def test_every_text_field_of_every_form_model_has_a_form_field_for_its_refusals():
    shown = _names_shown()
    models = _form_models()
    assert len(models) >= 15
    missing = [
        f"{model.__name__}.{name}"
        for model in models
        for name, info in model.model_fields.items()
        if _is_text(info.annotation)
        and name not in shown
        and f"{model.__name__}.{name}" not in NEVER_TYPED
    ]
    assert missing == [], "a refusal of these would land in a pop-up, not on a field"
    # the list of exceptions is true: each names a real text field no form shows
    for entry in NEVER_TYPED:
        model_name, name = entry.split(".")
        model = next(m for m in models if m.__name__ == model_name)
        assert _is_text(model.model_fields[name].annotation) and name not in shown, entry


def test_a_form_field_takes_the_refusals_it_names():
    field = FormField("Name", name="applicant", refusals=("applicant_name",))
    assert field.shows("applicant") and field.shows("applicant_name")
    assert not field.shows("area")


def _marked(app) -> list[str]:
    return [f.name or "" for f in app.screen.query(FormField) if f.has_class("-error")]


async def test_a_too_long_applicant_name_is_marked_on_its_field(make_desk_app, engine):
    app = make_desk_app(area="complaints")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.screen.new_area_request()
        await settle(pilot)
        await type_text(pilot, "物" * 130)
        await pilot.press("tab", "tab")  # past the unit, to the area
        await type_text(pilot, "大堂")
        await pilot.press("tab", "tab")  # past the time wanted, to the request
        await type_text(pilot, "周末办活动")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _marked(app) == ["applicant"]
        assert len(app.screen.query_one("#applicant-input").value) == 130  # kept as typed
        assert not app.query("Toast")  # on the field, not in a pop-up


async def test_an_answer_and_a_referral_together_mark_the_referral(make_desk_app, engine):
    app = make_desk_app(area="complaints")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await type_text(pilot, "张先生")
        await pilot.press("tab", "tab")
        await type_text(pilot, "楼道很脏")
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "已通知保洁")
        await pilot.press("tab")
        await type_text(pilot, "工程部刘经理")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _marked(app) == ["referred_to"]
        assert app.screen.query_one("#answer-input").value == "已通知保洁"
        assert not app.query("Toast")
