"""Issue 18 faults of `deskterm serve`: a port in use, an unreachable PostgreSQL, a web socket
dropped mid-session. One sentence, exit 1, never a traceback; the server keeps serving."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, home: Path, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTERM_")}
    env.update(PYTHONPATH=str(ROOT), DESKTERM_CONFIG_DIR=str(home), DESKTERM_DATA_DIR=str(home),
               **extra)
    return subprocess.run([sys.executable, "-m", "deskterm", "--lang", "en", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def one_sentence(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def demo_db(tmp_path) -> Path:
    db = tmp_path / "site.db"
    done = run("init", "--db", str(db), "--admin", "admin1", "--admin-name", "Admin",
               home=tmp_path, DESKTERM_PASSWORD="a long site password")
    assert done.returncode == 0, done.stderr
    return db


def test_a_port_in_use_is_one_sentence(tmp_path, demo_db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_sentence(run("serve", "--db", str(demo_db), "--port", str(port), home=tmp_path))
    assert f"Port {port}" in line and "--port" in line


@pytest.mark.parametrize("port", ["0", "70000"])
def test_a_port_that_is_no_port_is_one_sentence(tmp_path, demo_db, port):
    assert "not a port" in one_sentence(run("serve", "--db", str(demo_db), "--port", port, home=tmp_path))


def test_postgresql_unreachable_at_start_is_one_sentence(tmp_path):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    line = one_sentence(run("serve", "--db", f"postgresql+psycopg://deskterm@127.0.0.1:{port}/site",
                            home=tmp_path))
    assert line.startswith("The database cannot be reached") and "nothing is served" in line


def test_an_old_schema_is_refused_before_serving(tmp_path):
    import sqlite3

    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    assert "Traceback" not in one_sentence(run("serve", "--db", str(db), home=tmp_path))


def _read_app(ws, seconds: float) -> int:
    """Bytes the served app sent within `seconds`."""
    got = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = ws.recv(timeout=0.5)
        except TimeoutError:
            continue
        if isinstance(message, bytes):
            got += len(message)
    return got


def test_a_dropped_web_socket_is_one_log_line_and_the_server_serves_on(tmp_path, demo_db):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTERM_")}
    env.update(PYTHONPATH=str(ROOT), DESKTERM_CONFIG_DIR=str(tmp_path), DESKTERM_DATA_DIR=str(tmp_path))
    server = subprocess.Popen(
        [sys.executable, "-m", "deskterm", "--lang", "en", "serve", "--db", str(demo_db),
         "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.1)
        url = f"ws://127.0.0.1:{port}/ws?width=80&height=24"
        with connect(url, open_timeout=10) as ws:
            assert _read_app(ws, 8) > 0, "the app painted its sign-in screen"
            ws.socket.shutdown(socket.SHUT_RDWR)  # a proxy dropping the connection: no close frame
        time.sleep(1)
        with connect(url, open_timeout=10) as again:  # the server serves the next tab
            assert _read_app(again, 8) > 0
        assert server.poll() is None
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=30)
    assert "Traceback" not in err, err
    assert "served on" in err
