"""The demo's audit trail: events collected as intents, then chained in time order.

Hashes and digests come from deskterm.services.audit itself, so `deskterm audit verify`
checks the demo's chain exactly as it checks the desk's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlmodel import SQLModel

from deskterm.services import audit


@dataclass
class Intent:
    at: datetime
    order: int
    action: str
    entity: str
    entity_id: str | None
    user_id: int | None
    detail: dict[str, Any]
    # A sealed record: its model, its row (read when the event is chained) and changes that
    # give the state at the event (e.g. a handover as signed, before it was accepted).
    seal: tuple[type[SQLModel], dict[str, Any], dict[str, Any]] | None = None
    before: Callable[[int, str], None] | None = (
        None  # told the chain's head (seq, hash) just before
    )


@dataclass
class AuditChain:
    intents: list[Intent] = field(default_factory=list)
    seq: int = 0
    head: str = audit.GENESIS

    def add(
        self,
        at: datetime,
        action: str,
        entity: str,
        entity_id: Any = None,
        *,
        user_id: int | None = None,
        detail: dict[str, Any] | None = None,
        seal: tuple[type[SQLModel], dict[str, Any], dict[str, Any]] | None = None,
        before: Callable[[int, str], None] | None = None,
    ) -> None:
        self.intents.append(
            Intent(
                at,
                len(self.intents),
                action,
                entity,
                None if entity_id is None else str(entity_id),
                user_id,
                detail or {},
                seal,
                before,
            )
        )

    def build(self) -> list[dict[str, Any]]:
        """The events in time order, chained from the genesis; consumes the intents."""
        events = []
        for intent in sorted(self.intents, key=lambda i: (i.at, i.order)):
            if intent.before is not None:
                intent.before(self.seq, self.head)
            digest = None
            if intent.seal is not None:
                model, row, changes = intent.seal
                digest = audit.record_digest(model(**{**row, **changes}))
            event = SimpleNamespace(
                seq=self.seq + 1,
                at=intent.at,
                user_id=intent.user_id,
                action=intent.action,
                entity=intent.entity,
                entity_id=intent.entity_id,
                detail=audit.plain(intent.detail),
                record_digest=digest,
                seals=None,
                prev_hash=self.head,
            )
            event.hash = audit.event_hash(event)  # the fields AuditEvent hashes, nothing else
            self.seq, self.head = event.seq, event.hash
            events.append({"id": event.seq, **vars(event)})
        self.intents = []
        return events
