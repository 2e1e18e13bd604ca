"""Many desks on one database (issue 14): N desk processes save every ~3 s while a watcher
desk measures how long another desk's save takes to show on its screen.

Each desk is a process with its own engine; its first save (statements compiled, connection
made) comes before the common start, which is set once every desk and the watcher are started
and warm (their start-up is not in the timed window), and is not timed. Then it saves every 1–5 s (3 on
average): two saves in
three take a message (a new row), one in three delivers a message still waiting (a change to
a row other desks may change at the same instant: one wins, the others are refused with
StaleEdit, which counts as "refused", not lost). A save is timed from the call to its return
(commit acknowledged), as the TUI's worker runs it (`db.run_write`).

The watcher desk does what the app's live screens do (deskterm.changes + tui/app.py): it waits
on the change watcher (SQLite: PRAGMA data_version; PostgreSQL: LISTEN/NOTIFY), then reads the
dashboard counts and the newest messages, at most twice a second. "Visible" is the time from a
desk's acknowledged save to the moment the watcher has read it.

At the end: lost = acknowledged saves missing from the database; doubled = a message stored
twice, or delivered more than once (two `message.deliver` audit events).

    python bench/bench_desks.py [--sqlite-desks 6] [--pg-url URL --pg-desks 20] [--seconds 60]

Targets (issue 14): save p99 <= 200 ms, visible p95 <= 2 s, 0 lost, 0 doubled.

DESKTERM_BENCH_TRACE=1 adds each save's phases (statements, the wait for the audit head's lock,
commit, the desk's CPU time and its time waiting for a CPU) and prints the slowest saves.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GAP = 0.5  # the app's WATCH_GAP_SECONDS: a burst of saves is one refresh


def _context(url: str, code: str):
    from sqlmodel import select

    from deskterm.clock import SystemClock
    from deskterm.config import Settings
    from deskterm.db import make_engine, read_session
    from deskterm.models.user import Role, User
    from deskterm.services.actor import Actor

    engine = make_engine(url)
    with read_session(engine) as session:
        user = session.exec(select(User).where(User.code == code)).one()
    return engine, SystemClock(), Settings(), Actor(user.id, user.code, user.name, Role.operator)


class _Trace:
    """Where one save spends its time (DESKTERM_BENCH_TRACE=1): the statements (count, time,
    the slowest), the wait for the audit head's row lock, the commit, this process's CPU time,
    and the time it sat runnable on the CPU run queue (/proc/thread-self/schedstat: the
    scheduler's, not deskterm's)."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.reset()
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "commit", self._commit)

    def reset(self) -> None:
        self.n = 0
        self.sql = 0.0
        self.slowest = (0.0, "")
        self.head = 0.0
        self.first = None
        self.commit_at = None
        self.t0 = time.perf_counter()
        self.cpu0 = time.process_time()
        self.q0 = self._runq()

    @staticmethod
    def _runq() -> float:
        try:
            with open("/proc/thread-self/schedstat") as f:
                return int(f.read().split()[1]) / 1e6
        except (OSError, IndexError, ValueError):
            return 0.0

    def _before(self, _conn, _cursor, statement, *_a) -> None:
        self._at = time.perf_counter()
        if self.first is None:
            self.first = self._at

    def _after(self, _conn, _cursor, statement, *_a) -> None:
        took = time.perf_counter() - self._at
        self.n += 1
        self.sql += took
        if "audit_head" in statement and "FOR UPDATE" in statement:
            self.head += took
        if took > self.slowest[0]:
            self.slowest = (took, " ".join(statement.split())[:60])

    def _commit(self, _conn) -> None:
        self.commit_at = time.perf_counter()

    def phases(self) -> dict:
        end = time.perf_counter()
        ms = lambda x: round(x * 1000, 1)  # noqa: E731
        return {
            "to_first_sql_ms": ms((self.first or end) - self.t0),
            "n_sql": self.n,
            "sql_ms": ms(self.sql),
            "head_lock_ms": ms(self.head),
            "commit_ms": ms(end - self.commit_at) if self.commit_at else None,
            "slowest_sql": [ms(self.slowest[0]), self.slowest[1]],
            "cpu_ms": ms(time.process_time() - self.cpu0),
            "runq_ms": round(self._runq() - self.q0, 1),
        }


def _ready(gate: str, code: str) -> float:
    """Say this process is started and warm, then wait for the common start: the parent sets it
    once every desk and the watcher are ready, so no process's start-up (imports, first
    connection: about a CPU-second each) falls in the timed window."""
    Path(gate, f"ready-{code}").touch()
    start = Path(gate, "start")
    while not start.exists():
        time.sleep(0.05)
    return float(start.read_text())


