"""A 1 MB paste into the new-request form, whole process under a pseudo-terminal.

Issue 4: "A paste of 1 MB into the description is cut at the limit before it reaches the text
area, with a clear message, and the form is usable again within a second." The same goes for a
one-line box (lines joined with spaces, cut at the box's limit).

The harness plays the terminal: F3, Tab to the field, then it writes the paste the way a
terminal does with bracketed paste on (`ESC[200~`, 1 MB of multi-line text, `ESC[201~`) and, at
once, the keys a hostess would type next. The clock starts just before the first byte of the
paste is written; it stops when both the form's "Collage coupé" message and the text typed after
the paste are on the terminal. A paste never acknowledged counts as a failed run, never as fast.

- description: the keys typed next are a word, added after the 4,000 characters kept;
- one-line box: the paste goes to the street box (a type-ahead, 200 characters); the keys
  typed next are Tab and a word, which must show in the landmark box.

For comparison the note gives what Textual's own terminal parser needs, alone, to turn the same
bytes into a `Paste` event (allo reads pastes with `allo_tui.terminal_input`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from bench.measure import median, ms, now
from bench.rows import Row, make_row, missing_row
from bench.terminal import TerminalProcess, python_command

SIZE = (120, 40)
PASTE_BYTES = 1_000_000
F3 = "\x1bOR"
TAB = "\t"
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
MESSAGE = "Collage coupé"
LINE = "Nid-de-poule devant le 12 rue du Temple, la roue de la voiture est abîmée.\n"
FIELDS = {
    # field: (Tabs from the phone box, keys typed right after the paste, text then shown)
    "description": (8, " zqxw", "zqxw"),
    "one_line": (4, TAB + "qzwx", "qzwx"),
}
READ_SIZE = 4096
"""What Textual's driver reads from the terminal at a time."""


def pasted_text(size: int = PASTE_BYTES) -> str:
    """`size` characters of multi-line text (what a document copied by mistake looks like)."""
    return (LINE * (size // len(LINE) + 1))[:size]


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:65536])
        view = view[written:]


def paste_once(path: Path, env: dict, field: str, operator: str) -> dict:
    tabs, typed_after, shown_after = FIELDS[field]
    terminal = TerminalProcess(
        python_command("-m", "allo_tui", "--db", str(path), "--operator", operator),
        env=env,
        size=SIZE,
    )
    try:
        if terminal.wait_for("Allô Mairie", timeout=60) is None:
            return {"error": "the console never painted"}
        terminal.type(F3)
        if terminal.wait_for("Description", timeout=30) is None:
            return {"error": "the new-request form never painted"}
        terminal.type(TAB * tabs)
        terminal.drain(2.0)  # the form settled, as when a hostess reaches the field
        data = (PASTE_START + pasted_text() + PASTE_END + typed_after).encode()
        offset = terminal.text.offset
        started = now()
        writer = threading.Thread(target=_write_all, args=(terminal.master, data), daemon=True)
        writer.start()
        message = terminal.wait_for(MESSAGE, since=offset, timeout=60)
        typed = terminal.wait_for(shown_after, since=offset, timeout=30)
        writer.join(timeout=30)
        if message is None:
            return {"error": "the cut paste was never reported beside the field"}
        if typed is None:
            return {"error": "the keys typed after the paste never showed"}
        return {"seconds": max(message, typed) - started, "message": message - started}
    finally:
        terminal.stop(patient=False)


def textual_parser_seconds(size: int = PASTE_BYTES) -> float:
    """Seconds Textual's `XTermParser` alone takes to read the same bracketed paste."""
    from textual._xterm_parser import XTermParser

    data = PASTE_START + pasted_text(size) + PASTE_END
    parser = XTermParser()
    started = now()
    for index in range(0, len(data), READ_SIZE):
        for _event in parser.feed(data[index : index + READ_SIZE]):
            pass
    return now() - started


def paste_rows(path: Path, runs: int, env: dict) -> list[Row]:
    reference = textual_parser_seconds()
    rows = []
    for field in FIELDS:
        key = f"paste.{field}"
        results, errors = [], []
        for run in range(runs):
            # One operator per run: a run's draft is never offered to the next one.
            result = paste_once(path, env, field, f"bench-paste-{field}-{run}")
            (errors.append(result["error"]) if "error" in result else results.append(result))
        if not results:
            rows.append(missing_row(key, errors[0] if errors else "no run finished"))
            continue
        seconds = [r["seconds"] for r in results]
        note = (
            f"1 MB bracketed paste, then typing; message shown at "
            f"{ms(median([r['message'] for r in results])):.0f} ms (median); "
            f"Textual's own parser alone: {ms(reference):.0f} ms"
        )
        if errors:
            note += f"; {len(errors)} failed run(s): {errors[0]}"
        rows.append(
            make_row(
                key,
                ms(median(seconds)),
                samples=len(results),
                note=note,
                extra={
                    "runs_ms": [round(ms(s), 1) for s in seconds],
                    "textual_parser_ms": round(ms(reference), 1),
                    "errors": errors,
                },
            )
        )
    return rows
