"""Imports from other systems (`allo import`): the street register upserted by name."""

from __future__ import annotations

from dataclasses import dataclass

from allo_tui.data.store.core import StoreCore
from allo_tui.domain.text import fold


@dataclass(frozen=True)
class StreetImportCounts:
    """What an import of streets did (or would do, on a dry run)."""

    added: int
    updated: int
    unchanged: int


class ImportStore(StoreCore):
    """Imports, for `Store`."""

    def import_streets(
        self, streets: list[tuple[str, str]], *, dry_run: bool = False
    ) -> StreetImportCounts:
        """Upsert (name, kind) pairs into the street register in one transaction.

        A name already there (compared without case or accents) is reactivated and takes the
        file's kind; a new one is added. `dry_run` counts without writing.
        """
        added = updated = unchanged = 0
        with self._read() if dry_run else self._write() as connection:
            existing = {
                fold(name): (row_id, name, kind, bool(active))
                for row_id, name, kind, active in connection.execute(
                    "SELECT id, name, kind, active FROM streets"
                ).fetchall()
            }
            for name, kind in streets:
                found = existing.get(fold(name))
                if found is None:
                    added += 1
                    if not dry_run:
                        connection.execute(
                            "INSERT INTO streets (name, kind, active) VALUES (?, ?, ?)",
                            (name, kind, True),
                        )
                    existing[fold(name)] = (0, name, kind, True)
                elif found[2] != kind or not found[3]:
                    updated += 1
                    if not dry_run:
                        connection.execute(
                            "UPDATE streets SET kind = ?, active = ? WHERE id = ?",
                            (kind, True, found[0]),
                        )
                    existing[fold(name)] = (found[0], found[1], kind, True)
                else:
                    unchanged += 1
        self._streets = None
        return StreetImportCounts(added, updated, unchanged)
