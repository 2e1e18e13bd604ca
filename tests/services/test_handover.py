"""The handover book (D-2, D-11): collect, sign once, accept or refuse; sealed; the sheet."""

import pytest
from sqlalchemy import text
from sqlmodel import select

from deskterm.db import read_session, run_read, run_write
from deskterm.errors import DeskError, InvalidInput
from deskterm.models.shift import HandoverItem, HandoverStatus, Shift, ShiftStatus
from deskterm.services import audit, printing
from deskterm.services.actor import Actor
from deskterm.services.shift import dashboard, handover
from deskterm.services.shift import duty as shifts
from tests.services.test_dashboard import add_log, add_message, add_repair, add_visitor

ALL_OK = {"appearance": True, "desk_tidy": True, "equipment": True}


def on_shift(engine, clock, settings, actor) -> Actor:
    shift = run_write(
        engine,
        lambda s: shifts.start_shift(
            session=s, actor=actor, clock=clock, settings=settings, self_check=ALL_OK
        ),
    )
    return Actor(actor.user_id, actor.code, actor.name, actor.role, shift.id)


def sign(engine, clock, settings, actor, notices="5栋电梯维保明早9点", counts=None):
    counts = counts or {
        "keys": 12,
        "blank_slips": 40,
        "temporary_passes": 10,
        "parcels": 3,
        "borrowed_tools": 0,
    }
    return run_write(
        engine,
        lambda s: handover.sign(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            notices=notices,
            physical_items=counts,
        ),
    )


def verify_ok(engine):
    with read_session(engine) as s:
        result = audit.verify(s)
    assert result.ok, result.problem


def test_collect_lists_what_is_open(engine, clock, settings, staff):
    outgoing = on_shift(engine, clock, settings, staff.operator)
    add_visitor(engine, clock, outgoing)
    add_repair(engine, clock, outgoing, "urgent")
    add_message(engine, clock, outgoing)
    add_log(engine, clock, outgoing, "水泵房报警")
    draft = run_read(
        engine,
        lambda s: handover.collect(session=s, actor=outgoing, clock=clock, settings=settings),
    )
    kinds = sorted(item.kind for item in draft.open_items)
    assert kinds == ["logbook", "message", "repair", "visitor"]
    assert draft.physical == {item: 0 for item in settings.physical_items}


def test_sign_snapshots_seals_and_closes_the_shift(engine, clock, settings, staff):
    outgoing = on_shift(engine, clock, settings, staff.operator)
    add_repair(engine, clock, outgoing, "general")
    clock.advance(hours=11)
    with read_session(engine) as s:
        head_before = audit.head_hash(s)
    signed = sign(engine, clock, settings, outgoing)
    assert signed.status == HandoverStatus.signed
    assert signed.audit_head_hash == head_before
    assert signed.signed_at == clock.now()
    assert [i["kind"] for i in signed.open_items] == ["repair"]
    assert signed.physical_items["keys"] == 12
    with read_session(engine) as s:
        shift = s.get(Shift, outgoing.shift_id)
        assert shift.status == ShiftStatus.closed
        items = s.exec(select(HandoverItem).where(HandoverItem.handover_id == signed.id)).all()
        assert {i.kind for i in items} == {"notice", "open", "physical"}
        assert shifts.pending_handover(s, post=settings.post).id == signed.id
    verify_ok(engine)
    # the next handover starts from these counts
    nxt = on_shift(engine, clock, settings, staff.supervisor)
    draft = run_read(
        engine, lambda s: handover.collect(session=s, actor=nxt, clock=clock, settings=settings)
    )
    assert draft.physical["keys"] == 12


def test_only_an_open_shift_signs_and_only_once(engine, clock, settings, staff):
    with pytest.raises(InvalidInput):
        sign(engine, clock, settings, staff.operator)  # no shift
    outgoing = on_shift(engine, clock, settings, staff.operator)
    sign(engine, clock, settings, outgoing)
    with pytest.raises(InvalidInput):
        sign(engine, clock, settings, outgoing)  # the shift is closed now


@pytest.mark.parametrize("counts", [{"keys": -1}, {"keys": "many"}, {"spoons": 3}])
def test_bad_counts_are_refused(engine, clock, settings, staff, counts):
    outgoing = on_shift(engine, clock, settings, staff.operator)
    with pytest.raises(InvalidInput):
        sign(engine, clock, settings, outgoing, counts=counts)


