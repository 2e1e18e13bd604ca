"""A NUL typed anywhere is refused with one sentence on both engines (issue 15).

PostgreSQL cannot hold U+0000 in text and fails any statement that carries one, a lookup as
much as a write; db.py refuses such a statement before it reaches either engine. Found by
the fee-line trial on PostgreSQL: a schedule code of "\\x00" failed with a driver error.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from deskterm import db
from deskterm.errors import InvalidInput
from deskterm.services.repairs import fee_schedule


def test_a_lookup_with_nul_is_refused_in_one_sentence(engine, clock):
    with pytest.raises(InvalidInput) as refused:
        db.run_read(
            engine,
            lambda s: fee_schedule.price_in_force(session=s, code="\x00", on=clock.now().date()),
        )
    assert "U+0000" in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize("parameters", [{"v": "a\x00b"}, [{"v": "ok"}, {"v": "\x00"}]])
def test_every_statement_shape_is_checked(engine, parameters):
    with pytest.raises(InvalidInput), engine.connect() as conn:
        conn.execute(text("select :v"), parameters)


def test_text_without_nul_still_passes(engine):
    with engine.connect() as conn:
        assert conn.execute(text("select :v"), {"v": "钱志刚\u200d"}).scalar() == "钱志刚\u200d"
