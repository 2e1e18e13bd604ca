"""Staff accounts and sign-in: argon2id hashes, a minimum length, throttling after failures."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_row
from deskterm.errors import AccountChanged, AuthFailed, InvalidInput, NotFound
from deskterm.i18n import _
from deskterm.models.user import Role, User
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require

# OWASP's argon2id minimum is m=19 MiB, t=2, p=1; we stay at or above it.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_dummy_hash: str | None = None


def _dummy() -> str:
    """A hash to verify against for unknown codes (made on first need, not at import)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = HASHER.hash("not-a-real-password")
    return _dummy_hash


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def _check_password_rules(password: str, settings: Settings) -> None:
    if len(password) < settings.min_password_length:
        raise InvalidInput(
            _("The password must have at least {n} characters.").format(
                n=settings.min_password_length
            ),
            field="password",
        )


def _check_code(code: str) -> str:
    code = code.strip()
    if not code or len(code) > 32 or not all(c.isalnum() or c in "-_." for c in code):
        raise InvalidInput(
            _("A staff code is 1 to 32 letters, digits, '-', '_' or '.'."), field="code"
        )
    return code


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
) -> User:
    if actor is not None:  # None: the first admin at set-up (services.setup), or a test
        require(actor, "users.manage")
    code = _check_code(code)
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidInput(_("A name is 1 to 64 characters."), field="name")
    if any(unicodedata.category(ch) == "Cc" for ch in name):  # shown on every screen and line
        raise InvalidInput(_("Control characters are not allowed here."), field="name")
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(
            _("The role must be operator, supervisor or admin."), field="role"
        ) from None
    if check_length:
        _check_password_rules(password, settings)
    if session.exec(select(User).where(User.code == code)).first():
        raise InvalidInput(_("The staff code {code} is taken.").format(code=code), field="code")
    user = User(
        code=code,
        name=name,
        role=role,
        password_hash=hash_password(password),
        created_at=as_utc(clock.now()),
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


def get_by_code(session: Session, code: str, *, for_update: bool = False) -> User:
    user = session.exec(select(User).where(User.code == code.strip())).first()
    if user is not None and for_update:
        user = lock_row(session, User, user.id)
    if user is None:
        raise NotFound(_("No staff member has the code {code}.").format(code=code))
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.code)))


def set_password(
    *, session: Session, actor: Actor | None, clock: Clock, settings: Settings, code: str, password: str
) -> User:
    if actor is not None:
        require(actor, "users.manage")
    _check_password_rules(password, settings)
    user = get_by_code(session, code, for_update=True)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session=session, actor=actor, clock=clock, action="user.passwd", entity="user",
                 entity_id=user.id, detail={"code": user.code})
    return user


def set_active(
    *, session: Session, actor: Actor | None, clock: Clock, code: str, active: bool
) -> User:
    if actor is not None:
        require(actor, "users.manage")
    user = get_by_code(session, code, for_update=True)
    if user.active == active:
        raise InvalidInput((_("{code} is enabled already.") if active
                            else _("{code} is disabled already.")).format(code=user.code))
    user.active = active
    session.add(user)
    audit.record(session=session, actor=actor, clock=clock,
                 action="user.enable" if active else "user.disable", entity="user",
                 entity_id=user.id, detail={"code": user.code})
    return user


def check_account(session: Session, actor: Actor) -> None:
    """Refuse the desk's action if its account was disabled or its role changed since it
    signed in (issue 14, item 5): run inside the action's own transaction, so nothing of it
    is written after the administrator's change."""
    if actor.user_id is None:
        return
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise AccountChanged(_("Your account ({code}) has been disabled: you are signed out and "
                               "nothing of your last action was saved.").format(code=actor.code))
    if Role(user.role) != actor.role:
        raise AccountChanged(_("Your role has changed ({old} → {new}): you are signed out; sign "
                               "in again. Nothing of your last action was saved.").format(
                                   old=actor.role.value, new=Role(user.role).value))


def sign_in(*, engine, clock: Clock, settings: Settings, code: str, password: str) -> User:
    """Authenticate in its own transaction; raise AuthFailed only after the failure is saved."""
    from deskterm.db import run_write

    user = run_write(
        engine,
        lambda session: authenticate(
            session=session, clock=clock, settings=settings, code=code, password=password
        ),
    )
    if user is None:
        raise AuthFailed(_("Wrong staff code or password."))
    return user


def authenticate(
    *, session: Session, clock: Clock, settings: Settings, code: str, password: str
) -> User | None:
    """The user, or None (the caller says "wrong staff code or password", whether or not the
    code exists).

    Failures are counted; at the limit the account locks for a while. Every failure and lock
    is audited. A hash made with weaker parameters is upgraded on a successful sign-in.
    """
    now = as_utc(clock.now())
    user = session.exec(select(User).where(User.code == code.strip())).first()
    user = lock_row(session, User, user.id) if user is not None else None
    if user is None or not user.active:
        try:  # spend the same time as a real check, so timing does not tell either
            HASHER.verify(_dummy(), password)
        except VerificationError:
            pass
        audit.record(session=session, actor=None, clock=clock, action="auth.failed",
                     entity="user", detail={"code": code[:32], "known": False})
        return None
    if user.locked_until is not None and as_utc(user.locked_until) > now:
        audit.record(session=session, actor=None, clock=clock, action="auth.locked_out",
                     entity="user", entity_id=user.id)
        return None
    try:
        HASHER.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        user.failed_logins += 1
        detail = {"failed": user.failed_logins}
        if user.failed_logins >= settings.failed_login_limit:
            user.locked_until = now + timedelta(minutes=settings.failed_login_lock_minutes)
            user.failed_logins = 0
            detail["locked_until"] = user.locked_until.isoformat()
        session.add(user)
        audit.record(session=session, actor=None, clock=clock, action="auth.failed",
                     entity="user", entity_id=user.id, detail=detail)
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    audit.record(session=session, actor=Actor.from_user(user), clock=clock, action="auth.signin",
                 entity="user", entity_id=user.id)
    return user
