"""The history filters as SQL terms every backend shares (portable SQL, `?` placeholders)."""

from __future__ import annotations

from datetime import datetime

from allo_tui.data.rows import OPEN_STATUS_SQL, db_time
from allo_tui.domain.records import OPEN_STATUSES, HistoryFilter


def filter_terms(
    filters: HistoryFilter, now: datetime, *, skip: str = "", street_term: str
) -> tuple[list, list]:
    """SQL terms (on `requests`, unqualified) and their parameters for every filter but the
    free text and the one named `skip` (the index that drives the query checks it).
    `street_term` is the engine's case-insensitive street comparison, with one `?`."""
    terms: list[str] = []
    params: list = []
    statuses = sorted(status.value for status in filters.statuses)
    if statuses and skip != "statuses":
        if frozenset(filters.statuses) == OPEN_STATUSES:
            terms.append(OPEN_STATUS_SQL)
        else:
            terms.append(f"status IN ({','.join('?' * len(statuses))})")
            params.extend(statuses)
    if filters.late_only:
        terms.append(OPEN_STATUS_SQL)
        terms.append("intervention_due_at < ?")
        params.append(db_time(now))
    for name, column in (
        ("caller_id", "caller_id"),
        ("service_id", "service_id"),
        ("category_id", "category_id"),
        ("urgency", "urgency"),
    ):
        value = getattr(filters, name)
        if value is not None and skip != name:
            terms.append(f"{column} = ?")
            params.append(value)
    if filters.sent_back_only:
        terms.append(OPEN_STATUS_SQL)
        terms.append("sent_back = TRUE")
    if filters.service_ids:
        terms.append(f"service_id IN ({','.join('?' * len(filters.service_ids))})")
        params.extend(filters.service_ids)
    if filters.street.strip() and skip != "street":
        terms.append(street_term)
        params.append(filters.street.strip())
    if filters.created_from is not None:
        terms.append("created_at >= ?")
        params.append(db_time(filters.created_from))
    if filters.created_to is not None:
        terms.append("created_at < ?")
        params.append(db_time(filters.created_to))
    return terms, params
