"""Staff accounts and sign-in: argon2id hashes, password rules, throttling after failures.

Sign-in leaks nothing (issue 19): a known, unknown, disabled or delayed code costs the same
work (one argon2 verification, against a constant hash of the same parameters when the real one
may not be tried; the same throttle and audit writes); a code that names nobody is audited as a
keyed hash, never as typed. Failures delay the next try per code at a terminal, per code and per
terminal, the delay doubling past each threshold (no fixed lock anyone could trigger at will);
a supervisor lifts it (`unlock`). The throttle rows are locked for the whole check, so N
parallel wrong passwords run exactly the limit of real checks on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import socket
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine
from sqlalchemy import func as sa_func
from sqlmodel import Session, col, select

from deskterm.audit_key import audit_key
from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_first, lock_row, lock_rows, table_of
from deskterm.errors import AccountChanged, AuthFailed, InvalidInput, NotFound
from deskterm.i18n import _
from deskterm.models.shift import Handover, Shift, ShiftStatus
from deskterm.models.user import Role, SignInThrottle, User, code_key
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require

# OWASP's argon2id minimum is m=19 MiB, t=2, p=1; we stay at or above it.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# A hash of a random, forgotten password with HASHER's parameters: verified against when the
# real hash may not be tried, so that every sign-in costs one verification of the same cost.
DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$pj4MUUi6CVpzapDzq96Xjw$7cqkRxXwJNeDhtp9bzT+1qZLsNNuk+udSM9x381tvEM"

# Throttle thresholds, in multiples of settings.failed_login_limit: a code at one terminal
# (the limit itself), a terminal whatever the codes (x2), a code whatever the terminals (x4).
_CODE_AT_TERMINAL, _TERMINAL, _CODE = 1, 2, 4
DELAY_BASE_SECONDS = 30


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def _too_common(password: str, hints: list[str]) -> bool:
    """zxcvbn (Dropbox's estimator, with its list of 30,000 common passwords): a password that
    is one common password, or that it scores 0 of 4 (a repeat, a keyboard run, 12345678)."""
    from zxcvbn import zxcvbn

    if len(password) > 64:  # zxcvbn reads at most 72 characters; no common password is this long
        return False
    result = zxcvbn(password, user_inputs=[h[:64] for h in hints if h])
    sequence = result.get("sequence") or []
    if result.get("score", 0) == 0:
        return True
    return len(sequence) == 1 and sequence[0].get("dictionary_name") == "passwords"


def check_password_rules(
    password: str, settings: Settings, *, hints: list[str] | None = None
) -> None:
    if len(password) < settings.min_password_length:
        raise InvalidInput(
            _("The password must have at least {n} characters.").format(
                n=settings.min_password_length
            ),
            field="password",
        )
    if _too_common(password, hints or []):
        raise InvalidInput(
            _("This password is too common or too easy to guess: choose another."), field="password"
        )


_check_password_rules = check_password_rules


def _check_code(code: str) -> str:
    """A new staff code as stored: NFKC-normalised (full-width ＡＢＣ is stored ABC), and
    written in Latin letters A to Z and digits 0 to 9 only: a Cyrillic "ОР1" looks exactly like
    OP1, and Chinese digits or Greek letters would make look-alikes no case-folding catches."""
    code = unicodedata.normalize("NFKC", code.strip())
    if (
        not code
        or len(code) > 32
        or not all(c.isascii() and (c.isalnum() or c in "-_.") for c in code)
    ):
        raise InvalidInput(
            _("A staff code is 1 to 32 letters A to Z, digits 0 to 9, '-', '_' or '.'."),
            field="code",
        )
    return code


def check_new_account(code: str, name: str, role: Role | str) -> tuple[str, str, Role]:
    """A new account's code, name and role as stored, or the refusal naming the first one
    wrong: before anything else is asked (`deskterm users add` asks the password after)."""
    code = _check_code(code)
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidInput(_("A name is 1 to 64 characters."), field="name")
    if any(unicodedata.category(ch) == "Cc" for ch in name):  # shown on every screen and line
        raise InvalidInput(_("Control characters are not allowed here."), field="name")
    try:
        return code, name, Role(role)
    except ValueError:
        raise InvalidInput(
            _("The role must be operator, supervisor or admin."), field="role"
        ) from None


def add_user(
    *,
    session: Session,
    actor: Actor | None,
    clock: Clock,
    settings: Settings,
    code: str,
    name: str,
    role: Role | str,
    password: str,
    check_length: bool = True,
    must_change: bool | None = None,
) -> User:
    if actor is not None:  # None: the first admin at set-up (services.setup), or a test
        require(actor, "users.manage")
    code, name, role = check_new_account(code, name, role)
    if check_length:
        check_password_rules(password, settings, hints=[code, name])
    same = session.exec(select(User).where(User.code_key == code_key(code))).first()
    if same is not None:  # the unique index on code_key refuses it too (two desks at once)
        raise InvalidInput(taken_sentence(code, same.code), field="code")
    user = User(
        code=code,
        code_key=code_key(code),
        name=name,
        role=role,
        password_hash=hash_password(password),
        created_at=as_utc(clock.now()),
        # an account an admin makes is changed by its owner at first sign-in (issue 19)
        must_change_password=actor is not None if must_change is None else must_change,
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="user.create",
        entity="user",
        detail={"code": code, "role": role.value},
        subject=user,
    )
    return user


def taken_sentence(code: str, existing: str) -> str:
    """The refusal of a staff code that is, or looks like, one in use (OP1 beside op1)."""
    if code == existing:
        return _("The staff code {code} is taken.").format(code=code)
    return _("The staff code {code} is the same as {existing}, which already exists.").format(
        code=code, existing=existing
    )


def find_by_code(session: Session, code: str, *, lock: bool = False) -> User | None:
    """The user a typed staff code names: the stored code exactly (so an account whose
    look-alike was stored before look-alikes were refused still signs in, migration 0005),
    else by its code_key (ｏｐ１, OP1 and op1 are one code)."""
    for query in (
        select(User).where(User.code == code.strip()),
        select(User).where(User.code_key == code_key(code)),
    ):
        user = lock_first(session, query) if lock else session.exec(query).first()
        if user is not None:
            return user
    return None


def get_by_code(session: Session, code: str, *, for_update: bool = False) -> User:
    user = find_by_code(session, code)
    if user is not None and for_update:
        user = lock_row(session, User, user.id)
    if user is None:
        raise NotFound(_("No staff member has the code {code}.").format(code=code))
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.code)))


def set_password(
    *,
    session: Session,
    actor: Actor | None,
    clock: Clock,
    settings: Settings,
    code: str,
    password: str,
) -> User:
    """An admin sets someone's password: its owner must change it at the next sign-in."""
    if actor is not None:
        require(actor, "users.manage")
    user = get_by_code(session, code, for_update=True)
    check_password_rules(password, settings, hints=[user.code, user.name])
    user.password_hash = hash_password(password)
    user.must_change_password = actor is not None and actor.user_id != user.id
    session.add(user)
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="user.passwd",
        entity="user",
        entity_id=user.id,
        detail={"code": user.code},
    )
    return user