def test_the_writer_of_a_handover_never_accepts_it(engine, clock, settings, staff):
    """Issue 14, item 4: outgoing = incoming is refused (D-2 needs two people)."""
    outgoing = on_shift(engine, clock, settings, staff.operator)
    signed = sign(engine, clock, settings, outgoing)
    with pytest.raises(InvalidInput) as err:  # op1 cannot check in again over it ...
        on_shift(engine, clock, settings, staff.operator)
    assert "its writer cannot take it over" in str(err.value)
    again = outgoing  # ... and a desk still holding op1's shift cannot answer it either
    for answer in (
        lambda s: handover.accept(session=s, actor=again, clock=clock, handover_id=signed.id),
        lambda s: handover.refuse(
            session=s,
            actor=again,
            clock=clock,
            settings=settings,
            handover_id=signed.id,
            reason="x",
        ),
    ):
        with pytest.raises(InvalidInput) as err:
            run_write(engine, answer)
        assert "You wrote this handover" in str(err.value)
    assert (
        run_read(engine, lambda s: shifts.pending_handover(s, post=settings.post)).id == signed.id
    )


def test_accept(engine, clock, settings, staff):
    outgoing = on_shift(engine, clock, settings, staff.operator)
    signed = sign(engine, clock, settings, outgoing)
    clock.advance(minutes=5)
    incoming = on_shift(engine, clock, settings, staff.supervisor)
    accepted = run_write(
        engine,
        lambda s: handover.accept(session=s, actor=incoming, clock=clock, handover_id=signed.id),
    )
    assert accepted.status == HandoverStatus.accepted
    assert accepted.incoming_user_id == staff.supervisor.user_id
    assert accepted.answered_at == clock.now()
    with read_session(engine) as s:
        assert s.get(Shift, incoming.shift_id).accepted_handover_id == signed.id
        assert shifts.pending_handover(s, post=settings.post) is None
    verify_ok(engine)
    with pytest.raises(DeskError):  # answered once
        run_write(
            engine,
            lambda s: handover.refuse(
                session=s,
                actor=incoming,
                clock=clock,
                settings=settings,
                handover_id=signed.id,
                reason="x",
            ),
        )


def test_a_handover_is_answered_only_at_its_own_post(engine, clock, settings, staff):
    """One operator per post (issue 14, item 4): the outside test accepted the front desk's
    handover through the service from the control room."""
    outgoing = on_shift(engine, clock, settings, staff.operator)
    signed = sign(engine, clock, settings, outgoing)
    elsewhere = on_shift(engine, clock, settings.replace(post="控制室"), staff.supervisor)
    for answer in (
        lambda s: handover.accept(session=s, actor=elsewhere, clock=clock, handover_id=signed.id),
        lambda s: handover.refuse(
            session=s,
            actor=elsewhere,
            clock=clock,
            settings=settings,
            handover_id=signed.id,
            reason="x",
        ),
    ):
        with pytest.raises(InvalidInput) as err:
            run_write(engine, answer)
        assert settings.post in str(err.value)
    assert (
        run_read(engine, lambda s: shifts.pending_handover(s, post=settings.post)).id == signed.id
    )


def test_refuse_keeps_the_reason_logs_it_and_flags_supervisors(engine, clock, settings, staff):
    outgoing = on_shift(engine, clock, settings, staff.operator)
    signed = sign(engine, clock, settings, outgoing, counts={"keys": 11})
    incoming = on_shift(engine, clock, settings, staff.admin)
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: handover.refuse(
                session=s,
                actor=incoming,
                clock=clock,
                settings=settings,
                handover_id=signed.id,
                reason="  ",
            ),
        )
    refused = run_write(
        engine,
        lambda s: handover.refuse(
            session=s,
            actor=incoming,
            clock=clock,
            settings=settings,
            handover_id=signed.id,
            reason="钥匙少一把,交班人未说明",
        ),
    )
    assert refused.status == HandoverStatus.refused
    assert refused.refusal_reason == "钥匙少一把,交班人未说明"
    scope = dashboard.Scope(now=clock.now(), settings=settings, actor=staff.supervisor)
    with read_session(engine) as s:
        assert dashboard.count_refused(s, scope) == 1
        assert dashboard.counts(s, scope)["refused"].total == 1
        op_scope = dashboard.Scope(now=clock.now(), settings=settings, actor=staff.operator)
        assert "refused" not in dashboard.counts(s, op_scope)
        log_scope = dashboard.Scope(now=clock.now(), settings=settings, actor=incoming)
        entries = dashboard.page_logbook(s, log_scope, 0, 10)
    assert any("钥匙少一把" in e.text for e in entries)
    verify_ok(engine)


