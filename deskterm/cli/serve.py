"""`deskterm serve`: the desk app in a browser, through textual-serve (issue 18).

Every browser tab opens its own web socket, and textual-serve starts one desk-app process per
socket: each tab begins at the sign-in screen, and the app's sign-in and idle lock are the
gate. The server binds to loopback unless told otherwise; a site puts it behind a TLS reverse
proxy (docs/SITE.md) and passes the proxy's address with --public-url so that the page opens
its web socket as wss://.

Before it listens, the command checks what would otherwise fail in every tab: the database is
reachable and its schema is current, and the port is free. Each is one sentence and exit 1.
The server's own log is one line per event: a dropped web socket (a proxy's timeout, a closed
laptop) is logged as such, never as a traceback.
"""

from __future__ import annotations

import logging
import os
import shlex
import socket
import sys
from typing import Annotated

import typer

from deskterm.cli.context import DbOption
from deskterm.cli.numbers import ID, whole
from deskterm.errors import DeskError
from deskterm.i18n import _
from deskterm.reasons import os_reason

# Variables a served app must not inherit: a browser tab signs in by itself.
PRIVATE_ENV = ("DESKTERM_USER", "DESKTERM_PASSWORD", "DESKTERM_NEW_PASSWORD")


def register(app: typer.Typer) -> None:
    @app.command(
        "serve", help=_("Serve the desk app to browsers (each tab starts at the sign-in screen).")
    )
    def serve(
        db: DbOption = None,
        host: Annotated[
            str,
            typer.Option(
                help=_(
                    "Address to listen on (loopback by default; put a TLS reverse proxy in front for other machines)."
                )
            ),
        ] = "127.0.0.1",
        port: Annotated[
            int, typer.Option(parser=whole(0, ID), help=_("Port to listen on."))
        ] = 8000,  # 1-65535: checked below, one sentence
        public_url: Annotated[
            str | None,
            typer.Option(
                "--public-url",
                help=_(
                    "The address browsers use, when a reverse proxy is in front (https://... makes the page use wss://)."
                ),
                show_default=False,
            ),
        ] = None,
    ) -> None:
        from deskterm.i18n import current_language

        public_url = normalise_public_url(public_url)
        url = check_database(db)
        check_port(host, port)
        env = app_environment(url, current_language())
        os.environ.update(env)
        for name in PRIVATE_ENV:
            os.environ.pop(name, None)
        run_server(host=host, port=port, public_url=public_url)


def check_database(db: str | None) -> str:
    """The database URL, once it is reachable and its schema current (else one sentence)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from deskterm import schema
    from deskterm.cli.context import require_deskterm_file, require_existing
    from deskterm.config import load_settings
    from deskterm.db import make_engine
    from deskterm.dburl import resolve_url

    settings = load_settings(db=db)
    require_existing(settings.db)  # serve never makes a database (only init, demo, restore)
    url = resolve_url(settings.db)
    require_existing(settings.db)  # a typo makes no database; an empty file stays empty
    require_deskterm_file(settings.db, current=True)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        schema.ensure_current(engine)
    except DBAPIError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        raise DeskError(
            _("The database cannot be reached ({reason}); nothing is served.").format(
                reason=reason[0] if reason else type(exc).__name__
            )
        ) from None
    finally:
        engine.dispose()
    return url


def normalise_public_url(value: str | None) -> str | None:
    """--public-url as textual-serve needs it: http(s)://host[:port][/path] with no trailing
    slash (the page appends /ws and the assets' paths). Anything else is one sentence, exit 2:
    a bare host name would make every page fail (issue 18 G)."""
    from urllib.parse import urlsplit

    if value is None:
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise typer.BadParameter(
            _(
                "give the whole address browsers open, https:// included, such as "
                "https://desk.your-estate.cn (got {value!r})."
            ).format(value=value),
            param_hint="--public-url",
        )
    path = parts.path.rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc}{path}"


def check_port(host: str, port: int) -> None:
    """Refuse a port that is taken (or not ours to bind) before the server starts."""
    if not 0 < port < 65536:
        raise DeskError(_("Port {port} is not a port number (1 to 65535).").format(port=port))
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise DeskError(_("{host} is not an address of this machine.").format(host=host)) from None
    family, kind, proto, _name, address = infos[0]
    probe = socket.socket(family, kind, proto)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
    except OSError as exc:
        raise DeskError(
            _(
                "Port {port} on {host} cannot be used ({reason}); choose another with --port."
            ).format(port=port, host=host, reason=os_reason(exc))
        ) from None
    finally:
        probe.close()


def app_environment(url: str, lang: str) -> dict[str, str]:
    """What every served app process gets: the database, the language, the browser flag."""
    from deskterm.tui.actions import IN_BROWSER_ENV

    return {"DESKTERM_DB": url, "DESKTERM_LANG": lang, IN_BROWSER_ENV: "1"}


def app_command() -> str:
    """The shell command textual-serve runs for each tab (the database is in the environment,
    so a PostgreSQL password never shows in the process list)."""
    return f"{shlex.quote(sys.executable)} -m deskterm"


class _OneLine(logging.Formatter):
    """The server's log without tracebacks: the event's sentence and the exception's class."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            message = f"{message} ({type(exc).__name__})" if str(exc) not in message else message
        return f"{self.formatTime(record, '%H:%M:%S')} {record.levelname.lower()}: {message}"


def dropped_line(peer: str | None, code: int | None) -> str:
    """The log line of a web socket that ended without a closing handshake."""
    return _(
        "A browser tab's connection from {peer} dropped (code {code}); its app was stopped, "
        "the other tabs go on."
    ).format(peer=peer or "-", code=code if code is not None else "-")


def run_server(*, host: str, port: int, public_url: str | None) -> None:
    from textual_serve.server import Server

    class DeskServer(Server):
        def initialize_logging(self) -> None:  # the documented hook: our one-line log
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(_OneLine())
            root = logging.getLogger()
            root.handlers[:] = [handler]
            root.setLevel(logging.INFO)
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def handle_websocket(self, request):
            """textual-serve's handler, plus the one log line docs/SITE.md promises when a tab's
            socket ends without a closing handshake (a proxy's timeout, a closed laptop)."""
            websocket = await super().handle_websocket(request)
            code = websocket.close_code
            if code not in (1000, 1001):
                logging.getLogger("deskterm.serve").warning(dropped_line(request.remote, code))
            return websocket

        async def on_startup(self, app) -> None:
            sys.stderr.write(
                _("deskterm is served on {url} (Ctrl+C stops it).").format(url=self.public_url)
                + "\n"
            )

    def quiet(unraisable) -> None:  # e.g. a tab's app still closing when the server stops
        exc = unraisable.exc_value
        sys.stderr.write(
            _("deskterm serve: {what} while stopping ({kind}).").format(
                what=unraisable.err_msg or "-", kind=type(exc).__name__ if exc else "-"
            )
            + "\n"
        )

    sys.unraisablehook = quiet
    server = DeskServer(
        app_command(), host=host, port=port, title="deskterm", public_url=public_url
    )
    try:
        server.serve()
    except OSError as exc:  # the port was taken between the check and the start
        raise DeskError(
            _(
                "Port {port} on {host} cannot be used ({reason}); choose another with --port."
            ).format(port=port, host=host, reason=os_reason(exc))
        ) from None
