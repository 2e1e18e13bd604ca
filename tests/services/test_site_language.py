"""The lines the app writes itself into the records (logbook lines, handed-over items) are in the
site's language (settings.site_lang), not the language of the operator's screen (issue 16, 9):
an English-speaking operator on a Chinese site leaves Chinese lines for the next shift.

Every place a service builds a logbook line or a handover item is enumerated from the source,
so a new writer cannot escape: it must be driven here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sqlmodel import select

import deskterm
from deskterm.db import run_read, run_write
from deskterm.i18n import _, current_language, set_language, written_in
from deskterm.models.shift import HandoverItem, LogbookEntry
from deskterm.services.shift import duty as shifts
from deskterm.services.shift import handover
from deskterm.services.visitors import slips as visitors
from tests.factories import make_estate, walk_in
from tests.services.test_dashboard import add_message, add_repair, add_visitor
from tests.services.test_handover import on_shift, sign

# Every function of deskterm/services that builds a record of these kinds, and how its text
# reaches it: "system" (written by the app, rendered with written_in), or "typed" (the text is
# what a person typed, passed through as it is).
RECORDS = ("LogbookEntry", "LogbookEntryCreate", "HandoverItem")
WRITERS = {
    "services/shift/logbook.py:add_entry": "typed",
    "services/visitors/slips.py:turn_away": "system",
    "services/shift/duty.py:_report_gaps": "system",
    "services/shift/duty.py:close_abandoned": "system",
    "services/shift/handover.py:refuse": "system",
    "services/shift/handover.py:sign": "system",  # open items' text; notices are typed
}
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _writers_in_source() -> set[str]:
    root = Path(deskterm.__file__).parent
    found = set()
    for path in (root / "services").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for node in ast.walk(fn):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in RECORDS
                ):
                    found.add(f"{path.relative_to(root).as_posix()}:{fn.name}")
    return found


def test_every_writer_of_a_logbook_line_or_handover_item_is_driven_here():
    assert _writers_in_source() == set(WRITERS)


# -- every app-chosen word stored in any record (issue 16 re-test: an inquiry's topic) -----
# A translated word (`_()`, or `_().format`) given as the value of a record's field (a model
# or schema built anywhere in the app), or of a service call's argument, outside a
# `with written_in(...)` block, would be stored in the operator's screen language. Found from
# the source: each such place must be a function this module drives in both directions below,
# which runs only inside written_in (its callers wrap it). `i18n.site_text` is the one-word way.
SITE_WORDS_DRIVEN = {
    "services/shift/duty.py:_report_gaps",
    "services/callbacks/outcomes.py:_dissatisfied_written",
}
# a service call's arguments that are refusal sentences (shown, never stored)
MESSAGE_ARGS = {"message", "required_msg", "what", "label"}


def _model_names() -> set[str]:
    import importlib
    import inspect
    import pkgutil

    from pydantic import BaseModel

    import deskterm.models

    names = set()
    for info in pkgutil.iter_modules(deskterm.models.__path__):
        module = importlib.import_module(f"deskterm.models.{info.name}")
        names |= {
            n
            for n, o in vars(module).items()
            if inspect.isclass(o) and issubclass(o, BaseModel) and o.__module__ == module.__name__
        }
    return names


def _ui_words(node: ast.AST) -> bool:
    """The value is a translated word of the running language (at its top level)."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id == "_"
        return (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and _ui_words(node.func.value)
        )
    if isinstance(node, ast.BoolOp):
        return any(_ui_words(v) for v in node.values)
    if isinstance(node, ast.IfExp):
        return _ui_words(node.body) or _ui_words(node.orelse)
    if isinstance(node, ast.BinOp):
        return _ui_words(node.left) or _ui_words(node.right)
    if isinstance(node, ast.JoinedStr):
        return any(_ui_words(v.value) for v in node.values if isinstance(v, ast.FormattedValue))
    return False


def _ui_words_into_records() -> set[str]:
    root = Path(deskterm.__file__).parent
    models = _model_names()
    found = set()
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        services = {
            a.asname or a.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("deskterm.services")
            for a in node.names
        }
        shielded = {
            id(sub)
            for node in ast.walk(tree)
            if isinstance(node, ast.With)
            and any(
                isinstance(i.context_expr, ast.Call)
                and getattr(i.context_expr.func, "id", None) == "written_in"
                for i in node.items
            )
            for sub in ast.walk(node)
        }
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for call in ast.walk(fn):
                if not isinstance(call, ast.Call) or id(call) in shielded:
                    continue
                func = call.func
                if isinstance(func, ast.Attribute) and func.attr in (
                    "model_construct",
                    "model_validate",
                ):
                    func = func.value
                head = func
                while isinstance(head, ast.Attribute):
                    head = head.value
                name = head.id if isinstance(head, ast.Name) else ""
                if isinstance(func, ast.Name) and func.id in models:
                    values = [k.value for k in call.keywords] + list(call.args)
                elif name in services:
                    values = [k.value for k in call.keywords if k.arg not in MESSAGE_ARGS]
                else:
                    continue
                if any(_ui_words(v) for v in values):
                    found.add(f"{path.relative_to(root).as_posix()}:{fn.name}")
    return found


