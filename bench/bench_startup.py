"""Start-up: `deskterm --help` against a bare Typer app with the same commands.

The floor is generated from deskterm's own command tree: every command and group with the
same names, the same help texts and the same parameters (names, option spellings, help, flag
or value, required or not), as a standalone Typer script that imports nothing but Typer.
For `--help` Typer inspects every command's parameters, so a floor of commands without any
would leave that work out. Ours and the floor run in turn; medians of several runs.
"""

from __future__ import annotations

import statistics
import sys

from harness import PYTHON, ROOT, Context, Result, measure_process


def floor_source() -> str:
    """A Typer script with deskterm's command tree (names, help, parameters), nothing else."""
    sys.path.insert(0, str(ROOT))
    from typer.main import get_command

    from deskterm.cli.main import build_app

    root = get_command(build_app())
    lines = [
        "from typing import Annotated",
        "import typer",
        "",
        f"app = typer.Typer(name='deskterm', help={root.help!r}, no_args_is_help=False,",
        "                  invoke_without_command=True, pretty_exceptions_enable=False,",
        "                  add_completion=False, rich_markup_mode=None,",
        "                  context_settings={'help_option_names': ['-h', '--help']})",
    ]
    counter = [0]

    def params(cmd) -> str:
        out = []
        for p in cmd.params:
            if p.name in ("help",):
                continue
            flag = bool(getattr(p, "is_flag", False))
            kind = "bool" if flag else "str | None"
            if p.param_type_name == "argument":
                info = f"typer.Argument(help={p.help!r}, show_default=False)"
            else:
                decls = ", ".join(repr(o) for o in [*p.opts, *p.secondary_opts])
                info = f"typer.Option({decls}, help={p.help!r})"
            default = "False" if flag else "None"
            if p.required and not flag:
                out.append(f"{p.name}: Annotated[str, {info}]")
            else:
                out.append(f"{p.name}: Annotated[{kind}, {info}] = {default}")
        required = [o for o in out if " = " not in o]
        return ", ".join(required + [o for o in out if " = " in o])

    def emit(parent: str, cmd) -> None:
        for name, sub in cmd.commands.items():
            counter[0] += 1
            if hasattr(sub, "commands"):
                var = f"group{counter[0]}"
                lines.append(f"{var} = typer.Typer(help={sub.help!r})")
                emit(var, sub)
                lines.append(f"{parent}.add_typer({var}, name={name!r})")
            else:
                lines.append(f"@{parent}.command({name!r}, help={sub.help!r})")
                lines.append(f"def command{counter[0]}({params(sub)}) -> None:")
                lines.append("    pass")

    lines.append(f"@app.callback()\ndef root({params(root)}) -> None:\n    pass")
    emit("app", root)
    lines.append("app(['--help'], prog_name='deskterm')")
    return "\n".join(lines) + "\n"


def run(ctx: Context) -> list[Result]:
    runs = max(ctx.runs * 3, 15)  # ~0.1 s each: many runs steady the medians
    floor_cmd = [PYTHON, "-c", floor_source()]
    ours_cmd = [PYTHON, "-m", "deskterm", "--help"]
    for cmd in (ours_cmd, floor_cmd):  # the file cache warm for both
        if measure_process(cmd).status:
            raise RuntimeError(f"{cmd[1:3]} failed")
    ours, floor = [], []
    for _ in range(runs):
        ours.append(measure_process(ours_cmd).wall)
        floor.append(measure_process(floor_cmd).wall)
    median, floor_median = statistics.median(ours), statistics.median(floor)
    ratio = median / floor_median
    return [
        Result(
            "`deskterm --help`",
            median,
            "s",
            floor_median,
            "Typer app, same commands and options",
            "≤ 1.2×",
            ratio <= 1.2,
            f"(min {min(ours):.3f}, max {max(ours):.3f})",
        ),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    if sys.argv[1:] == ["--floor"]:
        print(floor_source())
    else:
        for r in run(Context(scale="small")):
            print(r)
