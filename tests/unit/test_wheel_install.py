"""Issue 18 A: a non-editable install (what docs/SITE.md and deploy/Dockerfile do) must carry
everything the checkout has: the data/ folder as `deskterm.data`, translations, migrations,
styles. The wheel is built for real, compared file by file with the tracked sources, installed
into a bare folder, and `deskterm init` is run from it, away from the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_SHIPPED = {".md"}  # notes for developers


def dockerfile_sources() -> list[str]:
    """The paths deploy/Dockerfile COPYs from the repository (the last word is the target)."""
    copied = []
    for line in (ROOT / "deploy" / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            copied += [p.rstrip("/") for p in line.split()[1:-1]]
    assert "pyproject.toml" in copied
    return copied


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a clean copy of exactly what deploy/Dockerfile copies into its image (a
    # build/ or *.egg-info left in the checkout by an earlier build would carry files the
    # configuration no longer ships; a file the Dockerfile forgets would break the image).
    source = tmp_path_factory.mktemp("source")
    copied = dockerfile_sources()
    for name in subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split():
        if (ROOT / name).is_file() and any(name == c or name.startswith(c + "/") for c in copied):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0 and "No matching distribution" in done.stderr:
        pytest.skip("the build backend cannot be fetched here: " + done.stderr[-300:])
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("deskterm-*.whl")
    return built


def tracked(folder: str) -> list[str]:
    names = subprocess.run(
        ["git", "ls-files", folder], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [n for n in names if Path(n).suffix not in NOT_SHIPPED]


def test_the_wheel_carries_every_source_file_and_the_data_folder(wheel):
    inside = set(zipfile.ZipFile(wheel).namelist())
    expected = tracked("deskterm") + ["deskterm/" + n for n in tracked("data")]
    assert any(n.startswith("deskterm/data/") and n.endswith(".csv") for n in expected)
    missing = [n for n in expected if n not in inside]
    assert missing == []
    stray = [n for n in inside if not n.startswith(("deskterm/", "deskterm-"))]
    assert stray == []  # no tests/, scripts/ or a second top-level package


def test_init_runs_from_the_installed_wheel(wheel, tmp_path):
    target = tmp_path / "site-packages"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTERM_")}
    # the wheel first: the checkout must not be importable (its data/ would hide a missing one)
    env.update(
        PYTHONPATH=str(target),
        DESKTERM_DATA_DIR=str(tmp_path / "d"),
        DESKTERM_CONFIG_DIR=str(tmp_path / "c"),
        DESKTERM_PASSWORD="a long admin password",
    )
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import deskterm.data, deskterm.paths as p;"
            "print(deskterm.data.__file__); print(p.reference_data_dir())",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert where.returncode == 0, where.stderr
    assert all(line.startswith(str(target)) for line in where.stdout.split()), where.stdout
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "deskterm",
            "init",
            "--db",
            str(tmp_path / "s.db"),
            "--admin",
            "admin1",
            "--admin-name",
            "Admin",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Admin admin1 created." in done.stdout
    assert " 0 repair categories" not in done.stdout
