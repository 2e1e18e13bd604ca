"""Issue 14, items 1 and 2: two desks act on the same record at the same instant, on SQLite
and on PostgreSQL: exactly one wins, the other is refused with a sentence, and the audit holds
one event. Every service that changes a stored row has an entry in RACES (found by running
every service of the roles table and watching what its transaction changes), so a new write
service without an entry fails `test_every_service_that_changes_a_row_has_a_race`.

Each desk runs in its own thread with its own engine (its own connections), released by a
barrier; each holds its transaction open a moment after the service returns, so without the
row lock (deskterm.db.lock_row) both would read the old row and both would write.
"""

from __future__ import annotations

import itertools
import shutil
import threading
import time
import uuid
from collections import Counter

import pytest
from sqlalchemy import create_engine, event, func, text
from sqlalchemy import inspect as sa_inspect
from sqlmodel import select

from deskterm.clock import FixedClock
from deskterm.config import Settings
from deskterm.db import WriteSession, make_engine, run_read, run_write
from deskterm.errors import DeskError
from deskterm.models.audit import AuditEvent, AuditHead
from deskterm.models.repair import RepairOrder, RepairOrderUpdate
from deskterm.services import audit
from deskterm.services.admin import users
from deskterm.services.repairs import fees, settlement, status, warranty
from tests.conftest import FIXED_NOW, PG_URL
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.reliability import roles_table as table
from tests.reliability import test_roles as roles
from tests.reliability.world import World

HOLD = 0.25  # seconds each desk keeps its transaction open after the service returned

# Services that change stored rows, and how two desks racing on one record must end:
# ONE: the same action from two desks on one record: exactly one writes, the other is refused
#      with a sentence (or, for an idempotent acknowledgement, changes nothing);
# BOTH: a blind overwrite that needs no version (each desk's value is complete): both land,
#      one after the other, each audited once.
ONE, BOTH = "one", "both"


def _fresh(w, model, key):
    """The version a desk sees when it opens the record now."""
    return run_read(w.engine, lambda s: s.get(model, key).version)


def _repair(prepare, act):
    """A repair change made from the version both desks saw when they opened the order."""

    def build(w, _role):
        a = w.admin
        order = prepare(w)
        version = _fresh(w, RepairOrder, order.id)
        return a, lambda s: act(w, a, order, version, s)

    return build


def _held(w):
    m = roles.new_order(w)
    run_write(
        w.engine,
        lambda s: status.hold_order(
            session=s, actor=w.admin, clock=w.clock, order_id=m.id, version=None, reason="等"
        ),
    )
    return m


def _with_fee(w):  # not a warranty repeat of an earlier order (its fee would be waived)
    m = roles.new_order(w, warranty_opt_out_reason="另一处漏水")
    run_write(
        w.engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=w.admin,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=None,
            code="F001",
        ),
    )
    return m


