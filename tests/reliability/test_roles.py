"""Issue 9, promise 8: every role × every screen action, CLI command and guarded service, held
to ONE table (tests/reliability/roles_table.py), and every denial audited.

- The table equals the code: POLICY, the key registry, the CLI commands and the services'
  `require` calls (a new key, command or guarded service without a row fails here).
- Services: every guarded function is called as an operator, a supervisor and an admin;
  allowed or refused as the table says; a refusal writes nothing (every table counted).
- CLI: every signed-in command run as each role: allowed, or exit 1 with the refusal
  sentence and one `permission.denied` event.
- TUI: the palette and the keys offer each role what the table gives it; pressing a refused
  key does nothing; a refusal met in the app is audited.
"""

from __future__ import annotations

import ast
import importlib
import itertools
import os
import pathlib
import pkgutil
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from deskterm import exports
from deskterm.clock import FixedClock
from deskterm.config import Settings
from deskterm.db import lock_first, make_engine, run_read, run_write
from deskterm.errors import PermissionDenied
from deskterm.models.audit import AuditEvent
from deskterm.models.complaint import CommunicationCreate, ComplaintCreate, ComplaintUpdate
from deskterm.models.estate import ResidentCreate
from deskterm.models.inquiry import InquiryCreate, MessageCreate, PromisedReplyCreate
from deskterm.models.public_area import PublicAreaRequestCreate
from deskterm.models.repair import Engineer, RepairOrderCreate, RepairOrderUpdate, RepairScope
from deskterm.models.shift import LogbookEntryCreate
from deskterm.models.user import Role, User
from deskterm.models.visitor import (
    ExpectedVisitorCreate,
    VisitorSlipCreate,
    VisitorSlipUpdate,
)
from deskterm.services import audit, callback_schedule, permissions
from deskterm.services.actor import Actor
from deskterm.services.admin import db_status, importer, maintenance, repair_categories, users
from deskterm.services.admin import restore as db_restore
from deskterm.services.callbacks import outcomes as callback_outcomes
from deskterm.services.callbacks import queue as callbacks
from deskterm.services.complaints import categories as complaint_categories
from deskterm.services.complaints import communications, public_areas
from deskterm.services.complaints import handling as complaints
from deskterm.services.complaints import links as complaint_links
from deskterm.services.complaints import queries as complaint_queries
from deskterm.services.estate import residents
from deskterm.services.inquiries import directory, messages, promises, search
from deskterm.services.inquiries import log as inquiries
from deskterm.services.repairs import engineers, intake, settlement, status, warranty
from deskterm.services.repairs import fee_schedule as fees
from deskterm.services.repairs import fees as repair_fees
from deskterm.services.repairs import order_print as repair_print
from deskterm.services.shift import duty as shifts
from deskterm.services.shift import handover, logbook
from deskterm.services.visitors import deny as visitor_deny
from deskterm.services.visitors import expected as visitor_expected
from deskterm.services.visitors import history as visitor_history
from deskterm.services.visitors import purge as visitor_purge
from deskterm.services.visitors import slips as visitors
from tests.cli import conftest as cli_fixtures
from tests.conftest import FIXED_NOW
from tests.factories import PASSWORD, make_user
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.reliability import roles_table as table
from tests.reliability.world import World, construct, row_counts
from tests.tui import conftest as tui_fixtures

ROLES = table.ROLES
cli = cli_fixtures.cli  # the CLI and Pilot fixtures live in their folders' conftest files
make_desk_app = tui_fixtures.make_desk_app
REFUSAL = "Your role ({role}) may not do this: {action}."
CLI_REFUSAL = "Your role ({role}) may not {what}."  # a command says the action in words


# == the table is the code ======================================================================
def test_the_table_is_the_policy():
    assert {k: table.roles_of(k) for k in table.PERMISSIONS} == {
        k: frozenset(r.value for r in v) for k, v in permissions.POLICY.items()
    }


def _load_every_screen() -> dict:
    import deskterm.tui.app  # noqa: F401

    for package in ("deskterm.tui.screens", "deskterm.tui.dialogs"):
        module = importlib.import_module(package)
        for info in pkgutil.iter_modules(module.__path__):
            importlib.import_module(f"{package}.{info.name}")
    from deskterm.tui.actions import ACTIONS

    return ACTIONS


def test_every_key_of_the_app_has_a_row():
    actions = _load_every_screen()
    assert set(actions) - set(table.SCREEN_ACTIONS) == set(), "keys without a row in the table"
    assert set(table.SCREEN_ACTIONS) - set(actions) == set(), "rows for keys that do not exist"
    for action_id, item in actions.items():
        row = table.SCREEN_ACTIONS[action_id]
        perms = set(row.values()) if isinstance(row, dict) else {row}
        assert all(p is None or p in permissions.POLICY for p in perms), action_id
        if item.permission is not None:  # the registry's own guard agrees with the table
            assert item.permission in perms, action_id


def _cli_commands() -> set[str]:
    from typer.main import get_command

    from deskterm.cli.main import build_app

    root = get_command(build_app())
    found = set()
    for name, command in root.commands.items():
        subs = getattr(command, "commands", None)
        if subs:
            found |= {f"{name} {sub}" for sub in subs}
        else:
            found.add(name)
    return found


def _table_command(name: str) -> str:
    return {"export": "export KIND", "report": "report KIND", "import": "import KIND FILE"}.get(
        name, name
    )


def test_every_command_of_the_cli_has_a_row():
    rows = {name.split(" --")[0] for name in table.CLI_COMMANDS}
    assert {_table_command(c) for c in _cli_commands()} == rows
    for name, perms in table.CLI_COMMANDS.items():
        assert perms is None or all(p in permissions.POLICY for p in perms), name
        assert (perms is None) == (name in table.NO_SIGN_IN), name


def _asks(node, functions, seen) -> set[str]:
    """The permission ids a function asks `require` for, following its module's helpers."""
    ids = set()
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        name = getattr(call.func, "id", getattr(call.func, "attr", None))
        if name == "require":
            ids |= {
                a.value
                for a in call.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            }
            if len(call.args) > 1 and isinstance(call.args[1], ast.Name):
                ids.add("*")  # a helper passes the id it was given
        elif name in functions and name.startswith("_") and name not in seen:
            ids |= _asks(functions[name], functions, seen | {name})
    return ids


def _guards() -> dict[str, set[str]]:
    """Service function -> the permission ids it asks `require` for (its own body and the
    private helpers of its module it calls), read from the source."""
    found: dict[str, set[str]] = {}
    root = pathlib.Path(permissions.__file__).parent
    for path in [*root.rglob("*.py"), root.parent / "exports" / "__init__.py"]:
        tree = ast.parse(path.read_text())
        functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        if path.parent == root.parent / "exports":
            module = "exports"
        else:
            module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(
                ".__init__"
            )
        for name, node in functions.items():
            if not name.startswith("_"):
                ids = _asks(node, functions, {name})
                if ids:
                    found[f"{module}.{name}"] = ids
    return found


