"""Every library internal deskterm uses is in deskterm/tui/internals.py, and still works.

An upgrade of Textual that renames, removes or changes one of them fails here, by name, instead
of showing as a stale style, a toast that never goes or a paste split into key presses. The
other half of the rule -- no other module touches a library's private names -- is ruff's SLF001
(pyproject.toml) and `test_no_module_but_internals_imports_or_overrides_library_privates`.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from deskterm.tui import internals

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = ROOT / "deskterm" / "tui" / "internals.py"


def _resolve(target: str):
    module, _, attr = target.partition(":")
    obj = importlib.import_module(module)
    return getattr(obj, attr) if attr else obj


@pytest.mark.parametrize(
    "owner,name",
    internals.TEXTUAL_INTERNALS,
    ids=[f"{o}.{n}" for o, n in internals.TEXTUAL_INTERNALS],
)
def test_each_named_internal_is_still_there(owner, name):
    import inspect

    obj = _resolve(owner)
    # a method or class attribute, or an instance attribute set in the constructor
    assert hasattr(obj, name) or (
        isinstance(obj, type) and f"self.{name}" in inspect.getsource(obj.__init__)
    ), f"{owner}.{name} is gone: see deskterm/tui/internals.py"


def test_the_docstring_names_every_internal():
    doc = internals.__doc__ or ""
    for owner, name in internals.TEXTUAL_INTERNALS:
        short = owner.rpartition(":")[2] if ":" in owner else owner
        assert name in doc and short.split(".")[-1] in doc, (owner, name)


async def test_a_new_area_screen_opens_without_textual_reparsing_the_app(make_desk_app):
    """Note 1: switching to a new area's mode does not re-parse the stylesheet (it would if
    Textual's counts changed meaning), and the area is styled by the app's CSS all the same."""
    from tests.tui.conftest import SIZE, settle

    app = make_desk_app(area="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reparsed = []
        stylesheet = app.stylesheet
        original = stylesheet.reparse

        def counting():
            reparsed.append(True)
            return original()

        stylesheet.reparse = counting
        await pilot.press("f3")
        await settle(pilot)
        assert type(app.screen).__name__ == "VisitorsScreen"
        assert reparsed == []
        # the screen's own rules apply (visitors.tcss, read at start)
        assert app.screen.styles.layout is not None
        await pilot.press("f2", "f3")
        await settle(pilot)
        assert reparsed == []


async def test_withdraw_takes_one_notification_off_and_leaves_the_others(make_desk_app):
    """Note 2."""
    from textual.notifications import Notification, Notify

    from tests.tui.conftest import SIZE, settle
    from tests.tui.notices import shown_notices

    app = make_desk_app(area="dashboard")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.notify("stays", timeout=60)
        going = Notification("goes", "", "information", 60)
        app.post_message(Notify(going))
        await settle(pilot)
        assert {"stays", "goes"} <= set(shown_notices(app))
        internals.withdraw_notification(app, going)
        internals.withdraw_notification(app, going)  # twice: nothing happens
        await settle(pilot)
        assert "goes" not in shown_notices(app) and "stays" in shown_notices(app)


def test_the_xterm_parser_reads_a_paste_as_the_driver_feeds_it():
    """Note 3: the parser the paste-safe driver runs, fed as LinuxDriver feeds it."""
    from textual import events

    from deskterm.tui.paste import PasteGuard

    parser_class, parse_error = internals.xterm_parser()
    assert issubclass(parse_error, Exception)
    parser = parser_class(False)
    guard = PasteGuard()
    got = list(parser.feed(guard.feed("\x1b[200~KKK\x1bq\x13\x1b[201~")))
    pastes = [e for e in got if isinstance(e, events.Paste)]
    keys = [e for e in got if isinstance(e, events.Key)]
    assert [p.text for p in pastes] == ["KKK\u241bq\x13"] and keys == []


# -- the rule itself ----------------------------------------------------------------------------
def _python_files():
    for folder in ("deskterm", "tests", "bench", "scripts"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_no_module_but_internals_imports_or_overrides_library_privates():
    """No `textual.*._*` (or any library's `_module`) import, and no Textual `_on_*` handler
    or `_css_*` attribute defined, outside deskterm/tui/internals.py (ruff's SLF001 covers
    reading and setting `obj._name`)."""
    problems = []
    for path in _python_files():
        if path == ALLOWED or "migrations/versions" in str(path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                top, *parts = name.split(".")
                if top != "deskterm" and any(
                    p.startswith("_") and not p.startswith("__") for p in parts
                ):
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
            if isinstance(node, ast.ClassDef):  # a handler of Textual's own, pre-empted
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and (
                        item.name.startswith(("_on_", "_css_", "_watch_"))
                    ):
                        problems.append(
                            f"{path.relative_to(ROOT)}:{item.lineno} defines "
                            f"{node.name}.{item.name}"
                        )
            if isinstance(node, ast.Attribute) and node.attr.startswith("_css_"):
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {node.attr}")
    assert problems == []


def test_ruff_slf001_is_on_and_excused_only_for_internals():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "SLF001" in config["select"] or "SLF" in config["select"]
    ignores = config.get("per-file-ignores", {})
    excused = [path for path, rules in ignores.items() if any(r.startswith("SLF") for r in rules)]
    assert excused == ["deskterm/tui/internals.py"]


def test_no_desk_class_overrides_or_shadows_a_private_name_of_textual():
    """Every class of deskterm.tui built on a Textual class (enumerated): none of its own
    underscore names (methods, attributes set in the class) is one Textual's bases have."""
    import inspect
    import pkgutil

    import deskterm.tui

    problems = []
    for info in pkgutil.walk_packages(deskterm.tui.__path__, "deskterm.tui."):
        if info.name == "deskterm.tui.internals":
            continue
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and cls.__module__ == module.__name__):
                continue
            textual_bases = [b for b in cls.__mro__[1:] if b.__module__.startswith("textual")]
            if not textual_bases:
                continue
            # names Textual sets on every subclass itself (merged bindings, CSS type names...)
            auto = set(vars(type("Probe", (textual_bases[0],), {"__module__": "probe"})))
            for name in vars(cls):
                if name.startswith("_") and not name.startswith("__") and name not in auto:
                    owner = next((b for b in textual_bases if name in vars(b)), None)
                    if owner is not None:
                        problems.append(f"{cls.__qualname__}.{name} ({owner.__qualname__})")
    assert problems == []