def change_own_password(
    *, session: Session, actor: Actor, clock: Clock, settings: Settings, current: str, new: str
) -> User:
    """A signed-in member of staff changes their own password (the app's Change password)."""
    require(actor, "account.password")
    user = lock_row(session, User, actor.user_id)
    if user is None:  # removed since the desk signed in (as check_account says it)
        raise AccountChanged(
            _("Your account ({code}) has been disabled: you are signed out.").format(
                code=actor.code
            )
        )
    try:
        HASHER.verify(user.password_hash, current)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise InvalidInput(_("The current password is wrong."), field="current") from None
    if new == current:
        raise InvalidInput(
            _("The new password must differ from the current one."), field="password"
        )
    check_password_rules(new, settings, hints=[user.code, user.name])
    user.password_hash = hash_password(new)
    user.must_change_password = False
    session.add(user)
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="user.passwd_own",
        entity="user",
        entity_id=user.id,
    )
    return user


def _active_admins(session: Session) -> int:
    return session.exec(
        select(sa_func.count())
        .select_from(User)
        .where(User.role == Role.admin, col(User.active).is_(True))
    ).one()


def _keep_an_admin(session: Session, user: User) -> None:
    if user.role == Role.admin and user.active and _active_admins(session) <= 1:
        raise InvalidInput(
            _("{code} is the last active admin: add or enable another admin first.").format(
                code=user.code
            ),
            field="code",
        )