# Public functions that write with an actor but take no permission, and why that is right.
UNGUARDED = {
    "audit.record": "the audit itself",
    "permissions.deny": "records a denial",
    "permissions.record_refusal": "records a denial",
    "permissions.authorize": "the door check itself: records a denial and raises",
    "callback_schedule.schedule_callback": "called inside a guarded change (repair done, complaint closed)",
    "shift.duty.close_shift": "called inside handover.sign, which takes handover.sign",
    "repairs.base.apply_change": "the common step of every guarded repair change",
    "visitors.slips.check_in_expected": "goes through visitors.register_slip",
    "shift.handover.collect": "reads what is open",
    "visitors.hosts.find_hosts": "reads hosts (masked phones)",
    "estate.importing.import_units": "called by importer.import_file (import.run)",
    "estate.import_people.import_residents": "called by importer.import_file (import.run)",
    "admin.import_reference.import_directory": "called by importer.import_file (import.run)",
    "admin.import_reference.import_fees": "called by importer.import_file (import.run)",
    "callbacks.outcomes.record_repair_callback": "goes through callbacks.record_* (callbacks.record)",
}


def test_every_guarded_service_has_a_row_and_nothing_writes_unguarded():
    guards = _guards()
    for key, perm in table.SERVICES.items():  # keyed by the module that defines it
        asked = guards.get(key.split("+")[0], set())
        assert asked, f"{key}: the table says it is guarded, but it asks for no permission"
        perms = perm if isinstance(perm, tuple) else (perm,)
        if "*" not in asked:
            assert set(perms) <= asked, f"{key} asks for {asked}, the table says {perms}"
    listed = {k.split("+")[0] for k in table.SERVICES}
    assert set(guards) - listed - set(UNGUARDED) == set(), "guarded services without a row"
    # and every public function that writes an audit event with an actor is guarded
    root = pathlib.Path(permissions.__file__).parent
    unguarded = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if "actor" not in [a.arg for a in node.args.kwonlyargs]:
                continue
            writes = any(
                isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "record"
                for n in ast.walk(node)
            )
            key = f"{module}.{node.name}"
            if writes and key not in guards and key not in UNGUARDED:
                unguarded.append(key)
    assert unguarded == []


# == services × roles ===========================================================================
@pytest.fixture(scope="module")
def world(tmp_path_factory, sqlite_template):
    path = tmp_path_factory.mktemp("roles") / "roles.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(str(path))
    w = World.build(engine, FixedClock(FIXED_NOW), Settings())
    w.serial = itertools.count(1)
    w.tmp = tmp_path_factory.mktemp("roles-files")
    yield w
    engine.dispose()


def _empty_database(engine, folder: Path):
    """An empty database beside the world's: a new file, or a new PostgreSQL database."""
    if engine.dialect.name == "sqlite":
        return make_engine(str(folder / "restored.db"))
    from sqlalchemy import create_engine

    name = f"roles_restore_{next(_RESTORE_DBS)}_{os.getpid()}"
    server = create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return make_engine(engine.url.set(database=name).render_as_string(hide_password=False))


_RESTORE_DBS = itertools.count(1)


def role_user(w, role: str, *, shift: bool = True, post: str | None = None) -> Actor:
    n = next(w.serial)
    actor = make_user(w.engine, w.clock, w.settings, f"u{n}-{role}", Role(role), f"员工{n}")
    if not shift:
        return actor
    at_own_post = w.settings.replace(post=post or f"岗{n}")  # one on duty per post
    made = run_write(
        w.engine,
        lambda s: shifts.start_shift(
            session=s,
            actor=actor,
            clock=w.clock,
            settings=at_own_post,
            self_check={i: True for i in w.settings.self_check_items},
        ),
    )
    return Actor(actor.user_id, actor.code, actor.name, actor.role, made.id)


def _signed_handover(w) -> tuple[int, str]:
    """A handover signed at a post of its own, and that post (the next operator there answers
    it)."""
    post = f"交接岗{next(w.serial)}"
    out = role_user(w, "operator", post=post)
    signed = run_write(
        w.engine,
        lambda s: handover.sign(
            session=s,
            actor=out,
            clock=w.clock,
            settings=w.settings.replace(post=post),
            notices="钥匙在抽屉",
            physical_items={},
        ),
    )
    return signed.id, post


def new_order(w, **values):
    return w.repair(**values)


def warranty_repeat(w):
    """A new order of a unit whose same repair was done within the warranty: linked to it
    by default (D-35), whatever the tests before it left in the database."""
    w.repaired()
    order = new_order(w)
    assert order.warranty_of_id is not None, "the new order should repeat the repaired one"
    return order


def dispatched_order(w):
    order = new_order(w)
    run_write(
        w.engine,
        lambda s: status.dispatch(
            session=s,
            actor=w.admin,
            clock=w.clock,
            order_id=order.id,
            version=None,
            assignee="王师傅",
        ),
    )
    return order


def on_site_order(w):
    order = dispatched_order(w)
    run_write(
        w.engine,
        lambda s: status.record_arrival(
            session=s, actor=w.admin, clock=w.clock, order_id=order.id, version=None
        ),
    )
    return order


def _callback_of(w, kind: str, subject_id: int):
    return run_read(
        w.engine, lambda s: callback_schedule.pending_for(s, kind=kind, subject_id=subject_id)
    )


def called_back_order(w):
    order = w.repaired()
    cb = _callback_of(w, "repair", order.id)
    run_write(
        w.engine,
        lambda s: callback_outcomes.record_callback(
            session=s,
            actor=w.admin,
            clock=w.clock,
            settings=w.settings,
            callback_id=cb.id,
            version=cb.version,
            method="phone",
            result="satisfied",
        ),
    )
    return order


def _closed_complaint(w):
    return w.complaint(close_answer="已答复")


def _unique(w, prefix: str) -> str:
    return f"{prefix}{next(w.serial)}"


def _case_register_override(w, role):
    entry = w.deny_entry(name=_unique(w, "拒入者"))
    supervisor = w.by_role(role)
    data = construct(
        VisitorSlipCreate,
        visitor_name=entry.name,
        doc_type="sighted",
        host_resident_id=w.residents["张三"],
        host_call_method="phone",
        host_call_result="agreed",
    )
    override = visitors.DenyOverride(supervisor=supervisor, entry_id=entry.id)
    return lambda s: visitors.register_slip(
        session=s,
        actor=w.operator,
        clock=w.clock,
        settings=w.settings,
        slip_in=data,
        deny_override=override,
    )


def _import_file(w, actor):
    path = w.tmp / f"dir{next(w.serial)}.csv"
    path.write_text("kind,name\nshop,便利店\n", encoding="utf-8")
    return lambda s: importer.import_file(
        session=s,
        actor=actor,
        clock=w.clock,
        settings=w.settings,
        kind="directory",
        path=path,
        dry_run=True,
    )


