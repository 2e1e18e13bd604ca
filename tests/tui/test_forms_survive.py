"""Issue 14, item 7: forms survive every refusal (a stale edit, a full disk, a locked
database, a lost connection): the dialog stays open with what was typed.

- Every dialog with fields to type in is held to one of the ways that keep the typing:
  it saves itself (SaveDialog, or its own write through run_db), it is opened only with
  `.save_with(...)` (DeskDialog saves before closing), or its flow opens it again as typed
  with the refusal (listed in REOPENED, each with the test that shows it). A new dialog that
  is none of these fails here.
- The refusals themselves, injected at the database layer, in a dialog of each way.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pathlib
import pkgutil

import pytest
from sqlalchemy.exc import OperationalError

from deskterm.errors import StaleEdit, StorageFull
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.field import FormField
from tests.tui.conftest import settle, type_text

BOTH_ENGINES = True  # what these screens show depends on the engine (tests/tui/conftest.py)

TUI = pathlib.Path(__file__).resolve().parents[2] / "deskterm" / "tui"

# Dialogs whose flow opens them again, as typed, with the refusal (and the test showing it).
REOPENED = {
    "RegisterSlipDialog": "visitors_register._save: back(draft) on any refusal",
    "ExpectedDialog": "visitors_register._expected_done: on_error reopens the draft",
    "DenyEntryDialog": "test_visitors::test_a_supervisor_adds_a_name_to_the_deny_list...",
    "ArrivalDialog": "visitors_register._arrived: back() reopens with the arrival typed",
    "SupervisorDialog": "a supervisor's sign-in, not a save: a refusal stays in the dialog",
    "EditSlipDialog": "visitors_slips._correction_failed: reopens the correction as typed with "
    "the refusal (a deny-list match asks the supervisor first)",
}

# Files whose ReasonDialog only asks (nothing is saved when it closes, so nothing can be refused).
ASKS_ONLY = {
    "repair_actions.py": "why the full phone goes on the printout: the print is audited with it",
}


def _dialogs() -> list[type]:
    import deskterm.tui.app  # noqa: F401

    for package in ("deskterm.tui.dialogs", "deskterm.tui.screens"):
        module = importlib.import_module(package)
        for info in pkgutil.iter_modules(module.__path__):
            importlib.import_module(f"{package}.{info.name}")
    found, todo = [], [DeskDialog]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            found.append(sub)
    return found


def _types_text(cls) -> bool:
    source = inspect.getsource(cls)
    return any(word in source for word in ("FormField(", "Input(", "TextArea(", "field("))


def _saves_itself(cls) -> bool:
    from deskterm.tui.dialogs.complaint_common import SaveDialog

    if issubclass(cls, SaveDialog):
        return True
    # The class and the desk's bases it inherits a save from (a ListFormDialog's `save`),
    # not DeskDialog itself (its save_with is what callers wrap a dialog in).
    own = [c for c in cls.__mro__ if issubclass(c, DeskDialog) and c is not DeskDialog]
    trees = [ast.parse(inspect.getsource(c).lstrip()) for c in own]
    methods = {
        n.name: n
        for tree in reversed(trees)
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef)
    }
    saves = False
    calls = [n for tree in trees for n in ast.walk(tree)]
    for call in calls:
        if isinstance(call, ast.Call) and getattr(call.func, "attr", "") in ("run_db", "save"):
            keywords = {k.arg: k.value for k in call.keywords}
            write = keywords.get("write")
            if isinstance(write, ast.Constant) and write.value is False:
                continue
            saves = True
            handler = methods.get(getattr(keywords.get("on_error"), "attr", ""))
            if handler is not None and any(  # a refusal that closes the dialog loses the typing
                getattr(n.func, "attr", "") == "dismiss"
                for n in ast.walk(handler)
                if isinstance(n, ast.Call)
            ):
                return False
    return saves


def _openings() -> dict[str, tuple[int, int]]:
    """Dialog class name -> (times it is built in deskterm/tui, times with .save_with)."""
    counts: dict[str, list[int]] = {}
    for path in TUI.rglob("*.py"):
        if path.name in ASKS_ONLY:
            continue
        tree = ast.parse(path.read_text())
        wrapped = set()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "save_with"
                and isinstance(node.func.value, ast.Call)
            ):
                wrapped.add(id(node.func.value))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                pair = counts.setdefault(node.func.id, [0, 0])
                pair[0] += 1
                pair[1] += id(node) in wrapped
    return {k: (v[0], v[1]) for k, v in counts.items()}


def test_every_dialog_with_typed_fields_keeps_them_on_a_refusal():
    openings = _openings()
    checked, unkept = 0, []
    for cls in _dialogs():
        if cls.__subclasses__() or not _types_text(cls):  # a part or base: its hosts are checked
            continue
        checked += 1
        built, wrapped = openings.get(cls.__name__, (0, 0))
        if _saves_itself(cls) or cls.__name__ in REOPENED or (built and built == wrapped):
            continue
        unkept.append(f"{cls.__module__}.{cls.__name__} (built {built}×, saved {wrapped}×)")
    print(f"\n{checked} dialogs with typed fields checked")
    assert checked >= 15
    assert unkept == [], "dialogs that lose what was typed on a refusal"


FAILURES = {
    "stale": lambda: StaleEdit("Another desk changed this record while you had it open."),
    "disk full": lambda: StorageFull("The disk is full: nothing was saved."),
    "locked": lambda: OperationalError("UPDATE", {}, Exception("database is locked")),
    "connection lost": lambda: OperationalError(
        "UPDATE", {}, Exception("server closed the connection unexpectedly")
    ),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
async def test_a_reason_typed_survives_a_refused_save(
    make_desk_app, engine, clock, settings, staff, monkeypatch, failure
):
    """The supervisor closes an abandoned shift (a ReasonDialog opened with save_with): the
    save is refused; the dialog and the reason stay; the next Enter saves."""
    import deskterm.db
    from deskterm.db import run_read
    from deskterm.services.shift import duty
    from tests.tui.conftest import start_shift_for

    start_shift_for(engine, clock, settings, staff.operator)
    app = make_desk_app(role="supervisor", on_duty=True)
    real = deskterm.db.run_write
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        dialog = app.screen
        await type_text(pilot, "李静已下班")

        def refuse(engine, work, **kwargs):
            raise FAILURES[failure]()

        monkeypatch.setattr(deskterm.db, "run_write", refuse)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert [f.value for f in dialog.query(FormField)] == ["李静已下班"]
        assert run_read(engine, lambda s: duty.on_duty(s, post=settings.post)) is not None
        monkeypatch.setattr(deskterm.db, "run_write", real)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not dialog
    assert run_read(engine, lambda s: duty.on_duty(s, post=settings.post)) is None