def set_active(
    *, session: Session, actor: Actor | None, clock: Clock, code: str, active: bool
) -> User:
    if actor is not None:
        require(actor, "users.manage")
    user = get_by_code(session, code, for_update=True)
    if user.active == active:
        raise InvalidInput(
            (
                _("{code} is enabled already.") if active else _("{code} is disabled already.")
            ).format(code=user.code)
        )
    if not active:
        _keep_an_admin(session, user)
    user.active = active
    session.add(user)
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="user.enable" if active else "user.disable",
        entity="user",
        entity_id=user.id,
        detail={"code": user.code},
    )
    return user


def set_role(
    *, session: Session, actor: Actor | None, clock: Clock, code: str, role: Role | str
) -> User:
    if actor is not None:
        require(actor, "users.manage")
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(
            _("The role must be operator, supervisor or admin."), field="role"
        ) from None
    user = get_by_code(session, code, for_update=True)
    if user.role == role:  # already so (another desk set it meanwhile): nothing to change
        return user
    if role != Role.admin:
        _keep_an_admin(session, user)
    before = user.role
    user.role = role
    session.add(user)
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="user.role",
        entity="user",
        entity_id=user.id,
        detail={"code": user.code, "from": Role(before).value, "to": role.value},
    )
    return user


def recover_admin(
    *, session: Session, clock: Clock, settings: Settings, code: str, name: str, password: str
) -> User:
    """Break-glass: a new admin when no active admin is left. Needs the database file and the
    audit key (the chain must verify with the key at hand); audited; the password is changed
    at first sign-in. docs/ARCHITECTURE.md "Recovering admin access"."""
    if _active_admins(session):
        raise InvalidInput(_("An active admin exists: ask them (deskterm users enable / add)."))
    result = audit.verify(session)
    if not result.ok:
        raise InvalidInput(
            _(
                "The audit chain does not verify with this installation's key ({problem}): no admin was made."
            ).format(problem=result.problem)
        )
    user = add_user(
        session=session,
        actor=None,
        clock=clock,
        settings=settings,
        code=code,
        name=name,
        role=Role.admin,
        password=password,
        must_change=True,
    )
    audit.record(
        session=session,
        actor=None,
        clock=clock,
        action="user.recover_admin",
        entity="user",
        entity_id=user.id,
        detail={"code": user.code, "break_glass": True, "os_user": os.environ.get("USER", "")[:32]},
    )
    return user


