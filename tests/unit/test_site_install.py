"""Issue 18.3: the site install's files, checked as far as a CI machine allows: the systemd
units pass `systemd-analyze verify` (with the venv's real path), the backup unit's commands run
as written and leave a dated backup, and everything listens on loopback only (the TLS reverse
proxy is the only door). Containers cannot run here: the compose file is checked as text."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
INSTALLED = "/opt/deskterm/venv/bin/deskterm"


def here_deskterm() -> str:
    return str(Path(sys.executable).parent / "deskterm")


def unit_lines(name: str, key: str) -> list[str]:
    text = (DEPLOY / "systemd" / name).read_text()
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(key + "=")]


def test_the_units_pass_systemd_analyze_verify(tmp_path):
    tool = shutil.which("systemd-analyze")
    if tool is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI checks the units: install systemd (apt-get install systemd)")
        pytest.skip("no systemd-analyze on this machine")
    if not Path(here_deskterm()).exists():
        pytest.skip("the deskterm script is not installed in this environment")
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, here_deskterm()))
    done = subprocess.run([tool, "verify", *(u.name for u in UNITS)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr


def test_the_backup_unit_runs_as_written(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTERM_")}
    env.update(PYTHONPATH=str(ROOT), DESKTERM_CONFIG_DIR=str(tmp_path),
               DESKTERM_DATA_DIR=str(tmp_path), DESKTERM_DB=str(tmp_path / "site.db"),
               DESKTERM_USER="backup", DESKTERM_PASSWORD="a long backup password")
    deskterm = [sys.executable, "-m", "deskterm"]
    made = subprocess.run([*deskterm, "init", "--admin", "backup", "--admin-name", "Backup"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o700)
    commands = unit_lines("deskterm-backup.service", "ExecStart") + \
        unit_lines("deskterm-backup.service", "ExecStartPost")
    assert len(commands) == 2
    for command in commands:
        argv = shlex.split(command.replace("/var/backups/deskterm", str(folder)))
        assert argv[0] == INSTALLED
        done = subprocess.run([*deskterm, *argv[1:]], env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    backups = [p.name for p in folder.iterdir()]
    assert len(backups) == 1 and re.fullmatch(r"deskterm-\d{8}-\d{6}\.db", backups[0])
    assert (folder / backups[0]).stat().st_mode & 0o077 == 0


def test_everything_listens_on_loopback_only():
    serve = unit_lines("deskterm-serve.service", "ExecStart")[0]
    assert "--host 127.0.0.1" in serve and "--public-url https://" in serve
    compose = (DEPLOY / "docker-compose.yml").read_text()
    published = re.findall(r'^\s*-\s*"([^"]+:\d+:\d+)"', compose, flags=re.M)
    assert published and all(p.startswith("127.0.0.1:") for p in published), published
    assert '"deskterm", "db", "backup", "/backups"' in compose
    assert "--public-url" in compose


def test_the_units_keep_files_private():
    for name in ("deskterm-serve.service", "deskterm-backup.service"):
        assert unit_lines(name, "UMask") == ["0077"], name
        assert unit_lines(name, "User") == ["deskterm"], name
