"""`allo serve`: the console in a browser.

textual-serve's `Server` runs, for each browser connection, the console in its own process
(`python -m allo_tui --db … --login`): the session starts on the login screen and runs with the
role of the operator who logged in. The page is ours (`resources/serve/app_index.html`, French,
no font or script from the internet: textual-serve's terminal bundle and font are served
locally under /static). Bound to 127.0.0.1 unless told otherwise; `--public-url` is the
address people type when a reverse proxy (TLS) stands in front (README, "Dans un navigateur").

A WebSocket opened from another site's page is refused (its Origin is not ours), so a page
visited elsewhere cannot drive a session on this machine.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from allo_tui.cli.common import (
    Fail,
    build_demo_if_asked,
    database_choice,
    db_option,
    open_store,
)

TEXTS = {
    "serving": "Allô Mairie dans un navigateur : {url}",
    "database": "base : {database}",
    "stop": "Ctrl+C pour arrêter.",
    "not_local": (
        "attention : servi sur {host}, hors de cette machine ; sans TLS les mots de passe "
        "circulent en clair (placez un proxy inverse HTTPS devant, voir le README)"
    ),
    "bad_url": "--public-url : adresse http:// ou https:// attendue, pas {url!r}",
    "cannot_listen": "impossible d'écouter sur {host}:{port} : {reason}",
    "foreign_origin": "connexion refusée : page d'un autre site ({origin})",
}
TITLE = "Allô Mairie"
TEMPLATES = Path(__file__).resolve().parent.parent / "resources" / "serve"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SESSIONS_END = 10.0  # seconds the sessions have to quit when the server stops


def session_command(database: Path | str) -> tuple[str, dict[str, str]]:
    """The shell command textual-serve runs per connection, and the environment it needs.

    A server's URL (which may hold a password) goes through ALLO_DB, not the command line that
    `ps` shows; a file is given with --db.
    """
    command = [sys.executable, "-m", "allo_tui"]
    environment: dict[str, str] = {}
    if isinstance(database, str):
        environment["ALLO_DB"] = database
    else:
        command += ["--db", str(database)]
    command.append("--login")
    return shlex.join(command), environment


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of `url`, as a browser's Origin header says it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def make_server(command: str, *, host: str, port: int, public_url: str | None):
    """textual-serve's Server with our page, our start-up lines and an Origin check."""
    from aiohttp import web
    from textual_serve.server import Server

    class AlloServer(Server):
        def __init__(self) -> None:
            super().__init__(
                command,
                host=host,
                port=port,
                title=TITLE,
                public_url=public_url,
                templates_path=TEMPLATES,
            )
            self.sessions: set[asyncio.Task] = set()

        def allowed(self, request: web.Request) -> bool:
            """A WebSocket from our page (or from no page: a script of the machine's own)."""
            origin = request.headers.get("Origin")
            if origin is None:
                return True
            own = {origin_of(self.public_url), f"{request.scheme}://{request.host}".lower()}
            return origin.lower() in own

        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
            if not self.allowed(request):
                click.echo(
                    TEXTS["foreign_origin"].format(origin=request.headers.get("Origin")),
                    err=True,
                )
                raise web.HTTPForbidden()
            session = asyncio.current_task()
            assert session is not None
            self.sessions.add(session)
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions.discard(session)

        async def on_startup(self, app: web.Application) -> None:
            """Said once listening (`run`), not before: the port may be taken."""

        def run(self) -> None:
            """Listen, say where, and serve until SIGINT or SIGTERM (which end every
            session); a port that cannot be listened on raises OSError before anything is
            said."""
            self.initialize_logging()
            asyncio.run(self._serve())

        async def _serve(self) -> None:
            stopped = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signal_number in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signal_number, stopped.set)
            runner = web.AppRunner(await self._make_app(), handle_signals=False)
            await runner.setup()
            try:
                await web.TCPSite(runner, self.host, self.port).start()
                click.echo(TEXTS["serving"].format(url=self.public_url))
                click.echo(TEXTS["stop"])
                sys.stdout.flush()
                await stopped.wait()
                # Each session is told to quit and its page to close, at once (aiohttp alone
                # would wait for every WebSocket to end).
                sessions = list(self.sessions)
                for session in sessions:
                    session.cancel()
                if sessions:
                    await asyncio.wait(sessions, timeout=SESSIONS_END)
            finally:
                await runner.cleanup()

    return AlloServer()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Port."
)
@click.option(
    "--public-url",
    metavar="URL",
    default=None,
    help="Adresse publique derrière un proxy inverse (https://…).",
)
@db_option
def serve(host: str, port: int, public_url: str | None) -> None:
    """Sert la console à des navigateurs (écran de connexion, une session par onglet)."""
    if public_url is not None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Fail(TEXTS["bad_url"].format(url=public_url))
        public_url = public_url.rstrip("/")
    choice = database_choice()
    build_demo_if_asked(choice)
    # The database is checked (created, upgraded) once here, not by every session.
    open_store()
    command, environment = session_command(choice.path)
    os.environ.update(environment)
    # A served session is whoever logs in on it, never the operator of this shell.
    os.environ.pop("ALLO_OPERATOR", None)
    if host not in LOCAL_HOSTS and public_url is None:
        click.echo(TEXTS["not_local"].format(host=host), err=True)
    click.echo(TEXTS["database"].format(database=choice.label))
    server = make_server(command, host=host, port=port, public_url=public_url)
    try:
        server.run()
    except OSError as error:
        raise Fail(
            TEXTS["cannot_listen"].format(host=host, port=port, reason=error.strerror or error)
        ) from None
