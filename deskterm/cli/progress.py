"""The one progress reporter of the CLI: a rich.progress bar on stderr (issue 20).

`with terminal_progress() as progress:` gives the callable the services report to
(deskterm.progress.Progress), or None when stderr is not a terminal (a pipe, a log, CI), so
that nothing but results and one-sentence errors is ever written there. Each step (`what`)
gets its own bar; the bars are cleared when the work ends.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from deskterm.progress import Progress


@contextmanager
def terminal_progress() -> Iterator[Progress | None]:
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TaskID,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.progress import (
        Progress as Bars,
    )

    bars = Bars(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def report(what: str, done: int, total: int | None) -> None:
        task = tasks.get(what)
        if task is None:
            task = tasks[what] = bars.add_task(what, total=total)
        bars.update(task, completed=done, total=total)

    with bars:
        yield report