def _cases():
    """name -> build(world, role) -> (actor, work(session) | ("engine", work(engine)))."""
    S = {}

    def case(name):
        def register(fn):
            S[name] = fn
            return fn

        return register

    @case("shift.duty.start_shift")
    def _(w, role):
        a = role_user(w, role, shift=False)
        free_post = w.settings.replace(post=f"空岗{next(w.serial)}")
        return a, lambda s: shifts.start_shift(
            session=s,
            actor=a,
            clock=w.clock,
            settings=free_post,
            self_check={i: True for i in w.settings.self_check_items},
        )

    @case("admin.maintenance.make_backup")
    def _(w, role):
        a = role_user(w, role, shift=False)
        folder = Path(tempfile.mkdtemp(prefix="deskterm-roles-"))
        return a, (
            "engine",
            lambda engine: maintenance.make_backup(
                engine=engine, target=folder, actor=a, clock=w.clock, settings=w.settings
            ),
        )

    @case("admin.db_status.record_verify")
    def _(w, role):
        a = role_user(w, role, shift=False)
        return a, (
            "engine",
            lambda engine: db_status.record_verify(
                engine=engine, clock=w.clock, result=audit.VerifyResult(True, 0, 0), actor=a
            ),
        )

    @case("admin.restore.restore")
    def _(w, role):
        a = role_user(w, role, shift=False)
        folder = Path(tempfile.mkdtemp(prefix="deskterm-roles-"))
        made = maintenance.make_backup(
            engine=w.engine, target=folder, actor=w.admin, clock=w.clock, settings=w.settings
        )
        target = _empty_database(w.engine, folder)  # another database: the world's stays
        return a, (
            "engine",
            lambda _engine: db_restore.restore(
                made.path, target, sign_in=lambda _e: a, clock=w.clock
            ),
        )

    @case("shift.duty.close_abandoned")
    def _(w, role):
        a, left = w.by_role(role), role_user(w, "operator")
        return a, lambda s: shifts.close_abandoned(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            shift_id=left.shift_id,
            reason="忘记交班",
        )

    @case("shift.handover.sign")
    def _(w, role):
        a = role_user(w, role)
        return a, lambda s: handover.sign(
            session=s, actor=a, clock=w.clock, settings=w.settings, notices="", physical_items={}
        )

    @case("shift.handover.accept")
    def _(w, role):
        hid, post = _signed_handover(w)
        a = role_user(w, role, post=post)
        return a, lambda s: handover.accept(session=s, actor=a, clock=w.clock, handover_id=hid)

    @case("shift.handover.refuse")
    def _(w, role):
        hid, post = _signed_handover(w)
        a = role_user(w, role, post=post)
        return a, lambda s: handover.refuse(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            handover_id=hid,
            reason="钥匙少一把",
        )

    simple = {
        "shift.logbook.add_entry": lambda w, a: (
            lambda s: logbook.add_entry(
                session=s,
                actor=a,
                clock=w.clock,
                entry_in=construct(
                    LogbookEntryCreate, occurred_at=w.clock.now(), category="other", what="电梯异响"
                ),
            )
        ),
        "visitors.slips.register_slip": lambda w, a: (
            lambda s: visitors.register_slip(
                session=s,
                actor=a,
                clock=w.clock,
                settings=w.settings,
                slip_in=construct(
                    VisitorSlipCreate,
                    visitor_name="访客",
                    doc_type="sighted",
                    host_resident_id=w.residents["张三"],
                    host_call_method="phone",
                    host_call_result="agreed",
                ),
            )
        ),
        "visitors.slips.turn_away": lambda w, a: (
            lambda s: visitors.turn_away(
                session=s,
                actor=a,
                clock=w.clock,
                settings=w.settings,
                cause="host_refused",
                slip_in=construct(
                    VisitorSlipCreate,
                    visitor_name="访客",
                    doc_type="sighted",
                    host_resident_id=w.residents["张三"],
                    host_call_method="phone",
                    host_call_result="refused",
                ),
            )
        ),
        "visitors.history.search_slips": lambda w, a: (
            lambda s: visitor_history.search_slips(
                session=s,
                actor=a,
                clock=w.clock,
                settings=w.settings,
                query=visitor_history.SlipQuery(name="访客"),
            )
        ),
        "visitors.expected.add_expected": lambda w, a: (
            lambda s: visitor_expected.add_expected(
                session=s,
                actor=a,
                clock=w.clock,
                settings=w.settings,
                expected_in=construct(
                    ExpectedVisitorCreate,
                    visitor_name="预约客",
                    expected_on=w.today(),
                    host_resident_id=w.residents["张三"],
                ),
            )
        ),
        "visitors.deny.add_deny_entry": lambda w, a: (
            lambda s: visitor_deny.add_deny_entry(
                session=s, actor=a, clock=w.clock, name=_unique(w, "新拒入"), reason="闹事"
            )
        ),
        "inquiries.search.search": lambda w, a: (
            lambda s: search.search(session=s, actor=a, clock=w.clock, text="张三")
        ),
        "estate.residents.person_card": lambda w, a: (
            lambda s: residents.person_card(
                session=s, actor=a, kind="resident", person_id=w.residents["张三"]
            )
        ),
        "estate.residents.reveal_phone": lambda w, a: (
            lambda s: residents.reveal_phone(
                session=s,
                actor=a,
                clock=w.clock,
                kind="resident",
                person_id=w.residents["张三"],
                reason="回电",
            )
        ),
        "estate.residents.create_resident": lambda w, a: (
            lambda s: residents.create_resident(
                session=s,
                actor=a,
                clock=w.clock,
                resident_in=ResidentCreate(name=_unique(w, "新住户"), unit_id=w.units["12-1204"]),
            )
        ),
        "estate.residents.create_residents": lambda w, a: (
            lambda s: residents.create_residents(
                session=s,
                actor=a,
                clock=w.clock,
                residents_in=[
                    ResidentCreate(name=_unique(w, "批量住户"), unit_id=w.units["12-1204"])
                ],
            )
        ),
        "inquiries.log.open_inquiry": lambda w, a: (
            lambda s: inquiries.open_inquiry(
                session=s,
                actor=a,
                clock=w.clock,
                inquiry_in=construct(InquiryCreate, channel="phone", topic="找人"),
            )
        ),
        "inquiries.messages.take_message": lambda w, a: (
            lambda s: messages.take_message(
                session=s,
                actor=a,
                clock=w.clock,
                message_in=construct(
                    MessageCreate, for_kind="other", for_name="张三", from_name="快递", text="到了"
                ),
            )
        ),
        "inquiries.promises.make_promise": lambda w, a: (
            lambda s: promises.make_promise(
                session=s,
                actor=a,
                clock=w.clock,
                promise_in=construct(
                    PromisedReplyCreate,
                    question="几点停水",
                    asked_by="业主",
                    contact="到前台",
                    due_at=w.clock.now() + timedelta(hours=2),
                ),
            )
        ),
        "repairs.intake.create_repair_order": lambda w, a: (
            lambda s: intake.create_repair_order(
                session=s,
                actor=a,
                clock=w.clock,
                settings=w.settings,
                order_in=construct(
                    RepairOrderCreate,
                    scope=RepairScope.household,
                    unit_id=w.units["12-1203"],
                    channel="phone",
                    reporter_name="张三",
                    reporter_contact="",
                    category_code="tap_leak_severe",
                    description="漏水",
                ),
            )
        ),
        "complaints.handling.intake_complaint": lambda w, a: (
            lambda s: complaints.intake_complaint(
                session=s,
                actor=a,
                clock=w.clock,
                settings=w.settings,
                complaint_in=construct(
                    ComplaintCreate, who_name="赵女士", content="太吵", category="noise_neighbours"
                ),
            )
        ),
        # an edit of a stored category (issue 21: it changes a row, so it has its race)
        "admin.repair_categories.save_category": lambda w, a: (
            lambda s: repair_categories.save_category(
                session=s,
                actor=a,
                clock=w.clock,
                new=False,
                code="heating_not_warm",
                name_zh=_unique(w, "暖气不热"),
                repair_class="general",
            )
        ),
        "complaints.categories.save_category": lambda w, a: (
            lambda s: complaint_categories.save_category(
                session=s,
                actor=a,
                clock=w.clock,
                code=_unique(w, "cat"),
                name_zh="新类",
                name_en="New",
                new=True,
            )
        ),
        "complaints.communications.record_communication": lambda w, a: (
            lambda s: communications.record_communication(
                session=s,
                actor=a,
                clock=w.clock,
                settings=w.settings,
                communication_in=construct(
                    CommunicationCreate,
                    at=w.clock.now(),
                    party_kind="utility",
                    party_name="自来水公司",
                    how="phone",
                    subject="停水通知",
                ),
            )
        ),
        "inquiries.directory.import_directory_rows": lambda w, a: (
            lambda s: directory.import_directory_rows(
                session=s,
                actor=a,
                clock=w.clock,
                tz=w.settings.timezone,
                rows=[{"kind": "shop", "name": _unique(w, "小卖部")}],
            )
        ),
        "inquiries.directory.add_event": lambda w, a: (
            lambda s: directory.add_event(
                session=s,
                actor=a,
                clock=w.clock,
                title=_unique(w, "消防演练"),
                place="大堂",
                starts_at=w.clock.now() + timedelta(days=3),
            )
        ),
        "admin.importer.import_file": lambda w, a: _import_file(w, a),
        "repairs.fee_schedule.add_schedule_version": lambda w, a: (
            lambda s: fees.add_schedule_version(
                session=s,
                actor=a,
                clock=w.clock,
                valid_from=w.today() + timedelta(days=1),
                items=[
                    fees.FeeItemIn(
                        code=_unique(w, "X"),
                        name="测试项",
                        unit="次",
                        labour_fen=100,
                        materials_fen=0,
                    )
                ],
            )
        ),
        "admin.users.add_user": lambda w, a: (
            lambda s: users.add_user(
                session=s,
                actor=a,
                clock=w.clock,
                settings=w.settings,
                code=_unique(w, "new"),
                name="新人",
                role="operator",
                password=PASSWORD,
            )
        ),
        "visitors.purge.purge_visitors": lambda w, a: (
            "engine",
            lambda engine: visitor_purge.purge_visitors(
                engine=engine, actor=a, clock=w.clock, settings=w.settings, older_than_days=180
            ),
        ),
        "exports.record_export": lambda w, a: (
            lambda s: exports.record_export(
                session=s,
                actor=a,
                clock=w.clock,
                kind="visitors",
                fmt="csv",
                since=None,
                until=None,
                include_pii=False,
                reason=None,
            )
        ),
        "exports.record_export+pii": lambda w, a: (
            lambda s: exports.record_export(
                session=s,
                actor=a,
                clock=w.clock,
                kind="visitors",
                fmt="csv",
                since=None,
                until=None,
                include_pii=True,
                reason="审计",
            )
        ),
    }

    def as_role(make):
        return lambda w, role: (w.by_role(role), make(w, w.by_role(role)))

    for name, make in simple.items():
        S[name] = as_role(make)

    def on(prepare, call):
        """A case that first makes its record (as the admin), then acts on it as the role."""

        def build(w, role):
            a = w.by_role(role)
            made = prepare(w)
            return a, lambda s: call(w, a, made, s)

        return build

    S["visitors.slips.update_slip"] = on(
        lambda w: w.slip(),
        lambda w, a, m, s: visitors.update_slip(
            session=s,
            actor=a,
            clock=w.clock,
            slip_id=m.id,
            version=m.version,
            changes=VisitorSlipUpdate(visitor_name="改名"),
        ),
    )
    S["visitors.slips.check_out"] = on(
        lambda w: w.slip(),
        lambda w, a, m, s: visitors.check_out(
            session=s, actor=a, clock=w.clock, settings=w.settings, number=m.number
        ),
    )

    def left_slip(w):
        slip = w.slip()
        return w.write(
            lambda s: visitors.check_out(
                session=s, actor=w.admin, clock=w.clock, settings=w.settings, slip_id=slip.id
            )
        )

    S["visitors.slips.undo_check_out"] = on(
        left_slip,
        lambda w, a, m, s: visitors.undo_check_out(session=s, actor=a, clock=w.clock, slip_id=m.id),
    )
    S["visitors.expected.cancel_expected"] = on(
        lambda w: w.expected(),
        lambda w, a, m, s: visitor_expected.cancel_expected(
            session=s, actor=a, clock=w.clock, expected_id=m.id
        ),
    )
    S["visitors.deny.remove_deny_entry"] = on(
        lambda w: w.deny_entry(name=_unique(w, "拒")),
        lambda w, a, m, s: visitor_deny.remove_deny_entry(
            session=s, actor=a, clock=w.clock, entry_id=m.id
        ),
    )
    S["visitors.slips.register_slip+deny_override"] = lambda w, role: (
        w.by_role(role),
        _case_register_override(w, role),
    )
    S["inquiries.log.record_attempt"] = on(
        lambda w: w.inquiry(),
        lambda w, a, m, s: inquiries.record_attempt(
            session=s, actor=a, clock=w.clock, inquiry_id=m.id, outcome="no_answer"
        ),
    )

    def transferred_try(w):
        inquiry = w.inquiry()
        w.write(
            lambda s: inquiries.record_attempt(
                session=s,
                actor=w.admin,
                clock=w.clock,
                inquiry_id=inquiry.id,
                outcome="transferred",
            )
        )
        return w.read(lambda s: inquiries.live_attempts(s, inquiry.id)[-1])

    S["inquiries.log.correct_attempt"] = on(
        transferred_try,
        lambda w, a, m, s: inquiries.correct_attempt(
            session=s,
            actor=a,
            clock=w.clock,
            attempt_id=m.id,
            outcome="no_answer",
            reason="误按了已转接",
        ),
    )
    S["inquiries.log.close_inquiry"] = on(
        lambda w: w.inquiry(),
        lambda w, a, m, s: inquiries.close_inquiry(
            session=s, actor=a, clock=w.clock, inquiry_id=m.id, outcome="answered"
        ),
    )
    S["inquiries.messages.deliver_message"] = on(
        lambda w: w.message(),
        lambda w, a, m, s: messages.deliver_message(
            session=s, actor=a, clock=w.clock, message_id=m.id, how="phone", version=m.version
        ),
    )
    S["inquiries.promises.answer_promise"] = on(
        lambda w: w.promise(),
        lambda w, a, m, s: promises.answer_promise(
            session=s, actor=a, clock=w.clock, promise_id=m.id, answer="周五停水", version=m.version
        ),
    )
    S["inquiries.promises.reveal_asker_phone"] = on(
        lambda w: w.promise(asked_by="12-1204 王五"),
        lambda w, a, m, s: promises.reveal_asker_phone(
            session=s, actor=a, clock=w.clock, promise_id=m.id, reason="回电告知答复"
        ),
    )
    S["repairs.status.dispatch"] = on(
        new_order,
        lambda w, a, m, s: status.dispatch(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=m.version, assignee="李师傅"
        ),
    )
    S["repairs.status.record_arrival"] = on(
        dispatched_order,
        lambda w, a, m, s: status.record_arrival(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=None
        ),
    )
    S["repairs.status.mark_repaired"] = on(
        on_site_order,
        lambda w, a, m, s: status.mark_repaired(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=None,
            work_done="修好了",
        ),
    )
    S["repairs.status.record_acceptance"] = on(
        lambda w: w.repaired(),
        lambda w, a, m, s: status.record_acceptance(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=None, accepted_by="张三"
        ),
    )
    S["repairs.status.close_order"] = on(
        called_back_order,
        lambda w, a, m, s: status.close_order(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=None
        ),
    )
    S["repairs.status.cancel_order"] = on(
        new_order,
        lambda w, a, m, s: status.cancel_order(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=None, reason="住户取消"
        ),
    )
    S["repairs.status.hold_order"] = on(
        new_order,
        lambda w, a, m, s: status.hold_order(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=None, reason="等配件"
        ),
    )

    def _held(w):
        m = new_order(w)
        run_write(
            w.engine,
            lambda s: status.hold_order(
                session=s, actor=w.admin, clock=w.clock, order_id=m.id, version=None, reason="等"
            ),
        )
        return m

    S["repairs.status.resume_order"] = on(
        _held,
        lambda w, a, m, s: status.resume_order(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=None
        ),
    )
    S["repairs.status.update_order"] = on(
        new_order,
        lambda w, a, m, s: status.update_order(
            session=s,
            actor=a,
            clock=w.clock,
            order_id=m.id,
            version=None,
            changes=RepairOrderUpdate(description="厨房和卫生间都漏"),
        ),
    )
    S["repairs.order_print.render_order"] = on(
        new_order,
        lambda w, a, m, s: repair_print.render_order(
            session=s, actor=a, clock=w.clock, settings=w.settings, order_id=m.id
        ),
    )
    S["repairs.order_print.render_order+phone"] = on(
        new_order,
        lambda w, a, m, s: repair_print.render_order(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            include_phone=True,
            reason="工程部需要联系住户",
        ),
    )
    S["repairs.fees.add_fee_line"] = on(
        new_order,
        lambda w, a, m, s: repair_fees.add_fee_line(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=None,
            code="F001",
        ),
    )
    S["repairs.fees.add_offschedule_line"] = on(
        new_order,
        lambda w, a, m, s: repair_fees.add_offschedule_line(
            session=s,
            actor=a,
            clock=w.clock,
            order_id=m.id,
            version=None,
            description="进口阀门",
            labour_fen=5000,
        ),
    )

    def _with_fee(w):
        m = new_order(w)
        run_write(
            w.engine,
            lambda s: repair_fees.add_fee_line(
                session=s,
                actor=w.admin,
                clock=w.clock,
                settings=w.settings,
                order_id=m.id,
                version=None,
                code="F001",
            ),
        )
        return m

    def _with_pending_line(w):
        m = new_order(w)
        return run_write(
            w.engine,
            lambda s: repair_fees.add_offschedule_line(
                session=s,
                actor=w.admin,
                clock=w.clock,
                order_id=m.id,
                version=None,
                description="进口阀门",
                labour_fen=5000,
            ),
        )

    S["repairs.fees.accept_fee"] = on(
        _with_fee,
        lambda w, a, m, s: repair_fees.accept_fee(
            session=s,
            actor=a,
            clock=w.clock,
            order_id=m.id,
            version=None,
            accepted_by="张三",
            form_no="F-0001",
        ),
    )

    def _estimated(w):
        m = new_order(w)
        run_write(
            w.engine,
            lambda s: settlement.set_estimate(
                session=s,
                actor=w.admin,
                clock=w.clock,
                settings=w.settings,
                order_id=m.id,
                version=None,
                days="3",
            ),
        )
        return m

    def _quoted(w):
        m = _estimated(w)
        run_write(
            w.engine,
            lambda s: settlement.record_quotation(
                session=s,
                actor=w.admin,
                clock=w.clock,
                settings=w.settings,
                order_id=m.id,
                version=None,
                amount_fen=90000,
                quote_no="BJ-1",
            ),
        )
        return m

    engineer_names = itertools.count(1)

    def _engineer(w):
        name = f"工程师{next(engineer_names)}"
        return run_write(
            w.engine,
            lambda s: engineers.add_engineer(session=s, actor=w.admin, clock=w.clock, name=name),
        )

    def _charged(w):  # not a warranty repeat of an earlier case's repair: charged
        m = new_order(w, warranty_opt_out_reason="另一处漏水")
        run_write(
            w.engine,
            lambda s: repair_fees.add_fee_line(
                session=s,
                actor=w.admin,
                clock=w.clock,
                settings=w.settings,
                order_id=m.id,
                version=None,
                code="F001",
            ),
        )
        run_write(
            w.engine,
            lambda s: repair_fees.accept_fee(  # D-34: accepted before it is paid
                session=s,
                actor=w.admin,
                clock=w.clock,
                order_id=m.id,
                version=None,
                accepted_by="张三",
                form_no="FY-1",
            ),
        )
        return m

    S["repairs.settlement.settle_order"] = on(
        _charged,
        lambda w, a, m, s: settlement.settle_order(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=None,
            state="paid",
            receipt_no="SJ-1",
        ),
    )
    S["repairs.settlement.set_cost_bearer"] = on(
        new_order,
        lambda w, a, m, s: settlement.set_cost_bearer(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=None, bearer="owner"
        ),
    )
    S["repairs.settlement.set_estimate"] = on(
        new_order,
        lambda w, a, m, s: settlement.set_estimate(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=None,
            days="0.5",
        ),
    )
    S["repairs.settlement.record_quotation"] = on(
        _estimated,
        lambda w, a, m, s: settlement.record_quotation(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=None,
            amount_fen=80000,
            quote_no="BJ-2",
        ),
    )
    S["repairs.settlement.accept_quotation"] = on(
        _quoted,
        lambda w, a, m, s: settlement.accept_quotation(
            session=s, actor=a, clock=w.clock, order_id=m.id, version=None, accepted_by="张三"
        ),
    )
    S["repairs.warranty.set_warranty_link"] = on(
        warranty_repeat,
        lambda w, a, m, s: warranty.set_warranty_link(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            order_id=m.id,
            version=None,
            warranty_of_id=None,
            reason="不是保修",
        ),
    )
    S["repairs.engineers.add_engineer"] = on(
        lambda w: None,
        lambda w, a, m, s: engineers.add_engineer(
            session=s, actor=a, clock=w.clock, name=f"新师傅{a.code}"
        ),
    )
    S["repairs.engineers.set_on_duty"] = on(
        _engineer,
        lambda w, a, m, s: engineers.set_on_duty(
            session=s, actor=a, clock=w.clock, engineer_id=m.id, on_duty=False
        ),
    )
    S["repairs.fees.review_fee_line"] = on(
        _with_pending_line,
        lambda w, a, m, s: repair_fees.review_fee_line(
            session=s, actor=a, clock=w.clock, line_id=m.id, approve=True
        ),
    )
    S["repairs.status.mark_called_back"] = on(
        lambda w: w.repaired(),
        lambda w, a, m, s: status.mark_called_back(
            session=s, actor=a, clock=w.clock, order_id=m.id
        ),
    )
    S["repairs.status.reopen_after_callback"] = on(
        lambda w: w.repaired(),
        lambda w, a, m, s: status.reopen_after_callback(
            session=s, actor=a, clock=w.clock, settings=w.settings, order_id=m.id, comment="还漏"
        ),
    )

    def callback_with_contact(w):
        row = w.complaint(close_answer="已经解释清楚", contact="13800001111")
        return w.read(
            lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=row.id)
        )

    S["callbacks.queue.reveal_contact"] = on(
        callback_with_contact,
        lambda w, a, m, s: callbacks.reveal_contact(
            session=s, actor=a, clock=w.clock, callback_id=m.id, reason="回访"
        ),
    )
    S["callbacks.queue.record_attempt"] = on(
        lambda w: w.complaint_callback()[1],
        lambda w, a, m, s: callbacks.record_attempt(
            session=s, actor=a, clock=w.clock, callback_id=m.id, version=m.version
        ),
    )
    S["callbacks.outcomes.record_callback"] = on(
        lambda w: w.complaint_callback()[1],
        lambda w, a, m, s: callback_outcomes.record_callback(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            callback_id=m.id,
            version=m.version,
            method="phone",
            result="satisfied",
        ),
    )
    S["complaints.links.link_repair"] = on(
        lambda w: (w.complaint(), w.repair()),
        lambda w, a, m, s: complaint_links.link_repair(
            session=s, actor=a, clock=w.clock, complaint_id=m[0].id, repair=m[1].number
        ),
    )

    def linked(w):
        c, r = w.complaint(), w.repair()
        w.write(
            lambda s: complaint_links.link_repair(
                session=s, actor=w.admin, clock=w.clock, complaint_id=c.id, repair=r.id
            )
        )
        return c, r

    S["complaints.links.unlink_repair"] = on(
        linked,
        lambda w, a, m, s: complaint_links.unlink_repair(
            session=s, actor=a, clock=w.clock, complaint_id=m[0].id, repair=m[1].number
        ),
    )
    S["complaints.public_areas.record_request"] = lambda w, role: (
        w.by_role(role),
        lambda s: public_areas.record_request(
            session=s,
            actor=w.by_role(role),
            clock=w.clock,
            settings=w.settings,
            request_in=PublicAreaRequestCreate(
                applicant_name="某制药公司", area="大堂", request="开业典礼舞狮表演"
            ),
        ),
    )

    def area_request(w):
        return w.write(
            lambda s: public_areas.record_request(
                session=s,
                actor=w.admin,
                clock=w.clock,
                settings=w.settings,
                request_in=PublicAreaRequestCreate(
                    applicant_name="某制药公司", area="大堂", request="开业典礼舞狮表演"
                ),
            )
        )

    S["complaints.public_areas.decide"] = on(
        area_request,
        lambda w, a, m, s: public_areas.decide(
            session=s,
            actor=a,
            clock=w.clock,
            request_id=m.id,
            version=m.version,
            decision="refused",
            rule_cited="《大厦用户手册》",
        ),
    )
    S["complaints.public_areas.refer_complaint"] = on(
        lambda w: (w.complaint(), area_request(w)),
        lambda w, a, m, s: public_areas.refer_complaint(
            session=s,
            actor=a,
            clock=w.clock,
            complaint_id=m[0].id,
            version=m[0].version,
            request=m[1].number,
        ),
    )
    S["complaints.handling.add_step"] = on(
        lambda w: w.complaint(),
        lambda w, a, m, s: complaints.add_step(
            session=s, actor=a, clock=w.clock, complaint_id=m.id, step="action", note="已派保安"
        ),
    )
    S["complaints.handling.update_complaint"] = on(
        lambda w: w.complaint(),
        lambda w, a, m, s: complaints.update_complaint(
            session=s,
            actor=a,
            clock=w.clock,
            complaint_id=m.id,
            version=m.version,
            changes=ComplaintUpdate(department="工程部"),
        ),
    )
    S["complaints.handling.refer_complaint"] = on(
        lambda w: w.complaint(),
        lambda w, a, m, s: complaints.refer_complaint(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            complaint_id=m.id,
            version=m.version,
            to="陈经理",
        ),
    )
    S["complaints.handling.close_complaint"] = on(
        lambda w: w.complaint(),
        lambda w, a, m, s: complaints.close_complaint(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            complaint_id=m.id,
            version=m.version,
            answer="已处理",
            how="phone",
        ),
    )
    S["complaints.handling.reopen_complaint"] = on(
        _closed_complaint,
        lambda w, a, m, s: complaints.reopen_complaint(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            complaint_id=m.id,
            reason="不满意",
        ),
    )

    def _signable(w):
        row, cb = w.complaint_callback()
        run_write(
            w.engine,
            lambda s: callback_outcomes.record_callback(
                session=s,
                actor=w.admin,
                clock=w.clock,
                settings=w.settings,
                callback_id=cb.id,
                version=cb.version,
                method="phone",
                result="satisfied",
            ),
        )
        return run_read(w.engine, lambda s: complaint_queries.get_complaint(s, row.id))

    S["complaints.handling.sign_off_complaint"] = on(
        _signable,
        lambda w, a, m, s: complaints.sign_off_complaint(
            session=s, actor=a, clock=w.clock, complaint_id=m.id, version=m.version
        ),
    )
    S["complaints.handling.acknowledge_severe"] = on(
        lambda w: w.complaint(severity="severe"),
        lambda w, a, m, s: complaints.acknowledge_severe(
            session=s, actor=a, clock=w.clock, complaint_id=m.id
        ),
    )

    def _follow_up(w):
        return w.communication(
            follow_up="下周回复", follow_up_due=w.clock.now() + timedelta(days=7)
        )

    S["complaints.communications.complete_follow_up"] = on(
        _follow_up,
        lambda w, a, m, s: communications.complete_follow_up(
            session=s, actor=a, clock=w.clock, communication_id=m.id, version=m.version
        ),
    )
    S["complaints.communications.link_complaint"] = on(
        lambda w: (w.communication(), w.complaint()),
        lambda w, a, m, s: communications.link_complaint(
            session=s, actor=a, clock=w.clock, communication_id=m[0].id, complaint_id=m[1].id
        ),
    )

    def _new_user(w):
        return role_user(w, "operator", shift=False)

    S["admin.users.set_password"] = on(
        _new_user,
        lambda w, a, m, s: users.set_password(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            code=m.code,
            password="another-pass-1",
        ),
    )
    S["admin.users.set_active"] = on(
        _new_user,
        lambda w, a, m, s: users.set_active(
            session=s, actor=a, clock=w.clock, code=m.code, active=False
        ),
    )
    S["admin.users.set_role"] = on(
        _new_user,
        lambda w, a, m, s: users.set_role(
            session=s, actor=a, clock=w.clock, code=m.code, role="supervisor"
        ),
    )
    S["admin.users.unlock"] = on(
        _new_user, lambda w, a, m, s: users.unlock(session=s, actor=a, clock=w.clock, code=m.code)
    )
    S["admin.users.change_own_password"] = on(
        lambda w: None,
        lambda w, a, m, s: users.change_own_password(
            session=s,
            actor=a,
            clock=w.clock,
            settings=w.settings,
            current=FACTORY_PASSWORD,
            new="another-pass-7x",
        ),
    )
    return S


