"""Developer tool: regenerate migrations/versions/0001_initial_schema.py from the models.

Only while no release has shipped: once one has, schema changes get a new revision instead
(`alembic revision --autogenerate` against a database at head).
"""

import sys
import tempfile
from pathlib import Path

from alembic import command

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deskterm.db import make_engine  # noqa: E402
from deskterm.schema import MIGRATIONS, alembic_config  # noqa: E402

target = MIGRATIONS / "versions" / "0001_initial_schema.py"
if target.exists():
    target.unlink()
# Later revisions (hand-written, e.g. triggers) build on 0001: set them aside meanwhile.
later = [p for p in (MIGRATIONS / "versions").glob("0*.py") if p.name != target.name]
parked = [p.rename(p.with_suffix(".parked")) for p in later]
with tempfile.TemporaryDirectory() as tmp:
    engine = make_engine(str(Path(tmp) / "gen.db"))
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
for p in parked:
    p.rename(p.with_suffix(".py"))
text = target.read_text()
text = "\n".join(line for line in text.splitlines() if not line.startswith("Create Date:")) + "\n"
target.write_text(text)
print(f"wrote {target}")
