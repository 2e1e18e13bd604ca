"""How far long work is: the one signature every service reports to (issue 20).

A service that runs long (an import, an export, a purge, a backup, the demo) takes
`progress: Progress | None` and calls `progress(what, done, total)`: `what` is the step in the
user's words ("Importing"), `done` how many so far, `total` how many in all or None when not
known yet. The CLI shows it with `deskterm.cli.progress.terminal_progress` (rich.progress on
stderr, only when stderr is a terminal); tests pass a list's `append`-like callable.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, "int | None"], None]
