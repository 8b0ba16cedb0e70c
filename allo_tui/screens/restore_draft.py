"""A call is never lost: at start, offer to restore a new-request draft left by a dead console.

The form keeps a draft row (one per operator and console) with a heartbeat. At start, a draft of
this operator is offered when its console is this one, when its heartbeat is stale, or when it
was written by a process on this host that no longer runs (a `kill -9` restarted within seconds
must not wait for the heartbeat to go stale). A draft whose console is alive elsewhere is left
alone.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from allo_tui.console import console_of
from allo_tui.domain.display import format_datetime
from allo_tui.domain.records import DraftRecord
from allo_tui.literal import printable
from allo_tui.local_draft import delete_local_draft, read_local_draft

HEARTBEAT_EVERY = timedelta(seconds=10)
"""How often an open form says its console is alive."""
STALE_AFTER = timedelta(seconds=30)
"""A heartbeat older than this means the console is gone."""

TEXTS = {
    "title": "Un appel en cours n'a pas été enregistré",
    "more": "({count} brouillons en attente.)",
    "saved_at": "Saisi le {when} sur {console}",
    "caller": "Demandeur : ",
    "category": "Catégorie : ",
    "place": "Lieu : ",
    "description": "Description : ",
    "anonymous": "appel anonyme",
    "none": "—",
    "restore": "Reprendre (Entrée)",
    "later": "Plus tard (p)",
    "discard": "Supprimer (s)",
    "confirm_discard": "Supprimer ce brouillon ? La saisie sera perdue.",
    "gone": "Ce brouillon a déjà été repris sur une autre console.",
    "failed": "Brouillon illisible : {error}",
}


# -- which drafts are orphans ----------------------------------------------------------------


def _process_start(pid: int) -> str:
    """The kernel's start time of `pid` (Linux), "" when unknown; tells a reused pid apart."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
    except OSError:
        return ""
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else ""


def process_identity() -> dict[str, object]:
    """Who writes the draft: host, pid and process start (kept in the draft's fields)."""
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": pid, "start": _process_start(pid)}


def process_is_gone(identity: dict) -> bool:
    """True when the process named by `identity` (on this host) no longer runs."""
    pid = identity.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
    except FileNotFoundError:
        return True
    except OSError:
        stat = ""
    if stat:
        fields = stat.rsplit(")", 1)[-1].split()
        if fields and fields[0] in ("Z", "X"):  # zombie or dead
            return True
        start = identity.get("start")
        if start and len(fields) > 19 and fields[19] != start:
            return True  # the pid was reused by another process
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def draft_is_orphan(
    draft: DraftRecord,
    *,
    console: str,
    now: datetime,
    host: str,
    stale_after: timedelta = STALE_AFTER,
    is_gone: Callable[[dict], bool] = process_is_gone,
) -> bool:
    """Should `draft` be offered to the console `console` starting now on `host`?"""
    if draft.console == console:
        return True
    if draft.heartbeat_at is None or now - draft.heartbeat_at > stale_after:
        return True
    identity = draft.fields.get("process")
    if isinstance(identity, dict) and identity.get("host") == host:
        return is_gone(identity)
    return False


def orphan_drafts(app: App) -> list[DraftRecord]:
    """This operator's drafts to offer on this console, newest first (runs in a thread)."""
    console = console_of(app)
    drafts = console.store.operator_drafts(console.operator)
    now = console.store.now()
    host = socket.gethostname()
    return [
        draft
        for draft in drafts
        if draft_is_orphan(draft, console=console.console_name, now=now, host=host)
    ]


# -- the offer -------------------------------------------------------------------------------


def draft_summary(draft: DraftRecord) -> Text:
    """What the draft holds, as literal text (typed text is never markup)."""
    fields = draft.fields
    caller = fields.get("name") or fields.get("phone") or ""
    if fields.get("anonymous"):
        caller = TEXTS["anonymous"]
    place = " ".join(str(p) for p in (fields.get("street_number"), fields.get("street")) if p)
    description = str(fields.get("description") or "")
    if len(description) > 160:
        description = description[:160] + "…"
    text = Text()
    for label, value in (
        (TEXTS["caller"], caller),
        (TEXTS["category"], fields.get("category_text") or ""),
        (TEXTS["place"], place),
        (TEXTS["description"], description),
    ):
        text.append(label, "bold")
        text.append(printable(str(value), one_line=True) or TEXTS["none"])
        text.append("\n")
    text.append(
        TEXTS["saved_at"].format(
            when=format_datetime(draft.updated_at), console=printable(draft.console, one_line=True)
        ),
        "dim",
    )
    return text