REPAIRS = {  # the roles trials pass version=None (no check); two desks carry what they saw
    "repairs.status.dispatch": _repair(
        roles.new_order,
        lambda w, a, m, v, s: status.dispatch(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=v, assignee="李师傅"
        ),
    ),
    "repairs.status.record_arrival": _repair(
        roles.dispatched_order,
        lambda w, a, m, v, s: status.record_arrival(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=v
        ),
    ),
    "repairs.status.mark_repaired": _repair(
        roles.on_site_order,
        lambda w, a, m, v, s: status.mark_repaired(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=v,
            work_done="修好了",
        ),
    ),
    "repairs.status.record_acceptance": _repair(
        lambda w: w.repaired(),
        lambda w, a, m, v, s: status.record_acceptance(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=v, accepted_by="张三"
        ),
    ),
    "repairs.status.close_order": _repair(
        roles.called_back_order,
        lambda w, a, m, v, s: status.close_order(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=v
        ),
    ),
    "repairs.status.cancel_order": _repair(
        roles.new_order,
        lambda w, a, m, v, s: status.cancel_order(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=v, reason="住户取消"
        ),
    ),
    "repairs.status.hold_order": _repair(
        roles.new_order,
        lambda w, a, m, v, s: status.hold_order(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=v, reason="等配件"
        ),
    ),
    "repairs.status.resume_order": _repair(
        _held,
        lambda w, a, m, v, s: status.resume_order(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=v
        ),
    ),
    "repairs.status.update_order": _repair(
        roles.new_order,
        lambda w, a, m, v, s: status.update_order(
            session=s,
            actor=a,
            clock=w.clock,
            order_id=m.id,
            version=v,
            changes=RepairOrderUpdate(description="厨房和卫生间都漏"),
        ),
    ),
    "repairs.fees.add_fee_line": _repair(
        roles.new_order,
        lambda w, a, m, v, s: fees.add_fee_line(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=v,
            code="F001",
        ),
    ),
    "repairs.fees.add_offschedule_line": _repair(
        roles.new_order,
        lambda w, a, m, v, s: fees.add_offschedule_line(
            session=s,
            actor=a,
            clock=w.clock,
            order_id=m.id,
            version=v,
            description="进口阀门",
            labour_fen=5000,
        ),
    ),
    "repairs.fees.accept_fee": _repair(
        _with_fee,
        lambda w, a, m, v, s: fees.accept_fee(
            session=s,
            actor=a,
            clock=w.clock,
            order_id=m.id,
            version=v,
            accepted_by="张三",
            form_no="F-0001",
        ),
    ),
}


def _estimated(w):
    m = roles.new_order(w)
    run_write(
        w.engine,
        lambda s: settlement.set_estimate(
            session=s,
            actor=w.admin,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=None,
            days="3",
        ),
    )
    return m


def _quoted(w):
    m = _estimated(w)
    run_write(
        w.engine,
        lambda s: settlement.record_quotation(
            session=s,
            actor=w.admin,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=None,
            amount_fen=90000,
            quote_no="BJ-1",
        ),
    )
    return m


def _charged(w):  # not a warranty repeat of an earlier order: charged
    m = roles.new_order(w, warranty_opt_out_reason="另一处漏水")
    run_write(
        w.engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=w.admin,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=None,
            code="F001",
        ),
    )
    run_write(
        w.engine,
        lambda s: fees.accept_fee(  # D-34: accepted before it is paid
            session=s,
            actor=w.admin,
            clock=w.clock,
            order_id=m.id,
            version=None,
            accepted_by="张三",
            form_no="FY-1",
        ),
    )
    return m


def _warranty_repeat(w):
    """An order the desk linked to an earlier repair of the same tap (D-35), so it can be
    unlinked."""
    w.repaired()
    m = roles.new_order(w)
    assert m.warranty_of_id is not None, "the new order should repeat the repaired one"
    return m


SETTLEMENT = {  # issue 14: the settlement and warranty services, raced like the status changes
    "repairs.settlement.set_estimate": _repair(
        roles.new_order,
        lambda w, a, m, v, s: settlement.set_estimate(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=v,
            days="0.5",
        ),
    ),
    "repairs.settlement.record_quotation": _repair(
        _estimated,
        lambda w, a, m, v, s: settlement.record_quotation(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=v,
            amount_fen=80000,
            quote_no="BJ-2",
        ),
    ),
    "repairs.settlement.accept_quotation": _repair(
        _quoted,
        lambda w, a, m, v, s: settlement.accept_quotation(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=v, accepted_by="张三"
        ),
    ),
    "repairs.settlement.set_cost_bearer": _repair(
        roles.new_order,
        lambda w, a, m, v, s: settlement.set_cost_bearer(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=v, bearer="owner"
        ),
    ),
    "repairs.settlement.settle_order": _repair(
        _charged,
        lambda w, a, m, v, s: settlement.settle_order(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=v,
            state="paid",
            receipt_no="SJ-1",
        ),
    ),
    "repairs.warranty.set_warranty_link": _repair(
        _warranty_repeat,
        lambda w, a, m, v, s: warranty.set_warranty_link(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=v,
            warranty_of_id=None,
            reason="不是保修",
        ),
    ),
}


