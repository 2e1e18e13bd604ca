"""A desk's save, as a separate process would do it: used by the crash and many-desk trials.

`python -m tests.reliability.workload DB N` saves N records that each span several tables
(the record, its number counter, the audit event and the chain head) and prints the id of
each one after its transaction committed ("acknowledged").
"""

from __future__ import annotations

import sys

from deskterm.clock import SystemClock
from deskterm.db import make_engine, run_write
from deskterm.models.shift import LogbookEntry, LogCategory
from deskterm.models.user import Role
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.numbering import next_number


def save_one(engine, clock, actor, i: int) -> int:
    """Read-then-write, as a real save is: a number from the counter, the entry, its audit."""

    def work(session):
        number = next_number(session=session, prefix="T", at=clock.now(), tz="Asia/Shanghai")
        entry = LogbookEntry(
            occurred_at=clock.now(),
            category=LogCategory.other,
            what=f"{number} trial {i}",
            recorded_at=clock.now(),
            user_id=actor.user_id,
        )
        audit.record(
            session=session,
            actor=actor,
            clock=clock,
            action="logbook.add",
            entity="logbook_entry",
            subject=entry,
        )
        return entry.id

    return run_write(engine, work)


def main() -> None:
    db, n, user_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    engine = make_engine(db)
    actor = Actor(user_id=user_id, code="op1", name="op1", role=Role.operator)
    clock = SystemClock()
    for i in range(n):
        ident = save_one(engine, clock, actor, i)
        sys.stdout.write(f"{ident}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