class RestoreDraftScreen(ModalScreen[str]):
    """Offer one draft: dismisses with "restore", "later" or "discard"."""

    CSS_PATH = "restore_draft.tcss"
    BINDINGS = [
        Binding("r", "answer('restore')", "Reprendre", id="restore_draft.restore"),
        Binding("p,escape", "answer('later')", "Plus tard", id="restore_draft.later"),
        Binding("s", "discard", "Supprimer", id="restore_draft.discard"),
    ]

    def __init__(self, draft: DraftRecord, waiting: int = 1) -> None:
        super().__init__()
        self.draft = draft
        self.waiting = waiting

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(TEXTS["title"], id="title", markup=False)
            yield Static(draft_summary(self.draft), id="summary")
            if self.waiting > 1:
                yield Static(TEXTS["more"].format(count=self.waiting), id="more", markup=False)
            with Horizontal(id="buttons"):
                yield Button(TEXTS["restore"], id="restore", variant="primary", compact=True)
                yield Button(TEXTS["later"], id="later", compact=True)
                yield Button(TEXTS["discard"], id="discard", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#restore", Button).focus()

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)

    def action_discard(self) -> None:
        from allo_tui.screens.confirm import ConfirmDialog

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.dismiss("discard")

        self.app.push_screen(ConfirmDialog(TEXTS["confirm_discard"]), confirmed)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "discard":
            self.action_discard()
        else:
            self.dismiss(event.button.id or "later")


def push_local_draft(app: App) -> None:
    """A draft this console kept on this PC while the database was away (the console was
    closed before it came back) goes into the database, to be offered like any other."""
    console = console_of(app)
    fields = read_local_draft(console.store.label, console.console_name)
    if fields is None:
        return
    console.store.save_draft(console.operator, console.console_name, fields)
    delete_local_draft(console.store.label, console.console_name)


def offer_orphan_drafts(app: App, skip: frozenset[int] = frozenset()) -> None:
    """Look for orphan drafts off the event loop and offer the newest one not in `skip`.

    Called at start; after "later" or "discard" the next orphan (if any) is offered.
    """

    def find() -> None:
        try:
            push_local_draft(app)
            drafts = [d for d in orphan_drafts(app) if d.id not in skip]
        except Exception as error:  # noqa: BLE001 - shown to the user and logged
            app.call_from_thread(_failed, app, error)
            return
        if drafts:
            app.call_from_thread(_offer, app, drafts[0], len(drafts), skip)

    app.run_worker(find, thread=True, exit_on_error=False, group="drafts", name="orphan_drafts")


def _offer(app: App, draft: DraftRecord, waiting: int, skip: frozenset[int]) -> None:
    def answered(answer: str | None) -> None:
        if answer in ("restore", "discard"):
            restore = answer == "restore"
            app.run_worker(
                lambda: _take(app, draft, restore=restore, skip=skip | {draft.id}),
                thread=True,
                exit_on_error=False,
                group="drafts",
                name="claim_draft",
            )
        elif waiting > 1:
            offer_orphan_drafts(app, skip | {draft.id})

    app.push_screen(RestoreDraftScreen(draft, waiting), answered)


def _take(app: App, draft: DraftRecord, *, restore: bool, skip: frozenset[int]) -> None:
    """Claim the draft for this console (deleting the dead console's row), then restore it."""
    console = console_of(app)
    try:
        claimed = console.store.claim_draft(console.operator, draft.id, console.console_name)
        if claimed is not None and restore:
            fields = dict(claimed.fields)
            fields["process"] = process_identity()
            console.store.save_draft(console.operator, console.console_name, fields)
    except Exception as error:  # noqa: BLE001 - shown to the user and logged
        app.call_from_thread(_failed, app, error)
        return
    if claimed is None:
        app.call_from_thread(app.notify, TEXTS["gone"], severity="warning", markup=False)
    if claimed is not None and restore:
        app.call_from_thread(console.restore_draft, claimed.fields)
    else:
        app.call_from_thread(offer_orphan_drafts, app, skip)


def _failed(app: App, error: Exception) -> None:
    app.log.error(f"draft restore failed: {error!r}")
    app.notify(TEXTS["failed"].format(error=printable(str(error))), severity="error", markup=False)