CASES = _cases()


def test_every_service_row_has_a_trial():
    assert set(CASES) == set(table.SERVICES)


@pytest.fixture
def spy(monkeypatch):
    """Which permissions `require` asked about, for whom."""
    asked: list[tuple[str, str]] = []
    real = permissions.allowed

    def allowed(actor, action):
        asked.append((actor.role.value, action))
        return real(actor, action)

    monkeypatch.setattr(permissions, "allowed", allowed)
    return asked


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(table.SERVICES))
def test_services_allow_and_refuse_as_the_table_says(world, spy, name, role):
    needed = table.SERVICES[name]
    needed = needed if isinstance(needed, tuple) else (needed,)
    refused_by = next((p for p in needed if not table.may(role, p)), None)
    actor, work = CASES[name](world, role)
    before = row_counts(world.engine)
    spy.clear()
    if isinstance(work, tuple):  # a service that runs its own transactions
        call = lambda: work[1](world.engine)  # noqa: E731
    else:
        call = lambda: run_write(world.engine, work)  # noqa: E731
    if refused_by is None:
        call()
        for permission in needed:
            assert (role, permission) in spy, f"{name} did not ask for {permission}"
    else:
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert refused.value.context["action"] == refused_by
        assert str(refused.value) == REFUSAL.format(role=role, action=refused_by)
        assert row_counts(world.engine) == before, "a refused call wrote something"