def _category_edit(w, _role):
    """Issue 21, finding 4: two admins edit one repair category from the same version, each
    with its own change: the second is refused (StaleEdit), not written over the first."""
    from deskterm.models.repair import RepairCategory
    from deskterm.services.admin import repair_categories

    a = w.admin
    version = _fresh(w, RepairCategory, "heating_not_warm")
    return a, lambda s: repair_categories.save_category(
        session=s,
        actor=a,
        clock=w.clock,
        new=False,
        version=version,
        code="heating_not_warm",
        name_zh=f"暖气不热{next(w.serial)}",
        repair_class="general",
    )


def _own_password(w, _role):
    """Two desks of one member of staff change their password from the same old one: the
    second finds the current password changed (the row is locked before it is checked)."""
    me = roles.role_user(w, "operator", shift=False)
    return me, lambda s: users.change_own_password(
        session=s,
        actor=me,
        clock=w.clock,
        settings=w.settings,
        current=FACTORY_PASSWORD,
        new="another-pass-7x",
    )


RACES: dict[str, tuple[str, object]] = {
    **{name: (ONE, build) for name, build in REPAIRS.items()},
    **{name: (ONE, build) for name, build in SETTLEMENT.items()},
    "admin.users.change_own_password": (ONE, _own_password),
    "admin.repair_categories.save_category": (ONE, _category_edit),
    **{
        name: (ONE, None)
        for name in (  # None: the roles trial as it is (it carries a version,
            "callbacks.outcomes.record_callback",  # or the second desk finds the change made)
            "callbacks.queue.record_attempt",
            "complaints.communications.complete_follow_up",
            "complaints.communications.link_complaint",
            "complaints.handling.acknowledge_severe",
            "complaints.handling.close_complaint",
            "complaints.handling.refer_complaint",
            "complaints.handling.reopen_complaint",
            "complaints.handling.sign_off_complaint",
            "complaints.handling.update_complaint",
            "inquiries.log.close_inquiry",
            "inquiries.log.correct_attempt",
            "inquiries.messages.deliver_message",
            "inquiries.promises.answer_promise",
            "repairs.status.mark_called_back",
            "repairs.status.reopen_after_callback",
            "repairs.fees.review_fee_line",
            "shift.duty.close_abandoned",
            "shift.handover.accept",
            "shift.handover.refuse",
            "shift.handover.sign",
            "visitors.deny.remove_deny_entry",
            "visitors.expected.cancel_expected",
            "visitors.slips.check_out",
            "visitors.slips.update_slip",
            "admin.users.set_active",
            "admin.users.set_role",  # the second desk finds the role set: nothing to change
            "complaints.links.unlink_repair",
            "complaints.public_areas.decide",
            "complaints.public_areas.refer_complaint",
            "repairs.engineers.set_on_duty",  # the second desk finds the engineer off duty
            "visitors.slips.undo_check_out",
        )
    },
    "admin.users.set_password": (BOTH, None),
}


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def world(request, tmp_path_factory, sqlite_template):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("races") / "races.db"
        shutil.copy(sqlite_template, path)
        engine = make_engine(str(path))
        admin = name = None
    else:
        if not PG_URL:
            pytest.skip("PostgreSQL tests need DESKTERM_TEST_PG_URL")
        template = request.getfixturevalue("pg_template")
        name = f"deskterm_race_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        engine = make_engine(PG_URL.rsplit("/", 1)[0] + f"/{name}")
    w = World.build(engine, FixedClock(FIXED_NOW), Settings())
    w.serial = itertools.count(1)
    w.tmp = tmp_path_factory.mktemp("races-files")
    w.second = make_engine(_url(engine))  # the other desk's own connections
    yield w
    w.second.dispose()
    engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# == which services change stored rows ============================================================
