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
from tests.services.test_dashboard import add_message, add_repair, add_visitor
from tests.services.test_handover import on_shift, sign
from tests.visitor_factories import make_estate, walk_in

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
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in RECORDS):
                    found.add(f"{path.relative_to(root).as_posix()}:{fn.name}")
    return found


def test_every_writer_of_a_logbook_line_or_handover_item_is_driven_here():
    assert _writers_in_source() == set(WRITERS)


def test_written_in_changes_only_this_thread_s_language():
    set_language("en")
    with written_in("zh_CN"):
        assert _("Supervisor") == "主管"
    assert _("Supervisor") == "Supervisor" and current_language() == "en"


def _system_lines(engine) -> list[str]:
    lines = run_read(engine, lambda s: [
        text for e in s.exec(select(LogbookEntry)).all()
        for text in (e.what, e.action_taken, e.notified) if text])
    items = run_read(engine, lambda s: [
        i.text for i in s.exec(select(HandoverItem).where(HandoverItem.kind == "open")).all()])
    return lines + items


@pytest.mark.parametrize(("site", "ui"), [("zh_CN", "en"), ("en", "zh_CN")])
def test_every_line_the_app_writes_is_in_the_site_s_language(engine, clock, settings, staff,
                                                               site, ui):
    site_settings = settings.replace(site_lang=site)
    set_language(ui)  # the operator's screen speaks the other language
    estate = make_estate(engine)
    # services/visitors/slips.py:turn_away
    run_write(engine, lambda s: visitors.turn_away(
        session=s, actor=staff.operator, clock=clock, settings=site_settings,
        slip_in=walk_in(estate, host_call_result="refused", doc_type="none", doc_number=None),
        cause=visitors.TurnAwayCause.host_refused))
    # duty.py:close_abandoned, then duty.py:_report_gaps (the next check-in reports the gap)
    left = on_shift(engine, clock, site_settings, staff.operator)
    clock.advance(hours=12)
    run_write(engine, lambda s: shifts.close_abandoned(
        session=s, actor=staff.admin, clock=clock, settings=site_settings,
        shift_id=left.shift_id, reason="未交班"))
    outgoing = on_shift(engine, clock, site_settings, staff.supervisor)
    # handover.py:sign (the open items), then handover.py:refuse
    add_visitor(engine, clock, outgoing)
    add_message(engine, clock, outgoing)
    add_repair(engine, clock, outgoing, "urgent")
    signed = sign(engine, clock, site_settings, outgoing)
    incoming = on_shift(engine, clock, site_settings, staff.admin)
    run_write(engine, lambda s: handover.refuse(
        session=s, actor=incoming, clock=clock, settings=site_settings, handover_id=signed.id,
        reason="钥匙少一把"))
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
