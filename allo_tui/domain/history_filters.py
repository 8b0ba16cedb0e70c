"""The history's filters as the user set them (turned into the Store's filter, cleared one by
one), and the reference typed alone in its search box."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from allo_tui.domain import periods
from allo_tui.domain.labels import URGENCY_LABELS
from allo_tui.domain.records import CategoryRecord, HistoryFilter, ServiceRecord, Status

_REFERENCE = re.compile(r"\s*(\d{4}\s*[-/]\s*\d{1,9}|0\d{4,8})\s*")


@dataclass(frozen=True)
class HistoryFilters:
    """The filters as the user set them, with the labels their chips show."""

    text: str = ""
    statuses: frozenset[Status] = frozenset()
    status_label: str = ""
    urgency: int | None = None
    category: CategoryRecord | None = None
    service: ServiceRecord | None = None
    street: str = ""
    period: periods.Period | None = None
    late_only: bool = False
    scope: tuple[int, ...] = ()
    """The services a service agent's history is kept to (not a filter one can clear)."""

    def to_store(self) -> HistoryFilter:
        """The Store's filter."""
        return HistoryFilter(
            text=self.text.strip(),
            statuses=self.statuses,
            urgency=self.urgency,
            category_id=self.category.id if self.category else None,
            service_id=self.service.id if self.service else None,
            street=self.street,
            created_from=self.period.start if self.period else None,
            created_to=self.period.end if self.period else None,
            late_only=self.late_only,
            service_ids=self.scope,
        )

    def active(self) -> list[tuple[str, str]]:
        """(filter name, value its chip shows) of every active filter except the text box, in
        chip order; "late" (late only) comes last, with no value."""
        values = {
            "status": self.status_label if self.statuses else "",
            "urgency": (
                f"{self.urgency} {URGENCY_LABELS[self.urgency]}" if self.urgency is not None else ""
            ),
            "category": self.category.label if self.category else "",
            "service": self.service.name if self.service else "",
            "street": self.street,
            "period": self.period.label if self.period else "",
        }
        active = [(name, value) for name, value in values.items() if value]
        if self.late_only:
            active.append(("late", ""))
        return active

    def without(self, name: str) -> HistoryFilters:
        """These filters with one of them cleared."""
        match name:
            case "status":
                return replace(self, statuses=frozenset(), status_label="")
            case "late":
                return replace(self, late_only=False)
            case "text":
                return replace(self, text="")
            case "street":
                return replace(self, street="")
            case "urgency" | "category" | "service" | "period":
                return replace(self, **{name: None})
        return self

    @property
    def any(self) -> bool:
        return bool(self.active()) or bool(self.text.strip())


def reference_in(text: str) -> str | None:
    """The reference typed in the filter box ("2026-00042" or "00042"), if that is all it holds."""
    match = _REFERENCE.fullmatch(text)
    return match.group(1) if match else None
