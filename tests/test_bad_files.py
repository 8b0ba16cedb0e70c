"""The "done when" check: every `allo` command against every kind of bad database file
(text, empty, foreign SQLite, newer schema, unknown revision, truncated, read-only, full disk)
prints no traceback and changes no file it was not asked to change (tools/bad_files.py)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "tools") not in sys.path:  # tools/ is a folder of scripts, not a package
    sys.path.insert(0, str(REPO / "tools"))

import bad_files  # noqa: E402


def test_every_command_on_every_bad_file_is_refused_cleanly_or_works(tmp_path: Path) -> None:
    outcomes = bad_files.run_all(tmp_path)

    failures = [
        f"{o.kind} / {o.command}: {o.problems} {o.output[-300:]!r}"
        for o in outcomes
        if not o.passed
    ]
    assert failures == []
    kinds = {o.kind for o in outcomes}
    assert kinds >= {"text", "empty", "foreign", "newer", "unknown", "truncated", "read-only"}
    assert len(outcomes) == len(kinds) * len(bad_files.COMMANDS)
    by_cell = {(o.kind, o.command): o.status for o in outcomes}
    # the read-only database is read, not refused, by the commands that only read
    for command in ("db check", "db backup", "operator list"):
        assert by_cell[("read-only", command)] == "0", command
    assert by_cell[("read-only", "board")] == "running"
    # only `allo db init` initialises the empty file
    assert by_cell[("empty", "db init")] == "0"
    assert [c for (k, c), s in by_cell.items() if k == "empty" and s == "0"] == [
        "db init",
        "db path",
    ]
