"""`allo serve` without a browser: its page is ours (French title, nothing loaded from
elsewhere), `--public-url` is where the page sends the browser, a WebSocket from another site's
page is refused, and a bad address or a taken port is one line (exit 2).
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from browser_helpers import Served, quiet_environment

from allo_tui.cli.serve import session_command
from allo_tui.data.schema import prepare_database

URLS = re.compile(r"""(?:src|href)\s*=\s*"([^"]*)"|url\(\s*"?([^")]*)"?\s*\)""")


@pytest.fixture
def database(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "allo.sqlite3"
    prepare_database(db)
    home = tmp_path / "home"
    home.mkdir()
    return db, home


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.status, answer.read().decode("utf-8", "replace")


def page_urls(page: str) -> list[str]:
    return [first or second for first, second in URLS.findall(page)]


def test_the_page_is_ours_in_french_and_loads_nothing_from_elsewhere(database):
    served = Served(*database)
    try:
        status, page = fetch(served.url + "/")
        assert status == 200
        assert "<title>Allô Mairie</title>" in page and 'lang="fr"' in page
        assert "Session terminée" in page
        urls = page_urls(page)
        assert len(urls) >= 4, urls  # stylesheet, script, two font faces
        for url in urls:
            assert url.startswith(served.url + "/static/"), url
            assert fetch(url)[0] == 200, url  # served by allo serve itself
        assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
        assert "googleapis" not in page
    finally:
        served.stop()
    assert f"Allô Mairie dans un navigateur : {served.url}" in served.log()


def test_behind_a_reverse_proxy_the_page_sends_the_browser_to_the_public_url(database):
    served = Served(*database, "--public-url", "https://allo.mairie.example/")
    try:
        page = fetch(served.url + "/")[1]
        assert 'data-session-websocket-url="wss://allo.mairie.example/ws"' in page
        assert all(url.startswith("https://allo.mairie.example/static/") for url in page_urls(page))
    finally:
        served.stop()
    assert "dans un navigateur : https://allo.mairie.example\n" in served.log()


async def test_a_websocket_from_another_sites_page_is_refused(database):
    served = Served(*database)
    try:
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(served.url + "/ws", origin="https://evil.example")
            assert refused.value.status == 403
            # The page's own origin is let through (the session process starts).
            async with session.ws_connect(served.url + "/ws", origin=served.url) as websocket:
                assert not websocket.closed
    finally:
        served.stop()
    assert "connexion refusée : page d'un autre site (https://evil.example)" in served.log()


def run_serve(database, *args: str) -> subprocess.CompletedProcess[str]:
    db, home = database
    return subprocess.run(
        [sys.executable, "-m", "allo_tui", "serve", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=quiet_environment(home),
        timeout=60,
    )


def test_a_taken_port_or_a_bad_public_url_is_one_line(database):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_serve(database, "--port", str(port))
    assert done.returncode == 2
    assert done.stderr.startswith(f"allo: impossible d'écouter sur 127.0.0.1:{port} : ")
    assert len(done.stderr.splitlines()) == 1 and "dans un navigateur" not in done.stdout

    done = run_serve(database, "--public-url", "allo.mairie.example")
    assert (done.returncode, done.stderr) == (
        2,
        "allo: --public-url : adresse http:// ou https:// attendue, pas 'allo.mairie.example'\n",
    )


def test_a_server_url_reaches_the_sessions_outside_their_command_line():
    command, environment = session_command("postgresql://allo:secret@db.mairie/allo")
    assert "secret" not in command and command.endswith("-m allo_tui --login")
    assert environment == {"ALLO_DB": "postgresql://allo:secret@db.mairie/allo"}
    command, environment = session_command(Path("/srv/allo/la mairie.sqlite3"))
    assert "--db '/srv/allo/la mairie.sqlite3' --login" in command and environment == {}
