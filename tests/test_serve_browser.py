"""`allo serve` in a real browser: headless Chromium (Debian's, through Playwright) opens the
page of an `allo serve` started on a free port, a Voirie agent is refused with a wrong password
then logs in, reaches the palette (Ctrl+P) and the queue (F7), opens a request and marks it
done with an outcome and an answer; the database holds it, and a hostess's console shows the
answer. A request saved meanwhile by the call centre appears in the agent's browser.

What the page shows is read from the session's output, fed to pyte as the page receives it
(`browser_helpers.BrowserTerminal`); every key waits for the text it expects first.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, VIEWPORT, BrowserTerminal, Served, quiet_environment
from store_helpers import request_for

from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.records import NewCaller, Role, Status

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)",
)

AGENT, PASSWORD = "voirie1", "Trottoir-89!"
ANSWER = "Trou rebouché à l'enrobé à froid"


def set_password(db: Path, home: Path, login: str, password: str) -> None:
    """`allo operator passwd LOGIN`, the password read from stdin (not a terminal)."""
    done = subprocess.run(
        [sys.executable, "-m", "allo_tui", "--db", str(db), "--operator", "admin"]
        + ["operator", "passwd", login],
        input=f"{password}\n",
        capture_output=True,
        text=True,
        env=quiet_environment(home),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def site(tmp_path: Path):
    """A town hall's database: an admin, a hostess, a Voirie agent with a password, a pothole
    (Voirie) and a street lamp (Éclairage public) saved by the hostess."""
    db = tmp_path / "allo.sqlite3"
    home = tmp_path / "home"
    home.mkdir()
    prepare_database(db)
    store = Store(db)
    store.resolve_operator("admin")  # the first operator is the admin
    hostess = store.add_operator("hostess", Role.OPERATOR, "Anne Hôtesse")
    store.add_operator(AGENT, Role.SERVICE, "Victor Voirie", ["VOIRIE"])
    caller = NewCaller(surname="Zébulon", given_name="Éléonore", phones=("03 86 12 34 56",))
    pothole = store.create_request(
        hostess,
        request_for(
            store,
            "VOIRIE",
            "Nid-de-poule profond devant l'école",
            new_caller=caller,
            street_number="12",
            street="Rue du Temple",
        ),
    )
    lamp = store.create_request(hostess, request_for(store, "ECLAIRAGE", "Lampadaire éteint"))
    store.close()
    set_password(db, home, AGENT, PASSWORD)
    return db, home, hostess, pothole, lamp


def log_in(term: BrowserTerminal, login: str, password: str) -> None:
    """Type the login and the password on the login screen, and send them."""
    term.wait_for("Identifiant", "Mot de passe", "Entrée : se connecter")
    term.type(login)
    term.wait_for(f"▊  {login} ")
    term.press("Tab")
    term.type(password)
    term.wait_for(f"▊  {'•' * len(password)} ")  # masked, in the password box
    term.press("Enter")


def test_a_voirie_agent_marks_a_request_done_from_a_browser(site) -> None:
    from playwright.sync_api import sync_playwright

    db, home, hostess, pothole, lamp = site
    served = Served(db, home)
    started = time.monotonic()
    timings: dict[str, float] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            page = browser.new_page(viewport=VIEWPORT)
            loaded: list[str] = []
            page.on("request", lambda request: loaded.append(request.url))
            term = BrowserTerminal(page)

            term.open(served.url)
            timings["page"] = time.monotonic() - started

            # A wrong password is refused, and the login screen stays.
            log_in(term, AGENT, "pas le bon")
            term.wait_for("Identifiant ou mot de passe incorrect.")
            assert "Ma file" not in term.text()

            # The right one, in a new session (the page reloaded), opens the agent's console
            # on their queue.
            term.open(served.url)
            log_in(term, AGENT, PASSWORD)
            term.wait_for("Voirie — 1 demande(s) ouverte(s)", pothole.reference, "Victor Voirie")
            timings["logged in"] = time.monotonic() - started
            assert lamp.reference not in term.text()  # another service's request

            # Ctrl+P opens the palette in the browser, with the queue's entry (F7 is a key
            # some browsers keep); F5 and F7 reach the board and the queue.
            term.press("Control+p")
            term.wait_for("Chercher une commande", "Ma file : les demandes de mon service")
            term.press("Escape")
            term.wait_until(lambda text: "Chercher une commande" not in text, "palette closed")
            term.press("F5")
            term.wait_for("Immédiate", "En retard :")
            term.press("F7")
            queue = term.wait_for("Voirie — 1 demande(s) ouverte(s)", pothole.reference)
            assert lamp.reference not in queue

            # Enter opens the request; d marks it done with an outcome and the answer.
            term.press("Enter")
            term.wait_for(f"Demande {pothole.reference}", "Nid-de-poule profond")
            term.press("d")
            term.wait_for("Réparé")
            term.press("Enter")
            term.wait_for("réponse : Réparé", "Réponse au demandeur")
            term.type(ANSWER)
            term.wait_for(ANSWER)
            term.press("Control+s")
            term.wait_for("Terminée", ANSWER)
            timings["done"] = time.monotonic() - started

            # The call centre saves an urgent pothole: it appears in the agent's queue.
            term.press("Escape")
            term.wait_for("Voirie — 0 demande(s) ouverte(s)")
            store = Store(db)
            try:
                urgent = store.create_request(
                    hostess, request_for(store, "VOIRIE", "Plaque d'égout soulevée", urgency=1)
                )
            finally:
                store.close()
            saved = time.monotonic()
            term.wait_for("Voirie — 1 demande(s) ouverte(s)", urgent.reference, timeout=10)
            timings["live"] = time.monotonic() - saved

            assert page.evaluate("document.title") == "Allô Mairie"
            assert loaded and all(url.startswith(served.url + "/") for url in loaded), loaded
            browser.close()
    finally:
        served.stop()

    store = Store(db)
    try:
        done = store.get_request(pothole.id)
        assert done.status is Status.DONE
        events = store.events(pothole.id)
        assert any(
            event.operator in (AGENT, "Victor Voirie") and ANSWER in event.note for event in events
        ), events
        assert asyncio.run(hostess_sees_the_answer(store, hostess, pothole.id))
    finally:
        store.close()
    print("browser timings (s from the start):", {k: round(v, 2) for k, v in timings.items()})


async def hostess_sees_the_answer(store: Store, hostess, request_id: int) -> bool:
    """A hostess's console on the request's detail shows the answer to the citizen."""
    from pilot_helpers import painted_lines, settle

    from allo_tui.app import console_app
    from allo_tui.screens.request_detail import RequestDetailScreen

    app = console_app(store, hostess, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(RequestDetailScreen(request_id))
        await settle(app, pilot, rounds=3, pause=0.2)
        shown = "\n".join(painted_lines(app))
        return ANSWER in shown and "Réparé" in shown