def check_password_any_schema(engine: Engine, code: str, password: str) -> dict[str, Any] | None:
    """The account (id, code, name, role) if `password` is its own, read with the columns every
    schema revision has: for `db upgrade`, before this release's columns exist. One argon2
    verification whatever the code."""
    from sqlalchemy import text

    with engine.connect() as conn:  # the code as stored, else its look-alike (find_by_code)
        rows = list(
            conn.execute(
                text('SELECT id, code, name, role, active, password_hash FROM "user"')
            ).mappings()
        )
    exact = [r for r in rows if r["code"] == code.strip()]
    alike = [r for r in rows if code_key(r["code"]) == code_key(code)]
    found = exact or sorted(alike, key=lambda r: r["id"])
    row = found[0] if found else None
    usable = row if row is not None and bool(row["active"]) else None
    try:
        HASHER.verify(usable["password_hash"] if usable is not None else DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if usable is None:
        return None
    return {
        "id": usable["id"],
        "code": usable["code"],
        "name": usable["name"],
        "role": Role(usable["role"]),
    }


def terminal_id() -> str:
    """This terminal: the host and the controlling terminal (DESKTERM_TERMINAL overrides)."""
    override = os.environ.get("DESKTERM_TERMINAL")
    if override:
        return override
    try:
        tty = os.ttyname(0)
    except OSError:
        tty = "-"
    return f"{socket.gethostname()}:{tty}"


def _keyed(kind: str, text: str) -> str:
    return hmac.new(audit_key(), f"{kind}\x00{text}".encode(), hashlib.sha256).hexdigest()[:24]


def code_hash(code: str) -> str:
    """How the audit names a code that names nobody: a keyed hash, never the typed text."""
    return _keyed("code", code_key(code))


def _throttle_keys(code: str, terminal: str) -> dict[str, int]:
    c, t = code_hash(code), _keyed("terminal", terminal)
    return {f"c:{c}@{t}": _CODE_AT_TERMINAL, f"c:{c}": _CODE, f"t:{t}": _TERMINAL}


def _home_key(code_at_terminal: str) -> str:
    """The row (no counts) that says this code has signed in at this terminal before: its own
    desk, where the code's all-terminals delay does not apply (S3)."""
    return "h:" + code_at_terminal[2:]


def _mark_home(session: Session, key: str) -> None:
    table = table_of(SignInThrottle)
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(
            pg_insert(table)
            .values(key=key, failures=0)
            .on_conflict_do_nothing(index_elements=["key"])
        )
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(
            sqlite_insert(table)
            .values(key=key, failures=0)
            .on_conflict_do_nothing(index_elements=["key"])
        )


def _locked_throttles(session: Session, keys: list[str]) -> list[SignInThrottle]:
    """The throttle rows of `keys`, made if missing, locked for this transaction (in key order,
    so that two desks never wait on each other's)."""
    table = table_of(SignInThrottle)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(
            pg_insert(table)
            .values([{"key": k, "failures": 0} for k in keys])
            .on_conflict_do_nothing(index_elements=["key"])
        )
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(
            sqlite_insert(table)
            .values([{"key": k, "failures": 0} for k in keys])
            .on_conflict_do_nothing(index_elements=["key"])
        )
    return lock_rows(
        session,
        select(SignInThrottle)
        .where(col(SignInThrottle.key).in_(keys))
        .order_by(col(SignInThrottle.key)),
    )


def _delay(failures: int, threshold: int, settings: Settings) -> timedelta | None:
    if failures < threshold:
        return None
    seconds = DELAY_BASE_SECONDS * 2 ** min(failures - threshold, 20)
    return timedelta(seconds=min(seconds, settings.failed_login_lock_minutes * 60))


def unlock(*, session: Session, actor: Actor, clock: Clock, code: str) -> int:
    """A supervisor lifts the sign-in delays of a code (at every terminal)."""
    require(actor, "users.unlock")
    user = get_by_code(session, code)
    prefix = f"c:{code_hash(user.code)}"
    rows = lock_rows(
        session,
        select(SignInThrottle).where(
            (col(SignInThrottle.key) == prefix) | col(SignInThrottle.key).startswith(prefix + "@")
        ),
    )
    held = [row for row in rows if row.failures or row.until is not None]
    for row in held:
        row.failures, row.until = 0, None
        session.add(row)
    if held:  # nothing held: nothing to lift, nothing to audit (two desks: one event)
        audit.record(
            session=session,
            actor=actor,
            clock=clock,
            action="user.unlock",
            entity="user",
            entity_id=user.id,
            detail={"code": user.code},
        )
    return len(held)


def check_account(session: Session, actor: Actor) -> None:
    """Refuse the desk's action if its account was disabled or its role changed since it
    signed in (issue 14, item 5): run inside the action's own transaction, so nothing of it
    is written after the administrator's change.

    The sentence says why the desk signs out, not whether something was saved: the desk
    knows that (a refused save was not; a refused read comes after the last save, which
    stands) and says it (tui/worker.py, DeskApp.account_changed).
    """
    if actor.user_id is None:
        return
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise AccountChanged(
            _("Your account ({code}) has been disabled: you are signed out.").format(
                code=actor.code
            )
        )
    if Role(user.role) != actor.role:
        raise AccountChanged(
            _("Your role has changed ({old} → {new}): you are signed out; sign in again.").format(
                old=actor.role.value, new=Role(user.role).value
            )
        )
    if actor.shift_id is not None:  # the desk's shift, closed by a supervisor (issue 14)
        shift = session.get(Shift, actor.shift_id)
        if (
            shift is not None
            and shift.status != ShiftStatus.open
            and session.exec(select(Handover.id).where(Handover.shift_id == shift.id)).first()
            is None
        ):
            raise AccountChanged(
                _(
                    "Your shift at {post} was closed by a supervisor: you are "
                    "signed out. Sign in again to start a new "
                    "shift."
                ).format(post=shift.post)
            )


def sign_in(
    *,
    engine: Engine,
    clock: Clock,
    settings: Settings,
    code: str,
    password: str,
    terminal: str | None = None,
) -> User:
    """Authenticate in its own transaction; raise AuthFailed only after the failure is saved."""
    from deskterm.db import run_write

    where = terminal or terminal_id()
    user = run_write(
        engine,
        lambda session: authenticate(
            session=session,
            clock=clock,
            settings=settings,
            code=code,
            password=password,
            terminal=where,
        ),
    )
    if user is None:
        raise AuthFailed(_("Wrong staff code or password."))
    return user


def authenticate(
    *,
    session: Session,
    clock: Clock,
    settings: Settings,
    code: str,
    password: str,
    terminal: str = "-",
) -> User | None:
    """The user, or None (the caller says "wrong staff code or password", whether the code
    exists, is disabled or is delayed).

    Every path runs one argon2 verification and the same throttle and audit writes. A hash
    made with weaker parameters is upgraded on a successful sign-in.
    """
    now = as_utc(clock.now())
    code = code.strip()[:64]
    thresholds = _throttle_keys(code, terminal)
    here = next(k for k, v in thresholds.items() if v == _CODE_AT_TERMINAL)
    throttles = _locked_throttles(session, sorted(thresholds))
    user = find_by_code(session, code, lock=True)
    # Lockout is no weapon (S3): at a terminal where this code signed in before (its own desk)
    # only the code@terminal count delays it; wrong passwords typed for it elsewhere do not.
    home = session.exec(
        select(SignInThrottle.key).where(SignInThrottle.key == _home_key(here))
    ).first()
    counted = [t for t in throttles if home is None or t.key == here]
    delayed = [t for t in counted if t.until is not None and as_utc(t.until) > now]
    usable = user if user is not None and user.active and not delayed else None
    signed_in: User | None = None
    try:
        HASHER.verify(usable.password_hash if usable is not None else DUMMY_HASH, password)
        signed_in = usable
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass
    if signed_in is not None:
        for row in throttles:  # the code's counts start again; the terminal's stays (an intruder
            if row.key.startswith("c:"):  # signing in as themselves does not wipe it)
                row.failures, row.until = 0, None
                session.add(row)
        if home is None:
            _mark_home(session, _home_key(here))
        if HASHER.check_needs_rehash(signed_in.password_hash):
            signed_in.password_hash = hash_password(password)
            session.add(signed_in)
        audit.record(
            session=session,
            actor=Actor.from_user(signed_in),
            clock=clock,
            action="auth.signin",
            entity="user",
            entity_id=signed_in.id,
        )
        return signed_in
    detail: dict[str, Any] = {"known": user is not None}
    if user is None:
        detail["code_hash"] = code_hash(code)
    until: datetime | None = None
    if delayed:
        until = max(as_utc(t.until) for t in delayed if t.until is not None)
        detail["delayed_until"] = until.isoformat()
        action = "auth.locked_out"
    else:
        for row in throttles:
            row.failures += 1
            wait = _delay(row.failures, thresholds[row.key] * settings.failed_login_limit, settings)
            if wait is not None:
                row.until = now + wait
                until = max(until, row.until) if until else row.until
            session.add(row)
        if until is not None:
            detail["delayed_until"] = until.isoformat()
        action = "auth.failed"
    audit.record(
        session=session,
        actor=None,
        clock=clock,
        action=action,
        entity="user",
        entity_id=user.id if user is not None else None,
        detail=detail,
    )
    return None
