"""Privacy (DESIGN "People and privacy"): after registering many visitors with valid document
numbers, no full number exists anywhere: not in the database file, its WAL, logs, exports or
printed slips. The scan reads raw bytes, so no layer of the app can hide a leak from it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from deskterm.clock import FixedClock
from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput
from deskterm.models.visitor import VisitorSlip
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.onsite import list_on_site
from deskterm.services.visitors.slip_print import roll_call_text, slip_text
from tests.factories import make_estate, make_staff, valid_resident_id, walk_in

COUNT = 120


def numbers() -> list[tuple[str, str]]:
    docs = []
    for n in range(COUNT):
        kind = ("resident_id", "driving_licence", "residence_permit", "passport")[n % 4]
        if kind == "passport":
            docs.append((kind, f"E{70000000 + n * 7919}"))
        else:
            docs.append((kind, valid_resident_id(n, born=f"19{60 + n % 40}0{1 + n % 9}1{n % 10}")))
    return docs


def leaks(blob: bytes, docs: list[tuple[str, str]]) -> list[str]:
    """Full numbers, or their first part without the kept last four, found in `blob`."""
    found = []
    for _kind, number in docs:
        for needle in (number, number[:-4]):
            for encoded in (needle.encode(), needle.encode("utf-16-le")):
                if encoded in blob:
                    found.append(needle)
    return found


def test_no_full_identity_number_anywhere(sqlite_engine, settings, tmp_path):
    engine = sqlite_engine
    clock = FixedClock()
    staff = make_staff(engine, clock, settings)
    estate = make_estate(engine)
    docs = numbers()
    for n, (kind, number) in enumerate(docs):
        slip_in = walk_in(estate, visitor_name=f"访客{n}", doc_type=kind, doc_number=number)
        run_write(
            engine,
            lambda s, i=slip_in: visitors.register_slip(
                session=s, actor=staff.operator, clock=clock, settings=settings, slip_in=i
            ),
        )
        clock.advance(minutes=3)
        if n % 3 == 0 and kind != "passport":  # a typo'd number is refused, not stored
            typo = number[:-2] + number[-1] + number[-2]
            if typo != number:
                with pytest.raises(InvalidInput):
                    run_write(
                        engine,
                        lambda s, t=typo, k=kind: visitors.register_slip(
                            session=s,
                            actor=staff.operator,
                            clock=clock,
                            settings=settings,
                            slip_in=walk_in(estate, doc_type=k, doc_number=t),
                        ),
                    )
    slips = run_read(engine, lambda s: list(s.exec(select(VisitorSlip))))
    assert len(slips) == COUNT
    assert slips[0].doc_masked == f"resident_id ****{docs[0][1][-4:]}"
    # what the desk prints is scanned too
    printed = tmp_path / "data" / "printed.txt"
    printed.parent.mkdir(parents=True, exist_ok=True)
    on_site = run_read(engine, lambda s: list_on_site(session=s, clock=clock, settings=settings))
    printed.write_text(
        roll_call_text(on_site, clock.now(), settings)
        + "".join(slip_text(s, settings) for s in slips),
        encoding="utf-8",
    )
    # the exports of the slips, plain and with --include-pii (admin): the worst case
    db_path = str(engine.url.database)
    engine.dispose()
    for extra in ([], ["--include-pii", "--reason", "privacy test"]):
        out = tmp_path / "data" / f"visitors{len(extra)}.csv"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "deskterm",
                "export",
                "visitors",
                "--db",
                db_path,
                "--out",
                str(out),
                "--user",
                "admin1",
                *extra,
            ],
            env={
                "DESKTERM_PASSWORD": "secret-pass",
                "PATH": "/usr/bin:/bin",
                "DESKTERM_AUDIT_KEY": os.environ[
                    "DESKTERM_AUDIT_KEY"
                ],  # the tests' installation key
                "DESKTERM_DATA_DIR": str(tmp_path / "data"),
                "DESKTERM_CONFIG_DIR": str(tmp_path / "config"),
            },
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert f"访客{COUNT - 1}" in out.read_text(encoding="utf-8-sig")
    scanned = [Path(db_path), Path(db_path + "-wal"), *Path(tmp_path).rglob("*")]
    blob = b"".join(p.read_bytes() for p in scanned if p.is_file())
    assert f"访客{COUNT - 1}".encode() in blob  # the scan does see what was written
    assert docs[5][1][-4:].encode() in blob
    assert leaks(blob, docs) == []