def test_answering_needs_a_shift(engine, clock, settings, staff):
    outgoing = on_shift(engine, clock, settings, staff.operator)
    signed = sign(engine, clock, settings, outgoing)
    with pytest.raises(InvalidInput):
        run_write(
            engine,
            lambda s: handover.accept(
                session=s, actor=staff.supervisor, clock=clock, handover_id=signed.id
            ),
        )


def test_a_signed_handover_edited_behind_the_app_is_detected(sqlite_engine, clock, settings):
    from tests.factories import make_staff

    staff = make_staff(sqlite_engine, clock, settings)
    outgoing = on_shift(sqlite_engine, clock, settings, staff.operator)
    signed = sign(sqlite_engine, clock, settings, outgoing)
    verify_ok(sqlite_engine)
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE handover SET notices='' WHERE id=:i"), {"i": signed.id})
    with read_session(sqlite_engine) as s:
        result = audit.verify(s)
    assert not result.ok and "handover" in result.problem


def test_sheet_text_and_html(engine, clock, settings, staff, tmp_path):
    outgoing = on_shift(engine, clock, settings, staff.operator)
    add_repair(engine, clock, outgoing, "urgent", description="<b>水管</b> & 漏水")
    signed = sign(engine, clock, settings, outgoing, notices="第一条\n<script>x</script>")
    sheet = run_read(engine, lambda s: handover.load_sheet(s, signed.id))
    body = handover.render_text(sheet, settings)
    assert f"Handover {signed.id}" in body
    assert signed.audit_head_hash in body
    assert "李静 (op1)" in body
    assert "2026-11-28 10:00" in body  # the desk's time zone
    assert "Keys: 12" in body
    page = handover.render_html(sheet, settings)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;水管&lt;/b&gt; &amp; 漏水" in page
    assert signed.audit_head_hash in page
    text_path, html_path = handover.save_sheet(sheet, settings, tmp_path / "sheets")
    assert text_path.read_text(encoding="utf-8") == body
    assert html_path.read_text(encoding="utf-8") == page


def test_print_through_the_print_command(engine, clock, settings, staff, tmp_path):

    out = tmp_path / "printed.txt"
    with pytest.raises(InvalidInput):
        printing.send("x", settings)
    printing.send("交班单\n", settings.replace(print_command=f"tee {out}"))
    assert out.read_text(encoding="utf-8") == "交班单\n"
    with pytest.raises(DeskError):
        printing.send("x", settings.replace(print_command="false"))


def test_history(engine, clock, settings, staff):
    first = on_shift(engine, clock, settings, staff.operator)
    sign(engine, clock, settings, first)
    clock.advance(hours=12)
    second = on_shift(engine, clock, settings, staff.supervisor)
    sign(engine, clock, settings, second)
    sheets = run_read(engine, lambda s: handover.list_handovers(s, post=settings.post))
    assert [sh.outgoing for sh in sheets] == ["王强 (sup1)", "李静 (op1)"]
    assert run_read(engine, lambda s: handover.count_handovers(s, post=settings.post)) == 2


# -- gaps in the handover book, what the shift did (D-2, D-11; issue 21) ------------------------
def gap_entries(engine):
    """The logbook's gap entries (those written for supervisors at check-in)."""
    from deskterm.models.shift import LogbookEntry

    return run_read(
        engine,
        lambda s: list(
            s.exec(
                select(LogbookEntry)
                .where(LogbookEntry.notified == "Supervisor")
                .order_by(LogbookEntry.id)
            )
        ),
    )


