"""Anonymising callers (GDPR): erasure on request and the retention purge.

A caller anonymised keeps their record (requests, dates, categories and places stay for the
statistics) but loses, everywhere they appear, what identifies them: the card's name, e-mail,
address and notes are emptied (the neighbourhood stays), the numbers deleted; in their requests
the description, landmark, answer and what a wait is for lose phone numbers, e-mail addresses
and the caller's name and numbers as written; so do the notes and values of those requests'
events (the one exception to append-only events, DESIGN §7); their calls lose the number, their
card openings, merge records and drafts go, an import's original row is emptied (its external id
stays, so importing the file again adds nothing). The search index follows through the usual
columns and triggers. Each anonymisation is one transaction, recorded in the audit with counts.

Erasure (`erase_caller`) is refused while a request of the caller is open, unless forced; the
purge (`purge_callers`) takes the callers with no open request and no contact for the retention
period (`retention_years`): no call, no request changed and no card edit since.
"""

from __future__ import annotations

import json
from datetime import timedelta

import msgspec

from allo_tui.data.backend import Connection
from allo_tui.data.rows import OPEN_STATUS_SQL, db_time
from allo_tui.data.rows.catalogue import setting
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.errors import NotFoundError, ValidationError
from allo_tui.domain.records import OperatorRecord, Role
from allo_tui.domain.scrubber import scrub

ANONYMOUS_SURNAME = "Anonymisé"
"""The surname an anonymised caller keeps (the card says what happened)."""
PURGE_BATCH = 200
"""Callers anonymised per transaction by the purge (each batch recorded in the audit)."""
DEFAULT_RETENTION_YEARS = 3

ANONYMISE_TEXTS = {
    "admins_only": "Réservé aux administrateurs.",
    "open_requests": (
        "L'appelant #{id} a {count} demande(s) ouverte(s) : l'effacement attend leur clôture"
        " (--force pour effacer quand même)."
    ),
    "unknown": "aucun appelant #{id}",
    "reason": "Donnez le motif de l'effacement (--reason).",
}
"""French messages of the anonymisation."""

_REQUEST_TEXTS = ("description", "landmark", "answer", "waiting_for")
_EVENT_TEXTS = ("note", "old_value", "new_value")


class AnonymisedCounts(msgspec.Struct):
    """What an anonymisation changed."""

    callers: int = 0
    requests: int = 0
    events: int = 0
    calls: int = 0
    phones: int = 0
    drafts: int = 0

    def add(self, other: AnonymisedCounts) -> None:
        for name in self.__struct_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__struct_fields__}