def _changed_tables(w, work) -> set[str]:
    """The tables whose stored rows (not the ones it inserted) `work` changes or deletes."""
    seen: set[str] = set()

    def spy(session, _context, _instances):
        born = session.info.get("deskterm_born", set())
        for obj in [*session.dirty, *session.deleted]:
            state = sa_inspect(obj)
            if state.identity_key in born or isinstance(obj, AuditHead):
                continue
            if obj in session.deleted or session.is_modified(obj, include_collections=False):
                seen.add(state.mapper.local_table.name)

    event.listen(WriteSession, "before_flush", spy)
    try:
        if isinstance(work, tuple):
            work[1](w.engine)
        else:
            run_write(w.engine, work)
    finally:
        event.remove(WriteSession, "before_flush", spy)
    return seen


def test_every_service_that_changes_a_row_has_a_race(world):
    if world.engine.dialect.name != "sqlite":
        pytest.skip("found once, on SQLite")
    changers = {}
    for name in sorted(table.SERVICES):
        needed = table.SERVICES[name]
        needed = needed if isinstance(needed, tuple) else (needed,)
        if not all(table.may("admin", p) for p in needed):
            continue
        _actor, work = roles.CASES[name](world, "admin")
        tables = _changed_tables(world, work)
        if tables:
            changers[name] = tables
    print(f"\n{len(changers)} services change stored rows: {changers}")
    assert set(changers) - set(RACES) == set(), "services that change rows without a race"
    assert set(RACES) - set(changers) == set(), "races for services that change no row"
    # the number CI shows: tests/conftest.py's terminal summary counts the races run


# == the races ======================================================================================
def _audit_seq(engine) -> int:
    return run_read(
        engine, lambda s: s.exec(select(func.coalesce(func.max(AuditEvent.seq), 0))).one()
    )


def _race(w, work) -> list[BaseException | None]:
    """Run `work` at two desks (two engines, two threads) released together."""
    gate = threading.Barrier(2)
    outcome: list[BaseException | None] = [None, None]

    def desk(i, engine):
        def held(session):
            result = work(session)
            session.flush()
            time.sleep(HOLD)  # the transaction stays open: the other desk is reading now
            return result

        gate.wait()
        try:
            run_write(engine, held)
        except BaseException as exc:  # noqa: BLE001  (judged below)
            outcome[i] = exc

    threads = [
        threading.Thread(target=desk, args=(i, e)) for i, e in enumerate((w.engine, w.second))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcome


@pytest.mark.parametrize("name", sorted(RACES))
def test_two_desks_at_the_same_instant(world, name):
    kind, build = RACES[name]
    _actor, work = (build or roles.CASES[name])(world, "admin")
    before = _audit_seq(world.engine)
    outcome = _race(world, work)
    refused = [e for e in outcome if e is not None]
    for exc in refused:  # a sentence for the user, never a crash or a database error
        assert isinstance(exc, DeskError), f"{name}: {type(exc).__name__}: {exc}"
    actions = run_read(
        world.engine,
        lambda s: [
            e.action
            for e in s.exec(
                select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq)
            )
        ],
    )
    counts = Counter(actions)
    if kind == BOTH:
        assert refused == [], name
        assert counts and set(counts.values()) == {2}, (name, actions)
    else:
        assert len(refused) <= 1, (name, refused)
        assert counts and max(counts.values()) == 1, f"{name}: written twice: {actions}"
    assert run_read(world.engine, audit.verify).ok


