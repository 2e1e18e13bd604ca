"""Where `--out` writes (export, report): one check and one writer for every command.

* a new file, or an existing regular file with --force: written to a temporary file beside
  it (0600: it holds people's records) and renamed into place, so a failure never leaves half
  a file; an existing file without --force is refused;
* a character device or a FIFO (/dev/stdout, /dev/null, a named pipe), named directly or
  through a symbolic link: written through, as a stream (nothing there to replace);
* a symbolic link to anything else is refused: --force never replaces a link, nor the file it
  points to, silently; a folder, a socket or a missing folder are refused too.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Any, Generic, TextIO, TypeVar, cast, overload

import typer

from deskterm.encoders import ByteSink
from deskterm.i18n import _
from deskterm.reasons import os_reason

NEW, FILE, STREAM = "new", "file", "stream"
S = TypeVar("S", TextIO, ByteSink)  # what Output writes to: text (a report) or bytes


def check_target(out: str, force: bool) -> str:
    """NEW, FILE (a regular file --force replaces) or STREAM; a usage error otherwise."""
    path = Path(out)

    def refuse(message: str, **more) -> typer.BadParameter:
        return typer.BadParameter(message.format(**{"path": out, **more}), param_hint="--out")

    try:
        here = os.lstat(path)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise refuse(_("The folder {path} does not exist."), path=path.parent) from None
        return NEW
    except OSError as exc:
        raise refuse(_("{path} cannot be read: {error}"), error=os_reason(exc)) from None
    mode = here.st_mode
    if stat.S_ISLNK(mode):
        try:
            pointed: int | None = os.stat(path).st_mode
        except OSError:
            pointed = None
        if pointed is None or not (stat.S_ISCHR(pointed) or stat.S_ISFIFO(pointed)):
            raise refuse(
                _(
                    "{path} is a symbolic link: name the file itself (--force never replaces "
                    "a link or writes through it)."
                )
            )
        mode = pointed
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return STREAM
    if stat.S_ISDIR(mode):
        raise refuse(_("{path} is a folder; name a file."))
    if not stat.S_ISREG(mode):
        raise refuse(_("{path} is not a file that can be written."))
    if not force:
        raise refuse(_("{path} exists already: name a new file, or add --force to replace it."))
    return FILE


def open_stream(out: str) -> IO[bytes]:
    """A device or FIFO opened to write through: never created (no O_CREAT) nor truncated,
    and checked again once open (it cannot have become a file since check_target)."""
    fd = os.open(out, os.O_WRONLY | os.O_NOCTTY)
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        os.close(fd)
        raise typer.BadParameter(
            _("{path} is not a file that can be written.").format(path=out), param_hint="--out"
        )
    return os.fdopen(fd, "wb")


class Output(Generic[S]):
    """The stream `--out` is written through: binary, or text (`encoding`) for reports.
    "-" is standard output; `seekable` asks for a real file first (xlsx), copied to a stream
    or standard output at the end."""

    @overload
    def __init__(
        self: Output[TextIO],
        out: str,
        target: str | None,
        *,
        encoding: str,
        seekable: bool = False,
        prefix: str = ".deskterm-",
    ) -> None: ...

    @overload
    def __init__(
        self: Output[ByteSink],
        out: str,
        target: str | None,
        *,
        encoding: None = None,
        seekable: bool = False,
        prefix: str = ".deskterm-",
    ) -> None: ...

    def __init__(
        self,
        out: str,
        target: str | None,
        *,
        encoding: str | None = None,
        seekable: bool = False,
        prefix: str = ".deskterm-",
    ) -> None:
        self.out, self.target, self.encoding, self.prefix = out, target, encoding, prefix
        self.seekable = seekable
        self.tmp: Path | None = None
        self.stream: TextIO | ByteSink | None = None
        self.file: IO[Any] | None = None  # the temporary file's stream
        self.sink: IO[bytes] | None = None

    def __enter__(self) -> S:
        # `encoding` chose the stream's kind and the overloads of __init__ tie S to it (text
        # when given); mypy cannot follow that into _open
        return cast(S, self._open())

    def _open(self) -> TextIO | ByteSink:
        direct = self.out == "-" or self.target == STREAM
        if direct and not self.seekable:
            if self.out == "-":
                sys.stdout.flush()
                if self.encoding:
                    return sys.stdout
                from deskterm.encoders import TerminalStream

                self.stream = TerminalStream(
                    sys.stdout.buffer
                )  # no escape reaches a terminal (issue 15)
                return self.stream
            self.sink = open_stream(self.out)
            if self.encoding is None:  # like standard output: it may be a terminal
                from deskterm.encoders import TerminalStream

                self.stream = TerminalStream(self.sink)
            else:
                self.stream = self._wrap(self.sink)
            return self.stream
        folder = None if direct else Path(self.out).parent
        fd, name = tempfile.mkstemp(prefix=self.prefix, dir=folder)  # 0600: it names people
        self.tmp = Path(name)
        self.stream = self.file = self._wrap(os.fdopen(fd, "wb"))
        return self.stream

    def _wrap(self, raw: IO[bytes]) -> IO[Any]:
        if self.encoding is None:
            return raw
        import io

        return io.TextIOWrapper(raw, encoding=self.encoding, newline="")

    def __exit__(self, exc_type, exc, tb) -> None:
        tmp, file = self.tmp, self.file
        if tmp is None or file is None:  # written through (_open sets both, or neither)
            if self.stream is not None:
                self.stream.flush()
            if self.sink is not None:
                self.sink.close()
            return
        file.close()
        try:
            if exc_type is not None:
                return
            if self.out == "-" or self.target == STREAM:
                if self.out == "-":
                    sys.stdout.flush()
                    sink = sys.stdout.buffer
                    with tmp.open("rb") as fh:
                        shutil.copyfileobj(fh, sink, 1 << 20)
                    sink.flush()
                else:
                    with tmp.open("rb") as fh, open_stream(self.out) as sink:
                        shutil.copyfileobj(fh, sink, 1 << 20)
            else:
                os.replace(tmp, self.out)
                self.tmp = None
        finally:
            if self.tmp is not None:
                self.tmp.unlink(missing_ok=True)
