"""Issue 9, promise 10 (repairs, D-30 to D-38): Hypothesis drives repair intake, corrections,
every status update that takes typed text or a time, and the fee lines (on and off the
schedule, the review, the reporter's acceptance) with arbitrary text, numbers and times.
Each call saves exactly what it was given (read back) or is refused in one sentence with
every table unchanged.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.clock import FixedClock, as_utc
from deskterm.config import Settings
from deskterm.models.repair import (
    RepairChannel,
    RepairClass,
    RepairEvent,
    RepairFeeLine,
    RepairOrder,
    RepairOrderCreate,
    RepairOrderUpdate,
    RepairScope,
)
from deskterm.services.repairs import fees, intake, status
from tests.conftest import FIXED_NOW
from tests.reliability.bad_input import (
    BACKENDS,
    TRIALS,
    attempt,
    good_texts,
    ids,
    instants,
    ints,
    mostly,
    stored,
    strip,
    texts,
    trial_engine,
    versions,
)
from tests.reliability.world import World, construct

pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")
NOW = FIXED_NOW
CATEGORIES = [
    "tap_leak_severe",
    "burst_pipe",
    "door_window",
    "roof_leak",
    "public_danger",
    "lift_failure",
    "heating_not_warm",
]


@pytest.fixture(scope="module", params=BACKENDS)
def w(request, tmp_path_factory):
    with trial_engine(request, tmp_path_factory, "repairs") as engine:
        world = World.build(engine, FixedClock(NOW), Settings())
        yield world


def choice_or_text(values):
    return st.one_of(st.sampled_from([getattr(v, "value", v) for v in values]), texts(40))


def _events(w, order_id: int) -> list[RepairEvent]:
    from sqlmodel import select

    return w.read(
        lambda s: list(
            s.exec(
                select(RepairEvent).where(RepairEvent.order_id == order_id).order_by(RepairEvent.id)
            )
        )
    )


@TRIALS
@given(
    scope=mostly(st.just("household"), choice_or_text(RepairScope)),
    unit=mostly(st.just("12-1203"), st.sampled_from(["none", "gone", "12-1204"])),
    location=mostly(st.just(""), texts()),
    channel=mostly(st.just("phone"), choice_or_text(RepairChannel)),
    reporter=mostly(good_texts(1, 20), texts()),
    contact=mostly(st.just(""), texts(80)),
    category=mostly(st.sampled_from(CATEGORIES), texts(40)),
    description=mostly(good_texts(1, 60), texts(4500)),
    repair_class=st.one_of(st.none(), choice_or_text(RepairClass)),
    reason=st.one_of(st.none(), texts(600)),
    appointment=st.one_of(st.none(), instants(NOW)),
)
def test_intake_saves_exactly_or_is_refused(
    w,
    scope,
    unit,
    location,
    channel,
    reporter,
    contact,
    category,
    description,
    repair_class,
    reason,
    appointment,
):
    unit_id = {"none": None, "gone": 999999}.get(unit, w.units.get(unit))
    data = construct(
        RepairOrderCreate,
        scope=scope,
        unit_id=unit_id,
        location=location,
        channel=channel,
        reporter_name=reporter,
        reporter_contact=contact,
        category_code=category,
        description=description,
        repair_class=repair_class,
        override_reason=reason,
        appointment_at=appointment,
    )
    out = attempt(
        w.engine,
        lambda s: intake.create_repair_order(
            session=s, actor=w.operator, clock=w.clock, settings=w.settings, order_in=data
        ),
        given=(
            scope,
            location,
            channel,
            reporter,
            contact,
            category,
            description,
            repair_class,
            reason,
        ),
    )
    if out.saved is None:
        return
    row = stored(w.engine, RepairOrder, out.saved.id)
    assert (row.reporter_name, row.description, row.location) == (
        strip(reporter),
        strip(description),
        strip(location),
    )
    assert row.scope == scope and row.channel == channel and row.category_code == strip(category)
    if strip(contact):
        assert row.reporter_contact == strip(contact)
    assert row.appointment_at == (as_utc(appointment) if appointment else None)
    if row.override_reason is not None:
        assert row.override_reason == strip(reason)
    assert out.added("repair_order") == 1 and out.added("repair_event") == 1


@TRIALS
@given(reporter=good_texts(1, 64), description=good_texts(1, 300), contact=good_texts(0, 64))
def test_intake_takes_any_plain_text(w, reporter, description, contact):
    data = construct(
        RepairOrderCreate,
        scope="household",
        unit_id=w.units["12-1204"],
        channel="walk_in",
        reporter_name=reporter,
        reporter_contact=contact,
        category_code="door_window",
        description=description,
    )
    out = attempt(
        w.engine,
        lambda s: intake.create_repair_order(
            session=s, actor=w.operator, clock=w.clock, settings=w.settings, order_in=data
        ),
    )
    assert out.refused is None, out.refused
    row = stored(w.engine, RepairOrder, out.saved.id)
    assert (row.reporter_name, row.description) == (reporter, description)


@TRIALS
@given(
    location=st.one_of(st.none(), texts()),
    reporter=st.one_of(st.none(), texts()),
    contact=st.one_of(st.none(), texts(80)),
    description=st.one_of(st.none(), texts(4500)),
    appointment=st.one_of(st.none(), instants(NOW)),
)
def test_corrections_save_exactly_or_are_refused(
    w, location, reporter, contact, description, appointment
):
    order = w.repair(category_code="door_window")  # general: it may take an appointment
    values = {
        k: v
        for k, v in dict(
            location=location,
            reporter_name=reporter,
            reporter_contact=contact,
            description=description,
            appointment_at=appointment,
        ).items()
        if v is not None
    }
    changes = construct(RepairOrderUpdate, **values)
    out = attempt(
        w.engine,
        lambda s: status.update_order(
            session=s,
            actor=w.operator,
            clock=w.clock,
            order_id=order.id,
            version=order.version,
            changes=changes,
        ),
        given=tuple(v for v in values.values() if isinstance(v, str)),
    )
    row = stored(w.engine, RepairOrder, order.id)
    if out.saved is None:
        assert row.version == order.version
        return
    for field, value in values.items():  # exactly what the validated form holds
        expected = as_utc(value) if field == "appointment_at" else getattr(changes, field)
        assert getattr(row, field) == expected, field


@TRIALS
@given(
    assignee=mostly(good_texts(1, 20), texts()),
    note=texts(2500),
    version_offset=st.sampled_from([0, 0, 0, 1]),
)
def test_dispatch_saves_exactly_or_is_refused(w, assignee, note, version_offset):
    order = w.repair()
    out = attempt(
        w.engine,
        lambda s: status.dispatch(
            session=s,
            actor=w.operator,
            clock=w.clock,
            order_id=order.id,
            version=order.version + version_offset,
            assignee=assignee,
            note=note,
        ),
        given=(assignee, note),
    )
    row = stored(w.engine, RepairOrder, order.id)
    if out.saved is None:
        assert row.status == "reported" and row.assignee is None
        return
    assert row.assignee == strip(assignee) and row.status == "dispatched"
    assert _events(w, order.id)[-1].note == strip(note)


@TRIALS
@given(step=st.sampled_from(["hold", "cancel"]), reason=texts(700))
def test_hold_and_cancel_keep_their_reason_exactly_or_are_refused(w, step, reason):
    order = w.repair()
    call = status.hold_order if step == "hold" else status.cancel_order
    out = attempt(
        w.engine,
        lambda s: call(
            session=s,
            actor=w.operator,
            clock=w.clock,
            order_id=order.id,
            version=None,
            reason=reason,
        ),
        given=(reason,),
    )
    row = stored(w.engine, RepairOrder, order.id)
    if out.saved is not None:
        assert row.status_reason == strip(reason)
        assert row.status == ("on_hold" if step == "hold" else "cancelled")
    else:
        assert row.status == "reported"


@TRIALS
@given(
    arrived=st.one_of(st.none(), instants(NOW)),
    repaired=st.one_of(st.none(), instants(NOW)),
    work=mostly(good_texts(1, 40), texts(4500)),
    materials=texts(2500),
    accepted_by=mostly(good_texts(1, 20), texts()),
)
def test_the_repair_steps_save_exactly_or_are_refused(
    w, arrived, repaired, work, materials, accepted_by
):
    order = w.repair()
    w.write(
        lambda s: status.dispatch(
            session=s,
            actor=w.admin,
            clock=w.clock,
            order_id=order.id,
            version=None,
            assignee="王师傅",
        )
    )
    out = attempt(
        w.engine,
        lambda s: status.record_arrival(
            session=s,
            actor=w.operator,
            clock=w.clock,
            order_id=order.id,
            version=None,
            arrived_at=arrived,
        ),
    )
    if out.saved is None:
        return
    assert stored(w.engine, RepairOrder, order.id).arrived_at == (
        as_utc(arrived) if arrived else w.clock.now()
    )
    out = attempt(
        w.engine,
        lambda s: status.mark_repaired(
            session=s,
            actor=w.operator,
            clock=w.clock,
            settings=w.settings,
            order_id=order.id,
            version=None,
            work_done=work,
            materials=materials,
            repaired_at=repaired,
        ),
        given=(work, materials),
    )
    if out.saved is None:
        return
    row = stored(w.engine, RepairOrder, order.id)
    assert (row.work_done, row.materials) == (strip(work), strip(materials) or None)
    assert row.repaired_at == (as_utc(repaired) if repaired else w.clock.now())
    out = attempt(
        w.engine,
        lambda s: status.record_acceptance(
            session=s,
            actor=w.operator,
            clock=w.clock,
            order_id=order.id,
            version=None,
            accepted_by=accepted_by,
        ),
        given=(accepted_by,),
    )
    if out.saved is not None:
        assert stored(w.engine, RepairOrder, order.id).accepted_by_name == strip(accepted_by)


@TRIALS
@given(
    code=mostly(st.sampled_from(["F001", "F002", " F003 ", "f004"]), texts(40)),
    quantity=mostly(st.integers(1, 20), ints()),
)
def test_schedule_fee_lines_save_exactly_or_are_refused(w, code, quantity):
    order = w.repair()
    out = attempt(
        w.engine,
        lambda s: fees.add_fee_line(
            session=s,
            actor=w.operator,
            clock=w.clock,
            settings=w.settings,
            order_id=order.id,
            version=None,
            code=code,
            quantity=quantity,
        ),
        given=(code,),
    )
    if out.saved is None:
        return
    line = stored(w.engine, RepairFeeLine, out.saved.id)
    assert line.quantity == quantity and line.review == "not_needed"
    assert line.amount_fen == line.unit_price_fen * quantity
    assert line.unit_price_fen == line.unit_labour_fen + line.unit_materials_fen


@TRIALS
@given(
    description=mostly(good_texts(1, 40), texts(300)),
    quantity=mostly(st.integers(1, 9), ints()),
    labour=mostly(st.integers(0, 100_000), ints()),
    materials=mostly(st.integers(0, 100_000), ints()),
    unit=mostly(st.sampled_from(["", "个", "米"]), texts(40)),
)
def test_off_schedule_lines_save_exactly_or_are_refused(
    w, description, quantity, labour, materials, unit
):
    order = w.repair()
    out = attempt(
        w.engine,
        lambda s: fees.add_offschedule_line(
            session=s,
            actor=w.operator,
            clock=w.clock,
            order_id=order.id,
            version=None,
            description=description,
            quantity=quantity,
            labour_fen=labour,
            materials_fen=materials,
            unit=unit,
        ),
        given=(description, unit),
    )
    if out.saved is None:
        return
    line = stored(w.engine, RepairFeeLine, out.saved.id)
    assert (line.description, line.unit) == (strip(description), strip(unit))
    assert (line.quantity, line.unit_labour_fen, line.unit_materials_fen) == (
        quantity,
        labour,
        materials,
    )
    assert line.amount_fen == (labour + materials) * quantity and line.review == "pending"


@TRIALS
@given(
    approve=st.booleans(),
    labour=st.one_of(st.none(), ints()),
    materials=st.one_of(st.none(), ints()),
    note=texts(700),
)
def test_a_fee_review_saves_exactly_or_is_refused(w, approve, labour, materials, note):
    order = w.repair()
    line = w.write(
        lambda s: fees.add_offschedule_line(
            session=s,
            actor=w.admin,
            clock=w.clock,
            order_id=order.id,
            version=None,
            description="进口阀门",
            labour_fen=5000,
            materials_fen=1200,
        )
    )
    out = attempt(
        w.engine,
        lambda s: fees.review_fee_line(
            session=s,
            actor=w.supervisor,
            clock=w.clock,
            line_id=line.id,
            approve=approve,
            labour_fen=labour,
            materials_fen=materials,
            note=note,
        ),
        given=(note,),
    )
    row = stored(w.engine, RepairFeeLine, line.id)
    if out.saved is None:
        assert row.review == "pending"
        return
    assert row.review == ("approved" if approve else "rejected")
    assert row.review_note == (strip(note) or None)
    if approve:
        assert row.unit_labour_fen == (5000 if labour is None else labour)
        assert row.unit_materials_fen == (1200 if materials is None else materials)


@TRIALS
@given(accepted_by=mostly(good_texts(1, 20), texts()), form_no=mostly(good_texts(1, 12), texts(60)))
def test_a_fee_acceptance_saves_exactly_or_is_refused(w, accepted_by, form_no):
    order = w.repair()
    w.write(
        lambda s: fees.add_fee_line(
            session=s,
            actor=w.admin,
            clock=w.clock,
            settings=w.settings,
            order_id=order.id,
            version=None,
            code="F001",
        )
    )
    out = attempt(
        w.engine,
        lambda s: fees.accept_fee(
            session=s,
            actor=w.operator,
            clock=w.clock,
            order_id=order.id,
            version=None,
            accepted_by=accepted_by,
            form_no=form_no,
        ),
        given=(accepted_by, form_no),
    )
    row = stored(w.engine, RepairOrder, order.id)
    if out.saved is None:
        assert row.fee_accepted_at is None
        return
    assert (row.fee_accepted_by_name, row.fee_form_no) == (strip(accepted_by), strip(form_no))


@TRIALS
@given(order_id=ids(), version=st.one_of(st.none(), versions()))
def test_any_order_id_and_version_are_handled(w, order_id, version):
    attempt(
        w.engine,
        lambda s: status.dispatch(
            session=s,
            actor=w.operator,
            clock=w.clock,
            order_id=order_id,
            version=version,
            assignee="王师傅",
        ),
    )
