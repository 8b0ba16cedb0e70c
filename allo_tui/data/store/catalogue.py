"""The catalogue: categories, services, known streets and the demo flag."""

from __future__ import annotations

from allo_tui.data.rows import (
    OPEN_STATUS_SQL,
    category_rows,
    known_street_rows,
    service_rows,
    setting,
    street_rows,
)
from allo_tui.data.store.core import StoreCore
from allo_tui.domain.records import (
    CategoryRecord,
    ServiceRecord,
)
from allo_tui.domain.streets import Street
from allo_tui.domain.text import fold


class CatalogueStore(StoreCore):
    """The catalogue, for `Store`."""

    def is_demo(self) -> bool:
        """True for a database built by `allo demo`."""
        with self._read() as connection:
            return setting(connection, "demo") == "true"

    def row_counts(self) -> dict[str, int]:
        """How many callers, requests, calls, events and open requests the database holds."""
        with self._read() as connection:
            counts = {
                table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("callers", "requests", "calls", "events")
            }
            counts["open_requests"] = connection.execute(
                f"SELECT count(*) FROM requests WHERE {OPEN_STATUS_SQL}"
            ).fetchone()[0]
        return counts

    def categories(self) -> list[CategoryRecord]:
        with self._read() as raw:
            return category_rows(raw)

    def services(self) -> list[ServiceRecord]:
        with self._read() as raw:
            return service_rows(raw)

    def find_category(self, text_or_code: str) -> CategoryRecord | None:
        """A category by code or label, case- and accent-insensitive; None when unknown."""
        wanted = fold(text_or_code)
        for category in self.categories():
            if wanted in (fold(category.code), fold(category.label)):
                return category
        return None

    def streets(self) -> list[Street]:
        """The site's street register (table `streets`), read once per Store."""
        if self._streets is None:
            with self._read() as connection:
                self._streets = street_rows(connection)
        return self._streets

    def known_streets(self, limit: int = 5000) -> list[str]:
        """Streets already used in requests and caller addresses (for type-ahead)."""
        with self._read() as raw:
            return known_street_rows(raw, limit)