def test_every_app_word_stored_in_a_record_is_in_the_site_s_language():
    """Before the fix: tui/dialogs/inquiry_contact.py (the default topic) and
    services/callbacks/outcomes.py (a dissatisfied callback's complaint) were found."""
    assert _ui_words_into_records() <= SITE_WORDS_DRIVEN


@pytest.mark.parametrize(("site", "ui"), [("zh_CN", "en"), ("en", "zh_CN")])
def test_a_dissatisfied_callback_writes_its_complaint_in_the_site_s_language(
    engine, clock, settings, staff, site, ui
):
    from deskterm.models.complaint import Complaint
    from deskterm.services import callback_schedule
    from deskterm.services.callbacks import outcomes as callback_outcomes
    from tests.services.test_callbacks import repaired_order

    site_settings = settings.replace(site_lang=site)
    oid = repaired_order(engine, clock, site_settings, staff.operator)
    cb = run_read(engine, lambda s: callback_schedule.pending_for(s, kind="repair", subject_id=oid))
    set_language(ui)
    run_write(
        engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=site_settings,
            callback_id=cb.id,
            version=cb.version,
            method="phone",
            result="dissatisfied",
            comment="维修工态度差",
            person="陈阿姨",
            dissatisfied_action="complaint",
        ),
    )
    made = run_read(engine, lambda s: s.exec(select(Complaint)).one())
    if site == "zh_CN":
        assert ENGLISH_WORD.search(made.content + made.department) is None, made
    else:
        assert "Callback on repair" in made.content and made.department == "Engineering"


def test_the_default_topic_is_written_in_the_site_s_language():
    from deskterm.i18n import site_text
    from deskterm.services.inquiries.log import DEFAULT_TOPIC

    set_language("en")
    assert site_text(DEFAULT_TOPIC, "zh_CN") == "找人"
    set_language("zh_CN")
    assert site_text(DEFAULT_TOPIC, "en") == "Looking for someone"
    set_language("en")


def test_written_in_changes_only_this_thread_s_language():
    set_language("en")
    with written_in("zh_CN"):
        assert _("Supervisor") == "主管"
    assert _("Supervisor") == "Supervisor" and current_language() == "en"


def _system_lines(engine) -> list[str]:
    lines = run_read(
        engine,
        lambda s: [
            text
            for e in s.exec(select(LogbookEntry)).all()
            for text in (e.what, e.action_taken, e.notified)
            if text
        ],
    )
    items = run_read(
        engine,
        lambda s: [
            i.text for i in s.exec(select(HandoverItem).where(HandoverItem.kind == "open")).all()
        ],
    )
    return lines + items


@pytest.mark.parametrize(("site", "ui"), [("zh_CN", "en"), ("en", "zh_CN")])
def test_every_line_the_app_writes_is_in_the_site_s_language(
    engine, clock, settings, staff, site, ui
):
    site_settings = settings.replace(site_lang=site)
    set_language(ui)  # the operator's screen speaks the other language
    estate = make_estate(engine)
    # services/visitors/slips.py:turn_away
    run_write(
        engine,
        lambda s: visitors.turn_away(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=site_settings,
            slip_in=walk_in(estate, host_call_result="refused", doc_type="none", doc_number=None),
            cause=visitors.TurnAwayCause.host_refused,
        ),
    )
    # duty.py:close_abandoned, then duty.py:_report_gaps (the next check-in reports the gap)
    left = on_shift(engine, clock, site_settings, staff.operator)
    clock.advance(hours=12)
    run_write(
        engine,
        lambda s: shifts.close_abandoned(
            session=s,
            actor=staff.admin,
            clock=clock,
            settings=site_settings,
            shift_id=left.shift_id,
            reason="未交班",
        ),
    )
    outgoing = on_shift(engine, clock, site_settings, staff.supervisor)
    # handover.py:sign (the open items), then handover.py:refuse
    add_visitor(engine, clock, outgoing)
    add_message(engine, clock, outgoing)
    add_repair(engine, clock, outgoing, "urgent")
    signed = sign(engine, clock, site_settings, outgoing)
    incoming = on_shift(engine, clock, site_settings, staff.admin)
    run_write(
        engine,
        lambda s: handover.refuse(
            session=s,
            actor=incoming,
            clock=clock,
            settings=site_settings,
            handover_id=signed.id,
            reason="钥匙少一把",
        ),
    )
    set_language(ui)
    lines = _system_lines(engine)
    assert len(lines) >= 8, lines
    if site == "zh_CN":
        english = [line for line in lines if ENGLISH_WORD.search(line)]
        assert english == [], english
        assert any("主管" == line for line in lines)
    else:
        assert "Supervisor" in lines
        assert any("Visitor turned away" in line for line in lines)
        assert any("refused" in line for line in lines)
        assert any("without a handover" in line for line in lines)
