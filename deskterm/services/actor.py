"""Who is acting: a small, detached picture of the signed-in user passed to every service."""

from __future__ import annotations

from dataclasses import dataclass

from deskterm.models.user import Role, User


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    code: str
    name: str
    role: Role
    shift_id: int | None = None

    @classmethod
    def from_user(cls, user: User, shift_id: int | None = None) -> Actor:
        return cls(user.id, user.code, user.name, Role(user.role), shift_id)


SYSTEM = Actor(user_id=None, code="system", name="system", role=Role.admin)
