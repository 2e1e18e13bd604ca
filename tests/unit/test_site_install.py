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
    done = subprocess.run(
        [tool, "verify", *(u.name for u in UNITS)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr


def test_the_backup_unit_runs_as_written(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTERM_")}
    env.update(
        PYTHONPATH=str(ROOT),
        DESKTERM_CONFIG_DIR=str(tmp_path),
        DESKTERM_DATA_DIR=str(tmp_path),
        DESKTERM_DB=str(tmp_path / "site.db"),
        DESKTERM_USER="backup",
        DESKTERM_PASSWORD="a long backup password",
    )
    deskterm = [sys.executable, "-m", "deskterm"]
    made = subprocess.run(
        [*deskterm, "init", "--admin", "backup", "--admin-name", "Backup"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o700)
    commands = unit_lines("deskterm-backup.service", "ExecStart") + unit_lines(
        "deskterm-backup.service", "ExecStartPost"
    )
    assert len(commands) == 2
    for command in commands:
        argv = shlex.split(command.replace("/var/backups/deskterm", str(folder)))
        assert argv[0] == INSTALLED
        done = subprocess.run(
            [*deskterm, *argv[1:]], env=env, capture_output=True, text=True, timeout=300
        )
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


def _recipe_line(marker: str) -> str:
    lines = [
        line for line in (ROOT / "docs" / "SITE.md").read_text().splitlines() if marker in line
    ]
    assert len(lines) == 1, lines
    return lines[0]


def test_the_shipped_env_files_load_in_the_shell_as_the_recipe_loads_them(tmp_path):
    """Issue 18 B: `env $(cat site.env | xargs)` broke on the example's comment lines (and the
    apostrophe in them). The documented `set -a; . FILE; set +a` must load every NAME=value of
    every shipped example exactly as systemd's EnvironmentFile= and compose's env_file: read
    them (NAME=value lines and comments only)."""
    for example in sorted(DEPLOY.glob("*.env.example")):
        text = example.read_text()
        expected = {}
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            name, _eq, value = line.partition("=")
            assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", name), line
            assert re.fullmatch(r"[A-Za-z0-9_.~:/@+%-]*", value), (
                f"{example.name}: quote-free {line}"
            )
            expected[name] = value
        assert expected, example
        shown = subprocess.run(
            ["sh", "-c", f"set -a; . {shlex.quote(str(example))}; set +a; env -0"],
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            capture_output=True,
            timeout=30,
        )
        assert shown.returncode == 0, shown.stderr
        env = dict(item.split("=", 1) for item in shown.stdout.decode().split("\0") if "=" in item)
        assert {k: env.get(k) for k in expected} == expected


def test_the_documented_init_line_runs_against_the_example_site_env(tmp_path):
    """The init line of docs/SITE.md, run as written but for the paths: the example site.env
    (its DESKTERM_DB pointed at a scratch database), this checkout's deskterm, answers typed."""
    line = _recipe_line("deskterm init'")
    assert "set -a; . /etc/deskterm/site.env; set +a" in line and "xargs" not in line
    inner = shlex.split(line)[-1]  # what `sudo -u deskterm sh -c` runs
    site_env = tmp_path / "site.env"
    db = tmp_path / "site.db"  # a scratch SQLite file stands in for the site's PostgreSQL
    site_env.write_text(
        re.sub(
            r"^DESKTERM_DB=.*$",
            f"DESKTERM_DB={db}",
            (DEPLOY / "site.env.example").read_text(),
            flags=re.M,
        )
    )
    (tmp_path / "etc").mkdir()
    (tmp_path / "lib").mkdir()
    inner = (
        inner.replace("/etc/deskterm/site.env", str(site_env))
        .replace("/etc/deskterm", str(tmp_path / "etc"))
        .replace("/var/lib/deskterm", str(tmp_path / "lib"))
        .replace(INSTALLED, f"{shlex.quote(sys.executable)} -m deskterm")
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTERM_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        ["sh", "-c", inner],
        env=env,
        input="admin1\nAdmin\nlong-admin-pass\nlong-admin-pass\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert db.exists() and "admin1" in done.stdout.splitlines()[-1]  # in site.env's language (zh)
    from deskterm.schema import head_revision

    assert head_revision() in done.stdout.splitlines()[0]


def test_every_file_naming_the_placeholder_address_says_to_change_it():
    """Issue 18 G: desk.example.com is a placeholder; each file that uses it says so."""
    for path in [ROOT / "docs" / "SITE.md", DEPLOY / "docker-compose.yml", *UNITS]:
        text = path.read_text()
        if "desk.example.com" in text:
            assert re.search(r"placeholder|replace it with your", text, flags=re.I), path
