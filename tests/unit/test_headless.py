"""The core and the CLI never load Textual (start-up cost; STYLE.md "a headless core")."""

import subprocess
import sys

CORE = [
    "deskterm.cli.main",
    "deskterm.db",
    "deskterm.models",
    "deskterm.rules.sla",
    "deskterm.services.audit",
    "deskterm.services.admin.users",
    "deskterm.services.admin.setup",
    "deskterm.services.admin.maintenance",
    "deskterm.services.visitors.slips",
    "deskterm.services.inquiries.search",
    "deskterm.services.repairs.intake",
    "deskterm.services.repairs.status",
    "deskterm.services.repairs.queries",
    "deskterm.services.repairs.settlement",
    "deskterm.services.complaints.handling",
    "deskterm.services.callbacks.queue",
    "deskterm.services.shift.handover",
    "deskterm.services.shift.dashboard",
    "deskterm.services.admin.importer",
    "deskterm.export",
    "deskterm.exports.visitors",
    "deskterm.reports.repair_records",
    "deskterm.reports.complaints",
    "deskterm.demo.build",
]


def test_core_and_cli_import_without_textual():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "from deskterm.cli.main import build_app\nbuild_app()\n"
        + "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_help_does_not_import_sqlmodel_or_textual():
    code = (
        "import sys\nfrom deskterm.cli.main import run\n"
        "try:\n    run(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('MODS', 'textual' in sys.modules, 'sqlmodel' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "MODS False False" in out.stdout
