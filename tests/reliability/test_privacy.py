"""Issue 9, promise 13: privacy, checked on the raw bytes.

Distinctive identity numbers and phone numbers are seeded through the services, then:
- no full identity number is anywhere in the database file, its WAL or shared memory, a
  backup (`deskterm db backup`), any export (every kind × every format, with and without
  --include-pii), any report, anything the app wrote under its data folder, or anything the
  commands printed;
- no resident, company or complainant phone is in an export without --include-pii or in a
  report, and none is on any screen an operator looks at (every area and its lists, the
  dashboard, the handover sheet) unless revealed — and a reveal is audited, without the number;
- visitor slips purged for retention cannot be read in the file, its WAL, or a backup made
  after the purge.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import sqlite3
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from deskterm.clock import FixedClock
from deskterm.config import Settings
from deskterm.db import make_engine, run_read
from deskterm.models.audit import AuditEvent
from deskterm.models.complaint import ComplaintUpdate
from deskterm.models.estate import ResidentCreate
from deskterm.models.visitor import VisitorSlip
from deskterm.services.complaints import handling as complaints
from deskterm.services.estate import residents
from deskterm.services.repairs import order_print as repair_print
from deskterm.services.shift import handover
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.purge import purge_visitors
from tests.cli import conftest as cli_fixtures
from tests.conftest import FIXED_NOW
from tests.factories import PASSWORD
from tests.reliability.world import World, resident_id_number
from tests.tui import conftest as tui_fixtures
from tests.tui.conftest import SIZE, screen_text, settle

cli = cli_fixtures.cli
make_desk_app = tui_fixtures.make_desk_app

# Identity documents shown at the desk: the full numbers must never reach the disk.
ID_NUMBERS = {
    "resident_id": [resident_id_number(n, born="19770203", area="110105") for n in (731, 732, 733)],
    "driving_licence": [resident_id_number(744, born="19880415", area="440106")],
    "residence_permit": [resident_id_number(755, born="19920830", area="810000")],
    "passport": ["EJ7394518", "PE2268431"],
    "other": ["HKM7391442"],
}
ALL_IDS = [n for numbers in ID_NUMBERS.values() for n in numbers]
# Phones of people on record (residents, a company, a complainant, a reporter).
RESIDENT_PHONES = {"钱七": "13571234098", "孙八": "18654329871"}
OTHER_PHONES = {"complaint": "15098761234", "repair": "17712349876", "slip": "13312345670"}
PHONES = [*RESIDENT_PHONES.values(), *OTHER_PHONES.values()]


def leaks(data: bytes, secrets) -> list[str]:
    """Secrets found in raw bytes (UTF-8, and UTF-16 for good measure)."""
    found = []
    for secret in secrets:
        forms = {secret, secret.lower()}
        if any(f.encode() in data or f.encode("utf-16-le") in data for f in forms):
            found.append(secret)
    return found


def file_leaks(path: Path, secrets) -> list[str]:
    data = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(data)):  # xlsx: scan every member, uncompressed
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist())
    return leaks(data, secrets)


def seed(engine, clock, settings, w: World) -> None:
    for name, phone in RESIDENT_PHONES.items():
        made = w.write(
            lambda s, n=name, p=phone: residents.create_resident(
                session=s,
                actor=w.admin,
                clock=clock,
                resident_in=ResidentCreate(name=n, unit_id=w.units["12-1204"], phone=p),
            )
        )
        w.residents[name] = made.id
    for doc_type, numbers in ID_NUMBERS.items():
        for number in numbers:
            slip = w.slip(
                visitor_name=f"访客{number[-3:]}",
                doc_type=doc_type,
                doc_number=number,
                phone=OTHER_PHONES["slip"],
                host_resident_id=w.residents["钱七"],
            )
            assert number not in (slip.doc_masked or "")
    # a refused registration (unknown host): the number it carried is not written either
    from deskterm.errors import DeskError

    with pytest.raises(DeskError):
        w.slip(visitor_name="被拒", doc_number=resident_id_number(999), host_resident_id=4040)
    slips = w.read(lambda s: s.exec(select(VisitorSlip)).all())
    w.write(
        lambda s: visitors.check_out(
            session=s, actor=w.admin, clock=clock, settings=settings, number=slips[0].number
        )
    )
    w.repair(reporter_name="孙八", reporter_contact="", unit_id=w.units["12-1204"])  # on file
    w.repair(reporter_name="路人", reporter_contact=OTHER_PHONES["repair"])
    w.repaired(reporter_name="钱七", unit_id=w.units["12-1204"], category_code="door_window")
    row = w.complaint(who_name="钱七", contact=RESIDENT_PHONES["钱七"])
    w.write(
        lambda s: complaints.update_complaint(
            session=s,
            actor=w.admin,
            clock=clock,
            complaint_id=row.id,
            version=row.version,
            changes=ComplaintUpdate(contact=OTHER_PHONES["complaint"]),
        )
    )
    w.complaint(who_name="孙八", contact=RESIDENT_PHONES["孙八"], close_answer="已解释")
    inquiry = w.inquiry(target_kind="resident", target_id=w.residents["钱七"])
    w.message(for_kind="resident", for_id=w.residents["钱七"], inquiry_id=inquiry.id)
    w.promise(asked_by="孙八", contact="前台见")
    w.log(what="住户来电")
    w.write(
        lambda s: residents.reveal_phone(
            session=s,
            actor=w.operator,
            clock=clock,
            kind="resident",
            person_id=w.residents["钱七"],
            reason="回电确认维修时间",
        )
    )


@pytest.fixture
def desk(tmp_path, sqlite_template):
    """A desk file with the seeded people, its engine left open (the WAL holds the latest)."""
    path = tmp_path / "desk.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(str(path))
    clock = FixedClock(FIXED_NOW)
    w = World.build(engine, clock, Settings())
    seed(engine, clock, w.settings, w)
    w.path = path
    yield w
    engine.dispose()


def _sidecars(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


@pytest.mark.slow
def test_no_full_identity_number_anywhere_on_disk(desk, cli, tmp_path):
    checked = {}
    for part in _sidecars(desk.path):
        assert file_leaks(part, ALL_IDS) == [], part.name
        checked[part.name] = part.stat().st_size
    assert "desk.db-wal" in checked, "the WAL is scanned while it holds the latest writes"
    env = {"DESKTERM_PASSWORD": PASSWORD}
    admin = ["--db", str(desk.path), "--user", "admin1"]
    printed = []
    backup = tmp_path / "backup.db"
    result = cli("db", "backup", str(backup), *admin, env=env)
    assert result.exit_code == 0, result.stderr
    printed.append(result.output + result.stderr)
    assert file_leaks(backup, ALL_IDS) == []
    exports = 0
    for kind in (
        "visitors",
        "inquiries",
        "messages",
        "repairs",
        "complaints",
        "logbook",
        "handovers",
        "audit",
    ):
        for fmt in ("csv", "jsonl", "json", "xlsx"):
            for pii in (False, True):
                out = tmp_path / f"{kind}-{pii}.{fmt}"
                args = ["export", kind, "--format", fmt, "--out", str(out), *admin]
                if pii:
                    args += ["--include-pii", "--reason", "审计抽查"]
                result = cli(*args, env=env)
                assert result.exit_code == 0, (kind, fmt, result.stderr)
                printed.append(result.output + result.stderr)
                assert file_leaks(out, ALL_IDS) == [], (kind, fmt, pii)
                if not pii:
                    assert file_leaks(out, PHONES) == [], (kind, fmt, "phone without --include-pii")
                exports += 1
    reports = 0
    for kind in ("shift", "daily", "sla", "visitors", "repairs", "complaints"):
        for fmt in ("text", "markdown", "json", "html"):
            out = tmp_path / f"report-{kind}.{fmt}"
            args = [
                "report",
                kind,
                "--format",
                fmt,
                "--out",
                str(out),
                "--db",
                str(desk.path),
                "--user",
                "admin1",
            ]
            if kind not in ("shift", "daily"):
                args += ["--since", "2026-11-01"]
            result = cli(*args, env=env)
            assert result.exit_code == 0, (kind, fmt, result.stderr)
            printed.append(result.output + result.stderr)
            assert file_leaks(out, ALL_IDS + PHONES) == [], (kind, fmt)
            reports += 1
    # what the app itself wrote: printed orders, handover sheets, anything in its folders
    from deskterm.models.repair import RepairOrder

    order = desk.read(lambda s: s.exec(select(RepairOrder)).first())
    name, text = desk.write(
        lambda s: repair_print.render_order(
            session=s,
            actor=desk.operator,
            clock=desk.clock,
            settings=desk.settings,
            order_id=order.id,
        )
    )
    repair_print.save_document(name, text)
    import os

    written = (
        list(Path(os.environ["DESKTERM_DATA_DIR"]).rglob("*"))
        if Path(os.environ["DESKTERM_DATA_DIR"]).exists()
        else []
    )
    for path in written:
        if path.is_file():
            assert file_leaks(path, ALL_IDS) == [], path
            if path.suffix in (".txt", ".html"):
                assert file_leaks(path, PHONES) == [], path
    assert leaks("\n".join(printed).encode(), ALL_IDS + PHONES) == []
    assert exports == 64 and reports == 24


def test_a_reveal_is_audited_and_the_audit_never_holds_the_number(desk):
    events = desk.read(
        lambda s: s.exec(
            select(AuditEvent).where(AuditEvent.action == "resident.reveal_phone")
        ).all()
    )
    assert [(e.user_id, e.detail["reason"]) for e in events] == [
        (desk.operator.user_id, "回电确认维修时间")
    ]
    details = desk.read(lambda s: [repr(e.detail) for e in s.exec(select(AuditEvent))])
    assert leaks("\n".join(details).encode(), ALL_IDS + list(RESIDENT_PHONES.values())) == []


def test_the_handover_sheet_shows_no_phone(desk):
    outgoing = desk.operator
    sheet_id = desk.write(
        lambda s: handover.sign(
            session=s,
            actor=outgoing,
            clock=desk.clock,
            settings=desk.settings,
            notices="钥匙两把",
            physical_items={},
        )
    ).id
    sheet = desk.read(lambda s: handover.load_sheet(s, sheet_id))
    text = handover.render_text(sheet, desk.settings)
    html = handover.render_html(sheet, desk.settings)
    assert "钱七" in text or "孙八" in text, "the sheet lists the open records"
    assert leaks((text + html).encode(), ALL_IDS + PHONES) == []


# -- the screens --------------------------------------------------------------------------------
def _phones_on(app) -> list[str]:
    plain = screen_text(app)
    digits = "".join(ch for ch in plain if ch.isdigit() or ch == "\n")
    return [p for p in PHONES if p in plain or p in digits]


@pytest.mark.slow
def test_phones_are_masked_on_every_screen_until_revealed(
    make_desk_app, engine, clock, settings, staff
):
    w = World(engine, clock, settings, staff.operator, staff.supervisor, staff.admin)
    w.build_estate()
    seed(engine, clock, settings, w)
    shown = {"screens": 0, "masked": 0}

    async def look(app, pilot, where):
        await settle(pilot)
        assert _phones_on(app) == [], f"{where}: a full phone number is on screen"
        shown["screens"] += 1
        shown["masked"] += sum(1 for p in PHONES if f"{p[:3]}****{p[-4:]}" in screen_text(app))

    async def tour():
        app = make_desk_app(role="operator")
        async with app.run_test(size=SIZE) as pilot:
            await look(app, pilot, "dashboard")
            for area, key, views in (
                ("dashboard", "f2", 1),
                ("visitors", "f3", 4),
                ("repairs", "f5", 4),
                ("complaints", "f6", 4),
                ("logbook", "f7", 1),
                ("handover", "f8", 1),
                ("inquiries", "f4", 5),
            ):
                await pilot.press(key)
                await look(app, pilot, area)
                base = app.screen
                for view in range(views):
                    for move in ("down", "enter"):
                        await pilot.press(move)
                        await look(app, pilot, f"{area} {view} {move}")
                        if app.current_mode != area:
                            await pilot.press(key)
                            await settle(pilot)
                        while app.screen is not base:
                            await look(app, pilot, f"{area} {view} opened")
                            await pilot.press("escape")
                            await settle(pilot)
                    await pilot.press("ctrl+t")
                    await look(app, pilot, f"{area} view {view + 1}")
            await pilot.press("f4")  # find a resident: the card shows the number masked
            for text in ("钱七", "孙八", "139"):
                await pilot.press(*text)
                await look(app, pilot, f"inquiries find {text}")
                await pilot.press("down", "enter")
                await look(app, pilot, f"inquiries card {text}")
                while app.screen is not app.screen_stack[0]:
                    await pilot.press("escape")
                    await settle(pilot)
                await pilot.press("end", *["backspace"] * len(text))
            await pilot.press("f8", "ctrl+l")  # past handovers and a sheet
            await look(app, pilot, "handover history")
            await pilot.press("enter")
            await look(app, pilot, "handover sheet")
            # revealing: the number shows, and the audit says who and why
            await pilot.press("escape", "escape", "f4", *"钱七")
            await settle(pilot)
            await pilot.press("down", "enter")
            await settle(pilot)
            before = run_read(
                engine,
                lambda s: len(
                    s.exec(
                        select(AuditEvent).where(AuditEvent.action == "resident.reveal_phone")
                    ).all()
                ),
            )
            await pilot.press("ctrl+o")
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            revealed = RESIDENT_PHONES["钱七"] in screen_text(app)
            after = run_read(
                engine,
                lambda s: s.exec(
                    select(AuditEvent)
                    .where(AuditEvent.action == "resident.reveal_phone")
                    .order_by(AuditEvent.seq)
                ).all(),
            )
            return revealed, before, after

    revealed, before, after = asyncio.run(tour())
    assert shown["screens"] >= 40 and shown["masked"] > 0
    print(
        f"privacy: {shown['screens']} screens without a full phone, "
        f"{shown['masked']} masked numbers seen"
    )
    assert revealed, "the reveal showed the number"
    assert len(after) == before + 1 and after[-1].user_id == staff.operator.user_id
    assert RESIDENT_PHONES["钱七"] not in repr(after[-1].detail)


# -- retention ------------------------------------------------------------------------------------
NAMES = ["欧阳留痕甲", "Zebediah Quux", "司马过客乙"]


@pytest.mark.slow
def test_purged_visitors_are_unreadable_in_the_file_the_wal_and_a_later_backup(
    cli, tmp_path, sqlite_template
):
    path = tmp_path / "desk.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(str(path))
    clock = FixedClock(FIXED_NOW - timedelta(days=400))
    w = World.build(engine, clock, Settings(), on_shift=False)
    for i, name in enumerate(NAMES):
        slip = w.slip(
            visitor_name=name,
            doc_number=resident_id_number(600 + i),
            plate=f"粤B{71234 + i}",
            purpose="other",
            purpose_text=f"{name}的事",
        )
        w.write(
            lambda s, n=slip.number: visitors.check_out(
                session=s, actor=w.admin, clock=clock, settings=w.settings, number=n
            )
        )
    clock.set(FIXED_NOW)
    keep = w.slip(visitor_name="今天的客人")
    with sqlite3.connect(path) as con:  # the names are in the file before the purge
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert file_leaks(path, NAMES) == NAMES
    report = purge_visitors(
        engine=engine, actor=w.admin, clock=clock, settings=w.settings, older_than_days=180
    )
    assert report.slips == len(NAMES) and report.compacted
    for part in _sidecars(path):
        assert file_leaks(part, NAMES) == [], part.name
    backup = tmp_path / "after.db"
    result = cli(
        "db",
        "backup",
        str(backup),
        "--db",
        str(path),
        "--user",
        "admin1",
        env={"DESKTERM_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.stderr
    assert file_leaks(backup, NAMES) == []
    assert file_leaks(backup, ["今天的客人"]) == ["今天的客人"]
    assert run_read(engine, lambda s: s.get(VisitorSlip, keep.id)) is not None
    engine.dispose()