class AnonymiseStore(StoreCore):
    """Anonymisation of callers, for `Store`."""

    def erase_caller(
        self, operator: OperatorRecord, caller_id: int, reason: str, *, force: bool = False
    ) -> AnonymisedCounts:
        """Anonymise one caller now (erasure on request), recorded in the audit with `reason`."""
        if not reason.strip():
            raise ValidationError("reason", ANONYMISE_TEXTS["reason"])
        with self._write() as connection:
            self._require_admin(connection, operator)
            if (
                connection.execute("SELECT 1 FROM callers WHERE id = ?", (caller_id,)).fetchone()
                is None
            ):
                raise NotFoundError(ANONYMISE_TEXTS["unknown"].format(id=caller_id))
            (open_count,) = connection.execute(
                f"SELECT count(*) FROM requests WHERE caller_id = ? AND {OPEN_STATUS_SQL}",
                (caller_id,),
            ).fetchone()
            if open_count and not force:
                raise ValidationError(
                    "caller",
                    ANONYMISE_TEXTS["open_requests"].format(id=caller_id, count=open_count),
                )
            counts = self._anonymise(connection, caller_id, operator)
            self._audit(
                connection,
                operator,
                "gdpr.erase",
                f"#{caller_id}",
                {
                    "reason": reason.strip(),
                    "forced": bool(force and open_count),
                    **counts.as_dict(),
                },
            )
        return counts

    def purge_candidates(self) -> list[int]:
        """The callers the retention purge would anonymise now, by id."""
        with self._read() as connection:
            return self._purge_candidates(connection)

    def purge_callers(self, operator: OperatorRecord) -> tuple[int, AnonymisedCounts]:
        """Anonymise every caller past the retention period, `PURGE_BATCH` per transaction;
        also delete drafts and card openings older than the period. Returns how many callers
        and what changed."""
        total = AnonymisedCounts()
        with self._read() as connection:
            self._require_admin(connection, operator)
        first = True
        while True:
            with self._write() as connection:
                ids = self._purge_candidates(connection)[:PURGE_BATCH]
                batch = AnonymisedCounts()
                if first:
                    cutoff = db_time(self._cutoff(connection))
                    batch.drafts += connection.execute(
                        "DELETE FROM drafts WHERE updated_at < ?", (cutoff,)
                    ).rowcount
                    connection.execute("DELETE FROM caller_views WHERE viewed_at < ?", (cutoff,))
                for caller_id in ids:
                    batch.add(self._anonymise(connection, caller_id, operator))
                if ids or first:
                    self._audit(connection, operator, "gdpr.purge", "", batch.as_dict())
            total.add(batch)
            first = False
            if len(ids) < PURGE_BATCH:
                return total.callers, total

    # -- inside one write transaction ----------------------------------------------------

    def _require_admin(self, connection: Connection, operator: OperatorRecord) -> None:
        if not self._role_of(connection, operator).includes(Role.ADMIN):
            raise ValidationError("operator", ANONYMISE_TEXTS["admins_only"])

    def _audit(
        self, connection: Connection, operator: OperatorRecord, action: str, subject: str, new
    ) -> None:
        connection.execute(
            "INSERT INTO audit (at, operator_id, action, subject, old_value, new_value)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                db_time(self.now()),
                operator.id,
                action,
                subject,
                "",
                json.dumps(new, ensure_ascii=False, sort_keys=True),
            ),
        )

    def _cutoff(self, connection: Connection):
        years = setting(connection, "retention_years")
        try:
            count = int(json.loads(years)) if years else DEFAULT_RETENTION_YEARS
        except (TypeError, ValueError):
            count = DEFAULT_RETENTION_YEARS
        return self.now() - timedelta(days=round(365.25 * max(count, 1)))

    def _purge_candidates(self, connection: Connection) -> list[int]:
        cutoff = db_time(self._cutoff(connection))
        rows = connection.execute(
            "SELECT c.id FROM callers c WHERE c.updated_at < ?"
            " AND NOT (c.surname = ? AND c.given_name = '' AND c.email = ''"
            "          AND NOT EXISTS (SELECT 1 FROM caller_phones p WHERE p.caller_id = c.id))"
            f" AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.caller_id = c.id"
            f"                 AND (r.{OPEN_STATUS_SQL} OR r.updated_at >= ?))"
            " AND NOT EXISTS (SELECT 1 FROM calls k WHERE k.caller_id = c.id"
            "                 AND k.started_at >= ?)"
            " ORDER BY c.id",
            (cutoff, ANONYMOUS_SURNAME, cutoff, cutoff),
        ).fetchall()
        return [row[0] for row in rows]

    def _anonymise(
        self, connection: Connection, caller_id: int, operator: OperatorRecord
    ) -> AnonymisedCounts:
        counts = AnonymisedCounts(callers=1)
        surname, given_name, email = connection.execute(
            "SELECT surname, given_name, email FROM callers WHERE id = ?", (caller_id,)
        ).fetchone()
        phones = connection.execute(
            "SELECT number, display, search_digits FROM caller_phones WHERE caller_id = ?",
            (caller_id,),
        ).fetchall()
        extra = _identifying(surname or "", given_name or "", email or "", phones)
        request_ids = []
        for row in connection.execute(
            "SELECT id, street_number, street, "
            + ", ".join(_REQUEST_TEXTS)
            + " FROM requests WHERE caller_id = ?",
            (caller_id,),
        ).fetchall():
            request_id, street_number, street, *texts = row
            request_ids.append(request_id)
            cleaned = [scrub(text or "", extra=extra).text for text in texts]
            if cleaned != [text or "" for text in texts]:
                values = dict(zip(_REQUEST_TEXTS, cleaned, strict=True))
                search = self.backend.request_search_texts(
                    values["description"], street_number, street, values["landmark"]
                )
                connection.execute(
                    "UPDATE requests SET "
                    + ", ".join(f"{name} = ?" for name in _REQUEST_TEXTS)
                    + ", search_description = ?, search_location = ? WHERE id = ?",
                    (*cleaned, *search, request_id),
                )
                counts.requests += 1
        counts.events = self._scrub_events(connection, request_ids, extra)
        counts.calls = connection.execute(
            "UPDATE calls SET phone = '' WHERE caller_id = ? AND phone <> ''", (caller_id,)
        ).rowcount
        counts.phones = connection.execute(
            "DELETE FROM caller_phones WHERE caller_id = ?", (caller_id,)
        ).rowcount
        for number, display, _digits in phones:
            counts.drafts += connection.execute(
                "DELETE FROM drafts WHERE fields LIKE ? OR fields LIKE ?",
                (f"%{number}%", f"%{display}%"),
            ).rowcount
        connection.execute("DELETE FROM caller_views WHERE caller_id = ?", (caller_id,))
        connection.execute("DELETE FROM caller_merges WHERE kept_id = ?", (caller_id,))
        if request_ids:  # the outbox: that a reply went, and when, stays; to whom and what go
            connection.execute(
                "UPDATE reply_mails SET to_address = '', subject = '', body = ''"
                f" WHERE request_id IN ({', '.join('?' * len(request_ids))})",
                request_ids,
            )
        connection.execute(
            "UPDATE imported_rows SET original = '' WHERE kind = 'caller' AND row_id = ?",
            (caller_id,),
        )
        search = self.backend.caller_search_texts(ANONYMOUS_SURNAME, "", "", "", "", "", "")
        connection.execute(
            "UPDATE callers SET surname = ?, given_name = '', email = '', street_number = '',"
            " street = '', address_extra = '', postcode = '', city = '', notes = '',"
            " contact_preference = 'none', search_names = ?, search_address = ?,"
            " version = version + 1, updated_at = ?, updated_by_id = ? WHERE id = ?",
            (ANONYMOUS_SURNAME, *search, db_time(self.now()), operator.id, caller_id),
        )
        return counts

    def _scrub_events(
        self, connection: Connection, request_ids: list[int], extra: tuple[str, ...]
    ) -> int:
        changed: list[tuple] = []
        for start in range(0, len(request_ids), 500):
            chunk = request_ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for event_id, *texts in connection.execute(
                f"SELECT id, {', '.join(_EVENT_TEXTS)} FROM events WHERE request_id IN ({marks})",
                chunk,
            ).fetchall():
                cleaned = [scrub(text or "", extra=extra).text for text in texts]
                if cleaned != [text or "" for text in texts]:
                    changed.append((*cleaned, event_id))
        if changed:
            with self.backend.rewriting_events(connection):
                connection.executemany(
                    "UPDATE events SET "
                    + ", ".join(f"{name} = ?" for name in _EVENT_TEXTS)
                    + " WHERE id = ?",
                    changed,
                )
        return len(changed)


def _identifying(surname: str, given_name: str, email: str, phones) -> tuple[str, ...]:
    """What to remove from free text besides any phone number or e-mail address: the caller's
    name as written (whole, and the surname alone when it is not a short word) and numbers."""
    values = [f"{given_name} {surname}", f"{surname} {given_name}", email]
    if len(surname.strip()) >= 3:
        values.append(surname)
    for number, display, digits in phones:
        values += [number, display, digits]
    return tuple(sorted({v.strip() for v in values if v and v.strip()}, key=len, reverse=True))


__all__ = ["ANONYMISE_TEXTS", "ANONYMOUS_SURNAME", "AnonymisedCounts", "AnonymiseStore"]