def test_a_shift_that_never_signed_is_reported_once_at_check_in(engine, clock, settings, staff):
    from deskterm.models.audit import AuditEvent
    from deskterm.services.shift import gaps

    first = on_shift(engine, clock, settings, staff.operator)  # leaves without signing
    clock.advance(hours=12)
    run_write(
        engine,
        lambda s: shifts.close_abandoned(  # the post is freed (issue 14, item 4)
            session=s,
            actor=staff.admin,
            clock=clock,
            settings=settings,
            shift_id=first.shift_id,
            reason="未交班",
        ),
    )
    second = on_shift(engine, clock, settings, staff.supervisor)
    (entry,) = gap_entries(engine)
    assert "without a signed handover" in entry.what and entry.notified == "Supervisor"
    assert entry.shift_id == second.shift_id and staff.operator.name in entry.what
    found = run_read(
        engine, lambda s: shifts.post_gaps(s, post=settings.post, exclude_shift_id=second.shift_id)
    )
    assert [(g.kind, g.id) for g in found] == [("unsigned", first.shift_id)]
    # supervisors see it on their dashboard; operators do not
    scope = dashboard.Scope(now=clock.now(), settings=settings, actor=second)
    assert run_read(engine, lambda s: dashboard.counts(s, scope))["gaps"].total == 1
    op_scope = dashboard.Scope(now=clock.now(), settings=settings, actor=staff.operator)
    assert "gaps" not in run_read(engine, lambda s: dashboard.counts(s, op_scope))
    # a later check-in does not log the same gap again
    sign(engine, clock, settings, second)
    clock.advance(hours=12)
    on_shift(engine, clock, settings, staff.admin)
    assert len(gap_entries(engine)) == 1
    events = run_read(
        engine,
        lambda s: list(s.exec(select(AuditEvent).where(AuditEvent.action == gaps.GAP_ACTION))),
    )
    assert [(e.entity, e.entity_id) for e in events] == [("shift", str(first.shift_id))]
    verify_ok(engine)


def test_an_older_handover_never_answered_is_reported(engine, clock, settings, staff):
    a = on_shift(engine, clock, settings, staff.operator)
    old = sign(engine, clock, settings, a)  # nobody answers it
    clock.advance(hours=8)
    b = on_shift(engine, clock, settings, staff.supervisor)  # skips the answer
    assert gap_entries(engine) == []  # the latest is pending
    clock.advance(hours=8)
    sign(engine, clock, settings, b)
    clock.advance(hours=8)
    on_shift(engine, clock, settings, staff.operator)
    (entry,) = gap_entries(engine)
    assert f"Handover {old.id} " in entry.what and "never answered" in entry.what


def test_the_sheet_says_what_the_shift_did(engine, clock, settings, staff):
    from deskterm.models.inquiry import MessageCreate
    from deskterm.services.inquiries import messages

    outgoing = on_shift(engine, clock, settings, staff.operator)
    for body in ("包裹放在前台", "请回电"):
        run_write(
            engine,
            lambda s, body=body: messages.take_message(
                session=s,
                actor=outgoing,
                clock=clock,
                message_in=MessageCreate(
                    for_kind="other", for_name="3-1203 王五", from_name="快递员", text=body
                ),
            ),
        )
    add_log(engine, clock, outgoing, "水泵房报警")
    add_visitor(engine, clock, outgoing)  # a raw row, not audited: not counted
    clock.advance(hours=1)
    signed = sign(engine, clock, settings, outgoing)
    assert signed.done_summary == {"messages": 2, "logbook": 1}
    sheet = run_read(engine, lambda s: handover.load_sheet(s, signed.id))
    sections = dict(handover.sheet_sections(sheet, settings))
    assert sections["Done this shift"] == ["Messages taken: 2", "Logbook entries: 1"]
    assert "Done this shift" in handover.render_text(sheet, settings)


def test_every_audited_action_is_counted_somewhere():
    """No action of a write service is lost from the summary: each has a group or 'other'."""
    import re
    from pathlib import Path

    root = Path(handover.__file__).resolve().parents[2]
    actions = set()
    for path in (root / "services").rglob("*.py"):
        actions |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text()))
    assert len(actions) > 40
    for action in actions:
        group = handover.done_group(action)
        assert group is None or group in handover.DONE_LABELS, action
