"""Issue 19 item 5: every file deskterm writes is 0600 and its folders 0700, whatever the umask.

`test_every_writer_is_known` enumerates the places in deskterm/ that create files or folders:
a new one fails it until it goes through deskterm.paths (or is listed here with the test that
checks its mode). The other tests write each kind of file under umask 022 and check the modes.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

import deskterm
from deskterm.clock import FixedClock
from deskterm.config import Settings
from deskterm.db import make_engine, run_write
from tests.conftest import FIXED_NOW

ROOT = Path(deskterm.__file__).parent
WRITES = re.compile(
    r"\.write_text\(|\.write_bytes\(|\bopen\([^)]*['\"][wax]b?['\"]|os\.open\(|mkstemp\("
    r"|\.mkdir\(|sqlite3\.connect\(|\.backup\(|Workbook\(|os\.fdopen\("
)
# file -> the writer calls it may hold, and why they are private
KNOWN = {
    "paths.py": "the helpers themselves (0600 files, 0700 folders)",
    "services/admin/maintenance.py": "backups and upgrade copies: made 0600 (open_private) before sqlite3 copies into them "
    "(test_backup_is_private)",
    "services/admin/restore.py": "restore sets the target and its companions 0600 (make_private); it opens the "
    "database and the backup with sqlite3 to lock and read them",
    "schema.py": "reads the revision through a read-only sqlite3 connection (mode=ro), writes nothing",
    "cli/outfile.py": "report and export --out: mkstemp (0600) then os.replace, the file keeps 0600 "
    "(test_report_and_export_files_are_private); os.open without O_CREAT only of an "
    "existing device or FIFO (test_out_through_links_fifos_and_devices)",
    "cli/admin.py": "db backup / upgrade copies through maintenance.backup",
    "export.py": "xlsx into the export's temporary file (cli/export.py)",
}


def _writer_sites() -> dict[str, list[str]]:
    sites: dict[str, list[str]] = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("migrations/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WRITES.search(line) and "read_text" not in line:
                sites.setdefault(rel, []).append(f"{number}: {line.strip()}")
    return sites


def test_every_writer_is_known():
    unknown = {rel: lines for rel, lines in _writer_sites().items() if rel not in KNOWN}
    assert unknown == {}, (
        "write files through deskterm.paths (open_private, write_private_text, private_dir)"
    )


FOLDERS = re.compile(r"\.mkdir\(|makedirs\(|mkdtemp\(")


def test_every_folder_is_made_by_private_dir():
    """S4: a folder deskterm makes (and each missing parent) is 0700 only through
    deskterm.paths.private_dir: no other place may make one."""
    sites = {
        rel: [line for line in lines if FOLDERS.search(line)]
        for rel, lines in _writer_sites().items()
        if rel != "paths.py"
    }
    assert {rel: lines for rel, lines in sites.items() if lines} == {}


def test_a_backup_folder_and_its_missing_parents_are_private(tmp_path, cli):
    outside = tmp_path / "x"
    outside.mkdir(mode=0o755)
    os.chmod(outside, 0o755)  # the user's own folder keeps its mode
    target = outside / "bk" / "sub"
    settings = tmp_path / "config" / "settings.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(f'backup_dir = "{target}"\n', encoding="utf-8")
    db = str(tmp_path / "desk.db")
    assert (
        cli(
            "init", "--db", db, "--admin", "boss", env={"DESKTERM_PASSWORD": "boss-pass-1"}
        ).exit_code
        == 0
    )
    made = cli(
        "db",
        "backup",
        "--db",
        db,
        env={"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "boss-pass-1"},
    )
    assert made.exit_code == 0, made.stderr
    assert _mode(outside) == 0o755
    assert _mode(outside / "bk") == 0o700 and _mode(target) == 0o700
    assert any(target.iterdir())


@pytest.fixture(autouse=True)
def loose_umask():
    before = os.umask(0o022)  # the default that made every file 0644
    yield
    os.umask(before)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_database_and_its_companions_are_private(tmp_path):
    from deskterm.services.admin.setup import initialise

    path = tmp_path / "desk.db"
    engine = make_engine(str(path))
    initialise(engine=engine, clock=FixedClock(FIXED_NOW), settings=Settings())
    with engine.connect() as conn:  # WAL and shared memory exist while a connection is open
        conn.exec_driver_sql("SELECT 1")
        for suffix in ("", "-wal", "-shm"):
            assert _mode(f"{path}{suffix}") == 0o600, suffix
    engine.dispose()


def test_the_default_data_folder_and_the_key_are_private(tmp_path, monkeypatch):
    from deskterm import audit_key

    monkeypatch.delenv(audit_key.KEY_ENV, raising=False)
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    from deskterm.dburl import resolve_url

    resolve_url(None)
    assert _mode(data) == 0o700
    audit_key.create_key()  # as `init` does for a new database
    assert audit_key.audit_key()
    assert _mode(audit_key.key_path()) == 0o600
    assert _mode(audit_key.key_path().parent) == 0o700


def test_backup_is_private(tmp_path, engine, staff):
    if engine.dialect.name != "sqlite":
        pytest.skip("file backups are SQLite's")
    from deskterm.services.admin import maintenance

    target = tmp_path / "backups" / "b.db"
    target.parent.mkdir()
    maintenance.backup(engine, target)
    assert _mode(target) == 0o600


def test_work_order_and_handover_sheet_are_private(tmp_path):
    from deskterm.services.repairs.order_print import orders_folder, save_document

    saved = save_document("R20261128-0001.txt", "电话 13812345678\n")
    assert _mode(saved) == 0o600 and _mode(orders_folder()) == 0o700
    from deskterm.paths import private_dir, write_private_text

    sheet = write_private_text(private_dir(tmp_path / "sheets") / "handover-1.txt", "交接\n")
    assert _mode(sheet) == 0o600 and _mode(tmp_path / "sheets") == 0o700


def test_report_and_export_files_are_private(cli, desk_db, tmp_path):
    env = {"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "boss-pass-1"}
    report = tmp_path / "shift.txt"
    result = cli("report", "daily", "--out", str(report), "--db", desk_db, env=env)
    assert result.exit_code == 0, result.stderr
    assert _mode(report) == 0o600
    export = tmp_path / "audit.csv"
    result = cli("export", "audit", "--out", str(export), "--db", desk_db, env=env)
    assert result.exit_code == 0, result.stderr
    assert _mode(export) == 0o600


def test_handover_sheets_are_saved_private(engine, clock, settings, staff, tmp_path):
    """The service that writes sheets: through save_sheet, whose files are 0600."""
    from deskterm.services.shift import duty, handover

    actor = staff.operator
    shift = run_write(
        engine,
        lambda s: duty.start_shift(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            self_check={item: True for item in settings.self_check_items},
        ),
    )
    from deskterm.services.actor import Actor

    on_duty = Actor(actor.user_id, actor.code, actor.name, actor.role, shift.id)
    signed = run_write(
        engine,
        lambda s: handover.sign(
            session=s,
            actor=on_duty,
            clock=clock,
            settings=settings,
            notices="钥匙齐全",
            physical_items={"keys": 3},
        ),
    )
    from deskterm.db import run_read

    sheet = run_read(engine, lambda s: handover.load_sheet(s, signed.id))
    text_path, html_path = handover.save_sheet(sheet, settings, tmp_path / "out")
    assert _mode(text_path) == _mode(html_path) == 0o600
