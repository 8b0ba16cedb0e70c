"""Personal data of callers: likely duplicates (issue: administration and personal data)."""

from __future__ import annotations

from allo_tui.data.backend import Connection
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.duplicates import DuplicateCandidate, DuplicateGroup, duplicate_groups

__all__ = ["PersonalDataStore", "duplicate_candidates"]


def duplicate_candidates(connection: Connection) -> list[DuplicateCandidate]:
    """Every caller with what the duplicate comparison needs, by id."""
    phones: dict[int, list[tuple[str, str]]] = {}
    for caller_id, number, display in connection.execute(
        "SELECT caller_id, number, display FROM caller_phones ORDER BY caller_id, position, id"
    ):
        phones.setdefault(caller_id, []).append((number, display))
    rows = connection.execute(
        "SELECT id, surname, given_name, street_number, street FROM callers ORDER BY id"
    )
    return [
        DuplicateCandidate(
            id=caller_id,
            surname=surname or "",
            given_name=given_name or "",
            street_number=street_number or "",
            street=street or "",
            phones=tuple(number for number, _ in phones.get(caller_id, ())),
            phone_displays=tuple(display for _, display in phones.get(caller_id, ())),
        )
        for caller_id, surname, given_name, street_number, street in rows
    ]


class PersonalDataStore(StoreCore):
    """Callers' personal data, for `Store`."""

    def duplicate_callers(self) -> list[DuplicateGroup]:
        """The groups of likely duplicate callers (same number, or same name and address)."""
        with self._read() as connection:
            return duplicate_groups(duplicate_candidates(connection))