def test_a_refusal_inside_a_service_is_audited_by_the_door(world):
    """What the app's database worker does with a PermissionDenied (the CLI signs in first)."""
    line = _with_pending(world)
    with pytest.raises(PermissionDenied) as refused:
        run_write(
            world.engine,
            lambda s: repair_fees.review_fee_line(
                session=s, actor=world.operator, clock=world.clock, line_id=line.id, approve=True
            ),
        )
    before = _denials(world.engine)
    permissions.record_refusal(engine=world.engine, clock=world.clock, exc=refused.value)
    after = _denials(world.engine)
    assert after[len(before) :] == [
        (world.operator.user_id, {"action": "repairs.review_fee", "role": "operator"})
    ]


def _with_pending(w):
    order = w.repair()
    return run_write(
        w.engine,
        lambda s: repair_fees.add_offschedule_line(
            session=s,
            actor=w.admin,
            clock=w.clock,
            order_id=order.id,
            version=None,
            description="进口阀门",
            labour_fen=5000,
        ),
    )


def _denials(engine) -> list:
    return run_read(
        engine,
        lambda s: [
            (e.user_id, e.detail)
            for e in s.exec(
                select(AuditEvent)
                .where(AuditEvent.action == "permission.denied")
                .order_by(AuditEvent.seq)
            )
        ],
    )


