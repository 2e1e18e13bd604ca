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

    @property
    def author_id(self) -> int:
        """The user a record names as its author (`created_by`, `checked_in_by` ...). Every door
        signs a user in before a service writes; only the audit trail records an act of no user
        (a restore by an account no longer on record), so None here is a programming error."""
        if self.user_id is None:
            raise RuntimeError(f"actor {self.code!r} is no signed-in user: it authors no record")
        return self.user_id

    @classmethod
    def from_user(cls, user: User, shift_id: int | None = None) -> Actor:
        return cls(user.id, user.code, user.name, Role(user.role), shift_id)


SYSTEM = Actor(user_id=None, code="system", name="system", role=Role.admin)