def desk(url: str, code: str, gate: str, seconds: float, seed: int) -> None:
    """One desk: print one JSON line per save: {"token", "kind", "ms", "at", "ok"}."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from deskterm.db import run_read, run_write
    from deskterm.errors import DeskError
    from deskterm.models.inquiry import Message, MessageCreate
    from deskterm.services.inquiries import messages

    rng = random.Random(seed)
    engine, clock, _settings, actor = _context(url, code)
    trace = _Trace(engine) if os.environ.get("DESKTERM_BENCH_TRACE") else None
    run_read(engine, lambda s: s.exec(select(func.count()).select_from(Message)).one())
    run_write(
        engine,
        lambda s: messages.take_message(  # warm: its first save is not timed
            session=s,
            actor=actor,
            clock=clock,
            message_in=MessageCreate(
                for_kind="other", for_name="张三", from_name="快递", text=f"{code}-warm"
            ),
        ),
    )
    start_at = _ready(gate, code)
    time.sleep(max(0.0, start_at - time.time()))
    n = 0
    while time.time() < start_at + seconds:
        time.sleep(rng.uniform(1.0, 5.0))
        n += 1
        token = f"{code}-{n}"
        if n % 3 == 0:
            waiting = run_read(
                engine,
                lambda s: s.exec(
                    select(Message.id, Message.version)
                    .where(col(Message.delivered_at).is_(None))
                    .order_by(Message.id.desc())
                    .limit(5)
                ).all(),
            )
            if not waiting:
                continue
            message_id, version = rng.choice(waiting)
            kind, token = "deliver", f"deliver-{message_id}"
            work = lambda s, m=message_id, v=version: messages.deliver_message(  # noqa: E731
                session=s, actor=actor, clock=clock, message_id=m, how="phone", version=v
            )
        else:
            kind = "take"
            work = lambda s, t=token: messages.take_message(  # noqa: E731
                session=s,
                actor=actor,
                clock=clock,
                message_in=MessageCreate(
                    for_kind="other", for_name="张三", from_name="快递", text=t
                ),
            )
        if trace is not None:
            trace.reset()
        started = time.perf_counter()
        try:
            run_write(engine, work)
            ok = True
        except DeskError:
            ok = False
        ms = (time.perf_counter() - started) * 1000
        line = {"token": token, "kind": kind, "ms": ms, "at": time.time(), "ok": ok}
        if trace is not None:
            line["phases"] = trace.phases()
        print(json.dumps(line), flush=True)
    # the last save may start up to 5 s after the window: no desk ends (process teardown is
    # CPU) while another may still be saving
    time.sleep(max(0.0, start_at + seconds + 5.5 - time.time()))
    engine.dispose()


def watcher(url: str, code: str, gate: str, seconds: float) -> None:
    """The watcher desk: print {"token": seen_at} for every message it has read."""
    from sqlmodel import select

    from deskterm.changes import ChangeWatcher
    from deskterm.db import run_read
    from deskterm.models.inquiry import Message
    from deskterm.services.actor import Actor
    from deskterm.services.shift import dashboard

    engine, clock, settings, actor = _context(url, code)
    watch = ChangeWatcher(engine)
    watch.wait(0.01)  # its baseline
    last_id = run_read(engine, lambda s: max(s.exec(select(Message.id)).all(), default=0))
    seen: dict[str, float] = {}
    start_at = _ready(gate, code)
    stop = start_at + seconds + 8.0
    while time.time() < stop:
        if not watch.wait(1.0):
            continue
        scope = dashboard.Scope(
            now=clock.now(),
            settings=settings,
            actor=Actor(actor.user_id, actor.code, actor.name, actor.role),
        )

        # ids are drawn at insert, commits land in another order: a save committed after a
        # higher id was read has a lower id, so the window reaches back past the last one
        def read(s, after=last_id - 100, scope=scope):
            dashboard.counts(s, scope)  # what the dashboard reads at a refresh
            return s.exec(
                select(Message.id, Message.text, Message.delivered_at).where(
                    (Message.id > after) | Message.delivered_at.is_not(None)
                )
            ).all()

        rows = run_read(engine, read)
        now = time.time()
        for message_id, text, delivered_at in rows:
            if message_id > last_id:
                seen.setdefault(text, now)
            if delivered_at is not None:
                seen.setdefault(f"deliver-{message_id}", now)
        last_id = max([last_id, *(r[0] for r in rows)])
        time.sleep(GAP)
    watch.close()
    print(json.dumps(seen), flush=True)


# == one run ======================================================================================
def _prepare(url: str, desks: int) -> None:
    from deskterm.clock import SystemClock
    from deskterm.config import Settings
    from deskterm.db import make_engine, run_write
    from deskterm.services.admin import users
    from deskterm.services.admin.setup import initialise

    engine = make_engine(url)
    clock, settings = SystemClock(), Settings()
    initialise(engine=engine, clock=clock, settings=settings)
    for code in [f"d{i}" for i in range(desks)] + ["watch"]:
        run_write(
            engine,
            lambda s, c=code: users.add_user(
                session=s,
                actor=None,
                clock=clock,
                settings=settings,
                code=c,
                name=f"台{c}",
                role="operator",
                password="bench-pass-1",
            ),
        )
    engine.dispose()


def _check(url: str, acknowledged: list[dict]) -> tuple[int, int]:
    from sqlalchemy import func
    from sqlmodel import select

    from deskterm.db import make_engine, run_read
    from deskterm.models.audit import AuditEvent
    from deskterm.models.inquiry import Message

    engine = make_engine(url)
    texts = run_read(engine, lambda s: s.exec(select(Message.text)).all())
    delivered = run_read(
        engine,
        lambda s: s.exec(
            select(AuditEvent.entity_id, func.count())
            .where(AuditEvent.action == "message.deliver")
            .group_by(AuditEvent.entity_id)
        ).all(),
    )
    engine.dispose()
    stored = set(texts)
    lost = sum(
        1 for a in acknowledged if a["ok"] and a["kind"] == "take" and a["token"] not in stored
    )
    doubled = (len(texts) - len(stored)) + sum(1 for _id, n in delivered if n > 1)
    return lost, doubled


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run_one(url: str, desks: int, seconds: float, label: str) -> dict:
    _prepare(url, desks)
    gate = tempfile.mkdtemp(prefix="bench-desks-")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    me = str(Path(__file__).resolve())
    procs = [
        subprocess.Popen(
            [sys.executable, me, "--desk", url, f"d{i}", gate, str(seconds), str(i)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(desks)
    ]
    watch = subprocess.Popen(
        [sys.executable, me, "--watcher", url, "watch", gate, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    everyone = [*procs, watch]
    while len(list(Path(gate).glob("ready-*"))) < len(everyone):
        if any(p.poll() is not None for p in everyone):
            raise SystemExit("a desk process ended before it was ready")
        time.sleep(0.1)
    start_at = time.time() + 2.0
    Path(gate, "start.tmp").write_text(repr(start_at))
    os.replace(Path(gate, "start.tmp"), Path(gate, "start"))
    saves: list[dict] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 120)
        saves += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    out, _ = watch.communicate(timeout=seconds + 120)
    shutil.rmtree(gate, ignore_errors=True)
    seen = json.loads(out.strip().splitlines()[-1])
    lost, doubled = _check(url, saves)
    done = [s for s in saves if s["ok"]]
    if os.environ.get("DESKTERM_BENCH_TRACE"):  # the slowest saves, phase by phase
        for s in sorted(saves, key=lambda s: -s["ms"])[: max(3, len(saves) // 50)]:
            print(
                f"{label} slow save {s['ms']:.1f} ms {s['kind']} at +{s['at'] - start_at:.1f} s:"
                f" {json.dumps(s['phases'])}",
                file=sys.stderr,
            )
        for name in (
            "runq_ms",
            "cpu_ms",
            "to_first_sql_ms",
            "head_lock_ms",
            "commit_ms",
            "sql_ms",
            "n_sql",
        ):
            got = [s["phases"][name] or 0 for s in saves]
            print(f"{label} {name}: p50 {_pct(got, 0.5)} p99 {_pct(got, 0.99)}", file=sys.stderr)
    visible = [seen[s["token"]] - s["at"] for s in done if s["token"] in seen]
    unseen = sum(1 for s in done if s["token"] not in seen)
    return {
        "engine": label,
        "desks": desks,
        "seconds": seconds,
        "saves": len(done),
        "refused": len(saves) - len(done),
        "save_p50_ms": round(_pct([s["ms"] for s in done], 0.50), 1),
        "save_p99_ms": round(_pct([s["ms"] for s in done], 0.99), 1),
        "visible_p50_s": round(_pct(visible, 0.50), 3),
        "visible_p95_s": round(_pct(visible, 0.95), 3),
        "not_seen": unseen,
        "lost": lost,
        "doubled": doubled,
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--desk":
        url, code, gate, seconds, seed = sys.argv[2:7]
        desk(url, code, gate, float(seconds), int(seed))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--watcher":
        url, code, gate, seconds = sys.argv[2:6]
        watcher(url, code, gate, float(seconds))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite-desks", type=int, default=6)
    parser.add_argument("--pg-url", default=os.environ.get("DESKTERM_TEST_PG_URL"))
    parser.add_argument("--pg-desks", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    results = []
    if args.sqlite_desks:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(
                run_one(str(Path(tmp) / "desks.db"), args.sqlite_desks, args.seconds, "sqlite")
            )
    if args.pg_url and args.pg_desks:
        from sqlalchemy import create_engine, text

        name = f"deskterm_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            results.append(
                run_one(
                    args.pg_url.rsplit("/", 1)[0] + f"/{name}",
                    args.pg_desks,
                    args.seconds,
                    "postgresql",
                )
            )
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    for r in results:
        met = (
            r["save_p99_ms"] <= 200
            and r["visible_p95_s"] <= 2.0
            and not r["lost"]
            and not r["doubled"]
        )
        print(
            f"{r['engine']:>10} {r['desks']:>2} desks {r['seconds']:.0f}s: {r['saves']} saves "
            f"({r['refused']} refused), save p50 {r['save_p50_ms']} ms p99 {r['save_p99_ms']} ms"
            f", visible p50 {r['visible_p50_s']} s p95 {r['visible_p95_s']} s, "
            f"not seen {r['not_seen']}, lost {r['lost']}, doubled {r['doubled']}"
            f"  [{'met' if met else 'NOT met'}]"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