# == the command line × roles ====================================================================
STAFF = {"operator": "op1", "supervisor": "sup1", "admin": "admin1"}


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory, sqlite_template):
    """A desk file with one account of each role and a few records to export and report."""
    path = tmp_path_factory.mktemp("roles-cli") / "desk.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(str(path))
    w = World.build(engine, FixedClock(FIXED_NOW), Settings())
    w.slip()
    w.repair()
    w.complaint()
    w.log()
    engine.dispose()
    return str(path)


def _cli_runs(tmp):
    """(row of the table, argv, extra environment) for every signed-in command."""
    directory_csv = tmp / "dir.csv"
    directory_csv.write_text("kind,name\nshop,便利店\n", encoding="utf-8")
    runs = []
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
        runs.append(("export KIND", ["export", kind, "--out", "-"], {}))
        runs.append(
            (
                "export KIND --include-pii",
                ["export", kind, "--out", "-", "--include-pii", "--reason", "审计"],
                {},
            )
        )
    for kind in ("shift", "daily", "sla", "visitors", "repairs", "complaints"):
        runs.append(("report KIND", ["report", kind], {}))
    for kind in ("directory",):
        runs.append(("import KIND FILE", ["import", kind, str(directory_csv), "--dry-run"], {}))
    runs += [
        ("users list", ["users", "list"], {}),
        (
            "users add",
            ["users", "add", "NEWCODE", "--name", "新人"],
            {"DESKTERM_NEW_PASSWORD": "new-pass-123"},
        ),
        ("users passwd", ["users", "passwd", "op1"], {"DESKTERM_NEW_PASSWORD": PASSWORD}),
        ("users disable", ["users", "disable", "DISABLEME"], {}),
        ("engineers add", ["engineers", "add", "NEWCODE", "--trade", "水电"], {}),
        ("engineers list", ["engineers", "list"], {}),
        ("engineers duty", ["engineers", "duty", "ENGINEER", "off"], {}),
        ("db backup", ["db", "backup", str(tmp / "BACKUP.db")], {}),
        ("purge visitors", ["purge", "visitors", "--older-than", "180", "--yes"], {}),
        ("users enable", ["users", "enable", "DISABLEME"], {}),
        ("users role", ["users", "role", "DISABLEME", "supervisor"], {}),
        ("users unlock", ["users", "unlock", "op1"], {}),
        ("db upgrade", ["db", "upgrade"], {}),
        ("audit verify", ["audit", "verify"], {}),
        (
            "passwd",
            ["passwd"],
            {"DESKTERM_NEW_PASSWORD": "a-new-pass-77x"},
        ),  # last: it changes the password
    ]
    return runs