def test_two_operators_take_one_post_at_the_same_instant(world):
    """One operator on duty per post (issue 14, item 4): two desks start a shift at a free
    post at once: one opens it, the other is told who is on duty."""

    from deskterm.models.user import Role
    from deskterm.services.shift import duty
    from tests.factories import make_user

    post = f"车库{next(world.serial)}"
    at_post = world.settings.replace(post=post)
    desks = [
        make_user(
            world.engine,
            world.clock,
            world.settings,
            f"p{next(world.serial)}",
            Role.operator,
            f"门岗{i}",
        )
        for i in range(2)
    ]
    gate = threading.Barrier(2)
    outcome: list[BaseException | None] = [None, None]

    def desk(i, engine):
        def held(session):
            duty.start_shift(
                session=session,
                actor=desks[i],
                clock=world.clock,
                settings=at_post,
                self_check={k: True for k in world.settings.self_check_items},
            )
            session.flush()
            time.sleep(HOLD)

        gate.wait()
        try:
            run_write(engine, held)
        except BaseException as exc:  # noqa: BLE001
            outcome[i] = exc

    threads = [
        threading.Thread(target=desk, args=(i, e))
        for i, e in enumerate((world.engine, world.second))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    refused = [e for e in outcome if e is not None]
    assert len(refused) == 1 and isinstance(refused[0], DeskError), outcome
    assert "is on duty at" in str(refused[0])
    holder = run_read(world.engine, lambda s: duty.on_duty(s, post=post))
    assert holder is not None and holder.code in {d.code for d in desks}


# Statements that change rows without loading them (no ORM object for the guard to see).
BULK = {
    "numbering.py:insert": "INSERT ... ON CONFLICT DO UPDATE last = last + 1: atomic on both",
    "visitors/purge.py:delete": "deletes old slips by age: deleting twice deletes nothing more",
    "admin/privacy.py:update": "the masking migration (0004) and its key rebuild: one upgrade transaction, no desk writes meanwhile",
}


def test_no_service_changes_rows_around_the_lock():
    """Every change of a stored row goes through an ORM object loaded by lock_row (the write
    session refuses others: deskterm.db.UnlockedChange); the only Core statements that change
    rows are listed in BULK, each with why it is safe under two desks."""
    import ast
    import pathlib

    root = pathlib.Path(audit.__file__).parent
    found = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("update", "delete", "insert")
            ):
                found.add(f"{path.relative_to(root)}:{node.func.id}")
    assert found == set(BULK)


def test_a_change_without_the_lock_is_refused(world):
    """The guard itself: a service that forgot lock_row cannot write."""
    from deskterm.db import UnlockedChange
    from deskterm.models.inquiry import Message

    message = world.message()

    def forgetful(session):
        row = session.get(Message, message.id)
        row.text = "改了"

    with pytest.raises(UnlockedChange):
        run_write(world.engine, forgetful)


# == two desks adding the same thing ================================================================
def test_two_desks_adding_the_same_name_one_is_told_it_is_taken(world):
    """PostgreSQL lets both desks pass "is it on the list?" at once; the second insert meets
    the unique key, its unit runs again (db.run_write) and the service says it is taken —
    never a database error (found by the outside test of issue 14)."""
    from deskterm.services.repairs import engineers

    name = f"同名师傅{next(world.serial)}"
    outcome = _race(
        world,
        lambda s: engineers.add_engineer(
            session=s, actor=world.admin, clock=world.clock, name=name, trade="水电"
        ),
    )
    refused = [e for e in outcome if e is not None]
    assert len(refused) == 1, outcome
    assert isinstance(refused[0], DeskError) and "already on the list" in str(refused[0])


