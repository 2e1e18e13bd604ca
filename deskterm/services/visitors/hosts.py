"""Find the person or company a visitor came to see, as the desk says them (D-5): by name,
unit (12-1203, 12栋1203, 1203) or pinyin initials (zs -> 张三).

The inquiry desk's search (services.search) does the finding; this keeps the hosts a visitor
can visit (residents, company tenants, units) and their phones masked (D-21).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from deskterm.clock import Clock
from deskterm.services.actor import Actor
from deskterm.services.inquiries import search

_HOST_KINDS = {
    search.HitKind.resident: "resident",
    search.HitKind.company: "company",
    search.HitKind.unit: "unit",
}


@dataclass(frozen=True)
class HostChoice:
    """One host a visitor may be visiting: a resident, a company tenant, or a bare unit."""

    kind: str  # resident | company | unit
    id: int
    name: str
    unit_id: int | None
    unit_label: str
    phone_masked: str = ""

    @property
    def text(self) -> str:
        """What the slip says under "visiting": the unit, then the name ("12-1203 张三")."""
        if self.kind == "unit":
            return self.unit_label
        return f"{self.unit_label} {self.name}".strip()

    def ids(self) -> dict[str, int | None]:
        """The host fields of a slip or an announcement."""
        return {
            "host_resident_id": self.id if self.kind == "resident" else None,
            "host_company_id": self.id if self.kind == "company" else None,
            "host_unit_id": self.unit_id,
        }


def find_hosts(
    *, session: Session, actor: Actor, clock: Clock, text: str, limit: int = 8
) -> list[HostChoice]:
    """Hosts matching what the operator typed, best first; at most `limit`."""
    result = search.search(session=session, actor=actor, clock=clock, text=text)
    found = []
    for hit in result.hits:
        kind = _HOST_KINDS.get(hit.kind)
        if kind is None:
            continue
        if kind == "unit":
            found.append(HostChoice("unit", hit.id, "", hit.id, hit.place or hit.name))
        else:
            found.append(HostChoice(kind, hit.id, hit.name, hit.unit_id, hit.place, hit.phone))
        if len(found) >= limit:
            break
    return found
