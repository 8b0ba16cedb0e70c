"""The rules of `allo export` that need no database: days as typed, statuses by value or
French label, who may export callers, a service agent's reach."""

from __future__ import annotations

from datetime import date

import pytest

from allo_tui.domain.exports import (
    ExportKind,
    ExportRefusedError,
    check_may_export,
    check_period,
    parse_day,
    parse_statuses,
    reach_of,
)
from allo_tui.domain.records import OPEN_STATUSES, Role, Status


@pytest.mark.parametrize("text", ["04/12/2026", "4/12/2026", "2026-12-04", " 2026-12-4 "])
def test_a_day_in_either_spelling(text: str) -> None:
    assert parse_day("--from", text) == date(2026, 12, 4)


@pytest.mark.parametrize("text", ["31/02/2026", "12/2026", "2026/12/04", "hier", "04-12-2026"])
def test_a_bad_day_names_its_option_and_the_expected_form(text: str) -> None:
    with pytest.raises(ExportRefusedError, match=r"^--to : date .* invalide ; écrire jj/mm/aaaa"):
        parse_day("--to", text)


def test_statuses_by_value_label_or_open() -> None:
    assert parse_statuses(["in_progress"]) == {Status.IN_PROGRESS}
    assert parse_statuses(["EN COURS", "sans suite"]) == {Status.IN_PROGRESS, Status.REJECTED}
    assert parse_statuses(["terminee"]) == {Status.DONE}  # accents optional
    assert parse_statuses(["open"]) == OPEN_STATUSES
    with pytest.raises(ExportRefusedError, match="statut « perdue » inconnu"):
        parse_statuses(["perdue"])


def test_a_period_ending_before_it_starts_is_refused() -> None:
    check_period(date(2026, 1, 1), date(2026, 1, 1))
    with pytest.raises(ExportRefusedError, match="est avant --from"):
        check_period(date(2026, 1, 2), date(2026, 1, 1))


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.SERVICE])
def test_only_admins_export_callers(role: Role) -> None:
    with pytest.raises(ExportRefusedError, match="réservé aux administrateurs"):
        check_may_export(role, ExportKind.CALLERS)
    check_may_export(role, ExportKind.REQUESTS)
    check_may_export(Role.ADMIN, ExportKind.CALLERS)


def test_a_service_agent_reaches_their_services_only() -> None:
    assert reach_of(Role.SERVICE, (3, 5)) == (3, 5)
    assert reach_of(Role.SERVICE, ()) == (-1,)  # attached to nothing: sees nothing
    assert reach_of(Role.SUPERVISOR, ()) == ()  # everything
