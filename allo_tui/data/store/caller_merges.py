"""Merging caller records that are one person (issue: administration and personal data).

The caller kept takes, in one write transaction: the merged records' numbers it does not hold
yet, their requests, calls and card views, their external ids of imports, and each card field it
has empty (a filled field is never overwritten; notes are put one after the other). Each merged
record is then deleted, its card and numbers as they were kept in `caller_merges` and shown on
the card; an audit row names the merge. Refused when the caller kept or a merged one was saved
by someone else since they were read (`expected` versions), and for hostesses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from allo_tui.data.backend import Connection
from allo_tui.data.rows import db_time, utc_time
from allo_tui.data.store.callers import SEARCHED_CALLER_FIELDS
from allo_tui.data.store.common import CALLER_FIELDS
from allo_tui.data.store.core import StoreCore
from allo_tui.data.store.personal_data import duplicate_candidates
from allo_tui.domain.duplicates import DuplicateCandidate, duplicates_of
from allo_tui.domain.errors import NotFoundError, ValidationError
from allo_tui.domain.records import CallerRecord, OperatorRecord, Record, Role

MERGE_TEXTS = {
    "supervisors_only": "Fusion de fiches réservée aux superviseurs et administrateurs.",
    "nothing": "Choisissez au moins une autre fiche à fusionner.",
    "itself": "Une fiche ne peut pas être fusionnée avec elle-même.",
    "unknown": "demandeur n° {id} introuvable (déjà fusionné ?)",
}
"""French messages of caller merges."""

_FILLED_ONLY = tuple(f for f in CALLER_FIELDS if f not in ("notes", "contact_preference"))
"""Card fields the caller kept takes from a merged record only when its own is empty."""
_CANDIDATES = 200
"""Callers compared with one caller when looking for its likely duplicates."""


class CallerMergeRecord(Record):
    """A record merged into a caller: when, by whom, and who it was."""

    merged_id: int
    merged_at: datetime
    operator: str
    name: str
    phones: tuple[str, ...]


class CallerMergeStore(StoreCore):
    """Caller merges, for `Store`."""

    def likely_duplicates(self, caller_id: int) -> list[DuplicateCandidate]:
        """The callers that are likely the same person as `caller_id` (same number, or same
        name and address), by id; read among those sharing a number or found by its name."""
        caller = self.get_caller(caller_id)
        by_name = self.search_callers(f"{caller.surname} {caller.given_name}", _CANDIDATES)
        with self._read() as connection:
            numbers = [phone.number for phone in caller.phones]
            sharing = (
                connection.execute(
                    "SELECT DISTINCT caller_id FROM caller_phones WHERE number IN"
                    f" ({', '.join('?' for _ in numbers)})",
                    numbers,
                ).fetchall()
                if numbers
                else []
            )
            ids = {caller_id, *(row[0] for row in sharing), *(row.id for row in by_name.rows)}
            candidates = duplicate_candidates(connection, sorted(ids))
        return duplicates_of(caller_id, candidates)

    def merge_callers(
        self,
        operator: OperatorRecord,
        kept_id: int,
        kept_version: int,
        merged: Sequence[tuple[int, int]],
    ) -> CallerRecord:
        """Merge the callers `merged` ((id, version read) pairs) into `kept_id`."""
        merged_ids = [caller_id for caller_id, _version in merged]
        if not merged_ids:
            raise ValidationError("merged", MERGE_TEXTS["nothing"])
        if kept_id in merged_ids or len(set(merged_ids)) != len(merged_ids):
            raise ValidationError("merged", MERGE_TEXTS["itself"])
        now = db_time(self.now())
        with self._write() as connection:
            if not self._role_of(connection, operator).includes(Role.SUPERVISOR):
                raise ValidationError("operator", MERGE_TEXTS["supervisors_only"])
            kept = self._card(connection, kept_id, kept_version)
            for caller_id, version in merged:
                other = self._card(connection, caller_id, version)
                old = {**{f: other[f] for f in CALLER_FIELDS}, "phones": other["phones"]}
                for field in _FILLED_ONLY:
                    if not (kept[field] or "").strip() and (other[field] or "").strip():
                        kept[field] = other[field]
                notes = (other["notes"] or "").strip()
                if notes and notes not in (kept["notes"] or ""):
                    kept["notes"] = "\n".join(
                        n for n in ((kept["notes"] or "").strip(), notes) if n
                    )
                _move(connection, caller_id, kept_id, set(kept["phones"]))
                kept["phones"] = _numbers(connection, kept_id)
                connection.execute(
                    "INSERT INTO caller_merges (kept_id, merged_id, merged_at, operator_id,"
                    " old_values) VALUES (?, ?, ?, ?, ?)",
                    (kept_id, caller_id, now, operator.id, json.dumps(old, ensure_ascii=False)),
                )
                connection.execute("DELETE FROM callers WHERE id = ?", (caller_id,))
            fields = [f for f in CALLER_FIELDS if f != "contact_preference"]
            search = self.backend.caller_search_texts(
                *(kept[f] or "" for f in SEARCHED_CALLER_FIELDS)
            )
            connection.execute(
                f"UPDATE callers SET {', '.join(f'{f} = ?' for f in fields)},"
                " search_names = ?, search_address = ?, version = version + 1,"
                " updated_at = ?, updated_by_id = ? WHERE id = ?",
                (*(kept[f] for f in fields), *search, now, operator.id, kept_id),
            )
            connection.execute(
                "INSERT INTO audit (at, operator_id, action, subject, old_value, new_value)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    now,
                    operator.id,
                    "caller.merge",
                    f"#{kept_id}",
                    json.dumps(merged_ids),
                    json.dumps(kept_id),
                ),
            )
        return self.get_caller(kept_id)

    def caller_merges(self, caller_id: int) -> list[CallerMergeRecord]:
        """The records merged into this caller, newest first."""
        with self._read() as connection:
            rows = connection.execute(
                "SELECT m.merged_id, m.merged_at, o.display_name, m.old_values"
                " FROM caller_merges m JOIN operators o ON o.id = m.operator_id"
                " WHERE m.kept_id = ? ORDER BY m.merged_at DESC, m.id DESC",
                (caller_id,),
            ).fetchall()
        merges = []
        for merged_id, merged_at, operator, old_values in rows:
            old = json.loads(old_values)
            name = " ".join(
                p for p in ((old.get("surname") or "").upper(), old.get("given_name")) if p
            )
            merges.append(
                CallerMergeRecord(
                    merged_id=merged_id,
                    merged_at=utc_time(merged_at),
                    operator=operator,
                    name=name,
                    phones=tuple(old.get("phones") or ()),
                )
            )
        return merges

    def _card(self, connection: Connection, caller_id: int, expected: int) -> dict:
        """A caller's card fields and numbers, checked against the version read."""
        row = connection.execute(
            f"SELECT {', '.join(CALLER_FIELDS)}, version, updated_at,"
            " (SELECT display_name FROM operators WHERE operators.id = updated_by_id)"
            " FROM callers WHERE id = ?",
            (caller_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(MERGE_TEXTS["unknown"].format(id=caller_id))
        version, updated_at, updated_by = row[len(CALLER_FIELDS) :]
        if version != expected:
            raise self._stale_write("Fiche", updated_by, updated_at)
        card = dict(zip(CALLER_FIELDS, row[: len(CALLER_FIELDS)], strict=True))
        card["phones"] = _numbers(connection, caller_id)
        return card


def _numbers(connection: Connection, caller_id: int) -> list[str]:
    return [
        number
        for (number,) in connection.execute(
            "SELECT number FROM caller_phones WHERE caller_id = ? ORDER BY position, id",
            (caller_id,),
        )
    ]


def _move(connection: Connection, source: int, target: int, held: set[str]) -> None:
    """Give `target` what belongs to `source`: its numbers not held yet (after `target`'s own),
    its requests, calls, card views and imported ids."""
    (position,) = connection.execute(
        "SELECT coalesce(max(position), -1) + 1 FROM caller_phones WHERE caller_id = ?", (target,)
    ).fetchone()
    for phone_id, number in connection.execute(
        "SELECT id, number FROM caller_phones WHERE caller_id = ? ORDER BY position, id",
        (source,),
    ).fetchall():
        if number in held:
            connection.execute("DELETE FROM caller_phones WHERE id = ?", (phone_id,))
            continue
        held.add(number)
        connection.execute(
            "UPDATE caller_phones SET caller_id = ?, position = ? WHERE id = ?",
            (target, position, phone_id),
        )
        position += 1
    for table in ("requests", "calls", "caller_views"):
        connection.execute(
            f"UPDATE {table} SET caller_id = ? WHERE caller_id = ?", (target, source)
        )
    connection.execute(
        "UPDATE imported_rows SET row_id = ? WHERE kind = 'caller' AND row_id = ?", (target, source)
    )
    connection.execute("UPDATE caller_merges SET kept_id = ? WHERE kept_id = ?", (target, source))


__all__ = ["MERGE_TEXTS", "CallerMergeRecord", "CallerMergeStore"]
