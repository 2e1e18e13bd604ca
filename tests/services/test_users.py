"""Accounts and sign-in: argon2id, minimum length, throttling, no user enumeration."""

import pytest
from sqlmodel import select

from deskterm.db import lock_row, read_session, run_write
from deskterm.errors import AuthFailed, InvalidInput
from deskterm.models.audit import AuditEvent
from deskterm.models.user import Role, User
from deskterm.services.admin import users
from tests.factories import PASSWORD


def test_password_is_stored_as_argon2id(engine, staff):
    with read_session(engine) as session:
        user = session.exec(select(User).where(User.code == "op1")).one()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_sign_in(engine, clock, settings, staff):
    user = users.sign_in(
        engine=engine, clock=clock, settings=settings, code="op1", password=PASSWORD
    )
    assert user.role == Role.operator


def test_wrong_password_and_unknown_code_say_the_same(engine, clock, settings, staff):
    with pytest.raises(AuthFailed) as wrong:
        users.sign_in(
            engine=engine, clock=clock, settings=settings, code="op1", password="nope-nope"
        )
    with pytest.raises(AuthFailed) as unknown:
        users.sign_in(
            engine=engine, clock=clock, settings=settings, code="ghost", password="nope-nope"
        )
    assert str(wrong.value) == str(unknown.value) == "Wrong staff code or password."


def test_burst_of_failures_locks_then_unlocks(engine, clock, settings, staff):
    for _ in range(settings.failed_login_limit):
        with pytest.raises(AuthFailed):
            users.sign_in(
                engine=engine, clock=clock, settings=settings, code="op1", password="bad-password"
            )
    with pytest.raises(AuthFailed):  # right password, but locked
        users.sign_in(engine=engine, clock=clock, settings=settings, code="op1", password=PASSWORD)
    clock.advance(seconds=users.DELAY_BASE_SECONDS + 1)  # a delay, not a 15-minute lock
    assert users.sign_in(
        engine=engine, clock=clock, settings=settings, code="op1", password=PASSWORD
    )
    with read_session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq))]
    assert actions.count("auth.failed") == settings.failed_login_limit
    assert "auth.locked_out" in actions and actions[-1] == "auth.signin"


def test_short_password_refused(engine, clock, settings):
    with pytest.raises(InvalidInput, match="at least 8"):
        run_write(
            engine,
            lambda s: users.add_user(
                session=s,
                actor=None,
                clock=clock,
                settings=settings,
                code="x1",
                name="X",
                role="operator",
                password="short",
            ),
        )


def test_weak_hash_upgraded_on_sign_in(engine, clock, settings, staff):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)

    def set_weak(session):
        u = lock_row(session, User, session.exec(select(User.id).where(User.code == "op1")).one())
        u.password_hash = weak
        session.add(u)

    run_write(engine, set_weak)
    users.sign_in(engine=engine, clock=clock, settings=settings, code="op1", password=PASSWORD)
    with read_session(engine) as session:
        h = session.exec(select(User).where(User.code == "op1")).one().password_hash
    assert h != weak and "m=19456,t=2,p=1" in h


def test_disabled_user_cannot_sign_in(engine, clock, settings, staff):
    run_write(
        engine,
        lambda s: users.set_active(
            session=s, actor=staff.admin, clock=clock, code="op1", active=False
        ),
    )
    with pytest.raises(AuthFailed):
        users.sign_in(engine=engine, clock=clock, settings=settings, code="op1", password=PASSWORD)


def _add(engine, clock, settings, code):
    return run_write(
        engine,
        lambda s: (
            users.add_user(
                session=s,
                actor=None,
                clock=clock,
                settings=settings,
                code=code,
                name="X",
                role="operator",
                password=PASSWORD,
                must_change=False,
            ).code
        ),
    )


@pytest.mark.parametrize("code", ["OP1", "Op1", "ｏｐ１", "ＯＰ1", " op1 "])
def test_a_look_alike_of_a_staff_code_is_refused(engine, clock, settings, staff, code):
    with pytest.raises(InvalidInput) as refused:
        _add(engine, clock, settings, code)
    assert refused.value.field == "code" and "op1" in str(refused.value)


@pytest.mark.parametrize("code", ["ОР1", "οp1", "op١", "工号1", "op1\u200b"])
def test_a_staff_code_is_written_in_latin_letters_and_digits(engine, clock, settings, staff, code):
    """The re-test added a Cyrillic "ОР1" next to op1: it looks exactly like OP1. A code is
    A-Z, 0-9, '-', '_' or '.' (after NFKC), so no alphabet can make a look-alike."""
    with pytest.raises(InvalidInput, match="A to Z") as refused:
        _add(engine, clock, settings, code)
    assert refused.value.field == "code"


def test_a_full_width_code_is_stored_as_typed_on_a_plain_keyboard(engine, clock, settings):
    assert _add(engine, clock, settings, "ＡＢＣ") == "ABC"
    for code in ("ABC", "abc", "ＡＢＣ"):
        with pytest.raises(InvalidInput, match="ABC"):
            _add(engine, clock, settings, code)


@pytest.mark.parametrize("typed", ["op1", "OP1", "ｏｐ１"])
def test_sign_in_finds_the_user_however_the_code_is_typed(engine, clock, settings, staff, typed):
    user = users.sign_in(
        engine=engine, clock=clock, settings=settings, code=typed, password=PASSWORD
    )
    assert user.code == "op1"


def test_the_database_refuses_a_look_alike_a_second_desk_slipped_past(
    engine, clock, settings, staff
):
    """Two desks at once both pass the service's check: the unique index on code_key refuses
    the second insert (a check in Python alone would let both in)."""
    from sqlalchemy.exc import IntegrityError

    from deskterm.models.user import code_key

    with pytest.raises(IntegrityError):
        run_write(
            engine,
            lambda s: s.add(
                User(
                    code="OP1",
                    code_key=code_key("OP1"),
                    name="X",
                    password_hash="x",
                    created_at=clock.now(),
                )
            ),
        )
