"""The draft of a call kept on this PC while the database server cannot be reached.

The new-request form writes its draft to the database; when the server is away (stopped,
network cut) the draft goes to a file in the user data dir instead, readable by this OS user
only (0600 in a 0700 folder), one per database and console. It is pushed back into the
database (and offered again as usual) when the server answers, and deleted once the call is
saved or dropped. Written atomically: a crash mid-write leaves the previous version.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

FOLDER = "drafts"


def local_draft_path(database: str, console: str) -> Path:
    """The file of this console's draft for `database` (its label: path or redacted URL)."""
    import hashlib  # OpenSSL loads with the first draft saved, not at start-up

    from allo_tui.paths import user_data_dir

    digest = hashlib.sha256(f"{database}\n{console}".encode()).hexdigest()[:24]
    return user_data_dir() / FOLDER / f"{digest}.json"


def write_local_draft(database: str, console: str, fields: dict[str, Any]) -> Path:
    """Keep `fields` on this PC (replacing any earlier version); returns the file."""
    path = local_draft_path(database, console)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"database": database, "console": console, "fields": fields}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return path


def read_local_draft(database: str, console: str) -> dict[str, Any] | None:
    """The fields kept on this PC for this console and database, or None."""
    path = local_draft_path(database, console)
    try:
        with open(path, encoding="utf-8") as handle:
            content = json.load(handle)
    except (OSError, ValueError):
        return None
    fields = content.get("fields") if isinstance(content, dict) else None
    return fields if isinstance(fields, dict) else None


def delete_local_draft(database: str, console: str) -> None:
    """Forget the draft kept on this PC (the call was saved, dropped, or is in the database)."""
    try:
        local_draft_path(database, console).unlink()
    except FileNotFoundError:
        pass