def _audit(path: str, action: str) -> list:
    import json
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return [
            json.loads(d)
            for (d,) in con.execute(
                "select detail from audit_event where action = ? order by seq", (action,)
            )
        ]
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_command_allows_or_refuses_as_the_table_says(cli, cli_db, tmp_path, role):
    engine = make_engine(cli_db)
    checked = 0
    for row, argv, env in _cli_runs(tmp_path):
        argv = [
            a.replace("NEWCODE", f"n{checked}{role[:2]}").replace("BACKUP", f"b{checked}{role}")
            for a in argv
        ]
        if "DISABLEME" in argv:
            code = f"d{checked}{role[:2]}"
            make_user(engine, FixedClock(FIXED_NOW), Settings(), code, Role.operator)
            if row == "users enable":  # one to enable: disabled first (enabling twice is refused)
                run_write(
                    engine,
                    lambda s, c=code: setattr(
                        lock_first(s, select(User).where(User.code == c)), "active", False
                    ),
                )
            argv = [code if a == "DISABLEME" else a for a in argv]
        if "ENGINEER" in argv:  # one on the list to put off duty
            name = f"e{checked}{role[:2]}"
            run_write(engine, lambda s, n=name: s.add(Engineer(name=n)))
            argv = [name if a == "ENGINEER" else a for a in argv]
        denied_before = _audit(cli_db, "permission.denied")
        result = cli(
            *argv, "--db", cli_db, "--user", STAFF[role], env={"DESKTERM_PASSWORD": PASSWORD, **env}
        )
        needed = table.CLI_COMMANDS[row]
        refused = next((p for p in needed if not table.may(role, p)), None)
        denied = _audit(cli_db, "permission.denied")[len(denied_before) :]
        if refused is None:
            assert result.exit_code == 0, (row, argv, result.stderr)
            assert denied == []
        else:
            assert result.exit_code == 1, (row, argv)
            from deskterm.tui.refusals import ACTION_LABELS

            said = CLI_REFUSAL.format(role=role, what=ACTION_LABELS[refused])
            assert result.stderr.strip() == said, row
            assert denied == [{"action": refused, "role": role}], row
        checked += 1
    engine.dispose()
    assert checked == len(_cli_runs(tmp_path))


