"""No one-line field cuts or drops what is typed or pasted (the forms promise; outside test of
the handover counts: "1.5" became "15", twenty nines became six, "abc" vanished, no word).

Textual's Input can restrict what it takes (`type="integer"`/`"number"`, `restrict=`,
`max_length=`): a key that does not fit is dropped with a bell, a paste past the limit is
refused whole, and every paste loses all but its first line. The desk's one-line fields are
PlainInputs (widgets/field.py): any text is kept as typed, a limit is shown by the field's
counter, and the save is refused with a sentence on the field.

- Every construction of an Input anywhere in deskterm/tui (read from the source: every dialog,
  screen and widget) is a PlainInput, with none of the restricting arguments; nothing sets them
  afterwards.
- Every Input class of the desk, built and typed into, keeps every character.
- Every area screen, as it runs, holds only such Inputs.
"""

from __future__ import annotations

import ast
import importlib
import pathlib
import pkgutil

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from deskterm.tui.widgets.field import PlainInput
from tests.tui.conftest import SIZE, settle

TUI = pathlib.Path(__file__).resolve().parents[2] / "deskterm" / "tui"
RESTRICTING = ("restrict", "max_length", "type")  # the Input arguments that drop typing


def _import_all() -> None:
    import deskterm.tui

    for info in pkgutil.walk_packages(deskterm.tui.__path__, "deskterm.tui."):
        importlib.import_module(info.name)


def _input_classes() -> dict[str, type]:
    """Every Input class by name: Textual's and the desk's."""
    _import_all()
    found, todo = {"Input": Input}, [Input]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            found.setdefault(sub.__name__, sub)
    return found


def _desk_inputs() -> list[type]:
    return [c for c in _input_classes().values() if c.__module__.startswith("deskterm.")]


def _sources() -> list[pathlib.Path]:
    return sorted(TUI.rglob("*.py"))


def _constructions() -> list[tuple[str, int, str, ast.Call]]:
    names = _input_classes()
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else None
            )
            if name in names:
                found.append((path.name, node.lineno, name, node))
    return found


def test_every_input_built_in_the_desk_is_a_plain_input_that_restricts_nothing():
    made = _constructions()
    assert len(made) >= 6, made  # the FormField default, NextInput's field(), the searches...
    names = _input_classes()
    wrong = []
    for file, line, name, call in made:
        if not issubclass(names[name], PlainInput):
            wrong.append(f"{file}:{line}: {name}(...) is not a PlainInput (it drops pasted lines)")
        for keyword in call.keywords:
            if keyword.arg not in RESTRICTING:
                continue
            if keyword.arg == "type" and isinstance(keyword.value, ast.Constant):
                if keyword.value.value == "text":
                    continue
            wrong.append(f"{file}:{line}: {name}({keyword.arg}=...) cuts or drops typing")
    assert not wrong, "\n".join(wrong)


def _assigned(tree: ast.AST) -> list[tuple[int, ast.expr]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            out += [(node.lineno, t) for t in node.targets]
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            out.append((node.lineno, node.target))
    return out


def test_nothing_sets_a_restriction_on_an_input_afterwards():
    """`x.restrict = ...` / `x.max_length = ...` anywhere, and any such attribute of a desk
    Input class; another class's own `self.max_length` (FormField's counter, a dialog's
    limit for its sentence) is not an Input's."""
    inputs = _input_classes()
    wrong = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        input_bodies = [
            n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name in inputs
        ]
        for line, target in _assigned(tree):
            if isinstance(target, ast.Attribute) and target.attr in ("restrict", "max_length"):
                on_self = isinstance(target.value, ast.Name) and target.value.id == "self"
                if not on_self:
                    wrong.append(f"{path.name}:{line}: .{target.attr} is set")
        for cls in input_bodies:
            for line, target in _assigned(cls):
                name = target.attr if isinstance(target, ast.Attribute) else None
                name = target.id if isinstance(target, ast.Name) else name
                if name in ("restrict", "max_length", "type"):
                    wrong.append(f"{path.name}:{line}: {cls.name}.{name} is set")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_the_rule_sees_a_restricting_input():
    """The scan is not blind: the restricted handover count it was written for is found."""
    source = 'Input(value="", type="integer", compact=True, max_length=6, id="count-keys")'
    call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
    assert isinstance(call, ast.Call)
    assert [k.arg for k in call.keywords if k.arg in RESTRICTING] == ["type", "max_length"]


TYPED = "1.5 abc 99999999999999999999 -1 张三 ①"


class Form(App):
    def __init__(self, cls: type) -> None:
        super().__init__()
        self.cls = cls

    def compose(self) -> ComposeResult:
        yield self.cls(id="probe")


@pytest.mark.parametrize("cls", _desk_inputs(), ids=lambda c: c.__name__)
async def test_every_desk_input_keeps_what_is_typed(cls):
    app = Form(cls)
    async with app.run_test(size=SIZE) as pilot:
        probe = app.query_one("#probe", Input)
        assert (probe.type, probe.restrict, probe.max_length) == ("text", None, 0)
        probe.focus()
        await pilot.press(*TYPED)
        await pilot.pause()
        assert probe.value == TYPED  # (pastes: tests/tui/test_paste.py, every field kind)


async def test_every_area_screen_holds_only_inputs_that_keep_typing(make_desk_app):
    from deskterm.tui.areas import AREAS

    app = make_desk_app(role="supervisor")
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for area in AREAS:
            await pilot.press(area.key.split(",")[0])
            await settle(pilot)
            screen = app.screen
            if getattr(screen, "AREA", None) != area.id:
                continue  # not open to this role
            inputs = list(screen.query(Input))
            seen[area.id] = [i.id or "?" for i in inputs]
            for field in inputs:
                assert isinstance(field, PlainInput), (area.id, field.id, type(field))
                assert (field.type, field.restrict, field.max_length) == ("text", None, 0), (
                    area.id,
                    field.id,
                )
    # each area was reached and looked at (the handover's counts among them), not skipped
    assert {"visitors", "inquiries", "repairs", "complaints", "logbook", "handover"} <= set(seen)
    assert sum(name.startswith("count-") for name in seen["handover"]) >= 5, seen
