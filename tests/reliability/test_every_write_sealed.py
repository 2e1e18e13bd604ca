"""Issue 19 item 1: sealing is the write path's, not each service's. Every guarded service of the
roles table (tests/reliability/test_roles.py CASES, which must hold every one) runs once as an
admin on one database; after each, `audit.verify` still holds: every row it inserted, changed
or deleted in a sealed table was sealed in the chain, with no help from the service."""

import itertools
import shutil

from deskterm.clock import FixedClock
from deskterm.config import Settings
from deskterm.db import make_engine, read_session, run_write
from deskterm.services import audit
from tests.conftest import FIXED_NOW
from tests.reliability import roles_table as table
from tests.reliability.test_roles import CASES
from tests.reliability.world import World


def test_every_write_service_leaves_every_sealed_row_sealed(tmp_path, sqlite_template):
    path = tmp_path / "sealed.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(str(path))
    w = World.build(engine, FixedClock(FIXED_NOW), Settings())
    w.serial = itertools.count(1)
    w.tmp = tmp_path / "files"
    w.tmp.mkdir()
    ran = 0
    for name in sorted(table.SERVICES):
        _actor, work = CASES[name](w, "admin")
        if isinstance(work, tuple):
            work[1](engine)
        else:
            run_write(engine, work)
        with read_session(engine) as session:
            result = audit.verify(session)
        assert result.ok, (name, result.problems[:5], len(result.problems))
        ran += 1
    assert ran == len(table.SERVICES) > 50
    engine.dispose()
