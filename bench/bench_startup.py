"""Start-up: `deskterm --help` against a bare Typer app with the same commands."""

from __future__ import annotations

import sys

from harness import PYTHON, ROOT, Context, Result, time_process

BARE_TYPER = """
import typer
app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
for name in ["run", "init", "demo", "export", "report", "import", "purge"]:
    app.command(name)(lambda: None)
for group in ["users", "db", "audit"]:
    sub = typer.Typer()
    sub.command("x")(lambda: None)
    app.add_typer(sub, name=group)
app(["--help"], prog_name="deskterm")
"""


def run(ctx: Context) -> list[Result]:
    runs = max(ctx.runs, 7)
    ours = time_process([PYTHON, "-m", "deskterm", "--help"], runs)
    floor = time_process([PYTHON, "-c", BARE_TYPER], runs)
    ratio = ours.median / floor.median
    return [
        Result("`deskterm --help`", ours.median, "s", floor.median, "bare Typer app",
               "≤ 1.2×", ratio <= 1.2, f"(min {ours.low:.3f}, max {ours.high:.3f})"),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    for r in run(Context(scale="small")):
        print(r)