# == saving over another desk's change, once seen ===================================================
def _corrections():
    from deskterm.models.complaint import ComplaintUpdate
    from deskterm.models.visitor import VisitorSlipUpdate
    from deskterm.services.complaints import handling as complaints
    from deskterm.services.visitors import slips as visitors

    return {
        "slip": (
            lambda w: w.slip(),
            lambda w, m, v, name: (
                lambda s: visitors.update_slip(
                    session=s,
                    actor=w.admin,
                    clock=w.clock,
                    slip_id=m.id,
                    version=v,
                    changes=VisitorSlipUpdate(visitor_name=name),
                )
            ),
        ),
        "repair": (
            lambda w: w.repair(),
            lambda w, m, v, name: (
                lambda s: status.update_order(
                    session=s,
                    actor=w.admin,
                    clock=w.clock,
                    order_id=m.id,
                    version=v,
                    changes=RepairOrderUpdate(reporter_name=name),
                )
            ),
        ),
        "complaint": (
            lambda w: w.complaint(),
            lambda w, m, v, name: (
                lambda s: complaints.update_complaint(
                    session=s,
                    actor=w.admin,
                    clock=w.clock,
                    complaint_id=m.id,
                    version=v,
                    changes=ComplaintUpdate(department=name),
                )
            ),
        ),
    }


@pytest.mark.parametrize("kind", ["slip", "repair", "complaint"])
def test_a_correction_refused_as_stale_saves_over_it_the_second_time(world, kind):
    """Issue 14 item 7 (the outside test found the form a dead end): the refusal names the
    other desk's change and keeps the typing; saving again puts it over exactly the version
    the operator was shown, and a third desk's save in between is refused again."""
    from deskterm.errors import StaleEdit
    from deskterm.services.overwrite import SEEN

    make, correct = _corrections()[kind]
    row = make(world)
    opened = row.version
    world.write(correct(world, row, opened, "李一"))  # the other desk
    with pytest.raises(StaleEdit) as refused:
        world.write(correct(world, row, opened, "王二"))
    assert "Save again" in str(refused.value) and refused.value.current is not None
    seen = frozenset({refused.value.current})

    def again(name):
        work = correct(world, row, opened, name)
        return lambda s: (s.info.__setitem__(SEEN, seen), work(s))[1]

    saved = world.write(again("王二"))
    assert saved.version == refused.value.current[2] + 1
    world.write(correct(world, row, saved.version, "赵三"))  # a third desk, after
    with pytest.raises(StaleEdit):
        world.write(again("王二"))  # the version moved on: refused again, named again


@pytest.mark.parametrize("kind", ["repair", "complaint"])
def test_saving_over_a_seen_change_keeps_the_fields_not_typed(world, kind):
    """The outside test of the fix above: a form sends every field it shows, so the second save
    put the other desk's value back (a description, a department). Only what the operator
    typed goes over the other desk's change."""
    from deskterm.errors import StaleEdit
    from deskterm.models.complaint import ComplaintUpdate
    from deskterm.services.complaints import handling as complaints
    from deskterm.services.overwrite import SEEN

    if kind == "repair":
        row = world.repair()
        opened = row.version

        def save(**fields):
            return lambda s: status.update_order(
                session=s,
                actor=world.admin,
                clock=world.clock,
                order_id=row.id,
                version=opened,
                changes=RepairOrderUpdate(**fields),
            )

        theirs, mine, form = (
            {"description": row.description + "Z"},
            {"location": "厨房"},
            {"description": row.description, "location": "厨房"},
        )
    else:
        row = world.complaint()
        opened = row.version

        def save(**fields):
            return lambda s: complaints.update_complaint(
                session=s,
                actor=world.admin,
                clock=world.clock,
                complaint_id=row.id,
                version=opened,
                changes=ComplaintUpdate(**fields),
            )

        theirs, mine, form = (
            {"department": "财务收费处Z"},
            {"severity": "important"},
            {"department": row.department, "severity": "important"},
        )
    world.write(save(**theirs))  # the other desk
    with pytest.raises(StaleEdit) as refused:
        world.write(save(**form))
    seen = frozenset({refused.value.current})
    work = save(**form)
    saved = world.write(lambda s: (s.info.__setitem__(SEEN, seen), work(s))[1])
    for name, value in {**theirs, **mine}.items():
        assert getattr(saved, name) == value, name
