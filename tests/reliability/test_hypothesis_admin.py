"""Issue 9, promise 10 (accounts, the estate, reference data, shifts): Hypothesis drives
`users add`, residents, directory import rows (and whole CSV files of any bytes), events,
fee schedule versions, the shift self-check, the handover and its refusal with arbitrary
text, numbers and dates. Each call saves exactly what it was given (read back) or is
refused in one sentence with every table unchanged.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from deskterm.clock import FixedClock, as_utc
from deskterm.config import Settings
from deskterm.db import run_write
from deskterm.models.directory import DirectoryEntry, Event
from deskterm.models.estate import Resident, ResidentCreate
from deskterm.models.repair import FeeScheduleItem
from deskterm.models.shift import Handover, Shift
from deskterm.models.user import Role, User
from deskterm.rules.phone import normalise_phone
from deskterm.services.actor import Actor
from deskterm.services.admin import importer, users
from deskterm.services.estate import residents
from deskterm.services.inquiries import directory
from deskterm.services.repairs import fee_schedule as fees
from deskterm.services.shift import duty as shifts
from deskterm.services.shift import handover
from tests.conftest import FIXED_NOW
from tests.factories import make_user
from tests.reliability.bad_input import (
    BACKENDS,
    TRIALS,
    attempt,
    good_texts,
    instants,
    ints,
    mostly,
    one_sentence,
    squash,
    stored,
    strip,
    texts,
    trial_engine,
)
from tests.reliability.world import World, construct, row_counts

pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")
NOW = FIXED_NOW
SERIAL = itertools.count(1)


@pytest.fixture(scope="module", params=BACKENDS)
def w(request, tmp_path_factory):
    with trial_engine(request, tmp_path_factory, "admin") as engine:
        world = World.build(engine, FixedClock(NOW), Settings())
        world.tmp = tmp_path_factory.mktemp("admin-files")
        yield world


# -- staff accounts ------------------------------------------------------------------------------
@TRIALS
@given(
    code=mostly(st.from_regex(r"[a-z0-9_.-]{1,12}", fullmatch=True), texts(40)),
    name=mostly(good_texts(1, 20), texts()),
    role=mostly(st.sampled_from(list(Role)), texts(20)),
    password=mostly(st.just("a-long-password"), texts(300)),
)
def test_new_accounts_save_exactly_or_are_refused(w, code, name, role, password):
    code = f"{code}{next(SERIAL)}" if code.strip() and len(code) < 30 else code  # mostly new
    out = attempt(
        w.engine,
        lambda s: users.add_user(
            session=s,
            actor=w.admin,
            clock=w.clock,
            settings=w.settings,
            code=code,
            name=name,
            role=role,
            password=password,
        ),
        given=(code, name, role),
    )
    if out.saved is None:
        return
    row = stored(w.engine, User, out.saved.id)
    assert (row.code, row.name, row.role) == (code.strip(), name.strip(), role)
    assert row.password_hash.startswith("$argon2id$") and password not in row.password_hash
    assert users.HASHER.verify(row.password_hash, password)


# -- residents -------------------------------------------------------------------------------------
@TRIALS
@given(
    name=mostly(good_texts(1, 20), texts()),
    unit=st.sampled_from(["12-1203", "12-1204", None, "gone"]),
    relation=mostly(st.sampled_from(["owner", "tenant", "family", ""]), texts(20)),
    phone=mostly(st.sampled_from(["", "13912345678", "+86 139 1234 5678"]), texts(40)),
    note=mostly(st.just(""), texts(700)),
)
def test_residents_save_exactly_or_are_refused(w, name, unit, relation, phone, note):
    unit_id = {"gone": 777777, None: None}.get(unit, w.units.get(unit))
    data = construct(
        ResidentCreate, name=name, unit_id=unit_id, relation=relation, phone=phone, note=note
    )
    out = attempt(
        w.engine,
        lambda s: residents.create_resident(
            session=s, actor=w.admin, clock=w.clock, resident_in=data
        ),
        given=(name, relation, phone, note),
    )
    if out.saved is None:
        return
    row = stored(w.engine, Resident, out.saved.id)
    assert (row.name, row.relation) == (squash(name), strip(relation) or "owner")
    assert row.phone == (normalise_phone(phone) or None)
    assert row.note == (strip(note) or None)
    assert row.unit_id == unit_id


# -- the directory (D-23) --------------------------------------------------------------------------
KINDS = [
    "service",
    "layout",
    "transport",
    "shop",
    "entertainment",
    "bank",
    "phone",
    "event",
    "银行",
    "活动",
    "电话",
]


def directory_rows():
    row = st.fixed_dictionaries(
        {
            "kind": mostly(st.sampled_from(KINDS), texts(20)),
            "name": mostly(good_texts(1, 20), texts(200)),
            "location": mostly(good_texts(1, 20), texts(300)),
            "phone": mostly(st.sampled_from(["", "0571-8888 0001"]), texts(80)),
            "hours": texts(150),
            "notes": texts(1100),
            "starts_at": mostly(
                st.sampled_from(["2026-12-01 19:00", "2026/12/24T20:00", ""]), texts(30)
            ),
            "ends_at": mostly(
                st.sampled_from(["", "2026-12-01 21:00", "2026-11-01 00:00"]), texts(30)
            ),
        }
    )
    return st.lists(row, min_size=1, max_size=4)


@TRIALS
@given(rows=directory_rows(), dry_run=st.booleans())
def test_directory_rows_import_exactly_or_are_all_refused(w, rows, dry_run):
    out = attempt(
        w.engine,
        lambda s: directory.import_directory_rows(
            session=s,
            actor=w.admin,
            clock=w.clock,
            tz=w.settings.timezone,
            rows=rows,
            dry_run=dry_run,
        ),
        given=tuple(v for r in rows for v in r.values()),
    )
    if out.refused is not None:  # the whole import refused in one sentence, nothing written
        return
    report = out.saved
    if report.problems or dry_run:
        assert out.after == out.before, "a refused (or dry-run) import wrote something"
        for problem in report.problems:
            assert 2 <= problem.line <= len(rows) + 1
            one_sentence(
                type("E", (Exception,), {"__str__": lambda self, m=problem.message: m})(),
                tuple(v for r in rows for v in r.values()),
            )
        return
    for row in rows:
        kind = directory.entry_kind(row["kind"])
        if kind == "event":
            found = w.read(
                lambda s, r=row: s.exec(select(Event).where(Event.title == squash(r["name"]))).all()
            )
            assert any(e.place == squash(row["location"]) for e in found)
        else:
            entry = w.read(
                lambda s, r=row, k=kind: s.exec(
                    select(DirectoryEntry).where(
                        DirectoryEntry.kind == k, DirectoryEntry.name == squash(r["name"])
                    )
                ).one()
            )
            entry = stored(w.engine, DirectoryEntry, entry.id)
            assert entry.location == (squash(row["location"]) or None)
            assert entry.notes == (squash(row["notes"]) or None)


def directory_csv(rows) -> bytes:
    """Rows as a CSV file a spreadsheet would save (every cell quoted)."""
    lines = ["kind,name,location,phone,hours,notes,starts_at,ends_at"]
    for row in rows:
        lines.append(",".join('"' + str(v).replace('"', '""') + '"' for v in row.values()))
    return ("\n".join(lines) + "\n").encode("utf-8")


@TRIALS
@given(
    content=st.one_of(
        st.binary(max_size=600),
        texts(600).map(lambda t: ("kind,name,location\n" + t).encode("utf-8")),
        directory_rows().map(directory_csv),
    ),
    encoding_bom=st.booleans(),
    dry_run=st.booleans(),
)
def test_any_directory_file_imports_or_is_refused(w, content, encoding_bom, dry_run):
    path = w.tmp / f"directory{next(SERIAL)}.csv"
    path.write_bytes((b"\xef\xbb\xbf" if encoding_bom else b"") + content)
    before = row_counts(w.engine)
    out = attempt(
        w.engine,
        lambda s: importer.import_file(
            session=s,
            actor=w.admin,
            clock=w.clock,
            settings=w.settings,
            kind="directory",
            path=path,
            dry_run=dry_run,
        ),
    )
    if out.saved is not None and (out.saved.problems or dry_run):
        assert row_counts(w.engine) == before
        for problem in out.saved.problems:
            assert problem.message.strip()


@TRIALS
@given(
    title=mostly(good_texts(1, 20), texts(200)),
    place=mostly(good_texts(1, 20), texts(200)),
    starts=instants(NOW),
    length=st.one_of(st.none(), st.integers(-(10**6), 10**6)),
    content=texts(2500),
)
def test_events_save_exactly_or_are_refused(w, title, place, starts, length, content):
    ends = None
    if length is not None:
        try:
            ends = starts + timedelta(minutes=length)
        except OverflowError:
            ends = None
    out = attempt(
        w.engine,
        lambda s: directory.add_event(
            session=s,
            actor=w.admin,
            clock=w.clock,
            title=title,
            place=place,
            starts_at=starts,
            ends_at=ends,
            content=content,
        ),
        given=(title, place, content),
    )
    if out.saved is None:
        return
    row = stored(w.engine, Event, out.saved.id)
    assert (row.title, row.place, row.content) == (
        squash(title),
        squash(place),
        strip(content) or None,
    )
    assert row.starts_at == as_utc(starts) and row.ends_at == (as_utc(ends) if ends else None)


# -- the fee schedule (D-36) ------------------------------------------------------------------------
@TRIALS
@given(
    items=st.lists(
        st.tuples(
            mostly(st.from_regex(r"Z[0-9]{1,4}", fullmatch=True), texts(40)),
            mostly(good_texts(1, 20), texts(200)),
            mostly(st.sampled_from(["", "个", "次"]), texts(30)),
            mostly(st.integers(0, 10**6), ints()),
            mostly(st.integers(0, 10**6), ints()),
        ),
        min_size=1,
        max_size=3,
    ),
    days=st.integers(-30, 3000),
)
def test_fee_schedule_versions_save_exactly_or_are_refused(w, items, days):
    valid_from = date(2026, 11, 28) + timedelta(days=days)
    serial = next(SERIAL)
    listed = [
        fees.FeeItemIn(
            code=f"{c}{serial}" if c.startswith("Z") else c,
            name=n,
            unit=u,
            labour_fen=lab,
            materials_fen=mat,
        )
        for c, n, u, lab, mat in items
    ]
    out = attempt(
        w.engine,
        lambda s: fees.add_schedule_version(
            session=s, actor=w.admin, clock=w.clock, items=listed, valid_from=valid_from
        ),
        given=tuple(v for i in listed for v in (i.code, i.name, i.unit)),
    )
    if out.saved is None:
        return
    for item in listed:
        row = w.read(
            lambda s, i=item: s.exec(
                select(FeeScheduleItem).where(
                    FeeScheduleItem.code == i.code.strip(), FeeScheduleItem.valid_from == valid_from
                )
            ).one()
        )
        row = stored(w.engine, FeeScheduleItem, row.id)
        assert (row.name, row.unit, row.labour_fen, row.materials_fen) == (
            item.name.strip(),
            item.unit.strip(),
            item.labour_fen,
            item.materials_fen,
        )


# -- the shift and the handover (D-1, D-2, D-11) -------------------------------------------------------
def _fresh_operator(w) -> Actor:
    n = next(SERIAL)
    return make_user(w.engine, w.clock, w.settings, f"shift{n}", Role.operator, f"值班{n}")


@TRIALS
@given(
    answers=st.dictionaries(
        st.sampled_from(["appearance", "desk_tidy", "equipment", "extra"]), st.booleans()
    ),
    note=texts(700),
)
def test_the_self_check_saves_exactly_or_is_refused(w, answers, note):
    actor = _fresh_operator(w)
    out = attempt(
        w.engine,
        lambda s: shifts.start_shift(
            session=s,
            actor=actor,
            clock=w.clock,
            settings=w.settings,
            self_check=answers,
            note=note,
        ),
        given=(note,),
    )
    if out.saved is None:
        return
    row = stored(w.engine, Shift, out.saved.id)
    assert {k: row.self_check[k] for k in w.settings.self_check_items} == {
        k: answers[k] for k in w.settings.self_check_items
    }
    assert row.self_check.get("note", "") == strip(note)


@TRIALS
@given(
    notices=texts(4500),
    counts=st.dictionaries(
        st.sampled_from(
            ["keys", "blank_slips", "temporary_passes", "parcels", "borrowed_tools", "钥匙"]
        ),
        st.one_of(ints(), st.text(max_size=8)),
    ),
    refuse=st.booleans(),
    reason=texts(1200),
)
def test_a_handover_saves_exactly_or_is_refused(w, notices, counts, refuse, reason):
    out_actor = _fresh_operator(w)
    at_post = w.settings.replace(post=f"岗{out_actor.code}")  # one on duty per post
    shift = run_write(
        w.engine,
        lambda s: shifts.start_shift(
            session=s,
            actor=out_actor,
            clock=w.clock,
            settings=at_post,
            self_check={i: True for i in w.settings.self_check_items},
        ),
    )
    out_actor = Actor(out_actor.user_id, out_actor.code, out_actor.name, out_actor.role, shift.id)
    out = attempt(
        w.engine,
        lambda s: handover.sign(
            session=s,
            actor=out_actor,
            clock=w.clock,
            settings=w.settings,
            notices=notices,
            physical_items=counts,
        ),
        given=(notices, *(str(v) for v in counts.values())),
    )
    if out.saved is None:
        return
    row = stored(w.engine, Handover, out.saved.id)
    assert row.notices == strip(notices) and row.status == "signed"
    assert row.physical_items == {k: int(counts.get(k, 0)) for k in w.settings.physical_items}
    incoming = _fresh_operator(w)
    in_shift = run_write(
        w.engine,
        lambda s: shifts.start_shift(
            session=s,
            actor=incoming,
            clock=w.clock,
            settings=at_post,
            self_check={i: True for i in w.settings.self_check_items},
        ),
    )
    incoming = Actor(incoming.user_id, incoming.code, incoming.name, incoming.role, in_shift.id)
    if refuse:
        answer = attempt(
            w.engine,
            lambda s: handover.refuse(
                session=s,
                actor=incoming,
                clock=w.clock,
                settings=w.settings,
                handover_id=row.id,
                reason=reason,
            ),
            given=(reason,),
        )
    else:
        answer = attempt(
            w.engine,
            lambda s: handover.accept(session=s, actor=incoming, clock=w.clock, handover_id=row.id),
        )
    row = stored(w.engine, Handover, row.id)
    if answer.saved is None:
        assert row.status == "signed"
    elif refuse:
        assert row.status == "refused" and row.refusal_reason == strip(reason)
    else:
        assert row.status == "accepted" and row.incoming_user_id == incoming.user_id