# == the desk app × roles ========================================================================
def _palette(app) -> set[str]:
    from deskterm.tui.commands import desk_commands

    return {c.title for c in desk_commands(app, app.screen)}


async def test_the_palette_offers_each_role_what_the_table_gives_it(make_desk_app):
    from deskterm.i18n import _
    from deskterm.tui.areas import AREAS

    actions = _load_every_screen()
    labels = {a.id: _(a.label) for a in AREAS}
    for role in ROLES:
        app = make_desk_app(role=role)
        async with app.run_test(size=(80, 24)):
            offered = _palette(app)
            for item in actions.values():
                if item.area is None or item.id.startswith("area."):
                    continue
                title = f"{labels[item.area]}: {_(item.description)}"
                row = table.SCREEN_ACTIONS[item.id]
                perms = row.values() if isinstance(row, dict) else [row]
                expected = any(table.may(role, p) for p in perms)
                assert (title in offered) == expected, (role, item.id)


async def test_the_deny_list_keys_follow_the_table(make_desk_app, engine, clock, settings):
    """On the deny list view, Ctrl+N (add a name) and Delete (remove) are a supervisor's."""
    from tests.tui.conftest import settle

    for role in ROLES:
        app = make_desk_app(area="visitors", role=role)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            screen.view = "deny"
            allowed = table.may(role, "visitors.deny_list")
            assert screen.check_action("deny_add", ()) is allowed
            assert screen.check_action("remove", ()) is allowed
            screen.view = "expected"
            assert screen.check_action("remove", ()) is table.may(role, "visitors.expect")
            assert screen.check_action("new_expected", ()) is table.may(role, "visitors.expect")
            screen.view = "on-site"
            assert screen.check_action("new_slip", ()) is table.may(role, "visitors.register")


async def test_pressing_a_refused_key_does_nothing(make_desk_app):
    """An operator on the deny list presses Ctrl+N: no form opens; a supervisor's opens."""
    from tests.tui.conftest import settle

    for role in ("operator", "supervisor"):
        app = make_desk_app(area="visitors", role=role)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for _ in range(3):  # on-site -> expected -> history -> deny
                await pilot.press("ctrl+t")
                await settle(pilot)
            assert app.screen.view == "deny"
            base = app.screen
            await pilot.press("ctrl+n")
            await settle(pilot)
            opened = app.screen is not base
            assert opened is table.may(role, "visitors.deny_list"), role


async def test_the_complaint_menu_offers_sign_off_to_supervisors_only(
    make_desk_app, engine, clock, settings, staff
):
    from tests.tui.conftest import settle

    closed = World(engine, clock, settings, staff.operator, staff.supervisor, staff.admin)
    row = closed.complaint(close_answer="已答复", severity="severe")
    for role in ("operator", "supervisor", "admin"):
        app = make_desk_app(area="complaints", role=role)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            choices = app.screen.menu_choices(
                run_read(engine, lambda s: complaint_queries.get_complaint(s, row.id))
            )
            allowed = table.may(role, "complaints.sign_off")
            assert ("sign_off" in choices) is allowed
            assert ("ack" in choices) is allowed
            assert ("step" in choices) is table.may(role, "complaints.handle")


async def test_a_refusal_in_the_app_is_audited(make_desk_app, engine, clock, settings, staff):
    """The operator opens a fee waiting for review: refused, and the refusal is audited."""
    from tests.tui.conftest import settle

    w = World(engine, clock, settings, staff.operator, staff.supervisor, staff.admin)
    from deskterm.models.estate import Building, Unit

    def unit(s):
        b = Building(code="9", name="9栋")
        s.add(b)
        s.flush()
        u = Unit(building_id=b.id, number="0101", label="9-0101", floor=1)
        s.add(u)
        s.flush()
        return u.id

    w.units["12-1203"] = run_write(engine, unit)
    _with_pending(w)
    for role in ("operator", "supervisor"):
        app = make_desk_app(area="repairs", role=role)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            while app.screen.view != "reviews":
                await pilot.press("ctrl+t")
                await settle(pilot)
            before = _denials(engine)
            base = app.screen
            await pilot.press("enter")
            await settle(pilot)
            new = _denials(engine)[len(before) :]
            if table.may(role, "repairs.review_fee"):
                assert new == [] and app.screen is not base  # the review form is open
            else:
                assert app.screen is base
                assert new == [
                    (staff.operator.user_id, {"action": "repairs.review_fee", "role": "operator"})
                ]


async def test_a_service_refusal_in_a_worker_is_audited(make_desk_app, engine, clock, staff):
    """Whatever the screen, a PermissionDenied from a service run by the app is audited."""
    from tests.tui.conftest import settle

    app = make_desk_app(role="operator")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.run_db(
            lambda s: complaint_categories.save_category(
                session=s, actor=app.actor, clock=clock, code="x", name_zh="x", name_en="x"
            )
        )
        await settle(pilot)
    assert _denials(engine) == [
        (staff.operator.user_id, {"action": "complaints.categories", "role": "operator"})
    ]
